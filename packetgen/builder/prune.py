"""Output lifecycle: which files under build/ should exist after a build, and removing the rest.

A build leaves no document that its current inputs and options would not produce:

- a person built now keeps exactly the documents this build planned for them, each in the formats
  its cache entry says were made from its current inputs (a PDF from an earlier full build stays
  after ``--format html`` only while its inputs are unchanged); large-print twins without
  ``--large-print``, forms of deleted events and stale siblings are removed;
- a person whose sources have errors keeps what ``packetgen/builder/withdraw.py`` allows; the rest is
  withdrawn, and the cache remembers it so the index keeps saying so until the errors are fixed;
- a person no longer in people/ loses their folder, drill pages and cache entries;
- a drill page goes when the responder packet it was made from is no longer the current one.

Removal is confined: only regular files with the names packetgen writes (document names and
suffixes), in real folders (never a symlink) named like a person id or an event id, directly under
the build folder. A document's content files go before its manifest, and the decision is made
again from the inputs on every build, so a build killed half-way through a removal leaves no
content that the next build does not remove.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packetgen.builder.cache import BuildCache
from packetgen.builder.withdraw import decision_inputs, profile_scope, withdraw_reason
from packetgen.model.documents import ALL_DOCUMENTS, BY_NAME, EVENT_DOCUMENTS, LARGE_PRINT_DOCUMENTS
from packetgen.model.ids import EVENT_ID, is_person_id
from packetgen.pipeline.output import write_text

if TYPE_CHECKING:
    import datetime as dt

    from packetgen.builder.records import PersonRecord

SUFFIXES = (".html", ".pdf", ".manifest.json")
PERSON_NAMES = frozenset(k.name for k in ALL_DOCUMENTS)
EVENT_NAMES = frozenset(k.name for k in EVENT_DOCUMENTS)

AUDIENCE = {k.name: k.audience for k in (*BY_NAME.values(), *LARGE_PRINT_DOCUMENTS)}
DRILL_SOURCE = "responder-packet"
"""Drill pages show the responder packet; they are current while it is."""


@dataclass
class Settled:
    """What this build did to one person's existing output."""

    person_id: str
    removed: list[Path] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Documents (stems) kept from the last good build, for a person with errors."""
    withdrawn: dict[str, str] = field(default_factory=dict)
    """Documents withdrawn until the errors are fixed (this build or an earlier one), and why."""
    versions: list[int] = field(default_factory=list)
    """Plan versions the kept documents show."""


def _lstat_mode(path: Path | str) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


def _real_dir(path: Path | str) -> bool:
    return stat.S_ISDIR(_lstat_mode(path))


def _real_file(path: Path | str) -> bool:
    return stat.S_ISREG(_lstat_mode(path))


def _collect(folder: Path, names: frozenset[str], prefix: str, found: dict[str, list[Path]]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            for suffix in SUFFIXES:
                name = entry.name.removesuffix(suffix)
                if name != entry.name and name in names:
                    found.setdefault(prefix + name, []).append(Path(entry.path))
                    break


def person_documents(build_dir: Path, person_id: str) -> dict[str, list[Path]]:
    """The files packetgen writes for one person, as they are on disk now, by document stem
    (``rosa-m/crisis-plan``, ``rosa-m/events/<event-id>/case-manager-update``)."""
    found: dict[str, list[Path]] = {}
    folder = build_dir / person_id
    if not is_person_id(person_id) or not _real_dir(folder):
        return found
    _collect(folder, PERSON_NAMES, f"{person_id}/", found)
    events = folder / "events"
    if _real_dir(events):
        with os.scandir(events) as entries:
            for entry in entries:
                if EVENT_ID.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
                    _collect(Path(entry.path), EVENT_NAMES, f"{person_id}/events/{entry.name}/", found)
    return found


def _remove(build_dir: Path, files: list[Path]) -> list[Path]:
    """Remove one document's files, content before manifest, then any folder left empty."""
    removed = []
    for path in sorted(files, key=lambda p: p.name.endswith(".manifest.json")):
        if _real_file(path):
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                continue
    folder = files[0].parent if files else build_dir
    while folder != build_dir and folder.is_relative_to(build_dir):
        try:
            folder.rmdir()  # only ever an empty folder
        except OSError:
            break
        folder = folder.parent
    return removed


def formats_on_disk(build_dir: Path, stem: str) -> list[str]:
    """The formats of one document the index may link: files packetgen wrote, not symlinks."""
    return [fmt for fmt in ("html", "pdf") if _real_file(build_dir / f"{stem}.{fmt}")]


def stems_by_person(cache: BuildCache) -> dict[str, list[str]]:
    """The cache's document stems grouped by person, computed once per build (not once per person)."""
    grouped: dict[str, list[str]] = {}
    for stem in cache.jobs:
        grouped.setdefault(stem.split("/", 1)[0], []).append(stem)
    return grouped


def settle_valid(
    build_dir: Path, person_id: str, stems: list[str], cache: BuildCache, data: Any, source: bytes, cached: list[str]
) -> Settled:
    """A person built now: keep each planned document in the formats made from its current inputs;
    remove every other file packetgen writes in their folder. Also record, with each document,
    the digests of the consent and sharing inputs it was built with (for ``withdraw.py``).
    ``cached``: this person's stems in the cache before the build (``stems_by_person``)."""
    settled = Settled(person_id)
    planned = set(stems)
    inputs = decision_inputs(data, source)
    for stem in stems:
        cache.jobs[stem]["inputs"] = inputs
    for stem, files in person_documents(build_dir, person_id).items():
        current = {f"{stem}{suffix}" for suffix in cache.jobs[stem]["outputs"]} if stem in planned else set()
        stale = [p for p in files if p.relative_to(build_dir).as_posix() not in current]
        settled.removed += _remove(build_dir, stale)
    for stem in cached:
        if stem not in planned:
            cache.jobs.pop(stem, None)
    return settled


def settle_failed(
    build_dir: Path, record: PersonRecord, cache: BuildCache, as_of: dt.date, cached: list[str]
) -> Settled:
    """A person with errors: remove the forms of deleted events, withdraw what ``withdraw.py``
    says may no longer be allowed, keep the rest of the last good output untouched."""
    pid = record.person_id
    settled = Settled(pid)
    events = {e.event_id for e in record.events}
    scope = profile_scope(record.problems, record.doc.path)
    current = decision_inputs(record.doc.data, record.doc.source)
    for stem, files in sorted(person_documents(build_dir, pid).items()):
        parts = stem.split("/")
        if len(parts) == 4 and parts[2] not in events:
            settled.removed += _remove(build_dir, files)
            cache.jobs.pop(stem, None)
            continue
        manifest_path = build_dir / f"{stem}.manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if _real_file(manifest_path) else None
        except (OSError, ValueError):
            manifest = None
        entry = cache.jobs.get(stem) or {}
        reason = withdraw_reason(
            AUDIENCE.get(parts[-1]), manifest, entry.get("inputs"), current, scope, record.doc.data, as_of
        )
        if reason is None:
            settled.kept.append(stem)
            if isinstance(manifest, dict) and isinstance(manifest.get("plan_version"), int):
                settled.versions.append(manifest["plan_version"])
            continue
        settled.removed += _remove(build_dir, files)
        cache.jobs[stem] = {"key": entry.get("key", ""), "outputs": [], "withdrawn": reason}
    for stem in cached:
        parts = stem.split("/")
        if len(parts) == 4 and parts[2] not in events:
            cache.jobs.pop(stem, None)
    settled.withdrawn = {
        stem: cache.jobs[stem]["withdrawn"] for stem in sorted(cached) if cache.jobs.get(stem, {}).get("withdrawn")
    }
    settled.versions = sorted(set(settled.versions))
    return settled


def withdrawn(cache: BuildCache, person_id: str) -> dict[str, str]:
    """Documents of a person withdrawn until their errors are fixed, with the reason."""
    return {
        stem: entry["withdrawn"]
        for stem, entry in sorted(cache.jobs.items())
        if stem.startswith(f"{person_id}/") and entry.get("withdrawn")
    }


def remove_absent_people(build_dir: Path, current: list[str], cache: BuildCache) -> tuple[list[str], list[Path]]:
    """Remove the output of every person no longer in people/: documents, event forms, large
    print, drill pages and cache entries (``history.forget_removed`` drops their revision
    history). Returns their ids and the files removed."""
    if not _real_dir(build_dir):
        return [], []
    keep = set(current)
    with os.scandir(build_dir) as entries:
        folders = {e.name for e in entries if e.is_dir(follow_symlinks=False)}
    absent = {pid for pid in folders if is_person_id(pid) and pid not in keep}  # never RESERVED_IDS
    absent |= {stem.split("/", 1)[0] for stem in cache.jobs} - keep
    absent |= set(cache.people) - keep
    gone: list[str] = []
    everything: list[Path] = []
    for pid in sorted(absent):
        removed = [p for files in person_documents(build_dir, pid).values() for p in _remove(build_dir, files)]
        removed += remove_drills(build_dir, pid)
        for stem in [s for s in cache.jobs if s.startswith(f"{pid}/")]:
            del cache.jobs[stem]
        cache.forget_person(pid)
        if removed:
            gone.append(pid)
            everything += removed
    return gone, everything


DRILL_SOURCES = ".sources.json"
"""build/drills/.sources.json: which packet fingerprint each drill page was made from."""


def drill_names(person_id: str) -> tuple[str, str]:
    """The drill page and paper drill of one person, under build/drills/."""
    return f"{person_id}.html", f"{person_id}-paper.pdf"


def _drill_sources(build_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((build_dir / "drills" / DRILL_SOURCES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _save_drill_sources(build_dir: Path, sources: dict[str, str]) -> None:
    write_text(
        build_dir / "drills" / DRILL_SOURCES, json.dumps(sources, indent=1, sort_keys=True) + "\n", durable=False
    )


def record_drill(build_dir: Path, path: Path, fingerprint: str) -> None:
    """Note which responder packet a drill page was made from, so a build can tell when it is stale."""
    sources = _drill_sources(build_dir)
    sources[path.name] = fingerprint
    _save_drill_sources(build_dir, sources)


def _remove_drill_files(build_dir: Path, names: list[str]) -> list[Path]:
    """Remove these drill pages (regular files in a real build/drills/ only) and their records."""
    folder = build_dir / "drills"
    if not names or not _real_dir(folder):
        return []
    removed = []
    for name in names:
        if _real_file(folder / name):
            (folder / name).unlink()
            removed.append(folder / name)
    sources = _drill_sources(build_dir)
    if any(name in sources for name in names):
        _save_drill_sources(build_dir, {k: v for k, v in sources.items() if k not in names})
    return removed


def remove_drills(build_dir: Path, person_id: str) -> list[Path]:
    return _remove_drill_files(build_dir, list(drill_names(person_id)))


def settle_drills(build_dir: Path, person_ids: list[str], cache: BuildCache) -> list[Path]:
    """Remove the drill pages of these people that were not made from their current responder
    packet (a withdrawn packet, or one rebuilt from other inputs): a drill must never show what
    the packet no longer shows. ``packetgen drill`` makes them again."""
    folder = build_dir / "drills"
    if not person_ids or not _real_dir(folder):
        return []
    sources = _drill_sources(build_dir)
    stale = []
    for pid in person_ids:
        entry = cache.jobs.get(f"{pid}/{DRILL_SOURCE}") or {}
        current = entry.get("key", "")[:10] if entry.get("outputs") and not entry.get("withdrawn") else None
        stale += [name for name in drill_names(pid) if _real_file(folder / name) and sources.get(name) != current]
    return _remove_drill_files(build_dir, stale)


def describe(settled: Settled) -> str:
    """One person's output after a build that could not build them, in words that are true."""
    versions = " and ".join(str(v) for v in settled.versions)
    showing = f"showing version {versions}" if versions else "showing the last good version"
    if not settled.kept and not settled.withdrawn:
        return "not built yet"
    if not settled.withdrawn:
        return f"{showing} (last good output kept)"
    reasons = "; ".join(sorted(set(settled.withdrawn.values())))
    count = len(settled.withdrawn)
    withdrawn_part = f"{count} document{'s' if count != 1 else ''} withdrawn until fixed ({reasons})"
    if not settled.kept:
        return f"{withdrawn_part}, nothing kept"
    return f"{withdrawn_part}; {len(settled.kept)} kept, {showing}"
