"""``packetgen init FOLDER``: a new project, the way ``mkdocs new`` makes a site.

What it writes: ``packetgen.yml`` (every key, with its default and what it does, generated from
``config.Settings`` so the file and the code never disagree), ``people/`` with one fictional
example person (``packetgen/skeleton``), ``schema/`` for editor completion, a ``.gitignore`` that
keeps ``build/`` out of git, and a short README for the program's staff. It refuses a folder that
is not empty unless ``--force`` is given, and never overwrites a file: a project's real data is
never touched by it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from packetgen.project.config import CONFIG_NAME, Settings
from packetgen.project.schema import schema_texts
from packetgen.project.shipped import shipped

EXAMPLES: dict[str, str] = {
    "organization": "organization:\n  name: Example Home Care (fictional)\n  phone: 555-0100",
    "templates": "templates: my-templates",
    "logo": "logo: logo.png",
}
"""What an unset optional key could look like, shown commented out."""

SKELETON_DATE = "2026-01-05"
"""The review and verification date written in the example person, replaced by the day of ``init``."""

GITIGNORE = """\
# Built documents hold the same sensitive facts as people/: never commit them.
build/
.venv/
__pycache__/
"""

README = """\
# Crisis information packets

This folder is a packetgen project: one folder per person under `people/`, each with a
`profile.yaml` and their `events/`. `packetgen build` writes every document to `build/`.

- `packetgen new ID`: a starter profile for a new person (then fill in every TODO).
- `packetgen check`: every problem in every profile, with file and line.
- `packetgen build`: responder packets, crisis plans and forms, as HTML and PDF, in `build/`.
- `packetgen watch --serve`: rebuild on every save and show `build/` in the browser.

`packetgen.yml` holds the program's settings (organization, paper size, date style ...), each
explained in the file. `people/alex-b` is a fictional example: delete it once real people are in.

Keep this folder (and `build/`) on encrypted storage that only staff can read. If it is a git
repository, keep it private: `.gitignore` already keeps `build/` out of it.
"""


class ScaffoldRefused(Exception):
    """The folder cannot be made into a project; ``str()`` says why and what to do."""


def scaffold(folder: Path, force: bool = False) -> tuple[list[Path], list[Path]]:
    """Write a new project into ``folder``; returns (written, kept) paths relative to ``folder``."""
    if folder.exists() and not folder.is_dir():
        raise ScaffoldRefused(f"{folder} is a file, not a folder: pick a folder name")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ScaffoldRefused(
            f"{folder} is not empty: pick a new folder, or add --force to add the missing "
            "project files (nothing there is overwritten)"
        )
    files: dict[Path, str] = {
        Path(CONFIG_NAME): settings_text(),
        Path(".gitignore"): GITIGNORE,
        Path("README.md"): README,
    }
    files |= {Path(relative): text for relative, text in schema_texts().items()}
    skeleton = shipped("skeleton")
    # The example's plan was reviewed today, so a new project starts with nothing overdue.
    today = dt.date.today().isoformat()
    files |= {
        path.relative_to(skeleton): path.read_text(encoding="utf-8").replace(SKELETON_DATE, today)
        for path in sorted(skeleton.rglob("*.yaml"))
    }
    written, kept = [], []
    for relative, text in files.items():
        target = folder / relative
        if target.exists():
            kept.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:  # "x": never replaces a file made meanwhile
            handle.write(text)
        written.append(relative)
    return written, kept


def settings_text() -> str:
    """packetgen.yml as ``init`` writes it: every key, its default, and what it does."""
    lines = [
        "# packetgen.yml: this program's settings. Every key is optional; each line below shows the",
        "# default. Errors here are reported with line numbers, like a profile's (`packetgen check`).",
        f"# yaml-language-server: $schema=schema/{CONFIG_NAME.removesuffix('.yml')}.schema.json",
        "",
    ]
    _write_model(lines, Settings, Settings(), "")
    return "\n".join(lines) + "\n"


def _write_model(lines: list[str], model: type[BaseModel], value: BaseModel, indent: str) -> None:
    for name, info in model.model_fields.items():
        current = getattr(value, name)
        _comment(lines, info, indent)
        if isinstance(current, BaseModel):
            lines.append(f"{indent}{name}:")
            _write_model(lines, type(current), current, indent + "  ")
        elif current is None:
            lines += [f"{indent}# {line}" for line in EXAMPLES.get(name, f"{name}: ...").splitlines()]
        else:
            lines.append(f"{indent}{name}: {_scalar(current)}")
        if not indent:
            lines.append("")


def _comment(lines: list[str], info: FieldInfo, indent: str) -> None:
    words = (info.description or "").split()
    line = ""
    for word in words:
        if len(indent) + len(line) + len(word) > 94:
            lines.append(f"{indent}# {line.rstrip()}")
            line = ""
        line += word + " "
    if line:
        lines.append(f"{indent}# {line.rstrip()}")


def _scalar(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip().removesuffix("...").strip()
