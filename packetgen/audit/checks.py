"""One event, audited: was it timely, complete and followed through. Timeliness and the gates come from
``pipeline.rules``; this module only adds what a quality reviewer asks of the record's wording.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from packetgen.builder.records import EventFacts, PersonRecord
from packetgen.model.event import Event
from packetgen.pipeline.gates import (
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
    event_documents,
)
from packetgen.pipeline.rules import Notification, notification

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
        (
            "requested case manager action",
            lambda e: e.case_manager.requested_action is not None or e.case_manager.notified_at is not None,
        ),
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
        (
            "validation date",
            lambda e: _partners_all(e, lambda p: not p.communication_gap or p.validation_date is not None),
        ),
    ],
    RETURN_CHECKLIST: [
        ("checklist recorded", lambda e: _partners_all(e, lambda p: p.return_checklist is not None)),
        (
            "crisis plan decision",
            lambda e: _partners_all(
                e, lambda p: p.return_checklist is not None and p.return_checklist.crisis_plan_update_needed is not None
            ),
        ),
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


TIMELINESS = {
    "notified": "on-time",
    "late": "late",
    "overdue": "missing",
    "due": "pending",
    "not-required": "not-required",
}

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
            found.append(
                f"partner {i}: action past its validation date ({partner.validation_date}) with no validation recorded"
            )
    return found


def audit_event(
    person: str, record: PersonRecord, facts: EventFacts, as_of: dt.date, target_hours: float
) -> EventAudit:
    event = facts.event
    note = notification(record.event_pairs, facts.record.event_id, as_of, within_hours=target_hours)
    documents = []
    for name in event_documents(event):
        gates = tuple(g.code for g in facts.gates if name in g.documents)
        checks = [
            (label, test not in gates if isinstance(test, str) else test(event))
            for label, test in REQUIRED_FIELDS[name]
        ]
        missing = tuple(label for label, ok in checks if not ok)
        documents.append(DocumentCheck(name, len(checks) - len(missing), len(checks), missing, gates))
    item = EventAudit(
        person,
        record.person_id,
        facts.record.event_id,
        event.occurred_at,
        event.type,
        note,
        TIMELINESS[note.state],
        note.hours_to_notify,
        documents,
        weak_update(event),
        follow_through(event, facts.gates, as_of),
    )
    item.gaps = event_gaps(item)
    return item


SAME_GAP = {"family or caregiver communication": "family contact"}

"""Two documents' names for one missing fact, counted once as a gap."""


def event_gaps(item: EventAudit) -> list[str]:
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
