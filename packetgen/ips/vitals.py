"""Map stage (in), vital signs: Observations with the IPS vital-sign LOINC codes -> ``baseline_vitals``.

A baseline is the usual value, so of several measurements of one kind the latest counts. Blood
pressure is the panel (85354-9) with its systolic (8480-6) and diastolic (8462-4) components, printed
as ``118/76 mmHg``; oxygen saturation is read from either of its codes (59408-5, 2708-6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from packetgen.ips.bundle import Bundle
from packetgen.ips.codes import ALSO_OXYGEN, DIASTOLIC, LOINC, SYSTOLIC, VITALS
from packetgen.ips.values import clean, codes, full_date, number_text, quantity_text, unit_text

BY_CODE = {code: name for name, (code, _) in VITALS.items()} | {ALSO_OXYGEN: "oxygen_saturation"}


def read_vitals(bundle: Bundle, stamp: Callable[[], dict[str, Any]], notes: list[str]) -> dict[str, dict[str, Any]]:
    """``{"baseline_vitals": {...}}`` when the bundle has any vital sign, else ``{}``."""
    latest: dict[str, tuple[dt.date, dict[str, Any]]] = {}
    for entry in bundle.entries[1:]:
        if entry.kind != "Observation":
            continue
        resource = entry.resource
        name = next((BY_CODE[c] for c in codes(resource.get("code"), LOINC) if c in BY_CODE), None)
        if name is None:
            continue
        if resource.get("status") in ("entered-in-error", "cancelled"):
            notes.append(f"{entry.label}: {resource['status']}: not imported")
            continue
        value = blood_pressure(resource) if name == "blood_pressure" else observed_value(resource)
        if value is None:
            notes.append(f"{entry.label}: no value: not imported")
            continue
        measured = _when(resource)
        measurement: dict[str, Any] = {"value": value, **({"measured": measured} if measured else {})}
        day = measured or dt.date.min
        if name not in latest or day > latest[name][0]:
            latest[name] = (day, measurement)
    if not latest:
        return {}
    ordered = {name: latest[name][1] | {"source": stamp()} for name in VITALS if name in latest}
    return {"baseline_vitals": ordered}


def observed_value(resource: dict[str, Any]) -> str | None:
    if "valueQuantity" in resource:
        return quantity_text(resource["valueQuantity"])
    return clean(resource.get("valueString"))


def blood_pressure(resource: dict[str, Any]) -> str | None:
    """The panel's two components as ``systolic/diastolic unit``."""
    parts: dict[str, dict[str, Any]] = {}
    for component in resource.get("component") or []:
        for code in codes(component.get("code"), LOINC):
            if code in (SYSTOLIC, DIASTOLIC) and isinstance(component.get("valueQuantity"), dict):
                parts[code] = component["valueQuantity"]
    if SYSTOLIC not in parts or DIASTOLIC not in parts:
        return clean(resource.get("valueString"))
    high, low = number_text(parts[SYSTOLIC].get("value")), number_text(parts[DIASTOLIC].get("value"))
    if high is None or low is None:
        return None
    unit = unit_text(parts[SYSTOLIC])
    return f"{high}/{low} {unit}".strip()


def _when(resource: dict[str, Any]) -> dt.date | None:
    for key in ("effectiveDateTime", "effectiveInstant"):
        if day := full_date(resource.get(key)):
            return day
    period = resource.get("effectivePeriod")
    return full_date(period.get("start")) if isinstance(period, dict) else None
