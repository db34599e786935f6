"""``packetgen status``: the supervisor's morning list, from the same rules the documents use.

Per person: case manager notifications overdue and due, open gates (documents that stay
INCOMPLETE), the next review points, and printed copies that are stale (``copies``). Plain data
first (``person_status``), then text lines (``format_status``), so the CLI only prints and a later
report can reuse the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from packetgen.builder.records import EventFacts, PersonRecord, derive_events
from packetgen.copies.copies import PersonCopies, SlotState, person_copies
from packetgen.model.copies import COPY_KINDS
from packetgen.pipeline.gates import Gate
from packetgen.pipeline.render import event_type, long_date, long_time
from packetgen.project.folders import Project


@dataclass(frozen=True)
class ReviewItem:
    when: dt.date | dt.datetime
    what: str
    overdue: bool = False


@dataclass
class PersonStatus:
    person_id: str
    name: str | None
    errors: int
    overdue: list[EventFacts] = field(default_factory=list)
    due: list[EventFacts] = field(default_factory=list)
    gates: list[tuple[str, Gate]] = field(default_factory=list)
    reviews: list[ReviewItem] = field(default_factory=list)
    copies: PersonCopies | None = None


def person_status(record: PersonRecord, as_of: dt.date, project: Project | None = None) -> PersonStatus:
    """What one person's supervisor must act on, as of ``as_of`` (printed copies too, given the project)."""
    errors = sum(p.severity == "error" for p in record.problems)
    if not record.ok or record.profile is None:
        return PersonStatus(record.person_id, None, errors)
    status = PersonStatus(record.person_id, record.profile.identity.preferred_name, errors)
    for facts in derive_events(record, as_of):
        state = facts.notification.state
        if state == "overdue":
            status.overdue.append(facts)
        elif state == "due":
            status.due.append(facts)
        status.gates += [(facts.record.event_id, gate) for gate in facts.gates]
        event_id = facts.record.event_id
        if facts.event.next_review.date >= as_of:
            review_point = facts.event.next_review
            status.reviews.append(ReviewItem(review_point.date, f"{event_id}: {review_point.what}"))
        due = facts.event.next_update.due
        if due is not None and due.date() >= as_of:
            who = facts.event.next_update.supervisor or "NO NAMED SUPERVISOR"
            status.reviews.append(ReviewItem(due, f"{event_id}: next case manager update, by {who}"))
    review = record.review(as_of)
    status.reviews.append(
        ReviewItem(review.next_review, "plan review" + (" (OVERDUE)" if review.overdue else ""), review.overdue)
    )
    status.reviews.sort(key=lambda item: _sort_key(item.when))
    if project is not None:
        status.copies = person_copies(project, record, as_of)
    return status


def _sort_key(when: dt.date | dt.datetime) -> dt.datetime:
    return when if isinstance(when, dt.datetime) else dt.datetime.combine(when, dt.time())


def _when(when: dt.date | dt.datetime) -> str:
    return long_time(when) if isinstance(when, dt.datetime) else long_date(when)


def _notification_line(facts: EventFacts) -> str:
    note = facts.notification
    reasons = "; ".join(
        t.reason + ("" if len(t.events) < 2 else " (" + ", ".join(ref.id for ref in t.events) + ")")
        for t in note.triggers
    )
    due = _when(note.due_at or facts.event.occurred_at)
    return f"    {facts.record.event_id} ({event_type(facts.event.type).lower()}): due {due}, because {reasons}"


EXIT_OK = 0
EXIT_OVERDUE = 1
EXIT_NOT_CHECKED = 3
EXIT_STALE_COPIES = 4
"""``packetgen status`` exit codes, for scripts that alert (2 is a usage error, as for every command)."""


def exit_code(people: list[PersonStatus]) -> int:
    """1 when anything is overdue (a notification or a plan review): the alert a script wants first.
    Otherwise 3 when someone's records have errors (a damaged copies ledger included), so their
    status is unknown; otherwise 4 when printed copies are stale or missing; else 0."""
    if any(p.overdue or any(item.overdue for item in p.reviews) for p in people):
        return EXIT_OVERDUE
    if any(p.name is None or (p.copies is not None and p.copies.problems) for p in people):
        return EXIT_NOT_CHECKED
    if any(p.copies is not None and p.copies.stale_count for p in people):
        return EXIT_STALE_COPIES
    return EXIT_OK


def _copy_line(state: SlotState) -> str:
    """``go-bag: crisis plan v6 placed 20 Nov 2025, current v7 since 9 Mar 2026``."""
    title = COPY_KINDS[state.document].title.lower()
    if state.place.count > 1:
        title += f" ({state.place.count} copies)"
    now = f"current v{state.current.label} since {long_date(state.current.since)}"
    if state.placed is None:
        return f"    {state.place.location}: {title}: none placed yet, {now}"
    placed = state.placed
    return (
        f"    {state.place.location}: {title} v{placed.label or placed.plan_version} placed "
        f"{long_date(placed.placed_on)}, {now}"
    )


def _copies_lines(copies: PersonCopies | None) -> list[str]:
    if copies is None or not (copies.states or copies.problems):
        return []
    lines = [f"  printed copies: {copies.current_count} current, {copies.stale_count} stale"]
    lines += [_copy_line(state) for state in copies.states if state.stale]
    lines += [f"    {problem}" for problem in copies.problems]
    return lines


def format_status(people: list[PersonStatus], as_of: dt.date) -> list[str]:
    """The morning list as text lines, overdue first within each person."""
    stale = sum(p.copies.stale_count for p in people if p.copies)
    lines = [
        f"Status as of {long_date(as_of)}: "
        f"{sum(len(p.overdue) for p in people)} notification(s) overdue, "
        f"{sum(len(p.due) for p in people)} due, {sum(len(p.gates) for p in people)} open gate(s)"
        + (f", {stale} printed copies stale" if any(p.copies and p.copies.states for p in people) else "")
    ]
    for person in people:
        lines.append("")
        if person.name is None:
            lines.append(
                f"{person.person_id}: NOT CHECKED, {person.errors} error(s) in the records: run `packetgen check`"
            )
            continue
        lines.append(f"{person.person_id} ({person.name})")
        lines.append(f"  notifications overdue: {len(person.overdue) or 'none'}")
        lines += [_notification_line(f) for f in person.overdue]
        lines.append(f"  notifications due: {len(person.due) or 'none'}")
        lines += [_notification_line(f) for f in person.due]
        lines.append(f"  open gates: {len(person.gates) or 'none'}")
        lines += [f"    {event_id} [{', '.join(gate.documents)}]: {gate.message}" for event_id, gate in person.gates]
        lines.append("  next review points:")
        lines += [f"    {_when(item.when)}: {item.what}" for item in person.reviews]
        lines += _copies_lines(person.copies)
    return lines
