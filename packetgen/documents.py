"""The document kinds packetgen produces: template, audience and the sections each may use.

Data, not code: adding a document kind is adding a row here and a template.
"""

from __future__ import annotations

from dataclasses import dataclass

RESPONDER_SECTIONS = (
    "communication", "baseline", "allergies", "medications", "risks", "decision_maker", "contacts",
    "behavioral_health", "crisis_plan",
)


@dataclass(frozen=True)
class DocumentKind:
    name: str
    """Output file stem, e.g. ``responder-packet``."""
    title: str
    template: str
    audience: str
    sections: tuple[str, ...]
    """Profile sections this document may show (if the audience is allowed to see them)."""
    critical: tuple[str, ...] = ()
    """Sections that, when withheld, show 'not shared on this sheet' instead of vanishing,
    because a missing allergy box reads as 'no allergies'."""


PERSON_DOCUMENTS: tuple[DocumentKind, ...] = (
    DocumentKind(
        "responder-packet", "Responder packet", "responder_packet.html.j2", "emergency-responders",
        RESPONDER_SECTIONS,
        critical=("communication", "baseline", "allergies", "medications", "risks", "decision_maker", "contacts"),
    ),
    DocumentKind(
        "mobile-crisis-packet", "Mobile crisis packet", "responder_packet.html.j2", "mobile-crisis",
        RESPONDER_SECTIONS,
        critical=("communication", "baseline", "allergies", "medications", "risks", "decision_maker", "contacts"),
    ),
    DocumentKind(
        "crisis-plan", "Crisis plan", "crisis_plan.html.j2", "care-team",
        ("crisis_plan", "communication", "baseline", "risks", "contacts", "health_history", "behavioral_health"),
        critical=("crisis_plan",),
    ),
)

BY_NAME: dict[str, DocumentKind] = {d.name: d for d in PERSON_DOCUMENTS}
