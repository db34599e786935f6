"""Small readers over validated FHIR JSON: the text of a coded concept, a full date, a quantity as the
documents print it. They take plain dicts (the bundle has been validated, so shapes are right) and
return None rather than guess when a fact is not there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from packetgen.ips.codes import ABSENT, UNITS


def clean(value: Any) -> str | None:
    """One line of printable text, or None: a record's text may hold line breaks or control characters."""
    if not isinstance(value, str):
        return None
    words = "".join(char if char.isprintable() else " " for char in value).split()
    return " ".join(words) or None


def concept_text(concept: Any) -> str | None:
    """What a coded concept says in words: its text, else the first coding's display. A bare code is
    not a fact a responder can read, so it gives None."""
    if not isinstance(concept, dict):
        return None
    found = clean(concept.get("text"))
    for coding in concept.get("coding") or []:
        found = found or clean(coding.get("display"))
    return found


def codes(concept: Any, system: str) -> list[str]:
    """The codes a concept carries in one code system."""
    if not isinstance(concept, dict):
        return []
    return [str(c["code"]) for c in concept.get("coding") or [] if c.get("system") == system and c.get("code")]


def absent_code(concept: Any) -> str | None:
    """The IPS absent-or-unknown code a concept carries, if any (no-known-allergies, no-allergy-info ...)."""
    found = codes(concept, ABSENT)
    return found[0] if found else None


def status_code(concept: Any) -> str | None:
    """The first code of a status concept (clinicalStatus, verificationStatus)."""
    if not isinstance(concept, dict):
        return None
    for coding in concept.get("coding") or []:
        if coding.get("code"):
            return str(coding["code"])
    return None


def full_date(value: Any) -> dt.date | None:
    """The day of a FHIR date or dateTime; None for a partial one (1990, 1990-05): a profile needs the day."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def block(value: Any) -> dict[str, Any]:
    """``value`` if it is a block of fields, else an empty one."""
    return value if isinstance(value, dict) else {}


def first(values: Any) -> dict[str, Any]:
    """The first block of a list, or an empty one."""
    if isinstance(values, list) and values and isinstance(values[0], dict):
        return values[0]
    return {}


def number_text(value: Any) -> str | None:
    """A FHIR decimal as written in the file (``37.0`` stays ``37.0``)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        return None
    return str(value)


def unit_text(quantity: dict[str, Any]) -> str:
    """The unit as written for people (``unit``), else the printed form of its UCUM code."""
    unit = clean(quantity.get("unit"))
    if unit:
        return unit
    code = quantity.get("code")
    return UNITS.get(str(code), str(code)) if code else ""


def quantity_text(quantity: Any) -> str | None:
    """``{value: 72, unit: per minute}`` -> ``72 per minute``; a percentage has no space (``94%``)."""
    if not isinstance(quantity, dict):
        return None
    value = number_text(quantity.get("value"))
    if value is None:
        return None
    unit = unit_text(quantity)
    return f"{value}{unit}" if unit in ("", "%") else f"{value} {unit}"


def reference_name(reference: Any) -> str | None:
    """A Reference's display, for one that points at nothing in the bundle."""
    return clean(reference.get("display")) if isinstance(reference, dict) else None
