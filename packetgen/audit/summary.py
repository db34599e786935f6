"""The service-wide view: every event audited, gaps that repeat, months, drill and consent evidence,
and the summary lines. Ids, dates, counts and field names only, never free text.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from dataclasses import dataclass
from typing import Any

from packetgen.audit.checks import (
    DEFAULT_TARGET_HOURS,
    REPEAT_EVENTS,
    REQUIRED_FIELDS,
    EventAudit,
    audit_event,
)
from packetgen.builder.records import PersonRecord, derive_events
from packetgen.drill.report import DEFAULT_TARGET_SECONDS, answer_rows, by_field, summarize
from packetgen.drill.results import LogEntry
from packetgen.model.errors import Problem


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
        repeated = [
            RepeatedGap(
                gap, tuple(f"{e.person}: {e.event_id}" for e in items), tuple(dict.fromkeys(e.person for e in items))
            )
            for gap, items in seen.items()
            if len(items) >= REPEAT_EVENTS or len({e.person_id for e in items}) >= 2
        ]
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


def run_audit(
    records: list[PersonRecord],
    drill_log: list[LogEntry],
    as_of: dt.date,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    sample: int | None = None,
    seed: int | None = None,
    identified: bool = False,
    target_hours: float = DEFAULT_TARGET_HOURS,
) -> Audit:
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
    return Audit(
        as_of,
        start,
        end,
        target_hours,
        identified,
        sample,
        seed,
        population,
        items,
        errors,
        [person_label(r, identified) for r in valid],
        revised_tools(valid, identified, start, end),
        drill_evidence(valid, drill_log, identified),
        consent_evidence(valid, as_of, identified),
    )


def revised_tools(
    records: list[PersonRecord], identified: bool, start: dt.date | None, end: dt.date | None
) -> list[str]:
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
                found.append(
                    f"{label}: crisis plan v{plan.version} took effect {plan.effective}, after the "
                    f"partnership review of {event_id}"
                )
            for partner in gaps:
                if partner.validated_on:
                    found.append(f"{label}: action from {event_id} validated on {partner.validated_on}")
    return found


def drill_evidence(
    records: list[PersonRecord], log: list[LogEntry], identified: bool, target_seconds: float = DEFAULT_TARGET_SECONDS
) -> list[dict[str, Any]]:
    """Drills run per person and what they showed, from the drill log."""
    labels = {r.person_id: person_label(r, identified) for r in records}
    out = []
    for person_id in sorted({entry.person_id for entry in log}):
        runs = [e for e in log if e.person_id == person_id]
        rows = answer_rows(runs)
        fields = summarize(rows, by_field, target_seconds * 1000)
        right = sum(r.correct for r in rows)
        out.append(
            {
                "person": labels.get(person_id, person_id),
                "runs": len(runs),
                "answers": len(rows),
                "right": right,
                "dates": sorted({r.started_at.date().isoformat() for r in runs}),
                "flagged": [s.key[0] for s in fields if s.flagged],
            }
        )
    return out


def consent_evidence(records: list[PersonRecord], as_of: dt.date, identified: bool) -> list[str]:
    found = []
    for record in records:
        assert record.profile is not None
        for consent in record.expiring_consents(as_of):
            found.append(
                f"{person_label(record, identified)}: consent {consent.id} for {consent.recipient} "
                f"expires {consent.expires}"
            )
    return found


def summary_lines(audit: Audit) -> list[str]:
    """The short summary `packetgen audit` prints."""
    span = f"{audit.start or 'first record'} to {audit.end or audit.as_of}"
    scope = (
        f"a sample of {len(audit.events)} of {audit.population} events (seed {audit.seed})"
        if audit.sample is not None and audit.sample < audit.population
        else f"all {len(audit.events)} events"
    )
    hours = f"median {audit.median_hours} h, worst {audit.worst_hours} h" if audit.hours else "no notifications yet"
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
