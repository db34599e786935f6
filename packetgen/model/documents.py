"""The document kinds packetgen produces: template, audience and the sections each may use.

Data, not code: adding a document kind is adding a row here and a template.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

RESPONDER_SECTIONS = (
    "communication",
    "baseline",
    "allergies",
    "medications",
    "risks",
    "decision_maker",
    "contacts",
    "behavioral_health",
    "crisis_plan",
    "avoid",
    "conditions",
    "devices",
    "care_providers",
    "baseline_vitals",
    "home_access",
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
    forms: bool = False
    """Emit fillable PDF form fields for the document's <input> and <textarea> elements."""
    stylesheets: tuple[str, ...] = ()
    """Extra stylesheets (in styles/) layered on packet.css, for both the HTML and the PDF."""
    shows_changes: bool = False
    """Lists "what changed since the last version" (staff read it before a shift)."""
    paginated: bool = False
    """Laid out by paginate.py: page 1 holds the page-1 list, the rest continues with pointers."""

    @property
    def large_print(self) -> bool:
        return LARGE_PRINT_STYLESHEET in self.stylesheets


PERSON_DOCUMENTS: tuple[DocumentKind, ...] = (
    DocumentKind(
        "responder-packet",
        "Responder packet",
        "responder_packet.html.j2",
        "emergency-responders",
        RESPONDER_SECTIONS,
        critical=("communication", "baseline", "allergies", "medications", "risks", "decision_maker", "contacts"),
        paginated=True,
    ),
    DocumentKind(
        "mobile-crisis-packet",
        "Mobile crisis packet",
        "responder_packet.html.j2",
        "mobile-crisis",
        RESPONDER_SECTIONS,
        critical=("communication", "baseline", "allergies", "medications", "risks", "decision_maker", "contacts"),
        paginated=True,
    ),
    DocumentKind(
        "crisis-plan",
        "Crisis plan",
        "crisis_plan.html.j2",
        "care-team",
        (
            "crisis_plan",
            "communication",
            "baseline",
            "risks",
            "contacts",
            "health_history",
            "behavioral_health",
            "avoid",
            "conditions",
            "devices",
            "care_providers",
            "immunizations",
        ),
        critical=("crisis_plan",),
        shows_changes=True,
    ),
    # Blank, fillable: the supervisor completes it at the door before the partner leaves.
    DocumentKind(
        "return-checklist-blank",
        "Return-from-partner checklist (blank)",
        "return_checklist_blank.html.j2",
        "care-team",
        ("crisis_plan",),
        forms=True,
    ),
)

# Coordination documents made per event (see rules.event_documents for which events get which).
# The three case manager documents go to the case manager, so they can never carry internal or
# unconsented content. The partnership review is an internal governance record (it names gaps
# and owners inside the provider), so it is for internal staff. The filled checklist is
# next-shift instructions, so it is for the staff and care team.
EVENT_DOCUMENTS: tuple[DocumentKind, ...] = (
    DocumentKind(
        "case-manager-update",
        "Case manager update after a high-risk event",
        "case_manager_update.html.j2",
        "case-manager",
        ("crisis_plan",),
    ),
    DocumentKind(
        "governance-update",
        "Case manager update (governance format)",
        "governance_update.html.j2",
        "case-manager",
        ("crisis_plan",),
    ),
    DocumentKind(
        "support-request",
        "Temporary support and authorization request",
        "support_request.html.j2",
        "case-manager",
        ("crisis_plan",),
    ),
    DocumentKind("partnership-review", "Partnership review", "partnership_review.html.j2", "internal-staff", ()),
    DocumentKind(
        "return-checklist", "Return-from-partner checklist", "return_checklist.html.j2", "care-team", ("crisis_plan",)
    ),
)

BY_NAME: dict[str, DocumentKind] = {d.name: d for d in PERSON_DOCUMENTS + EVENT_DOCUMENTS}

STYLESHEET = "packet.css"
"""Every document's base stylesheet, in the styles folder (HTML links it, the PDF renderer layers it first)."""

LARGE_PRINT_STYLESHEET = "large-print.css"
LARGE_PRINT_OF = ("responder-packet", "crisis-plan")
"""Documents that get an 18 pt variant with ``--large-print``, for readers with low vision."""


def large_print(kind: DocumentKind) -> DocumentKind:
    """The same document, same audience and sections, set in 18 pt by an extra stylesheet."""
    return replace(
        kind,
        name=f"{kind.name}-large-print",
        title=f"{kind.title}, large print",
        stylesheets=(*kind.stylesheets, LARGE_PRINT_STYLESHEET),
    )


LARGE_PRINT_DOCUMENTS: tuple[DocumentKind, ...] = tuple(large_print(BY_NAME[name]) for name in LARGE_PRINT_OF)
ALL_DOCUMENTS: tuple[DocumentKind, ...] = PERSON_DOCUMENTS + LARGE_PRINT_DOCUMENTS
"""Every kind a build may write, in the order the index lists them."""
