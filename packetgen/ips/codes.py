"""The codes both directions share, restated from the IPS implementation guide (HL7 FHIR IPS 1.1, on
FHIR R4) so that reading and writing cannot disagree about what a code means."""

from __future__ import annotations

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ABSENT = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips"
"""IPS's own code system for "none known" and "no information"."""
EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
INTERPRETER = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

SUMMARY_DOCUMENT = "60591-5"
"""LOINC "Patient summary Document": the Composition.type of every IPS."""

SECTIONS: dict[str, tuple[str, str]] = {
    "allergies": ("48765-2", "Allergies and adverse reactions"),
    "medications": ("10160-0", "History of medication use"),
    "conditions": ("11450-4", "Problem list"),
    "immunizations": ("11369-6", "History of immunizations"),
    "devices": ("46264-8", "History of medical device use"),
    "baseline_vitals": ("8716-3", "Vital signs"),
}
"""Profile section -> the IPS section's LOINC code and title, in the order an IPS lists them."""

MANDATORY = ("allergies", "medications", "conditions")
"""The three sections every IPS must carry, with entries or an empty reason."""

NONE_KNOWN: dict[str, str] = {
    "no-known-allergies": "allergies",
    "no-known-medications": "medications",
    "no-known-problems": "conditions",
    "no-known-devices": "devices",
}
"""Codes that mean "someone checked: there are none" -> the section whose ``none_known`` they become."""

NO_INFO = frozenset(
    {
        "no-allergy-info",
        "no-medication-info",
        "no-problem-info",
        "no-device-info",
        "no-immunization-info",
        "no-procedure-info",
    }
)
"""Codes that mean "nobody knows": the section stays not recorded, never "none known"."""

PARTIAL = frozenset({"no-known-medication-allergies", "no-known-environmental-allergies", "no-known-food-allergies"})
""""None known" of one kind only: not a statement that there are no allergies at all."""

EXPORT_EMPTY = ("unavailable", "Unavailable")
"""The one empty reason an export gives a mandatory section it does not show, whether the profile
lacks it or the audience may not see it: a different reason would tell the reader which."""

VITALS: dict[str, tuple[str, str]] = {
    "heart_rate": ("8867-4", "Heart rate"),
    "breathing_rate": ("9279-1", "Respiratory rate"),
    "blood_pressure": ("85354-9", "Blood pressure panel with all children optional"),
    "oxygen_saturation": ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
    "temperature": ("8310-5", "Body temperature"),
    "weight": ("29463-7", "Body weight"),
    "neurological_status": ("8693-4", "Mental status"),
}
"""Baseline measurement -> LOINC code and display. Neurological status has no vital-sign code; LOINC's
"Mental status" carries it as text."""

ALSO_OXYGEN = "2708-6"
"""Oxygen saturation in arterial blood: read as oxygen_saturation too."""
SYSTOLIC, DIASTOLIC = "8480-6", "8462-4"

UNITS: dict[str, str] = {
    "/min": "per minute",
    "%": "%",
    "mm[Hg]": "mmHg",
    "Cel": "°C",
    "[degF]": "°F",
    "kg": "kg",
    "g": "g",
    "[lb_av]": "lb",
}
"""UCUM code -> the unit as the documents print it, for a quantity that gives no unit text."""
