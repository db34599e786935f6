"""The copies ledger: ``people/<id>/copies.jsonl``, one line per document placed somewhere.

``packetgen copies confirm`` appends a line each time someone puts current copies in a place: when,
where, which document, how many, the plan version and the content fingerprint of what was placed
(``checkcode``), who placed them, and the print run they came from. Like the drill log it sits beside
the profile, is append-only, and is not a document input (``cache.is_source_file`` leaves it out).

Read: every line is checked; a damaged line is a problem with its file and line, and every other
line still counts. Written: the old bytes are kept exactly as they are (a damaged line included,
so nothing is ever lost) and the whole file is replaced atomically (``output.write_atomic``).
Messages name the field, never the value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from packetgen.model.copies import COPYABLE, LOCATION, LOCATION_RULE
from packetgen.model.errors import Problem
from packetgen.model.ids import COPIES_LOG
from packetgen.pipeline.checkcode import FINGERPRINT_CHARS, check_code
from packetgen.pipeline.output import write_atomic
from packetgen.project.folders import Project

RUN_ID = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{1,4}")
"""A print run's id, ``2026-11-23-1``: the date and the run's number that day."""
FINGERPRINT = re.compile(f"[0-9a-f]{{{FINGERPRINT_CHARS}}}")
SOURCE = re.compile(r"[0-9a-f]{6,64}")
MAX_WHO = 60
RESTORE = "restore the line from version control, or delete it and confirm those copies again"


@dataclass(frozen=True)
class Placement:
    """One document placed in one place: a line of the ledger."""

    placed_on: dt.date
    location: str
    document: str
    count: int
    plan_version: int
    fingerprint: str
    """The content fingerprint of what was placed (see ``checkcode``)."""
    by: str
    """Who placed them: a role or initials."""
    recorded_at: str
    label: str | None = None
    """The plan version as the sheet printed it ("3 (edit 2, 24 Nov 2026)")."""
    run: str | None = None
    """The print run the sheets came from, if any."""
    source: str | None = None
    """The source fingerprint printed in the sheet's footer, when known (from a print run)."""
    line: int = 0
    """Where it is in the ledger (0 until written)."""

    @property
    def check(self) -> str:
        return check_code(self.fingerprint)

    def to_line(self) -> str:
        data = {k: v for k, v in asdict(self).items() if k != "line" and v is not None}
        data["placed_on"] = self.placed_on.isoformat()
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def ledger_path(project: Project, person_id: str) -> Path:
    return project.person_dir(person_id) / COPIES_LOG


def valid_who(text: str) -> bool:
    """Who placed the copies: short text on one line (a role or initials)."""
    return 0 < len(text.strip()) <= MAX_WHO and text.isprintable()


def _text(value: Any, pattern: re.Pattern[str] | None = None) -> bool:
    return isinstance(value, str) and (pattern is None or pattern.fullmatch(value) is not None)


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


CHECKS: dict[str, tuple[bool, Any, str]] = {
    # field: (required, test, what to write)
    "placed_on": (True, lambda v: _date(v) is not None, "a date, YYYY-MM-DD"),
    "location": (True, lambda v: _text(v, LOCATION), LOCATION_RULE),
    "document": (True, lambda v: v in COPYABLE, "one of " + ", ".join(COPYABLE)),
    "count": (True, lambda v: _whole(v, 1, 999), "a whole number of copies, 1 or more"),
    "plan_version": (True, lambda v: _whole(v, 1, 10**9), "the plan version, a whole number"),
    "fingerprint": (True, lambda v: _text(v, FINGERPRINT), f"{FINGERPRINT_CHARS} hex digits"),
    "by": (True, lambda v: isinstance(v, str) and valid_who(v), f"who placed them, 1 to {MAX_WHO} characters"),
    "recorded_at": (True, lambda v: _text(v), "when it was recorded"),
    "label": (False, lambda v: _text(v), "the printed version label"),
    "run": (False, lambda v: _text(v, RUN_ID), "a print run id, e.g. 2026-11-23-1"),
    "source": (False, lambda v: _text(v, SOURCE), "the footer's source fingerprint"),
}


def parse_line(text: str, shown: Path, number: int) -> tuple[Placement | None, list[Problem]]:
    """One ledger line -> a placement, or the problems that make it unreadable (all of them)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None, [Problem(shown, number, "", f"damaged line: not a complete JSON record: {RESTORE}")]
    return from_data(data, shown, number)


def from_data(data: Any, shown: Path, number: int | None, fix: str = RESTORE) -> tuple[Placement | None, list[Problem]]:
    """A ledger record -> a placement, or every problem with it. ``fix`` says what to do about a bad
    one (a print run's summary is checked with the same rules)."""
    if not isinstance(data, dict):
        return None, [Problem(shown, number, "", f"damaged record: not a set of 'field: value' pairs: {fix}")]
    problems = []
    for key in data:
        if key not in CHECKS:
            problems.append(
                Problem(
                    shown,
                    number,
                    str(key)[:40] if str(key).isprintable() else "",
                    f"unknown field in a copies record: {fix}",
                )
            )
    for key, (required, test, what) in CHECKS.items():
        if key not in data or data[key] is None:
            if required:
                problems.append(Problem(shown, number, key, f"missing: a copies record needs {what}: {fix}"))
        elif not test(data[key]):
            problems.append(Problem(shown, number, key, f"not {what}: {fix}"))
    if problems:
        return None, problems
    placed_on = _date(data["placed_on"])
    assert placed_on is not None
    return Placement(
        placed_on,
        data["location"],
        data["document"],
        data["count"],
        data["plan_version"],
        data["fingerprint"],
        data["by"].strip(),
        data["recorded_at"],
        data.get("label"),
        data.get("run"),
        data.get("source"),
        number or 0,
    ), []


def read_ledger(project: Project, person_id: str) -> tuple[list[Placement], list[Problem]]:
    """Every readable line of one person's ledger, in file order, and a problem per damaged line."""
    path = ledger_path(project, person_id)
    if not path.is_file():
        return [], []
    shown = project.display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [], [Problem(shown, None, "", "not UTF-8 text: restore the file from version control")]
    placements, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        placement, found = parse_line(line, shown, number)
        problems += found
        if placement is not None:
            placements.append(placement)
    return placements, problems


def latest(placements: Iterable[Placement]) -> dict[tuple[str, str], Placement]:
    """The copy there now, per (location, document): the latest placed, the later line on the same day."""
    now: dict[tuple[str, str], Placement] = {}
    for placement in placements:
        key = (placement.location, placement.document)
        if key not in now or (placement.placed_on, placement.line) >= (now[key].placed_on, now[key].line):
            now[key] = placement
    return now


def append(project: Project, person_id: str, placements: list[Placement]) -> Path:
    """Add lines at the end; everything already there (damaged lines too) is kept byte for byte."""
    path = ledger_path(project, person_id)
    old = path.read_bytes() if path.is_file() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    write_atomic(path, old + "".join(p.to_line() + "\n" for p in placements).encode("utf-8"))
    return path
