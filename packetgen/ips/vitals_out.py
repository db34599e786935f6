"""Map stage (out), measurements: a profile's text values -> FHIR quantities, only where nothing is lost.

A profile writes ``72 per minute`` or ``118/76 mmHg``; FHIR wants a number and a unit. A value is sent
as a quantity only when reading that quantity back gives the very same text (what ``vitals`` and
``medications`` do on import); anything else (``about 70``, ``36.80 C``) is sent as the text it is."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from packetgen.ips.codes import DIASTOLIC, LOINC, SYSTOLIC, UCUM, UNITS, VITALS
from packetgen.ips.narrative import text
from packetgen.ips.values import quantity_text
from packetgen.model.eif import VITALS as PRINTED

LABELS = dict(PRINTED)
"""The labels the documents print (``Heart rate``, ``Blood pressure``), for the narrative."""

CODES = {printed: code for code, printed in UNITS.items()}
"""The printed unit -> its UCUM code, for a quantity a receiver can compute with."""
NUMBER = r"(\d+(?:\.\d+)?)"
ONE = re.compile(NUMBER + r"\s*(.*)")
PAIR = re.compile(NUMBER + r"\s*/\s*" + NUMBER + r"\s*(.*)")


def number(digits: str) -> int | float | None:
    """The JSON number for ``digits``, if it reads back as the same digits (``36.80`` would not)."""
    value: int | float = int(digits) if digits.isdigit() else float(digits)
    return value if str(json.loads(json.dumps(value), parse_float=Decimal)) == digits else None


def quantity(value: str, unit: str) -> dict[str, Any] | None:
    amount = number(value)
    if amount is None:
        return None
    found: dict[str, Any] = {"value": amount}
    if unit:
        found["unit"] = unit
    if unit in CODES:
        found |= {"system": UCUM, "code": CODES[unit]}
    return found if quantity_text(found) == (f"{value}{unit}" if unit in ("", "%") else f"{value} {unit}") else None


def as_quantity(said: str) -> dict[str, Any] | None:
    """``72 per minute`` -> a quantity that reads back as ``72 per minute``; None if none does."""
    match = ONE.fullmatch(said)
    if not match:
        return None
    found = quantity(match[1], match[2])
    return found if found is not None and quantity_text(found) == said else None


def observation(name: str, measurement: Any, subject: dict[str, str]) -> tuple[dict[str, Any], str]:
    """One baseline measurement -> a vital-signs Observation and its line for the section's narrative."""
    code, display = VITALS[name]
    label = LABELS[name]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs" if name != "neurological_status" else "exam",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": label},
        "subject": subject,
        "effectiveDateTime": measurement.measured.isoformat(),
    }
    value = measurement.value
    pair = PAIR.fullmatch(value) if name == "blood_pressure" else None
    parts = _components(pair) if pair else None
    single = None if name in ("blood_pressure", "neurological_status") else as_quantity(value)
    if parts is not None and f"{pair[1]}/{pair[2]} {pair[3]}".strip() == value:  # type: ignore[index]
        resource["component"] = parts
    elif single is not None:
        resource["valueQuantity"] = single
    else:
        resource["valueString"] = value
    facts = [(label, value), ("Measured", measurement.measured.isoformat())]
    resource["text"] = text(*facts)
    return resource, f"{label}: {value} (measured {measurement.measured.isoformat()})"


def _components(pair: re.Match[str]) -> list[dict[str, Any]] | None:
    high, low = quantity(pair[1], pair[3]), quantity(pair[2], pair[3])
    if high is None or low is None:
        return None
    return [
        {
            "code": {"coding": [{"system": LOINC, "code": SYSTOLIC, "display": "Systolic blood pressure"}]},
            "valueQuantity": high,
        },
        {
            "code": {"coding": [{"system": LOINC, "code": DIASTOLIC, "display": "Diastolic blood pressure"}]},
            "valueQuantity": low,
        },
    ]
