"""Files under people/ that packetgen will not read, so that none is dropped without a word.

``events/2026-11-29-ed-visit.txt`` or a folder without a profile used to be skipped silently, and
with them a notification rule and an audit finding. Each such file is reported as a warning
naming its path. The warnings are printed by the CLI only, never written into a document, the
index or a log under build/: a file name can hold a person's name or a diagnosis.

Not reported: what packetgen reads (the profile, event files, the photo the profile names), the
drill log, and editor litter (backups, swap files, dot-files: ``packetgen/builder/cache.py`` decides).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from packetgen.model.errors import Problem
from packetgen.model.ids import DRILL_LOG
from packetgen.pipeline.digest import is_source_file
from packetgen.project.folders import PROFILE_NAMES, YAML_SUFFIXES, Project

_WHAT_IS_READ = "packetgen reads profile.yaml, events/*.yaml, the photo the profile names and drills.jsonl"


def unread_files(project: Project, profiles: Mapping[str, Any]) -> list[Problem]:
    """Warnings for every file under people/ no build reads. ``profiles`` maps each person id to their
    loaded profile data (plain data, so a profile with errors still names its photo); only those
    people's folders are looked into (a build that did not load someone, because nothing of theirs
    changed, has reported their folder before), but a folder without a profile is always reported."""
    people = project.people_dir
    if not people.is_dir():
        return []
    found = []
    for entry in sorted(people.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and (entry.name in profiles or not _has_profile(entry)):
            found += _person_folder(project, entry, profiles.get(entry.name))
        elif entry.is_file() and is_source_file(entry):  # another person's folder, not loaded now: fine
            found.append(
                _warning(
                    project, entry, f"{_WHAT_IS_READ}, each inside a person's folder: move this file out of people/"
                )
            )
    return found


def _has_profile(folder: Path) -> bool:
    return any((folder / name).is_file() for name in PROFILE_NAMES)


def _person_folder(project: Project, folder: Path, data: Any) -> list[Problem]:
    if not _has_profile(folder):
        return [
            _warning(
                project,
                folder,
                f"no profile.yaml in this folder, so nothing in it is read: add one "
                f"(`packetgen new {folder.name}`) or move the folder out of people/",
            )
        ]
    if not isinstance(data, dict):
        return []  # the profile cannot be read, so what it names is unknown: its errors come first
    read = {folder / name for name in PROFILE_NAMES} | {folder / DRILL_LOG}
    read |= {folder / "events" / p.name for p in _event_files(folder)}
    photo = _photo(data)
    if photo:
        read.add(folder / photo)
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_dir() or not is_source_file(path) or any(p.startswith(".") for p in relative.parts):
            continue
        if path in read or _same_file(path, read):
            continue
        found.append(_warning(project, path, _hint(relative)))
    return found


def _event_files(folder: Path) -> Iterable[Path]:
    events = folder / "events"
    return [p for suffix in YAML_SUFFIXES for p in events.glob(f"*{suffix}")] if events.is_dir() else []


def _photo(data: Any) -> str | None:
    identity = data.get("identity") if isinstance(data, dict) else None
    photo = identity.get("photo") if isinstance(identity, dict) else None
    return photo if isinstance(photo, str) else None


def _same_file(path: Path, read: set[Path]) -> bool:
    """The photo may be named as ``./photo.svg`` or ``img/../photo.svg``."""
    try:
        resolved = path.resolve()
        return any(resolved == p.resolve() for p in read)
    except OSError:
        return False


def _hint(relative: Path) -> str:
    if relative.parts[0] == "events" and len(relative.parts) == 2:
        return (
            "not read: an event file's name must end in .yaml (or .yml), e.g. 2026-11-02-escalation.yaml; "
            "rename it, or move it out of people/"
        )
    if relative.name.lower().startswith("profile"):
        return "not read: the profile must be named exactly profile.yaml (or profile.yml): rename it or remove it"
    return f"not read: {_WHAT_IS_READ}: move this file out of people/ if it is not needed here"


def _warning(project: Project, path: Path, message: str) -> Problem:
    return Problem(project.display(path), None, "", message, "warning")


def source_checkout() -> Path | None:
    """packetgen's own source folder when it runs from a checkout (an editable install), else None."""
    source = Path(__file__).resolve().parents[2]
    return source if (source / "pyproject.toml").is_file() and (source / ".git").exists() else None


def real_data_warnings(project: Project, profiles: Mapping[str, Any]) -> list[Problem]:
    """A profile not marked ``fictional: true`` inside packetgen's own checkout is one ``git add``
    away from packetgen's repository: real people belong in a project of their own."""
    checkout = source_checkout()
    if checkout is None or not project.root.resolve().is_relative_to(checkout):
        return []
    return [
        _warning(
            project,
            project.profile_path(pid),
            "not marked 'fictional: true', and it sits inside "
            "packetgen's own source folder, where it could be committed with packetgen: keep real "
            "people in a project of their own (`packetgen init FOLDER`)",
        )
        for pid, data in profiles.items()
        if not (isinstance(data, dict) and data.get("fictional") is True)
    ]
