"""Drills: time how fast a fact is found in the responder packet, record it, and report it.

The partnership-review article asks for "a test of whether the information can be found quickly
during a drill". A drill shows the person's real responder packet (rendered through the same
select stage, for the emergency-responders audience, so consent still holds), asks where a fact
is, and times the answer. Each ``data-field`` attribute in the packet template is an answer key.

Plain functions in pipeline order: question bank -> page / paper rendering -> import and
validation -> append to the drill log -> statistics for the report. File output goes through
``output.write_atomic``; nothing here prints.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import logging
import math
import random
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin

from jinja2 import Environment
from markupsafe import Markup
from pydantic import Field, ValidationError, model_validator

from packetgen.build.document import generated_at, printed_time, render_person_document
from packetgen.build.jobs import document_fingerprint, person_job
from packetgen.build.prune import record_drill
from packetgen.build.records import PersonRecord
from packetgen.model.documents import BY_NAME, DocumentKind
from packetgen.model.errors import Problem, dotted
from packetgen.model.profile import Strict
from packetgen.pipeline.load import Document, load_yaml
from packetgen.pipeline.output import write_atomic, write_text
from packetgen.pipeline.pdf import STYLESHEET, PdfRenderer
from packetgen.pipeline.render import TemplateFault, render
from packetgen.pipeline.resources import load_url
from packetgen.pipeline.select import select
from packetgen.pipeline.validate import pydantic_problems
from packetgen.project.folders import DRILL_LOG, PERSON_ID, Project

log = logging.getLogger(__name__)

DRILL_KIND: DocumentKind = BY_NAME["responder-packet"]
"""Drills always use the EMS sheet: the packet a responder is actually handed."""
if DRILL_KIND.audience != "emergency-responders":
    raise ImportError("drills must use the emergency responders' packet")

RESULTS_FORMAT = "packetgen-drill-results"
LOG_NAME = DRILL_LOG
DEFAULT_TARGET_SECONDS = 10.0
FLAG_TEXT = "hard to find: consider moving up"
SCRIPT = Path(__file__).with_name("drill.js")


# --- the question bank ------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    field: str
    """The packet's ``data-field`` that holds the answer: the answer key."""
    text: str
    where: str
    """Where a coordinator should see the participant point, for the paper answer key."""
    section: str | None = None
    """Profile section that must be shown on the packet for the question to be asked."""
    detail: str | None = None
    """An optional attribute of that section that must be filled in, too."""
    also: tuple[str, ...] = ()
    """Other places that hold the same answer (a medication list continued on page 2)."""

    @property
    def accepts(self) -> list[str]:
        return [self.field, *self.also]


QUESTION_BANK: tuple[Question, ...] = (
    Question("allergies", "What is this person allergic to?", "Allergies box, top left", "allergies"),
    Question("code_status", "What is this person's code status?", "Code status box, top right", "decision_maker"),
    Question("advance_directive", "Is there an advance directive, and where is the copy?",
             "Code status box, top right", "decision_maker"),
    Question("decision_maker", "Who is the decision-maker?", "Decision-maker, left column", "decision_maker"),
    Question("communication", "How does this person communicate?", "How I communicate, left column",
             "communication"),
    Question("how_i_say_no", "How does this person say no?", "How I communicate, left column",
             "communication", "how_i_say_no"),
    Question("how_i_show_pain", "How does this person show pain or distress?", "How I communicate, left column",
             "communication", "how_i_show_pain"),
    Question("baseline", "What is this person usually like on a good day?", "My usual baseline, left column",
             "baseline"),
    Question("signs_of_change", "What does a change from their baseline look like?",
             "My usual baseline, left column", "baseline"),
    Question("mobility", "What is their usual mobility?", "Risks: mobility, right column", "risks"),
    Question("swallowing", "Is there a swallowing or choking risk?", "Risks: swallowing, right column", "risks"),
    Question("seizures", "Does this person have seizures, and what should you do?",
             "Risks: seizures, right column", "risks"),
    Question("falls", "Is this person at risk of falling?", "Risks: falls, right column", "risks"),
    Question("medications", "What medications does this person take?", "Medications, right column",
             "medications", also=("medications_continued",)),
    Question("contacts", "Who should you call, and at what number?", "Who to call, right column", "contacts"),
    Question("language", "What language does this person use, and is an interpreter needed?",
             "Header, under the name"),
    Question("plan", "Which plan version is this, and when is its next review?", "Header, plan line"),
)
BANK: dict[str, Question] = {q.field: q for q in QUESTION_BANK}


def questions_for(view: dict[str, Any], packet_html: str) -> list[Question]:
    """The questions this person's packet can answer: the section is shown to responders (not
    withheld by consent), any detail is filled in, and the answer key is really in the HTML."""
    asked = []
    for question in QUESTION_BANK:
        if question.section is not None:
            value = view.get(question.section)
            if value is None or (question.detail and not getattr(value, question.detail, None)):
                continue
        if f'data-field="{question.field}"' not in packet_html:
            log.warning("question %s skipped: the packet template has no data-field for it", question.field)
            continue
        asked.append(question)
    return asked


# --- rendering the drill page and the paper drill -----------------------------------------------


@dataclass
class DrillPacket:
    """The responder packet as a drill sees it, plus the questions it can answer."""

    record: PersonRecord
    questions: list[Question]
    body: str
    """The packet's rendered ``<body>`` contents (screen), embedded in the drill page."""
    print_html: str
    plan_version: int
    fingerprint: str
    generated: str


def drill_packet(env: Environment, project: Project, record: PersonRecord, as_of: dt.date) -> DrillPacket:
    """Render the person's responder packet through the normal pipeline and pick the questions."""
    profile = record.profile
    assert profile is not None, "drills are only built for valid profiles"
    job = person_job(project, record, DRILL_KIND, as_of)
    stamp = {"fingerprint": document_fingerprint(project, job, as_of),
             "generated": printed_time(project)}
    rendered = render_person_document(env, record, DRILL_KIND, as_of, stamp, job.extra)
    print_html = rendered.print_html
    plan = rendered.plan()
    if rendered.source is not None and plan is not None:
        # The packet as it prints: what continues on page 2 is where a participant must find it.
        from packetgen.pipeline.paginate import paginate
        from packetgen.pipeline.pdf import PdfRenderer

        renderer = PdfRenderer(project.styles_dir, project.paper)
        _, plan, _ = paginate(renderer.layout, renderer.measure, rendered.source, plan)
        print_html = rendered.source(plan)
    view = select(profile, DRILL_KIND.audience, DRILL_KIND.sections, as_of).view
    match = re.search(r"<body[^>]*>(.*)</body>", print_html, re.DOTALL)
    if match is None:
        raise TemplateFault(f"templates/{DRILL_KIND.template}: the packet template must render a <body>")
    body = match.group(1)
    return DrillPacket(record, questions_for(view, body), body, print_html, profile.plan.version,
                       stamp["fingerprint"], stamp["generated"])


def inline_stylesheet(styles_dir: Path) -> str:
    """packet.css with its fonts as data: URIs, so a drill page works offline as one file.

    The fonts are read through the same fetcher rule as every PDF render (``resources.load_url``)."""
    css = (styles_dir / STYLESHEET).read_text(encoding="utf-8")
    base = styles_dir.resolve().as_uri() + "/"

    def embed(match: re.Match[str]) -> str:
        font, _ = load_url(urljoin(base, match.group(1)), [styles_dir])
        return f"url(data:font/ttf;base64,{base64.b64encode(font).decode('ascii')})"

    return re.sub(r"url\((fonts/[A-Za-z0-9._-]+\.ttf)\)", embed, css)


def json_for_script(data: Any) -> Markup:
    """JSON safe inside <script>: no '</script>' or '<!--' can close or open anything."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def page_config(packet: DrillPacket) -> dict[str, Any]:
    """What the page's script needs. Question texts are generic; no profile text goes here."""
    return {
        "format": RESULTS_FORMAT,
        "format_version": 1,
        "person_id": packet.record.person_id,
        "plan_version": packet.plan_version,
        "fingerprint": packet.fingerprint,
        "questions": [{"field": q.field, "text": q.text, "accepts": q.accepts} for q in packet.questions],
    }


def render_drill_page(env: Environment, project: Project, packet: DrillPacket) -> str:
    """One self-contained HTML file: packet, stylesheet, fonts and script inlined; no network."""
    script = SCRIPT.read_text(encoding="utf-8")
    if "</script" in script.lower():  # inlined as is: it must not close its own element
        raise ValueError("drill.js may not contain '</script': it is inlined into the drill page")
    assert packet.record.profile is not None
    return render(env, "drill_page.html.j2", {
        "packet": packet,
        "name": packet.record.profile.identity.preferred_name,
        "body": Markup(packet.body),
        "css": Markup(inline_stylesheet(project.styles_dir)),
        "config": json_for_script(page_config(packet)),
        "script": Markup(script),
        "stylesheets": [],
    })


def answer_pages(renderer: PdfRenderer, print_html: str, fields: Iterable[str]) -> dict[str, int]:
    """Which printed page each answer key lands on, read from WeasyPrint's public layout API.

    Every element carrying a ``data-field`` is given an anchor (its own id, or a new one), and
    each page's ``anchors`` say where those start: the first page an answer appears on."""
    wanted = set(fields)
    field_of: dict[str, str] = {}

    def anchor(match: re.Match[str]) -> str:
        name, attributes, field = match.group(1), match.group(2), match.group(3)
        own = re.search(r'\sid="([^"]+)"', attributes)
        if own:
            field_of[own.group(1)] = field
            return match.group(0)
        new = f"drill-answer-{len(field_of)}"
        field_of[new] = field
        return f'<{name} id="{new}"{attributes}>'

    html = re.sub(r'<([a-z][a-z0-9]*)(\s[^>]*?\bdata-field="([^"]+)"[^>]*)>', anchor, print_html)
    pages: dict[str, int] = {}
    for number, page in enumerate(renderer.layout(html).pages, start=1):
        for name in page.anchors:
            field = field_of.get(name)
            if field in wanted and field not in pages:
                pages[field] = number
    return pages


def paper_order(questions: list[Question], seed: int) -> list[Question]:
    """The question sheet's order: random, but the same for the same seed."""
    return random.Random(seed).sample(questions, k=len(questions))


PAPER_COLUMNS = ("drill_id", "person_id", "plan_version", "fingerprint", "participant_role", "drill_date",
                 "question_no", "field", "seconds", "correct")
"""Columns of a paper-results CSV, one row per question answered (documented in the README)."""


def render_paper_drill(env: Environment, renderer: PdfRenderer, packet: DrillPacket, seed: int,
                       participants: int = 4) -> bytes:
    """Question sheet, coordinator answer key and timing grid, followed by the packet itself."""
    assert packet.record.profile is not None
    order = paper_order(packet.questions, seed)
    pages = answer_pages(renderer, packet.print_html, [q.field for q in order])
    html = render(env, "drill_paper.html.j2", {
        "packet": packet, "name": packet.record.profile.identity.preferred_name,
        "fictional": packet.record.profile.fictional, "order": order, "pages": pages, "seed": seed,
        "participants": range(1, participants + 1), "columns": PAPER_COLUMNS, "stylesheets": [],
    })
    sheets = renderer.layout(html)
    packet_pages = renderer.layout(packet.print_html)
    return renderer.write(sheets.copy(sheets.pages + packet_pages.pages))


# --- results files: validate, then append to the log ------------------------------------------


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
    participant_role: str = Field(min_length=1, max_length=40,
                                  description="A role such as 'EMT', never a person's name.")
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
        return [], [Problem(display, line, "", f"not valid JSON ({what}): export the file again from "
                            "the drill page")]
    except RecursionError:
        return [], [Problem(display, 1, "", "not a drill results file (brackets nested too deeply): export "
                            "the file again from the drill page")]
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
            problems.append(Problem(path, line, dotted((*where, "answers", j, "field")),
                                    f"unknown field '{answer.field}': use one of {', '.join(BANK)}"))
        if answer.shown_at and answer.answered_at and answer.answered_at < answer.shown_at:
            problems.append(Problem(path, line, dotted((*where, "answers", j, "answered_at")),
                                    "answered_at is before shown_at"))
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
        what = "; ".join(part for part in (f"missing {', '.join(missing)}" if missing else "",
                                           f"unknown {', '.join(extra)}" if extra else "") if part)
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
            problems.append(Problem(display, line, "seconds", f"'{row['seconds']}' is not a number of seconds "
                                    "(write e.g. 7.5)"))
        correct = row["correct"].lower()
        if correct not in _TRUE | _FALSE:
            problems.append(Problem(display, line, "correct", f"'{row['correct']}' is not yes or no"))
        if row["field"] not in BANK:
            problems.append(Problem(display, line, "field", f"unknown field '{row['field']}': use one of "
                                    f"{', '.join(BANK)}"))
        try:
            day = dt.date.fromisoformat(row["drill_date"])
        except ValueError:
            problems.append(Problem(display, line, "drill_date", f"'{row['drill_date']}' is not a date: "
                                    "write YYYY-MM-DD"))
            day = None
        number = _number(row["question_no"])
        if number is None or number != int(number) or number < 1:
            problems.append(Problem(display, line, "question_no", f"'{row['question_no']}' is not a question "
                                    "number (1, 2, ...)"))
        if len(problems) > bad:
            continue
        assert seconds is not None and day is not None and number is not None
        run_fields = {k: row[k] for k in ("person_id", "plan_version", "fingerprint", "participant_role")}
        group = groups.setdefault(row["drill_id"], {"line": line, **run_fields, "drill_date": day, "answers": []})
        for key, value in run_fields.items():
            if group[key] != value:
                problems.append(Problem(display, line, key, f"'{value}' differs from line {group['line']} "
                                        f"('{group[key]}') for the same drill_id {row['drill_id']}"))
        group["answers"].append({"field": row["field"], "question": BANK[row["field"]].text,
                                 "ms": round(seconds * 1000), "correct": correct in _TRUE,
                                 "question_no": int(number)})
    runs = []
    for drill_id, group in groups.items():
        data = {"drill_id": drill_id, "mode": "paper", "person_id": group["person_id"],
                "plan_version": group["plan_version"], "fingerprint": group["fingerprint"],
                "participant_role": group["participant_role"],
                "started_at": dt.datetime.combine(group["drill_date"], dt.time(), dt.UTC),
                "answers": sorted(group["answers"], key=lambda a: a["question_no"])}
        try:
            runs.append(DrillRun.model_validate(data))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"])
                problems.append(Problem(display, group["line"], field,
                                        f"{err['msg'].removeprefix('Value error, ')} (drill_id {drill_id})"))
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
            problems.append(Problem(shown, number, ".".join(str(p) for p in first["loc"]),
                                    f"damaged log line: {first['msg']}: restore it from version control"))
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
            problems.append(Problem(shown, None, "person_id", f"no profile for '{run.person_id}' under "
                                    f"{project.display(project.people_dir)}/"))
            continue
        if run.person_id not in existing:
            entries, damaged = read_log(project, run.person_id)
            existing[run.person_id] = entries
            problems += damaged
        logged = [e for e in existing[run.person_id] if e.drill_id == run.drill_id]
        if run.drill_id in seen:
            problems.append(Problem(shown, None, "drill_id", f"drill {run.drill_id} appears twice in this import: "
                                    "give each participant's run its own drill_id"))
        elif logged and _same_run(logged[0], run):
            already.append(run.drill_id)  # imported before: importing it again is a no-op, not an error
        elif logged:
            problems.append(Problem(shown, None, "drill_id", f"drill {run.drill_id} is already in the drill log "
                                    "with other answers: give this run another drill_id"))
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


# --- statistics for the report -----------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    drill_id: str
    person_id: str
    plan_version: int
    fingerprint: str
    role: str
    mode: str
    started_at: dt.datetime
    field: str
    ms: int
    correct: bool

    @property
    def packet_version(self) -> str:
        """A plan version plus the source fingerprint: a layout change shows even without a new plan."""
        return f"{self.person_id} v{self.plan_version} ({self.fingerprint})"


def answer_rows(runs: Iterable[DrillRun]) -> list[AnswerRow]:
    return [AnswerRow(r.drill_id, r.person_id, r.plan_version, r.fingerprint, r.participant_role, r.mode,
                      r.started_at, a.field, a.ms, a.correct)
            for r in runs for a in r.answers]


@dataclass(frozen=True)
class Summary:
    """Time-to-find for one group. Times count right answers only: a wrong click found nothing."""

    key: tuple[str, ...]
    attempts: int
    right: int
    wrong: int
    median_ms: float | None
    worst_ms: int | None
    flagged: bool
    """Median over the target, or never found at all."""

    @property
    def median_s(self) -> float | None:
        return None if self.median_ms is None else self.median_ms / 1000

    @property
    def worst_s(self) -> float | None:
        return None if self.worst_ms is None else self.worst_ms / 1000


def summarize(rows: Iterable[AnswerRow], key: Callable[[AnswerRow], tuple[str, ...]],
              target_ms: float) -> list[Summary]:
    """Median and worst time-to-find per group, in key order."""
    groups: dict[tuple[str, ...], list[AnswerRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    out = []
    for group_key in sorted(groups):
        group = groups[group_key]
        times = [r.ms for r in group if r.correct]
        median = statistics.median(times) if times else None
        out.append(Summary(group_key, len(group), len(times), len(group) - len(times), median,
                           max(times) if times else None, median is None or median > target_ms))
    return out


def by_field(row: AnswerRow) -> tuple[str, ...]:
    return (row.field,)


def by_version(row: AnswerRow) -> tuple[str, ...]:
    return (row.packet_version,)


def by_role(row: AnswerRow) -> tuple[str, ...]:
    return (row.role,)


def by_version_and_field(row: AnswerRow) -> tuple[str, ...]:
    return (row.packet_version, row.field)


@dataclass(frozen=True)
class ChartRun:
    number: int
    label: str
    x: float
    median_y: float | None
    points: list[tuple[float, bool]]
    """(y, right?) for every answer in the run."""


def chart(runs: Sequence[DrillRun], target_ms: float, width: int = 640, height: int = 260,
          margin: int = 44) -> dict[str, Any]:
    """Coordinates for the time-to-find chart (the template draws them as SVG): one column per
    drill in time order, a dot per answer, each person's drill medians joined by their own line
    (never one person's to another's), labelled with the person id, the target dashed."""
    ordered = sorted(runs, key=lambda r: (r.started_at, r.drill_id))
    top_ms = max([a.ms for r in ordered for a in r.answers] + [target_ms]) * 1.1 or 1.0
    plot_w, plot_h = width - 2 * margin, height - 2 * margin

    def y(ms: float) -> float:
        return round(margin + plot_h - plot_h * ms / top_ms, 1)

    step = plot_w / max(len(ordered), 1)
    columns = []
    for i, run in enumerate(ordered):
        right = [a.ms for a in run.answers if a.correct]
        columns.append(ChartRun(i + 1, f"{run.started_at:%Y-%m-%d} {run.person_id} v{run.plan_version} "
                                       f"({run.fingerprint}) {run.participant_role}",
                                round(margin + step * (i + 0.5), 1),
                                y(statistics.median(right)) if right else None,
                                [(y(a.ms), a.correct) for a in run.answers]))
    ticks = _ticks(top_ms / 1000)
    lines = []
    for person in dict.fromkeys(run.person_id for run in ordered):
        points = [(c.x, c.median_y) for c, run in zip(columns, ordered, strict=True)
                  if run.person_id == person and c.median_y is not None]
        if points:
            lines.append({"person": person, "points": " ".join(f"{x},{y}" for x, y in points),
                          "label_x": points[-1][0] + 6, "label_y": points[-1][1] - 6})
    return {"width": width, "height": height, "margin": margin, "runs": columns, "lines": lines,
            "target_y": y(target_ms), "target_s": target_ms / 1000,
            "ticks": [(t, y(t * 1000)) for t in ticks], "bottom": margin + plot_h, "right": width - margin,
            "legend_x": margin + 8, "legend_y": 14}


def _ticks(top_s: float) -> list[float]:
    for step in (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300):
        if top_s / step <= 6:
            break
    count = int(top_s // step)
    return [round(step * i, 1) for i in range(count + 1)]


def report_context(runs: Sequence[DrillRun], target_seconds: float) -> dict[str, Any]:
    """Everything the report template shows, computed here so the template only lays it out."""
    target_ms = target_seconds * 1000
    rows = answer_rows(runs)
    fields = summarize(rows, by_field, target_ms)
    return {
        "target_s": target_seconds,
        "runs": len(runs),
        "answers": len(rows),
        "right": sum(r.correct for r in rows),
        "wrong": sum(not r.correct for r in rows),
        "fields": fields,
        "flagged": [s for s in fields if s.flagged],
        "versions": summarize(rows, by_version, target_ms),
        "version_fields": summarize(rows, by_version_and_field, target_ms),
        "roles": summarize(rows, by_role, target_ms),
        "chart": chart(runs, target_ms),
        "questions": BANK,
        "flag_text": FLAG_TEXT,
        "stylesheets": [],
    }


def render_report(env: Environment, project: Project, runs: Sequence[DrillRun], target_seconds: float,
                  renderer: PdfRenderer | None) -> tuple[str, bytes | None]:
    """The report as self-contained HTML and, given a renderer, as PDF."""
    context = report_context(runs, target_seconds) | {"generated": printed_time(project)}
    html = render(env, "drill_report.html.j2", context | {"css": Markup(inline_stylesheet(project.styles_dir))})
    pdf = renderer.render(render(env, "drill_report.html.j2", context | {"css": None})) if renderer else None
    return html, pdf


def drills_dir(project: Project) -> Path:
    return project.build_dir / "drills"


def write_drill_page(env: Environment, project: Project, record: PersonRecord, as_of: dt.date) -> tuple[Path, int]:
    """build/drills/<id>.html; returns the path and the number of questions."""
    packet = drill_packet(env, project, record, as_of)
    path = drills_dir(project) / f"{record.person_id}.html"
    write_text(path, render_drill_page(env, project, packet))
    record_drill(project.build_dir, path, packet.fingerprint)
    return path, len(packet.questions)


def write_paper_drill(env: Environment, project: Project, renderer: PdfRenderer, record: PersonRecord,
                      as_of: dt.date, seed: int) -> tuple[Path, int]:
    """build/drills/<id>-paper.pdf; returns the path and the number of questions."""
    packet = drill_packet(env, project, record, as_of)
    path = drills_dir(project) / f"{record.person_id}-paper.pdf"
    write_atomic(path, render_paper_drill(env, renderer, packet, seed))
    record_drill(project.build_dir, path, packet.fingerprint)
    return path, len(packet.questions)


def write_report(env: Environment, project: Project, runs: Sequence[DrillRun], target_seconds: float) -> list[Path]:
    html, pdf = render_report(env, project, runs, target_seconds, PdfRenderer(project.styles_dir, project.paper))
    base = drills_dir(project) / "report"
    write_text(base.with_suffix(".html"), html)
    assert pdf is not None
    write_atomic(base.with_suffix(".pdf"), pdf)
    return [base.with_suffix(".html"), base.with_suffix(".pdf")]
