"""The build: load -> validate -> select -> derive -> render -> write, for every person.

Every person is loaded and validated before anything is written (as Pelican runs all context
phases before output), and a person with errors gets nothing written: their last good packet
stays in ``build/`` untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import __version__
from .documents import ALL_DOCUMENTS, BY_NAME, LARGE_PRINT_OF, PERSON_DOCUMENTS, DocumentKind, large_print
from .errors import Problem, Severity, dotted
from .event_model import Event
from .load import Document, load_yaml
from .model import Profile
from .output import write_atomic, write_text
from .pdf import STYLESHEET, PdfRenderer
from .project import Project
from .render import make_environment, photo_data_uri, render
from .rules import (
    EventPair,
    Gate,
    Notification,
    ReviewStatus,
    event_documents,
    event_gates,
    expiring_consents,
    first_page_medications,
    gates_for,
    notification,
    review_status,
)
from .select import Selection, select, select_event
from .validate import validate_event, validate_profile

log = logging.getLogger(__name__)

FORMATS = ("html", "pdf")


@dataclass
class EventRecord:
    """One event file: its id (the file name), the typed event (None if invalid) and its problems."""

    event_id: str
    path: Path
    event: Event | None
    problems: list[Problem]
    doc: Document


@dataclass
class PersonRecord:
    person_id: str
    path: Path
    profile: Profile | None
    problems: list[Problem]
    """Problems in the profile and in every event file."""
    doc: Document
    events: list[EventRecord] = field(default_factory=list)

    @property
    def source(self) -> bytes:
        """Everything this person's documents are made from: the profile and every event file."""
        return self.doc.source + b"".join(e.event_id.encode() + e.doc.source for e in self.events)

    @property
    def ok(self) -> bool:
        """A person with an error in the profile or in any event is not built (rules need every event)."""
        return self.profile is not None and all(e.event is not None for e in self.events)

    @property
    def event_pairs(self) -> list[EventPair]:
        """Valid events as (id, event), oldest first: what the rules take."""
        pairs = [(e.event_id, e.event) for e in self.events if e.event is not None]
        return sorted(pairs, key=lambda pair: (pair[1].occurred_at, pair[0]))


def load_person(project: Project, person_id: str) -> PersonRecord:
    path = project.profile_path(person_id)
    doc = load_yaml(path, project.display(path))
    profile, problems = validate_profile(doc, path.parent)
    events = []
    for event_path in project.event_paths(person_id):
        event_doc = load_yaml(event_path, project.display(event_path))
        event, event_problems = validate_event(event_doc, event_path.stem)
        events.append(EventRecord(event_path.stem, event_path, event, event_problems, event_doc))
        problems = problems + event_problems
    return PersonRecord(person_id, path, profile, problems, doc, events)


@dataclass(frozen=True)
class EventFacts:
    """What the rules say about one event on a given day."""

    record: EventRecord
    event: Event
    notification: Notification
    gates: list[Gate]


def derive_events(record: PersonRecord, as_of: dt.date) -> list[EventFacts]:
    """Notification status and open gates for every valid event of one person, oldest first."""
    pairs = record.event_pairs
    by_id = {e.event_id: e for e in record.events}
    return [EventFacts(by_id[event_id], event, notification(pairs, event_id, as_of), event_gates(event, as_of))
            for event_id, event in pairs]


def gate_problems(record: PersonRecord, as_of: dt.date, severity: Severity = "error") -> list[Problem]:
    """Open gates as problems pointing at the event file and field, for `packetgen check`."""
    found = []
    for facts in derive_events(record, as_of):
        for gate in facts.gates:
            docs = ", ".join(gate.documents)
            found.append(Problem(facts.record.doc.path, facts.record.doc.line_of(gate.field), dotted(gate.field),
                                 f"INCOMPLETE {docs}: {gate.message}", severity))
    return found


def dated_warnings(record: PersonRecord, as_of: dt.date) -> list[Problem]:
    """Warnings that depend on the build date: consents about to lapse, reviews overdue."""
    if record.profile is None:
        return []
    found = []
    for consent in expiring_consents(record.profile, as_of):
        index = record.profile.consents.index(consent)
        found.append(Problem(record.doc.path, record.doc.line_of(("consents", index)), f"consents[{index}]",
                             f"consent {consent.id} for {consent.recipient} expires on {consent.expires}: "
                             "renew it or plan for it to lapse", "warning"))
    review = review_status(record.profile.plan, as_of)
    if review.overdue:
        found.append(Problem(record.doc.path, record.doc.line_of(("plan", "last_reviewed")), "plan",
                             f"review overdue since {review.next_review}: review the plan and update "
                             "plan.last_reviewed", "warning"))
    for facts in derive_events(record, as_of) if record.ok else []:
        note = facts.notification
        if note.state == "overdue" and note.due_at is not None:
            found.append(Problem(facts.record.doc.path, facts.record.doc.line_of(("case_manager",)),
                                 "case_manager.notified_at",
                                 f"case manager notification overdue since {note.due_at:%Y-%m-%d %H:%M} "
                                 f"({'; '.join(t.reason for t in note.triggers)}): notify them and record "
                                 "case_manager.notified_at", "warning"))
    return found


def load_people(project: Project, only: Iterable[str] | None = None) -> list[PersonRecord]:
    ids = list(only) if only else project.person_ids()
    return [load_person(project, person_id) for person_id in ids]


def generated_at() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def fingerprint(record: PersonRecord, project: Project) -> str:
    """Short hash of everything a document is made from, printed in its footer."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(record.source)
    for folder in (project.templates_dir, project.styles_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@dataclass
class Rendered:
    kind: DocumentKind
    html: str
    print_html: str
    manifest: dict[str, Any]


def render_person_document(
    env: Environment, record: PersonRecord, kind: DocumentKind, as_of: dt.date, stamp: dict[str, str],
    extra: dict[str, Any] | None = None,
) -> Rendered:
    """Render one document for one valid person, as screen HTML, print HTML and a manifest."""
    profile = record.profile
    assert profile is not None
    selection = select(profile, kind.audience, kind.sections, as_of)
    review = review_status(profile.plan, as_of)
    photo = record.path.parent / profile.identity.photo if profile.identity.photo else None
    context: dict[str, Any] = {
        "view": selection.view,
        "kind": kind,
        "audience": selection.audience,
        "review": review,
        "as_of": as_of,
        "stamp": stamp,
        "photo": photo_data_uri(photo),
        "critical": kind.critical,
        **(extra or {}),
    }
    context["meds_first"], context["meds_more"] = first_page_medications(selection.view["medications"])
    # Screen HTML links the same stylesheets the PDF is made with (its @media print rules are the
    # PDF's), relative to where the page sits (event forms are deeper); the print HTML links none
    # because WeasyPrint gets them parsed once, from styles/.
    assets = context.get("assets", "../assets")
    stylesheets = [f"{assets}/{name}" for name in (STYLESHEET, *kind.stylesheets)]
    html = render(env, kind.template, {**context, "stylesheets": stylesheets, "print_layout": False})
    print_html = render(env, kind.template, {**context, "stylesheets": [], "print_layout": True})
    facts = manifest(record, kind, selection, review, as_of, stamp) | context.get("manifest_extra", {})
    return Rendered(kind, html, print_html, facts)


def manifest(record: PersonRecord, kind: DocumentKind, selection: Selection, review: ReviewStatus,
             as_of: dt.date, stamp: dict[str, str]) -> dict[str, Any]:
    """The proof of what this document shows and withholds, and why."""
    assert record.profile is not None
    return {
        "document": kind.name,
        "person": record.person_id,
        "audience": selection.audience.key,
        "as_of": as_of.isoformat(),
        "plan_version": record.profile.plan.version,
        "fingerprint": stamp["fingerprint"],
        "sections": [
            {"section": d.section, "sharing": d.sharing, "included": d.included, "reason": d.reason,
             "consent": d.consent_id}
            for d in selection.decisions
        ],
    }


@dataclass
class BuildResult:
    people: list[PersonRecord]
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    incomplete: list[Path] = field(default_factory=list)
    """Documents built with an INCOMPLETE banner (output stems, relative to the build folder)."""

    @property
    def problems(self) -> list[Problem]:
        return [p for record in self.people for p in record.problems]

    @property
    def failed(self) -> list[PersonRecord]:
        return [r for r in self.people if not r.ok]


@dataclass(frozen=True)
class Job:
    """One document to produce: for whom, which kind, where it goes, and any extra template data
    (an event, say). The build is a list of jobs, so new document kinds only add jobs."""

    record: PersonRecord
    kind: DocumentKind
    stem: Path
    """Output path relative to the build folder, without suffix: ``rosa-m/responder-packet``."""
    extra: dict[str, Any] = field(default_factory=dict)


def plan_jobs(records: list[PersonRecord], as_of: dt.date | None = None, *, large_print: bool = False) -> list[Job]:
    """Every document to build for the valid people (event documents depend on the date)."""
    as_of = as_of or dt.date.today()
    jobs = [Job(r, kind, Path(r.person_id) / kind.name) for r in records if r.ok for kind in PERSON_DOCUMENTS]
    if large_print:
        jobs += large_print_jobs(jobs)
    return jobs + [job for r in records if r.ok for job in plan_event_jobs(r, as_of)]


def large_print_jobs(jobs: list[Job]) -> list[Job]:
    """An 18 pt twin (``<document>-large-print``) of each responder packet and crisis plan job."""
    twins = []
    for job in jobs:
        if job.kind.name in LARGE_PRINT_OF:
            kind = large_print(job.kind)
            twins.append(Job(job.record, kind, job.stem.with_name(kind.name), job.extra))
    return twins


def plan_event_jobs(record: PersonRecord, as_of: dt.date) -> list[Job]:
    """Coordination documents for each event: build/<id>/events/<event-id>/<document>.

    The event reaches the template already filtered for the document's audience, with the rule
    results (notification, the gates that block this document) alongside.
    """
    jobs = []
    for facts in derive_events(record, as_of):
        for name in event_documents(facts.event):
            kind = BY_NAME[name]
            view, decisions = select_event(facts.event, kind.audience)
            gates = gates_for(facts.gates, name)
            extra = {
                "event": view,
                "event_id": facts.record.event_id,
                "notification": facts.notification,
                "gates": gates,
                "assets": "../../../assets",
                "manifest_extra": {
                    "event": facts.record.event_id,
                    "event_fields": [{"section": d.section, "sharing": d.sharing, "included": d.included,
                                      "reason": d.reason} for d in decisions],
                    "incomplete": [g.message for g in gates],
                },
            }
            jobs.append(Job(record, kind, Path(record.person_id) / "events" / facts.record.event_id / name, extra))
    return jobs


def build(project: Project, *, people: list[str] | None = None, formats: tuple[str, ...] = FORMATS,
          as_of: dt.date | None = None, large_print: bool = False) -> BuildResult:
    """Build every valid person's documents and the index. Invalid people keep their old output.

    ``large_print`` adds the 18 pt responder packet and crisis plan for readers with low vision."""
    as_of = as_of or dt.date.today()
    records = load_people(project, people)
    result = BuildResult(records)
    for record in records:
        if not record.ok:
            log.warning("%s: not built, %d problem(s); last good output kept", record.person_id,
                        sum(p.severity == "error" for p in record.problems))
    env = make_environment(project.templates_dir)
    renderer = PdfRenderer(project.styles_dir) if "pdf" in formats else None
    when = generated_at()
    _copy_assets(project, result)
    stamps: dict[str, dict[str, str]] = {}
    for job in plan_jobs(records, as_of, large_print=large_print):
        stamp = stamps.setdefault(job.record.person_id, {
            "fingerprint": fingerprint(job.record, project), "generated": when.strftime("%Y-%m-%d %H:%M UTC")})
        doc = render_person_document(env, job.record, job.kind, as_of, stamp, job.extra)
        if job.extra.get("gates"):
            result.incomplete.append(job.stem)
        target = project.build_dir / job.stem
        outputs: list[tuple[Path, bytes]] = [
            (target.with_suffix(".manifest.json"), json.dumps(doc.manifest, indent=2).encode() + b"\n")
        ]
        if "html" in formats:
            outputs.append((target.with_suffix(".html"), doc.html.encode()))
        if renderer is not None:
            outputs.append((target.with_suffix(".pdf"),
                            renderer.render(doc.print_html, job.kind.stylesheets, forms=job.kind.forms)))
        for path, data in outputs:
            (result.written if write_atomic(path, data) else result.unchanged).append(path)
    everyone = records if people is None else load_people(project)
    _write_index(project, env, everyone, result, as_of, when)
    return result


def _copy_assets(project: Project, result: BuildResult) -> None:
    """Screen HTML links the shared stylesheets and the shipped fonts, copied next to it."""
    assets = project.build_dir / "assets"
    for source in [*sorted(project.styles_dir.glob("*.css")), *sorted((project.styles_dir / "fonts").glob("*"))]:
        relative = source.relative_to(project.styles_dir)
        path = assets / relative
        (result.written if write_atomic(path, source.read_bytes()) else result.unchanged).append(path)


def _write_index(project: Project, env: Environment, everyone: list[PersonRecord], result: BuildResult,
                 as_of: dt.date, when: dt.datetime) -> None:
    """build/index.html: everyone, their plan version and review dates, OVERDUE and problems."""
    rows = []
    for record in everyone:
        profile = record.profile
        row: dict[str, Any] = {"id": record.person_id, "ok": record.ok, "problems": record.problems,
                               "documents": [k for k in ALL_DOCUMENTS
                                             if (project.build_dir / record.person_id / f"{k.name}.html").exists()]}
        row["events"] = [
            {"id": facts.record.event_id, "when": facts.event.occurred_at, "type": facts.event.type,
             "incomplete": bool(facts.gates), "notification": facts.notification.state,
             "documents": [BY_NAME[name] for name in event_documents(facts.event)
                           if (project.build_dir / record.person_id / "events" / facts.record.event_id
                               / f"{name}.html").exists()]}
            for facts in (derive_events(record, as_of) if record.ok else [])
        ]
        if profile is not None:
            row |= {"name": profile.identity.preferred_name, "plan": profile.plan,
                    "review": review_status(profile.plan, as_of),
                    "expiring": expiring_consents(profile, as_of)}
        rows.append(row)
    html = render(env, "index.html.j2", {"rows": rows, "as_of": as_of,
                                         "generated": when.strftime("%Y-%m-%d %H:%M UTC"),
                                         "stylesheets": [f"assets/{STYLESHEET}"], "print_layout": False})
    path = project.build_dir / "index.html"
    (result.written if write_text(path, html) else result.unchanged).append(path)

