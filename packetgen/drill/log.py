"""The drill log of each person: importing results (never the same run twice) and reading it back."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from packetgen.builder.document import generated_at
from packetgen.drill.results import DrillRun, LogEntry, parse_results_csv, parse_results_json
from packetgen.model.errors import Problem
from packetgen.model.ids import DRILL_LOG
from packetgen.pipeline.output import write_atomic
from packetgen.project.folders import Project

log = logging.getLogger(__name__)


LOG_NAME = DRILL_LOG


def log_path(project: Project, person_id: str) -> Path:
    """The drill log sits beside the profile, so it travels with the person's records."""
    return project.person_dir(person_id) / LOG_NAME


def read_log(project: Project, person_id: str) -> tuple[list[LogEntry], list[Problem]]:
    """Every run in one person's log; a damaged line is a problem with its line number."""
    path = log_path(project, person_id)
    if not path.is_file():
        return [], []
    shown = project.display(path)
    entries, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(LogEntry.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            problems.append(
                Problem(
                    shown,
                    number,
                    ".".join(str(p) for p in first["loc"]),
                    f"damaged log line: {first['msg']}: restore it from version control",
                )
            )
    return entries, problems


@dataclass
class ImportResult:
    problems: list[Problem]
    appended: dict[str, int]
    """Runs appended per person id (empty when anything was wrong)."""
    already: list[str] = field(default_factory=list)
    """Drill ids that were in the log already, exactly as imported now: nothing to do for them."""


def import_results(project: Project, files: list[Path], when: dt.datetime | None = None) -> ImportResult:
    """Validate every file and every run first; only if all is well, append to each person's log.

    Each log is rewritten whole to a temporary file and moved into place (``write_atomic``), so a
    log is never half-appended, and a bad import changes nothing at all.
    """
    when = when or generated_at()
    problems: list[Problem] = []
    incoming: list[tuple[DrillRun, Path]] = []
    for path in files:
        shown = project.display(path)
        if not path.is_file():
            problems.append(Problem(shown, None, "", "no such file"))
            continue
        parse = parse_results_csv if path.suffix.lower() == ".csv" else parse_results_json
        runs, found = parse(path, shown)
        problems += found
        incoming += [(run, shown) for run in runs]
    seen: dict[str, Path] = {}
    existing: dict[str, list[LogEntry]] = {}
    fresh: list[tuple[DrillRun, Path]] = []
    already: list[str] = []
    for run, shown in incoming:
        if not project.profile_path(run.person_id).is_file():
            problems.append(
                Problem(
                    shown,
                    None,
                    "person_id",
                    f"no profile for '{run.person_id}' under {project.display(project.people_dir)}/",
                )
            )
            continue
        if run.person_id not in existing:
            entries, damaged = read_log(project, run.person_id)
            existing[run.person_id] = entries
            problems += damaged
        logged = [e for e in existing[run.person_id] if e.drill_id == run.drill_id]
        if run.drill_id in seen:
            problems.append(
                Problem(
                    shown,
                    None,
                    "drill_id",
                    f"drill {run.drill_id} appears twice in this import: give each participant's run its own drill_id",
                )
            )
        elif logged and _same_run(logged[0], run):
            already.append(run.drill_id)  # imported before: importing it again is a no-op, not an error
        elif logged:
            problems.append(
                Problem(
                    shown,
                    None,
                    "drill_id",
                    f"drill {run.drill_id} is already in the drill log "
                    "with other answers: give this run another drill_id",
                )
            )
        else:
            fresh.append((run, shown))
        seen[run.drill_id] = shown
    if problems or not incoming:
        return ImportResult(problems or [Problem(Path("."), None, "", "no results to import")], {})
    appended: dict[str, int] = {}
    lines: dict[str, list[str]] = {}
    for run, shown in fresh:
        entry = LogEntry(**run.model_dump(), imported_at=when, source=shown.name)
        lines.setdefault(run.person_id, []).append(entry.model_dump_json())
        appended[run.person_id] = appended.get(run.person_id, 0) + 1
    for person_id, new in lines.items():
        path = log_path(project, person_id)
        old = path.read_bytes() if path.is_file() else b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        write_atomic(path, old + "".join(line + "\n" for line in new).encode("utf-8"))
    return ImportResult([], appended, already)


def _same_run(entry: LogEntry, run: DrillRun) -> bool:
    """The logged run is this run (what was imported, not when or from which file)."""
    return entry.model_dump(exclude={"imported_at", "source"}) == run.model_dump()


def read_all_logs(project: Project) -> tuple[list[LogEntry], list[Problem]]:
    entries: list[LogEntry] = []
    problems: list[Problem] = []
    for person_id in project.person_ids():
        found, damaged = read_log(project, person_id)
        entries += found
        problems += damaged
    return entries, problems
