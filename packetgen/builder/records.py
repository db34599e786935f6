"""A person as the build holds them: the profile and events as loaded and validated, with their problems,
and the facts the rules derive from them (gates, dated warnings).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from packetgen.model.errors import Problem, Severity, dotted
from packetgen.model.event import Event
from packetgen.model.profile import Consent, Profile
from packetgen.pipeline.gates import Gate, event_gates
from packetgen.pipeline.load import Document, load_yaml
from packetgen.pipeline.rules import (
    EventPair,
    Notification,
    ReviewStatus,
    expiring_consents,
    notification,
    review_status,
)
from packetgen.pipeline.validate import validate_event, validate_profile
from packetgen.project.config import Settings
from packetgen.project.folders import Project

log = logging.getLogger(__name__)


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
    settings: Settings = field(default_factory=Settings)
    """The project's packetgen.yml: review interval, consent warning, and what documents show."""

    def review(self, as_of: dt.date) -> ReviewStatus:
        """The plan's review status under the project's review interval (valid profiles only)."""
        assert self.profile is not None
        return review_status(self.profile.plan, as_of, self.settings.review_months)

    def expiring_consents(self, as_of: dt.date) -> list[Consent]:
        """Consents lapsing within the project's warning window (valid profiles only)."""
        assert self.profile is not None
        return expiring_consents(self.profile, as_of, self.settings.consent_warning_days)

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


def load_person(project: Project, person_id: str, *, as_of: dt.date) -> PersonRecord:
    """Load and validate one person's profile and events as of the build date (dates after it are errors)."""
    path = project.profile_path(person_id)
    doc = load_yaml(path, project.display(path))
    profile, problems = validate_profile(doc, path.parent, as_of)
    duplicates = project.duplicate_files(person_id)
    if duplicates:
        profile, problems = None, duplicates + problems
    events = []
    for event_path in project.event_paths(person_id):
        event_doc = load_yaml(event_path, project.display(event_path))
        event, event_problems = validate_event(event_doc, event_path.stem, as_of)
        events.append(EventRecord(event_path.stem, event_path, event, event_problems, event_doc))
        problems = problems + event_problems
    return PersonRecord(person_id, path, profile, problems, doc, events, project.config.settings)


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
    return [
        EventFacts(by_id[event_id], event, notification(pairs, event_id, as_of), event_gates(event, as_of))
        for event_id, event in pairs
    ]


def gate_problems(record: PersonRecord, as_of: dt.date, severity: Severity = "error") -> list[Problem]:
    """Open gates as problems pointing at the event file and field, for `packetgen check`."""
    found = []
    for facts in derive_events(record, as_of):
        for gate in facts.gates:
            docs = ", ".join(gate.documents)
            found.append(
                Problem(
                    facts.record.doc.path,
                    facts.record.doc.line_of(gate.field),
                    dotted(gate.field),
                    f"INCOMPLETE {docs}: {gate.message}",
                    severity,
                )
            )
    return found


def dated_warnings(record: PersonRecord, as_of: dt.date) -> list[Problem]:
    """Warnings that depend on the build date: consents about to lapse, reviews overdue."""
    if record.profile is None:
        return []
    found = []
    for consent in record.expiring_consents(as_of):
        index = record.profile.consents.index(consent)
        found.append(
            Problem(
                record.doc.path,
                record.doc.line_of(("consents", index)),
                f"consents[{index}]",
                f"consent {consent.id} for {consent.recipient} expires on {consent.expires}: "
                "renew it or plan for it to lapse",
                "warning",
            )
        )
    review = record.review(as_of)
    if review.overdue:
        found.append(
            Problem(
                record.doc.path,
                record.doc.line_of(("plan", "last_reviewed")),
                "plan",
                f"review overdue since {review.next_review}: review the plan and update plan.last_reviewed",
                "warning",
            )
        )
    for facts in derive_events(record, as_of) if record.ok else []:
        note = facts.notification
        if note.state == "overdue" and note.due_at is not None:
            found.append(
                Problem(
                    facts.record.doc.path,
                    facts.record.doc.line_of(("case_manager",)),
                    "case_manager.notified_at",
                    f"case manager notification overdue since {note.due_at:%Y-%m-%d %H:%M} "
                    f"({'; '.join(t.reason for t in note.triggers)}): notify them and record "
                    "case_manager.notified_at",
                    "warning",
                )
            )
    return found


def load_people(project: Project, only: Iterable[str] | None = None, *, as_of: dt.date) -> list[PersonRecord]:
    ids = list(only) if only else project.person_ids()
    return [load_person(project, person_id, as_of=as_of) for person_id in ids]
