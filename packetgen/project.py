"""Where a packetgen project keeps its inputs and outputs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PERSON_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""Person ids become folder and file names, so they stay short, lower-case and free of details."""

EVENT_ID = PERSON_ID
"""Event ids are the event file's name without .yaml; they become folder names under build/ too."""

PACKAGE_ROOT = Path(__file__).resolve().parent.parent

DRILL_LOG = "drills.jsonl"
"""Each person's drill results, beside the profile. An output of drills, not an input of documents."""


@dataclass(frozen=True)
class Project:
    root: Path
    build_dir: Path

    @property
    def people_dir(self) -> Path:
        return self.root / "people"

    @property
    def templates_dir(self) -> Path:
        return _own_or_shipped(self.root, "templates")

    @property
    def styles_dir(self) -> Path:
        return _own_or_shipped(self.root, "styles")

    def profile_path(self, person_id: str) -> Path:
        return self.people_dir / person_id / "profile.yaml"

    def event_paths(self, person_id: str) -> list[Path]:
        """Event files for one person, in name order (name them by date: 2026-11-02-escalation.yaml)."""
        folder = self.people_dir / person_id / "events"
        return sorted(folder.glob("*.yaml")) if folder.is_dir() else []

    def person_ids(self) -> list[str]:
        if not self.people_dir.is_dir():
            return []
        return sorted(p.parent.name for p in self.people_dir.glob("*/profile.yaml"))

    def display(self, path: Path) -> Path:
        """Paths in messages are relative to the project, as a supervisor would type them."""
        try:
            return path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return path


def _own_or_shipped(root: Path, name: str) -> Path:
    """A project may carry its own templates/ or styles/; otherwise use the ones shipped with packetgen."""
    own = root / name
    return own if own.is_dir() else PACKAGE_ROOT / name


def open_project(root: Path, out: Path | None = None) -> Project:
    root = root.resolve()
    return Project(root, (out or root / "build").resolve())
