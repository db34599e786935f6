"""Map stage (in), medications: a MedicationStatement or MedicationRequest -> a profile medication.

The medication may be named in the entry (medicationCodeableConcept) or in a Medication it points at,
contained in the entry or elsewhere in the bundle. Dose, route, schedule and purpose come from the
first dosage; what the record does not say is left out (the draft marks it TODO), never guessed."""

from __future__ import annotations

from typing import Any

from packetgen.ips.bundle import Bundle
from packetgen.ips.values import block, clean, concept_text, first, number_text, quantity_text, reference_name

NOT_CURRENT = frozenset({"completed", "entered-in-error", "stopped", "not-taken", "on-hold", "cancelled", "draft"})
"""Statuses of a medication the person is not taking now."""

VOUCH = {
    "MedicationStatement": (("informationSource",), ("dateAsserted",)),
    "MedicationRequest": (("requester", "recorder"), ("authoredOn",)),
}
"""Where each kind of entry says who recorded it and when (for a "no known medications")."""

PERIODS = {"s": "second", "min": "minute", "h": "hour", "d": "day", "wk": "week", "mo": "month", "a": "year"}
WHEN = {"MORN": "morning", "AFT": "afternoon", "EVE": "evening", "NIGHT": "night", "HS": "bedtime", "WAKE": "on waking"}


def concept(bundle: Bundle, resource: dict[str, Any]) -> dict[str, Any] | None:
    """The coded medication: in the entry, or the code of the Medication it references."""
    if coded := block(resource.get("medicationCodeableConcept")):
        return coded
    reference = resource.get("medicationReference")
    if coded := block((bundle.resolve(reference, resource) or {}).get("code")):
        return coded
    name = reference_name(reference)
    return {"text": name} if name else None


def item(bundle: Bundle, resource: dict[str, Any], coded: dict[str, Any] | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if name := concept_text(coded):
        found["name"] = name
    dosage = first(resource.get("dosage") or resource.get("dosageInstruction"))
    if dose := _dose(first(dosage.get("doseAndRate"))):
        found["dose"] = dose
    if route := concept_text(dosage.get("route")):
        found["route"] = route
    if schedule := schedule_text(dosage):
        found["schedule"] = schedule
    if purpose := _purpose(bundle, resource):
        found["purpose"] = purpose
    return found


def _dose(rate: dict[str, Any]) -> str | None:
    if "doseQuantity" in rate:
        return quantity_text(rate["doseQuantity"])
    span = rate.get("doseRange")
    if isinstance(span, dict):
        low, high = quantity_text(span.get("low")), quantity_text(span.get("high"))
        return f"{low} to {high}" if low and high else low or high
    return None


def schedule_text(dosage: dict[str, Any]) -> str | None:
    """When it is taken: the timing's words, else its repeat rule, else the dosage's own text."""
    timing = block(dosage.get("timing"))
    if said := concept_text(timing.get("code")):
        return said
    repeat = block(timing.get("repeat"))
    parts = []
    frequency, period, unit = repeat.get("frequency"), number_text(repeat.get("period")), repeat.get("periodUnit")
    if period and unit in PERIODS:
        every = PERIODS[unit] if period == "1" else f"{period} {PERIODS[unit]}s"
        parts.append(f"{frequency or 1} times every {every}" if frequency not in (None, 1) else f"every {every}")
    parts += [f"at {str(t)[:5]}" for t in repeat.get("timeOfDay") or []]
    parts += [WHEN[w] for w in repeat.get("when") or [] if w in WHEN]
    if dosage.get("asNeededBoolean") is True or isinstance(dosage.get("asNeededCodeableConcept"), dict):
        reason = concept_text(dosage.get("asNeededCodeableConcept"))
        parts.append(f"as needed for {reason}" if reason else "as needed")
    return ", ".join(parts) or clean(dosage.get("text"))


def _purpose(bundle: Bundle, resource: dict[str, Any]) -> str | None:
    if said := concept_text(first(resource.get("reasonCode"))):
        return said
    reference = first(resource.get("reasonReference"))
    target = bundle.resolve(reference, resource)
    return concept_text(target.get("code")) if target else reference_name(reference)
