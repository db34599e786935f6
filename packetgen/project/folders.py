"""Where a packetgen project keeps its inputs and outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from packetgen.model.errors import Problem
from packetgen.model.ids import is_person_id
from packetgen.project.config import CONFIG_NAME, Config, read_config
from packetgen.project.shipped import shipped

if TYPE_CHECKING:
    from packetgen.pipeline.render import Look


YAML_SUFFIXES = (".yaml", ".yml")
"""Profile and event files may use either spelling of the YAML extension."""
PROFILE_NAMES = tuple(f"profile{suffix}" for suffix in YAML_SUFFIXES)


@dataclass(frozen=True)
class Project:
    root: Path
    build_dir: Path
    config: Config = field(default_factory=Config, compare=False)
    """packetgen.yml, read once when the project is opened (defaults when there is none)."""

    @property
    def people_dir(self) -> Path:
        return self.root / "people"

    @property
    def templates_dir(self) -> Path:
        return _own_or_shipped(self.root, "templates")

    @property
    def styles_dir(self) -> Path:
        return _own_or_shipped(self.root, "styles")

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """Where templates are looked up, in order: the folder packetgen.yml names under
        ``templates:`` (its files replace shipped ones of the same name), then the project's own
        or the shipped templates."""
        own = self.config.settings.templates
        return ((self.root / own,) if own else ()) + (self.templates_dir,)

    @cached_property
    def look(self) -> Look:
        """What every document of this project shares: templates, organization, dates, logo."""
        from packetgen.pipeline.render import Look

        settings = self.config.settings
        org = settings.organization
        return Look(
            self.template_dirs, (org.name, org.phone) if org else None, settings.dates.format, self.config.logo_uri
        )

    @property
    def paper(self) -> str:
        return self.config.settings.paper

    def person_dir(self, person_id: str) -> Path:
        """``people/<id>``; an id that breaks the person-id rule is a programming error here (the CLI
        refuses it with a usage message first)."""
        if not is_person_id(person_id):
            raise ValueError("not a valid person id")
        return self.people_dir / person_id

    def profile_path(self, person_id: str) -> Path:
        """``profile.yaml``, or ``profile.yml`` if that is the one there (both: see ``duplicate_files``)."""
        folder = self.person_dir(person_id)
        for name in PROFILE_NAMES:
            if (folder / name).exists():
                return folder / name
        return folder / PROFILE_NAMES[0]

    def event_paths(self, person_id: str) -> list[Path]:
        """Event files for one person, in name order (name them by date: 2026-11-02-escalation.yaml).
        ``.yml`` counts the same as ``.yaml``; when both spellings of one event exist, ``.yaml`` is read
        and ``duplicate_files`` reports the pair."""
        folder = self.person_dir(person_id) / "events"
        if not folder.is_dir():
            return []
        found: dict[str, Path] = {}
        for suffix in reversed(YAML_SUFFIXES):
            found |= {p.stem: p for p in folder.glob(f"*{suffix}")}
        return [found[stem] for stem in sorted(found)]

    def person_ids(self) -> list[str]:
        """Every folder under people/ holding a profile and named by the person-id rule."""
        return [name for name in self._profile_folders() if is_person_id(name)]

    def misnamed_folders(self) -> list[str]:
        """Folders under people/ holding a profile but not named by the person-id rule: never built,
        never loaded, never named in a document (the name may hold a full name or a diagnosis)."""
        return [name for name in self._profile_folders() if not is_person_id(name)]

    def _profile_folders(self) -> list[str]:
        if not self.people_dir.is_dir():
            return []
        return sorted({p.parent.name for name in PROFILE_NAMES for p in self.people_dir.glob(f"*/{name}")})

    def duplicate_files(self, person_id: str) -> list[Problem]:
        """Two spellings of one file (``profile.yaml`` and ``profile.yml``): which one is meant is a guess,
        so the person is not built until one is removed."""
        folder = self.people_dir / person_id
        pairs = [(folder / PROFILE_NAMES[0], folder / PROFILE_NAMES[1])]
        pairs += [(p.with_suffix(".yaml"), p) for p in sorted((folder / "events").glob("*.yml"))]
        return [
            Problem(
                self.display(yml),
                None,
                "",
                f"both {yaml.name} and {yml.name} exist: keep one (they would be the same file)",
            )
            for yaml, yml in pairs
            if yaml.is_file() and yml.exists()
        ]

    def display(self, path: Path) -> Path:
        """Paths in messages are relative to the project, as a supervisor would type them."""
        try:
            return path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return path


def _own_or_shipped(root: Path, name: str) -> Path:
    """A project may carry its own templates/ or styles/; otherwise use the ones shipped with packetgen."""
    own = root / name
    return own if own.is_dir() else shipped(name)


def open_project(root: Path, out: Path | None = None) -> Project:
    root = root.resolve()
    return Project(root, (out or root / "build").resolve(), read_config(root))


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding packetgen.yml, as git, pytest and MkDocs
    find theirs, so any command works from any subfolder of a project."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None
