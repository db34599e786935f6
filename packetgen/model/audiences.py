"""Who documents are handed to, and which sharing classes each may see without a consent record.

This table is the whole sharing policy; ``select.py`` applies it. Keeping it as data means a
policy change is a one-line diff a supervisor can review.
"""

from __future__ import annotations

from dataclasses import dataclass

from packetgen.model.sharing import RecipientClass


@dataclass(frozen=True)
class Audience:
    key: RecipientClass
    label: str
    classes: frozenset[str]
    """Sharing classes this audience receives by right. ``consent`` sections need a record."""


def _audience(key: RecipientClass, label: str, *classes: str) -> Audience:
    return Audience(key, label, frozenset(classes))


AUDIENCES: dict[str, Audience] = {
    a.key: a
    for a in (
        _audience("emergency-responders", "Emergency responders (EMS, police)", "responder"),
        _audience("mobile-crisis", "Mobile crisis clinician", "responder", "care-team"),
        _audience("case-manager", "Case manager", "responder", "care-team"),
        _audience("clinicians", "Clinicians", "responder", "care-team"),
        _audience("protective-services", "Protective services", "responder"),
        _audience("family", "Family and natural supports", "responder"),
        _audience("care-team", "Staff and care team", "responder", "care-team"),
        # Internal staff hold the record itself, so consent-class sections are theirs to see.
        _audience("internal-staff", "Internal staff", "responder", "care-team", "consent", "internal"),
    )
}
