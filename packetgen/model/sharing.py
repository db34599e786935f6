"""Who may see what: the sharing classes, the recipients consent names, the profile's sections and their
default class. Every document kind and the select stage read these; nothing here knows a document.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

SharingClass = Literal["responder", "care-team", "consent", "internal"]

"""Who may see a section. See ``model/audiences.py`` for what each class reaches."""


RecipientClass = Literal[
    "emergency-responders",
    "mobile-crisis",
    "case-manager",
    "clinicians",
    "protective-services",
    "family",
    "care-team",
    "internal-staff",
]

"""The people a document is handed to. Consent records name one of these."""


SectionName = Literal[
    "communication",
    "baseline",
    "allergies",
    "medications",
    "risks",
    "decision_maker",
    "contacts",
    "crisis_plan",
    "health_history",
    "behavioral_health",
    "internal_notes",
    "conditions",
    "devices",
    "baseline_vitals",
    "avoid",
    "care_providers",
    "home_access",
    "immunizations",
]

"""Profile sections that carry a sharing class and can be named in a consent record."""


class Strict(BaseModel):
    """Base for every profile block: unknown keys are errors, so a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Section(Strict):
    """A block of the profile that carries its own sharing class."""

    sharing: SharingClass | None = Field(
        default=None,
        description="Who may see this section: responder, care-team, consent or internal. "
        "Leave out to use the section's default.",
    )


SECTION_DEFAULTS: dict[str, SharingClass] = {
    "communication": "responder",
    "baseline": "responder",
    "allergies": "responder",
    "medications": "responder",
    "risks": "responder",
    "decision_maker": "responder",
    "contacts": "responder",
    "crisis_plan": "care-team",
    "health_history": "care-team",
    "behavioral_health": "consent",
    "internal_notes": "internal",
    # The emergency-information sections (model/eif.py). What a medic asks first travels with the
    # responder packet, as on the AAP/ACEP Emergency Information Form: diagnoses, devices, baseline
    # vitals, what to avoid, the physician and preferred hospital, how to get in. Psychiatric
    # diagnoses belong in behavioral_health (consent), not in conditions. Immunizations do not change
    # what happens in the first minutes, so they stay with the care team.
    "conditions": "responder",
    "devices": "responder",
    "baseline_vitals": "responder",
    "avoid": "responder",
    "care_providers": "responder",
    "home_access": "responder",
    "immunizations": "care-team",
}

"""Default sharing class per section. identity and plan have none: every document must say who
and which plan version it is about, so they always travel with it."""


SECTION_NAMES: tuple[str, ...] = get_args(SectionName)
if set(SECTION_NAMES) != set(SECTION_DEFAULTS):
    raise ImportError("every section needs a default sharing class")


def class_of(section: Any, name: str) -> SharingClass:
    """The sharing class in force for a section: its own ``sharing:`` override, else the default."""
    override = getattr(section, "sharing", None) if section is not None else None
    return override or SECTION_DEFAULTS[name]


ENTRY_SHARING: dict[str, str] = {"contacts": "people", "care_providers": "items"}
"""Sections whose entries may each set their own ``sharing:`` (a guardian's number, a clinic the person
has not agreed to name), and the key their entries are listed under. An entry is the same one across
revisions when its ``role`` and ``name`` are."""


def entries(section: Any, name: str) -> list[Any]:
    """The entries of a section listed in ``ENTRY_SHARING`` (typed or plain data); [] for any other."""
    key = ENTRY_SHARING.get(name)
    if key is None or section is None:
        return []
    found = section.get(key) if isinstance(section, dict) else getattr(section, key, None)
    return list(found) if isinstance(found, list) else []


def classes_used(section: Any, name: str) -> set[SharingClass]:
    """Every sharing class used in a section: its own, plus per-entry overrides."""
    classes = {class_of(section, name)}
    classes |= {e.sharing for e in entries(section, name) if e.sharing}
    return classes
