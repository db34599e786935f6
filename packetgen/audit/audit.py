"""Quality audit: is case manager coordination actually happening, and improving?

The case manager article's governance example asks leaders to sample records and check that
updates were timely, complete and followed through, which gaps repeat, and whether updates improve
over time; the partnership article asks for commissioner-ready evidence. This module answers those
questions from the records packetgen already holds, reusing ``rules.py`` for every trigger and gate
(there is no second implementation of the rules here).

Privacy: the audit is a service-wide view. It reports ids, dates, types, counts and the names of
missing fields, never event or profile free text, so nothing ``internal`` or unconsented can reach
it. People appear as id and initials unless ``identified`` is set.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import random
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from packetgen import __version__
from packetgen.build.document import printed_time
from packetgen.build.records import EventFacts, PersonRecord, derive_events
from packetgen.drill.report import DEFAULT_TARGET_SECONDS, answer_rows, by_field, summarize
from packetgen.drill.results import LogEntry
from packetgen.model.errors import Problem
from packetgen.model.event import Event
from packetgen.pipeline.output import write_atomic, write_text
from packetgen.pipeline.pdf import PdfRenderer
from packetgen.pipeline.render import render
from packetgen.pipeline.rules import (
    CM_UPDATE,
    GAP_WITHOUT_OWNER,
    GOVERNANCE_UPDATE,
    NO_PLAN_DECISION,
    NO_RESPONSE,
    NO_RETURN_CHECKLIST,
    NO_SUPERVISOR,
    PARTNERSHIP_REVIEW,
    RETURN_CHECKLIST,
    SUPPORT_REQUEST,
    Gate,
    Notification,
    event_documents,
    notification,
)
from packetgen.project.folders import Project

DEFAULT_TARGET_HOURS = 24.0
"""Notification later than this after the event counts as late (the demo plans say 24 hours)."""

REPEAT_EVENTS = 3
"""A gap seen in this many events (or in two or more people) is a repeated gap."""

GENERIC_PHRASES: dict[str, re.Pattern[str]] = {
    "is being monitored": re.compile(r"\bbeing monitored\b", re.I),
    "monitoring": re.compile(r"\bmonitoring\b", re.I),
    "had a crisis": re.compile(r"\bhad an? (crisis|incident|episode)\b", re.I),
    "no concerns": re.compile(r"\bno (further )?concerns\b", re.I),
    "doing okay": re.compile(r"\bdoing (ok|okay|fine|well)\b", re.I),
}
"""Words that say an event happened without saying what changed: the article's "weak update"."""

EMPTY_ANSWERS = {"", "none", "none.", "n/a", "na", "tbd", "unknown", "nothing", "none needed", "none needed."}


# --- plain facts per event ---------------------------------------------------------------------


def is_generic(text: str | None) -> bool:
    """True for text that carries no specific fact: empty, 'None', or only generic phrases."""
    if text is None or text.strip().lower() in EMPTY_ANSWERS:
        return True
    stripped = text
    for pattern in GENERIC_PHRASES.values():
        stripped = pattern.sub("", stripped)
    return len(re.findall(r"[A-Za-z0-9]+", stripped)) < 2


def generic_phrases(event: Event) -> list[str]:
    texts = (event.summary, event.current_presentation, event.current_risk)
    return [name for name, pattern in GENERIC_PHRASES.items() if any(pattern.search(t) for t in texts)]


def weak_update(event: Event) -> list[str]:
    """Why an update is weak (empty if it is not): generic words and at most one specific.

    The article's weak update says "the person had a crisis and is being monitored"; a strong one
    gives current risk, support change, clinical follow-up and what the case manager must decide.
    """
    phrases = generic_phrases(event)
    specifics = {
        "current risk": not is_generic(event.current_risk),
        "support change": event.temporary_support is not None,
        "clinical follow-up": not is_generic(event.clinical_follow_up),
        "requested action": event.case_manager.requested_action is not None,
    }
    if not phrases or sum(specifics.values()) > 1:
        return []
    missing = [name for name, ok in specifics.items() if not ok]
    return [f"generic wording ({', '.join(repr(p) for p in phrases)})", f"no {', no '.join(missing)}"]


Check = tuple[str, Callable[[Event], bool] | str]
"""A required field and its test, or the code of the gate that says it is missing (one rule)."""


def _support(event: Event, attribute: str) -> bool:
    support = event.temporary_support
    return support is None or bool(getattr(support, attribute))


def _partners_all(event: Event, test: Callable[[Any], bool]) -> bool:
    return all(test(p) for p in event.partners)


REQUIRED_FIELDS: dict[str, list[Check]] = {
    # Case manager article, example 1.
    CM_UPDATE: [
        ("date and time of event", lambda e: e.occurred_at is not None),
        ("presenting risk", lambda e: not is_generic(e.presenting_risk)),
        ("immediate response", lambda e: not is_generic(e.immediate_response)),
        ("current presentation", lambda e: not is_generic(e.current_presentation)),
        ("temporary support changes", lambda e: _support(e, "changes")),
        ("family contact", lambda e: e.family_contact.contacted),
        ("next review point", lambda e: e.next_review is not None),
        ("named supervisor for the next update", NO_SUPERVISOR),
    ],
    # Case manager article, example 3 (governance format).
    GOVERNANCE_UPDATE: [
        ("event summary", lambda e: not is_generic(e.summary)),
        ("current risk status", lambda e: not is_generic(e.current_risk)),
        ("stabilization actions", lambda e: not all(is_generic(a) for a in e.stabilization_actions)),
        ("staffing impact", lambda e: _support(e, "staffing_impact")),
        ("clinical follow-up", lambda e: not is_generic(e.clinical_follow_up)),
        ("family or caregiver communication", lambda e: e.family_contact.contacted),
        ("requested case manager action", lambda e: e.case_manager.requested_action is not None
         or e.case_manager.notified_at is not None),
        ("next update date", lambda e: e.next_update.due is not None),
    ],
    # Case manager article, example 2.
    SUPPORT_REQUEST: [
        ("support increase", lambda e: _support(e, "changes")),
        ("reason for increase", lambda e: _support(e, "reason")),
        ("start date", lambda e: _support(e, "start")),
        ("expected review date", lambda e: _support(e, "expected_review")),
        ("outcome indicators", lambda e: _support(e, "outcome_indicators")),
        ("staffing impact", lambda e: _support(e, "staffing_impact")),
        ("case manager notification", lambda e: e.case_manager.notified_at is not None),
    ],
    # Partnership review article.
    PARTNERSHIP_REVIEW: [
        ("partner involved", lambda e: _partners_all(e, lambda p: bool(p.partner))),
        ("reason for involvement", lambda e: _partners_all(e, lambda p: bool(p.reason))),
        ("information shared", lambda e: _partners_all(e, lambda p: bool(p.information_shared))),
        ("handoff time", lambda e: _partners_all(e, lambda p: p.handoff_at is not None)),
        ("decision ownership", lambda e: _partners_all(e, lambda p: bool(p.decision_owner))),
        ("follow-up responsibility", lambda e: _partners_all(e, lambda p: bool(p.follow_up_responsibility))),
        ("action owner", lambda e: _partners_all(e, lambda p: not p.communication_gap or bool(p.action_owner))),
        ("validation date", lambda e: _partners_all(e, lambda p: not p.communication_gap
                                                     or p.validation_date is not None)),
    ],
    RETURN_CHECKLIST: [
        ("checklist recorded", lambda e: _partners_all(e, lambda p: p.return_checklist is not None)),
        ("crisis plan decision", lambda e: _partners_all(
            e, lambda p: p.return_checklist is not None and p.return_checklist.crisis_plan_update_needed is not None)),
    ],
}
"""The required fields each coordination document must carry, as the articles list them."""


@dataclass(frozen=True)
class DocumentCheck:
    document: str
    present: int
    total: int
    missing: tuple[str, ...]
    gates: tuple[str, ...]

    @property
    def share(self) -> float:
        return self.present / self.total if self.total else 1.0


@dataclass
class EventAudit:
    person: str
    """The person as the report may show them: id and initials, or full name when identified."""
    person_id: str
    event_id: str
    occurred_at: dt.datetime
    type: str
    notification: Notification
    timeliness: str
    """``on-time``, ``late``, ``missing`` (past the target, never notified), ``pending`` or ``not-required``."""
    hours: float | None
    documents: list[DocumentCheck]
    weak: list[str]
    follow_through: list[str]
    gaps: list[str] = field(default_factory=list)

    @property
    def present(self) -> int:
        return sum(d.present for d in self.documents)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.documents)


TIMELINESS = {"notified": "on-time", "late": "late", "overdue": "missing", "due": "pending",
              "not-required": "not-required"}
"""The audit's words for ``rules.notification``'s states: looking back, an overdue notification is missing."""

FOLLOW_THROUGH = {
    NO_RESPONSE: "requested case manager action has no recorded response",
    GAP_WITHOUT_OWNER: "communication gap without an action owner and validation date",
    NO_RETURN_CHECKLIST: "no return-from-partner checklist",
    NO_PLAN_DECISION: "return checklist without a crisis plan decision",
}
"""Gates (``rules.event_gates``) that mean something asked for has not come back, in the audit's
words: field names only, never the partner's name or other free text."""


def follow_through(event: Event, gates: list[Gate], as_of: dt.date) -> list[str]:
    """Things asked for or promised that have not come back: a message sent is not coordination.

    The open gates say it (one rule, in ``rules.py``); a partner action past its validation date is
    the audit's own check, since it blocks no document."""
    found = []
    for gate in gates:
        if gate.code in FOLLOW_THROUGH:
            which = f"partner {int(gate.field[1]) + 1}: " if gate.field[0] == "partners" else ""
            found.append(which + FOLLOW_THROUGH[gate.code])
    for i, partner in enumerate(event.partners, 1):
        if partner.validation_date and partner.validation_date < as_of and partner.validated_on is None:
            found.append(f"partner {i}: action past its validation date ({partner.validation_date}) "
                         "with no validation recorded")
    return found


def audit_event(person: str, record: PersonRecord, facts: EventFacts, as_of: dt.date,
                target_hours: float) -> EventAudit:
    event = facts.event
    note = notification(record.event_pairs, facts.record.event_id, as_of, within_hours=target_hours)
    documents = []
    for name in event_documents(event):
        gates = tuple(g.code for g in facts.gates if name in g.documents)
        checks = [(label, test not in gates if isinstance(test, str) else test(event))
                  for label, test in REQUIRED_FIELDS[name]]
        missing = tuple(label for label, ok in checks if not ok)
        documents.append(DocumentCheck(name, len(checks) - len(missing), len(checks), missing, gates))
    item = EventAudit(person, record.person_id, facts.record.event_id, event.occurred_at, event.type, note,
                      TIMELINESS[note.state], note.hours_to_notify, documents, weak_update(event),
                      follow_through(event, facts.gates, as_of))
    item.gaps = _gaps(item)
    return item


SAME_GAP = {"family or caregiver communication": "family contact"}
"""Two documents' names for one missing fact, counted once as a gap."""


def _gaps(item: EventAudit) -> list[str]:
    """Short, comparable names for what went wrong, so repeats across events can be counted."""
    gaps = []
    if item.timeliness in ("late", "missing"):
        gaps.append(f"case manager notification {item.timeliness}")
    if item.weak:
        gaps.append("weak update (generic wording)")
    for label in sorted({SAME_GAP.get(m, m) for d in item.documents for m in d.missing}):
        gaps.append(f"missing: {label}")
    gaps += [re.sub(r"^partner \d+: ", "", f) for f in item.follow_through]
    return list(dict.fromkeys(gaps))


# --- the whole audit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RepeatedGap:
    gap: str
    events: tuple[str, ...]
    people: tuple[str, ...]


@dataclass(frozen=True)
class MonthRow:
    month: str
    events: int
    completeness: float
    median_hours: float | None
    weak: int


@dataclass
class Audit:
    as_of: dt.date
    start: dt.date | None
    end: dt.date | None
    target_hours: float
    identified: bool
    sample: int | None
    seed: int | None
    population: int
    events: list[EventAudit]
    errors: list[Problem]
    people: list[str]
    revised_tools: list[str]
    drills: list[dict[str, Any]]
    consents: list[str]

    @property
    def required(self) -> list[EventAudit]:
        return [e for e in self.events if e.timeliness != "not-required"]

    def count(self, state: str) -> int:
        return sum(e.timeliness == state for e in self.events)

    @property
    def hours(self) -> list[float]:
        return [e.hours for e in self.required if e.hours is not None]

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 1) if self.hours else None

    @property
    def worst_hours(self) -> float | None:
        return max(self.hours) if self.hours else None

    @property
    def completeness(self) -> float:
        total = sum(e.total for e in self.events)
        return sum(e.present for e in self.events) / total if total else 1.0

    def by_document(self) -> list[tuple[str, int, int, float, int]]:
        """(document, present, total, share, open gates) per coordination document kind."""
        rows = []
        for name in REQUIRED_FIELDS:
            checks = [d for e in self.events for d in e.documents if d.document == name]
            if checks:
                present, total = sum(d.present for d in checks), sum(d.total for d in checks)
                rows.append((name, present, total, present / total, sum(len(d.gates) for d in checks)))
        return rows

    @property
    def weak(self) -> list[EventAudit]:
        return [e for e in self.events if e.weak]

    @property
    def open_gates(self) -> int:
        return len({(e.event_id, g) for e in self.events for d in e.documents for g in d.gates})

    @property
    def follow_through(self) -> list[tuple[EventAudit, str]]:
        return [(e, f) for e in self.events for f in e.follow_through]

    def repeated_gaps(self) -> list[RepeatedGap]:
        """Gaps in three or more events, or in two or more people: listed first in the report."""
        seen: dict[str, list[EventAudit]] = {}
        for item in self.events:
            for gap in item.gaps:
                seen.setdefault(gap, []).append(item)
        repeated = [RepeatedGap(gap, tuple(f"{e.person}: {e.event_id}" for e in items),
                                tuple(dict.fromkeys(e.person for e in items)))
                    for gap, items in seen.items()
                    if len(items) >= REPEAT_EVENTS or len({e.person_id for e in items}) >= 2]
        return sorted(repeated, key=lambda r: (-len(r.events), r.gap))

    def trend(self) -> list[MonthRow]:
        months: dict[str, list[EventAudit]] = {}
        for item in self.events:
            months.setdefault(item.occurred_at.strftime("%Y-%m"), []).append(item)
        rows = []
        for month in sorted(months):
            items = months[month]
            total = sum(e.total for e in items)
            hours = [e.hours for e in items if e.hours is not None and e.timeliness != "not-required"]
            share = sum(e.present for e in items) / total if total else 1.0
            median = round(statistics.median(hours), 1) if hours else None
            rows.append(MonthRow(month, len(items), share, median, sum(bool(e.weak) for e in items)))
        return rows


def person_label(record: PersonRecord, identified: bool) -> str:
    """Id and initials by default; the full name only when the quality lead asks for it."""
    if record.profile is None:
        return record.person_id
    identity = record.profile.identity
    if identified:
        return f"{identity.legal_name} ({record.person_id})"
    initials = "".join(part[0].upper() + "." for part in identity.legal_name.split() if part[:1].isalpha())
    return f"{record.person_id} ({initials})"


def run_audit(records: list[PersonRecord], drill_log: list[LogEntry], as_of: dt.date, *,
              start: dt.date | None = None, end: dt.date | None = None, sample: int | None = None,
              seed: int | None = None, identified: bool = False,
              target_hours: float = DEFAULT_TARGET_HOURS) -> Audit:
    """Audit every event in the date range (or a seeded random sample of them)."""
    errors = [p for r in records for p in r.problems if p.severity == "error"]
    items: list[EventAudit] = []
    for record in records:
        if record.profile is None:
            continue  # its errors are findings; there is no valid profile to audit against
        label = person_label(record, identified)
        for facts in derive_events(record, as_of):
            day = facts.event.occurred_at.date()
            if (start and day < start) or (end and day > end):
                continue
            items.append(audit_event(label, record, facts, as_of, target_hours))
    population = len(items)
    if sample is not None and sample < population:
        # Sorted first so a seed picks the same records whatever order the files were read in.
        ordered = sorted(items, key=lambda e: (e.person_id, e.event_id))
        chosen = random.Random(seed).sample(ordered, sample)
        items = sorted(chosen, key=lambda e: (e.occurred_at, e.person_id))
    else:
        items.sort(key=lambda e: (e.occurred_at, e.person_id))
    valid = [r for r in records if r.profile is not None]
    return Audit(as_of, start, end, target_hours, identified, sample, seed, population, items, errors,
                 [person_label(r, identified) for r in valid], revised_tools(valid, identified, start, end),
                 drill_evidence(valid, drill_log, identified), consent_evidence(valid, as_of, identified))


def revised_tools(records: list[PersonRecord], identified: bool, start: dt.date | None,
                  end: dt.date | None) -> list[str]:
    """Plans revised after a partnership review found a gap, and partner actions validated."""
    found = []
    for record in records:
        assert record.profile is not None
        plan = record.profile.plan
        label = person_label(record, identified)
        for event_id, event in record.event_pairs:
            day = event.occurred_at.date()
            if (start and day < start) or (end and day > end):
                continue
            gaps = [p for p in event.partners if p.communication_gap]
            if gaps and plan.effective > day:
                found.append(f"{label}: crisis plan v{plan.version} took effect {plan.effective}, after the "
                             f"partnership review of {event_id}")
            for partner in gaps:
                if partner.validated_on:
                    found.append(f"{label}: action from {event_id} validated on {partner.validated_on}")
    return found


def drill_evidence(records: list[PersonRecord], log: list[LogEntry], identified: bool,
                   target_seconds: float = DEFAULT_TARGET_SECONDS) -> list[dict[str, Any]]:
    """Drills run per person and what they showed, from the drill log."""
    labels = {r.person_id: person_label(r, identified) for r in records}
    out = []
    for person_id in sorted({entry.person_id for entry in log}):
        runs = [e for e in log if e.person_id == person_id]
        rows = answer_rows(runs)
        fields = summarize(rows, by_field, target_seconds * 1000)
        right = sum(r.correct for r in rows)
        out.append({"person": labels.get(person_id, person_id), "runs": len(runs), "answers": len(rows),
                    "right": right, "dates": sorted({r.started_at.date().isoformat() for r in runs}),
                    "flagged": [s.key[0] for s in fields if s.flagged]})
    return out


def consent_evidence(records: list[PersonRecord], as_of: dt.date, identified: bool) -> list[str]:
    found = []
    for record in records:
        assert record.profile is not None
        for consent in record.expiring_consents(as_of):
            found.append(f"{person_label(record, identified)}: consent {consent.id} for {consent.recipient} "
                         f"expires {consent.expires}")
    return found


def summary_lines(audit: Audit) -> list[str]:
    """The short summary `packetgen audit` prints."""
    span = f"{audit.start or 'first record'} to {audit.end or audit.as_of}"
    scope = (f"a sample of {len(audit.events)} of {audit.population} events (seed {audit.seed})"
             if audit.sample is not None and audit.sample < audit.population else f"all {len(audit.events)} events")
    hours = (f"median {audit.median_hours} h, worst {audit.worst_hours} h" if audit.hours else "no notifications yet")
    lines = [
        f"Audit as of {audit.as_of} ({span}): {len(audit.people)} people, {scope}",
        f"  notifications: {len(audit.required)} required, {audit.count('on-time')} on time, "
        f"{audit.count('late')} late, {audit.count('missing')} missing, {audit.count('pending')} pending; "
        f"{hours} (target {audit.target_hours:g} h)",
        f"  completeness: {audit.completeness:.0%} of required fields; {audit.open_gates} open gate(s); "
        f"{len(audit.weak)} weak update(s)",
        f"  follow-through: {len(audit.follow_through)} open item(s)",
        f"  repeated gaps: {len(audit.repeated_gaps())}"
        + "".join(f"\n    {r.gap}: {len(r.events)} events, {len(r.people)} people" for r in audit.repeated_gaps()),
        f"  evidence: {len(audit.revised_tools)} revised tool(s), {sum(d['runs'] for d in audit.drills)} drill run(s), "
        f"{len(audit.consents)} consent(s) expiring",
    ]
    if audit.errors:
        lines.append(f"  records with errors: {len(audit.errors)} problem(s) (listed in the report)")
    return lines


# --- output ------------------------------------------------------------------------------------


def trend_chart(rows: list[MonthRow], fonts_dir: Path, target_hours: float = DEFAULT_TARGET_HOURS) -> str:
    """Completeness and notification time per month as one SVG (matplotlib, text kept as text).

    The SVG is deterministic (fixed hash salt, no date) so an unchanged audit is byte-identical.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    for font in sorted(fonts_dir.glob("*.ttf")):
        font_manager.fontManager.addfont(str(font))
    months = [r.month for r in rows]
    style: dict[str, Any] = {"font.family": "Atkinson Hyperlegible", "font.size": 12, "svg.fonttype": "none",
             "svg.hashsalt": "packetgen", "axes.spines.top": False, "axes.spines.right": False}
    with plt.rc_context(style):  # type: ignore[arg-type]
        # 7.5 in wide: the printed page width, so 12 pt text prints at 12 pt.
        figure, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.4))
        left.plot(months, [r.completeness * 100 for r in rows], marker="o", color="#1f4e79", linewidth=2)
        left.set_ylim(0, 105)
        left.set_title("Fields present (%)")
        hours = [(m, r.median_hours) for m, r in zip(months, rows, strict=True) if r.median_hours is not None]
        right.bar([m for m, _ in hours], [h for _, h in hours], color="#7a3b00")
        right.axhline(target_hours, color="#000000", linestyle="--", linewidth=1, label=f"target {target_hours:g} h")
        right.legend(frameon=False)
        right.set_title("Median hours to notify")
        for axis in (left, right):
            axis.tick_params(axis="x", labelrotation=30)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(figure)
    return buffer.getvalue()


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def write_audit(env: Environment, project: Project, audit: Audit, renderer: PdfRenderer | None = None) -> list[Path]:
    """build/audit/report.html, report.pdf and report.manifest.json."""
    from packetgen.drill.page import inline_stylesheet

    rows = audit.trend()
    context: dict[str, Any] = {
        "audit": audit,
        "repeated": audit.repeated_gaps(),
        "trend": rows,
        # An <img> of the SVG, not inline SVG: the browser and WeasyPrint draw it the same way, and
        # the table under it carries the same figures for screen readers.
        "chart": svg_data_uri(trend_chart(rows, project.styles_dir / "fonts", audit.target_hours)) if rows else None,
        "generated": printed_time(project),
        "stylesheet": None,
    }
    folder = project.build_dir / "audit"
    html = render(env, "audit_report.html.j2", context | {"css": Markup(inline_stylesheet(project.styles_dir))})
    written = [folder / "report.html", folder / "report.pdf", folder / "report.manifest.json"]
    write_text(written[0], html)
    pdf_renderer = renderer or PdfRenderer(project.styles_dir, project.paper)
    write_atomic(written[1], pdf_renderer.render(render(env, "audit_report.html.j2", context | {"css": None})))
    manifest = {
        "document": "quality-audit", "packetgen_version": __version__, "audience": "internal-staff",
        "as_of": audit.as_of.isoformat(),
        "from": audit.start.isoformat() if audit.start else None, "to": audit.end.isoformat() if audit.end else None,
        "identified": audit.identified,
        "people_shown_as": "full name and id" if audit.identified else "id and initials",
        "sample": audit.sample, "seed": audit.seed, "population": audit.population,
        "events": [f"{e.person_id}/{e.event_id}" for e in audit.events],
        "free_text": "none: the audit shows ids, dates, types, counts and missing-field names only",
    }
    write_text(written[2], json.dumps(manifest, indent=2) + "\n")
    return written
