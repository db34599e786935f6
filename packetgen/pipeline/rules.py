"""Derive stage: facts computed from the records (review status, consent expiry).

Plain data in, plain data out, so every rule is testable without rendering anything.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from packetgen.model.event import Event
from packetgen.model.profile import Consent, PlanInfo, Profile
from packetgen.model.safety import Medication, Medications

REVIEW_MONTHS = 6

"""Smart911 and NHS hospital passports re-validate every six months."""


CONSENT_WARNING_DAYS = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day-of-month ``months`` later, clamped to the month's end (Aug 31 + 6 -> Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReviewStatus:
    last_reviewed: dt.date
    next_review: dt.date
    overdue: bool
    days_left: int


def review_status(plan: PlanInfo, as_of: dt.date, months: int = REVIEW_MONTHS) -> ReviewStatus:
    """Next review: the plan's own date, else ``months`` (packetgen.yml's review_months) after the last."""
    next_review = plan.next_review or add_months(plan.last_reviewed, months)
    return ReviewStatus(plan.last_reviewed, next_review, as_of > next_review, (next_review - as_of).days)


def expiring_consents(profile: Profile, as_of: dt.date, days: int = CONSENT_WARNING_DAYS) -> list[Consent]:
    """Consents in force today that lapse within ``days``: someone must renew them."""
    return [c for c in profile.consents if c.granted <= as_of < c.expires and (c.expires - as_of).days <= days]


FIRST_PAGE_MEDICATIONS = 7

"""More than this and the list continues on page 2, so page 1 still carries allergies and risks."""


def first_page_medications(medications: Medications | None) -> tuple[list[Medication], list[Medication]]:
    """Split a medication list into what fits on page 1 and what continues on page 2."""
    items = list(medications.items or []) if medications is not None else []
    return items[:FIRST_PAGE_MEDICATIONS], items[FIRST_PAGE_MEDICATIONS:]


NOTIFY_WITHIN_HOURS = 24

"""Case manager notification is due this long after the event (the demo crisis plans say 24 h)."""


CRISIS_WINDOW_DAYS = 30


CRISIS_CONTACTS_TRIGGER = 3

"""3 crisis contacts for the same person within any 30-day window require notification."""


THRESHOLD_TYPES: dict[str, str] = {
    "ed-visit": "emergency department visit",
    "mobile-crisis-contact": "mobile crisis contact",
    "police-ems": "police or EMS involvement",
    "self-harm-risk": "self-harm risk",
    "injury": "injury",
    "medication-disruption": "medication disruption",
    "major-family-concern": "major family concern",
}

"""Event types that always require case manager notification. Repeated escalation, a major
family concern raised during another event, and a support increase affecting authorization are
flags on the event rather than types, and are checked separately."""


CRISIS_CONTACT_TYPES = frozenset({"escalation", "mobile-crisis-contact", "ed-visit", "police-ems", "self-harm-risk"})

"""Types that count as a crisis contact unless the event says ``crisis_contact: false``."""


EventPair = tuple[str, Event]


@dataclass(frozen=True)
class EventRef:
    id: str
    occurred_at: dt.datetime
    type: str


@dataclass(frozen=True)
class Trigger:
    """One reason the case manager must be notified: which rule, and which events meet it."""

    rule: str
    reason: str
    events: tuple[EventRef, ...]


@dataclass(frozen=True)
class Notification:
    event_id: str
    triggers: tuple[Trigger, ...]
    due_at: dt.datetime | None
    notified_at: dt.datetime | None
    state: str
    """``not-required``, ``notified``, ``late`` (notified after the due time), ``due`` or ``overdue``."""
    occurred_at: dt.datetime | None = None

    @property
    def required(self) -> bool:
        return bool(self.triggers)

    @property
    def hours_to_notify(self) -> float | None:
        """Hours from the event to the notification: what a timeliness audit measures."""
        if self.notified_at is None or self.occurred_at is None or not self.required:
            return None
        return round((self.notified_at - self.occurred_at).total_seconds() / 3600, 1)


def is_crisis_contact(event: Event) -> bool:
    if event.crisis_contact is not None:
        return event.crisis_contact
    return event.type in CRISIS_CONTACT_TYPES


def _ref(pair: EventPair) -> EventRef:
    return EventRef(pair[0], pair[1].occurred_at, pair[1].type)


def crisis_contacts_in_window(events: list[EventPair], event_id: str) -> list[EventPair]:
    """Crisis contacts in the 30 calendar days ending on this event's day, up to this event.

    "Within 30 days" counts calendar days inclusively: 1 Nov and 30 Nov are in one window, 1 Nov
    and 1 Dec (31 days) are not.
    """
    by_id = dict(events)
    this = by_id[event_id]
    if not is_crisis_contact(this):
        return []
    return sorted(
        (
            (i, e)
            for i, e in events
            if is_crisis_contact(e)
            and e.occurred_at <= this.occurred_at
            and (this.occurred_at.date() - e.occurred_at.date()).days < CRISIS_WINDOW_DAYS
        ),
        key=lambda pair: pair[1].occurred_at,
    )


def notification_triggers(events: list[EventPair], event_id: str) -> list[Trigger]:
    """Every rule that makes case manager notification required for this event."""
    event = dict(events)[event_id]
    me = (_ref((event_id, event)),)
    found = []
    if event.type in THRESHOLD_TYPES:
        found.append(Trigger("threshold-type", f"threshold event: {THRESHOLD_TYPES[event.type]}", me))
    if event.repeated_escalation:
        found.append(Trigger("repeated-escalation", "threshold event: repeated escalation", me))
    if event.family_contact.major_concern and event.type != "major-family-concern":
        found.append(Trigger("family-concern", "threshold event: major family concern", me))
    support = event.temporary_support
    if support is not None and support.increase and support.affects_authorization:
        found.append(Trigger("support-authorization", "temporary support increase affecting authorization", me))
    window = crisis_contacts_in_window(events, event_id)
    if len(window) >= CRISIS_CONTACTS_TRIGGER:
        found.append(
            Trigger(
                "three-in-thirty",
                f"{len(window)} crisis contacts within {CRISIS_WINDOW_DAYS} days",
                tuple(_ref(pair) for pair in window),
            )
        )
    if event.support_plan_changed:
        found.append(Trigger("support-plan-changed", "the event changed the support plan", me))
    if event.service_planning_issue:
        found.append(Trigger("service-planning", "service-planning issue beyond provider control", me))
    return found


def notification(
    events: list[EventPair], event_id: str, as_of: dt.date, within_hours: float = NOTIFY_WITHIN_HOURS
) -> Notification:
    """Whether notification is required, by when, and where it stands on ``as_of``.

    The one rule for timeliness: documents, ``status`` and ``check`` use the 24 hours; the quality
    audit passes its own target (``--target-hours``) to the same function."""
    event = dict(events)[event_id]
    triggers = tuple(notification_triggers(events, event_id))
    notified = event.case_manager.notified_at
    if not triggers:
        return Notification(event_id, triggers, None, notified, "not-required", event.occurred_at)
    due = event.occurred_at + dt.timedelta(hours=within_hours)
    if notified is not None:
        state = "late" if notified > due else "notified"
    else:
        state = "overdue" if due.date() < as_of else "due"
    return Notification(event_id, triggers, due, notified, state, event.occurred_at)
