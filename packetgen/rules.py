"""Derive stage: facts computed from the records (review status, consent expiry).

Plain data in, plain data out, so every rule is testable without rendering anything.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from .model import Consent, Medication, Medications, PlanInfo, Profile

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


def review_status(plan: PlanInfo, as_of: dt.date) -> ReviewStatus:
    next_review = plan.next_review or add_months(plan.last_reviewed, REVIEW_MONTHS)
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
