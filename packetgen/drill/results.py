"""Drill results as the drill page or a paper drill's CSV gives them back: the shapes, and parsing with a
``file:line: field`` problem for every bad value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from packetgen.drill.questions import BANK
from packetgen.model.errors import Problem, dotted
from packetgen.model.ids import PERSON_ID
from packetgen.model.sharing import Strict
from packetgen.pipeline.load import Document, load_yaml
from packetgen.pipeline.validate import pydantic_problems

log = logging.getLogger(__name__)


RESULTS_FORMAT = "packetgen-drill-results"


PAPER_COLUMNS = (
    "drill_id",
    "person_id",
    "plan_version",
    "fingerprint",
    "participant_role",
    "drill_date",
    "question_no",
    "field",
    "seconds",
    "correct",
)

"""Columns of a paper-results CSV, one row per question answered (documented in the README)."""


class Answer(Strict):
    field: str = Field(description="The data-field asked for.")
    question: str | None = None
    ms: int = Field(ge=0, le=3_600_000, description="Milliseconds from question shown to answer.")
    correct: bool
    clicked_field: str | None = None
    shown_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    question_no: int | None = Field(default=None, ge=1)


class DrillRun(Strict):
    drill_id: str = Field(pattern=r"^[A-Za-z0-9._:-]{1,80}$")
    mode: Literal["browser", "paper"]
    person_id: str = Field(pattern=PERSON_ID.pattern)
    plan_version: int = Field(ge=1)
    fingerprint: str = Field(pattern=r"^[0-9a-f]{6,64}$")
    participant_role: str = Field(
        min_length=1, max_length=40, description="A role such as 'EMT', never a person's name."
    )
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    answers: list[Answer] = Field(min_length=1)

    @model_validator(mode="after")
    def _times_in_order(self) -> DrillRun:
        if self.finished_at is not None and self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        return self


class ResultsFile(Strict):
    format: Literal["packetgen-drill-results"]
    format_version: Literal[1]
    exported_at: dt.datetime | None = None
    runs: list[DrillRun] = Field(min_length=1)


class LogEntry(DrillRun):
    """One line of ``people/<id>/drills.jsonl``: a run plus when and from what it was imported."""

    imported_at: dt.datetime
    source: str


def parse_results_json(path: Path, display: Path) -> tuple[list[DrillRun], list[Problem]]:
    """A results file exported by the drill page. JSON is checked strictly first; the YAML loader
    then gives every value its line, so errors can say ``results.json:14: runs[0].answers[2].ms``."""
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        what = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
        return [], [Problem(display, line, "", f"not valid JSON ({what}): export the file again from the drill page")]
    except RecursionError:
        return [], [
            Problem(
                display,
                1,
                "",
                "not a drill results file (brackets nested too deeply): export the file again from the drill page",
            )
        ]
    doc = load_yaml(path, display)
    if doc.problems or not isinstance(data, dict):
        return [], doc.problems or [Problem(display, 1, "", "expected a JSON object")]
    try:
        # The values JSON gave (1e3 is the number 1000 in JSON, text in YAML 1.1); YAML gave the lines.
        results = ResultsFile.model_validate(data)
    except ValidationError as exc:
        return [], pydantic_problems(exc, doc, ResultsFile)
    problems = []
    for i, run in enumerate(results.runs):
        problems += _check_answers(run, doc, ("runs", i))
    return results.runs, problems


def _check_answers(run: DrillRun, doc: Document, where: tuple[str | int, ...]) -> list[Problem]:
    """Checks pydantic cannot make alone: the field is a known answer key, times run forward."""
    problems = []
    path = doc.path
    for j, answer in enumerate(run.answers):
        line = doc.line_of(where + ("answers", j, "field"))
        if answer.field not in BANK:
            problems.append(
                Problem(
                    path,
                    line,
                    dotted((*where, "answers", j, "field")),
                    f"unknown field '{answer.field}': use one of {', '.join(BANK)}",
                )
            )
        if answer.shown_at and answer.answered_at and answer.answered_at < answer.shown_at:
            problems.append(
                Problem(path, line, dotted((*where, "answers", j, "answered_at")), "answered_at is before shown_at")
            )
    return problems


_TRUE = {"yes", "y", "right", "true", "1"}


_FALSE = {"no", "n", "wrong", "false", "0"}


def parse_results_csv(path: Path, display: Path) -> tuple[list[DrillRun], list[Problem]]:
    """Paper results typed up from the timing grid: one row per question (``PAPER_COLUMNS``)."""
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(display, None, "", f"not UTF-8 text ({exc.reason}): save the CSV as UTF-8")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in PAPER_COLUMNS if c not in header]
    extra = [c for c in header if c not in PAPER_COLUMNS]
    if missing or extra:
        what = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unknown {', '.join(extra)}" if extra else "",
            )
            if part
        )
        return [], [Problem(display, 1, "header", f"{what}: the header must be {','.join(PAPER_COLUMNS)}")]
    groups: dict[str, dict[str, Any]] = {}
    for row in reader:
        line = reader.line_num
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        bad = len(problems)
        seconds = _number(row["seconds"])
        if seconds is None or seconds < 0:
            problems.append(
                Problem(display, line, "seconds", f"'{row['seconds']}' is not a number of seconds (write e.g. 7.5)")
            )
        correct = row["correct"].lower()
        if correct not in _TRUE | _FALSE:
            problems.append(Problem(display, line, "correct", f"'{row['correct']}' is not yes or no"))
        if row["field"] not in BANK:
            problems.append(
                Problem(display, line, "field", f"unknown field '{row['field']}': use one of {', '.join(BANK)}")
            )
        try:
            day = dt.date.fromisoformat(row["drill_date"])
        except ValueError:
            problems.append(
                Problem(display, line, "drill_date", f"'{row['drill_date']}' is not a date: write YYYY-MM-DD")
            )
            day = None
        number = _number(row["question_no"])
        if number is None or number != int(number) or number < 1:
            problems.append(
                Problem(display, line, "question_no", f"'{row['question_no']}' is not a question number (1, 2, ...)")
            )
        if len(problems) > bad:
            continue
        assert seconds is not None and day is not None and number is not None
        run_fields = {k: row[k] for k in ("person_id", "plan_version", "fingerprint", "participant_role")}
        group = groups.setdefault(row["drill_id"], {"line": line, **run_fields, "drill_date": day, "answers": []})
        for key, value in run_fields.items():
            if group[key] != value:
                problems.append(
                    Problem(
                        display,
                        line,
                        key,
                        f"'{value}' differs from line {group['line']} "
                        f"('{group[key]}') for the same drill_id {row['drill_id']}",
                    )
                )
        group["answers"].append(
            {
                "field": row["field"],
                "question": BANK[row["field"]].text,
                "ms": round(seconds * 1000),
                "correct": correct in _TRUE,
                "question_no": int(number),
            }
        )
    runs = []
    for drill_id, group in groups.items():
        data = {
            "drill_id": drill_id,
            "mode": "paper",
            "person_id": group["person_id"],
            "plan_version": group["plan_version"],
            "fingerprint": group["fingerprint"],
            "participant_role": group["participant_role"],
            "started_at": dt.datetime.combine(group["drill_date"], dt.time(), dt.UTC),
            "answers": sorted(group["answers"], key=lambda a: a["question_no"]),
        }
        try:
            runs.append(DrillRun.model_validate(data))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"])
                problems.append(
                    Problem(
                        display,
                        group["line"],
                        field,
                        f"{err['msg'].removeprefix('Value error, ')} (drill_id {drill_id})",
                    )
                )
    if not groups and not problems:
        problems.append(Problem(display, 2, "", "no result rows: add one row per question answered"))
    return runs, problems


def _number(text: str) -> float | None:
    """A finite number, or None ('nan' and 'inf' parse as floats but are not answers)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
