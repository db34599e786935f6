"""Map stage (out): one audience's selection -> an IPS document bundle, as plain JSON data.

The only input is ``pipeline/select``'s view, so a section the audience may not see is None here and
cannot reach an entry, a narrative or the Composition. The three sections an IPS must have
(allergies, medications, problems) are always present: when the view has none, the section carries
the same empty reason and the same "not shared with <audience>" text whether the profile lacks the
section or withholds it. The other sections appear only when shown. Each fact goes where ``import
ips`` reads it back, so exporting and importing again gives the same facts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable
from typing import Any

from packetgen.ips import codes
from packetgen.ips.narrative import div, listing, not_shared, summary_line, text
from packetgen.ips.vitals_out import as_quantity, observation
from packetgen.model.eif import VITALS
from packetgen.pipeline.select import Selection

Made = list[tuple[dict[str, Any], str | None, str]]
"""Resources for one section, each with its line in the section's narrative (None: a resource the
section's entries point at, such as the Device a DeviceUseStatement names, not an entry itself) and
its fullUrl."""
Url = Callable[[], str]


def coded(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def status(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": f"http://terminology.hl7.org/CodeSystem/{system}", "code": code}]}


def none_known(
    code: str, display: str, vouch: Any, who: str, when: str
) -> tuple[dict[str, Any], list[tuple[str, object]], dict[str, Any]]:
    """The no-known-* code, its narrative facts, and who checked and when under the resource's own
    element names (``who``/``when``: recorder/recordedDate, informationSource/dateAsserted ...),
    the ones ``mapin.vouched`` reads back."""
    facts = [(display, "checked"), ("Verified by", vouch.verified_by), ("Verified on", vouch.verified_on.isoformat())]
    checked = {who: {"display": vouch.verified_by}, when: vouch.verified_on.isoformat()}
    return coded(codes.ABSENT, code, display), facts, checked


def allergies(section: Any, patient: dict[str, str], url: Url) -> Made:
    made: Made = []
    clinical = status("allergyintolerance-clinical", "active")
    if section.none_known is not None:
        concept, facts, vouch = none_known(
            "no-known-allergies", "No known allergies", section.none_known, "recorder", "recordedDate"
        )
        resource: dict[str, Any] = {
            "resourceType": "AllergyIntolerance",
            "text": text(*facts),
            "clinicalStatus": clinical,
            "code": concept,
        }
        return [(resource | {"patient": patient} | vouch, summary_line(facts), url())]
    for item in section.items:
        reaction: dict[str, Any] = {"manifestation": [{"text": item.reaction}]}
        if item.severity != "unknown":
            reaction["severity"] = item.severity
        verified = "confirmed" if item.confirmed else "unconfirmed"
        facts = [
            ("Allergy", item.substance),
            ("Reaction", item.reaction),
            ("Severity", item.severity),
            ("Status", verified),
        ]
        resource = {
            "resourceType": "AllergyIntolerance",
            "text": text(*facts),
            "clinicalStatus": clinical,
            "verificationStatus": status("allergyintolerance-verification", verified),
            "code": {"text": item.substance},
            "patient": patient,
            "reaction": [reaction],
        }
        made.append((resource, summary_line(facts), url()))
    return made


def medications(section: Any, patient: dict[str, str], url: Url) -> Made:
    unknown_start = {"_effectiveDateTime": {"extension": [{"url": codes.DATA_ABSENT, "valueCode": "unknown"}]}}
    base = {"resourceType": "MedicationStatement", "status": "active", "subject": patient} | unknown_start
    if section.none_known is not None:
        concept, facts, vouch = none_known(
            "no-known-medications", "No known medications", section.none_known, "informationSource", "dateAsserted"
        )
        return [
            (base | {"text": text(*facts), "medicationCodeableConcept": concept} | vouch, summary_line(facts), url())
        ]
    made: Made = []
    for item in section.items:
        dosage: dict[str, Any] = {
            "text": f"{item.dose}, {item.route}, {item.schedule}",
            "timing": {"code": {"text": item.schedule}},
            "route": {"text": item.route},
        }
        dose = as_quantity(item.dose)
        if dose is not None:
            dosage["doseAndRate"] = [{"doseQuantity": dose}]
        facts = [
            ("Medication", item.name),
            ("Dose", item.dose),
            ("Route", item.route),
            ("When", item.schedule),
            ("For", item.purpose),
        ]
        resource = base | {
            "text": text(*facts),
            "medicationCodeableConcept": {"text": item.name},
            "reasonCode": [{"text": item.purpose}],
            "dosage": [dosage],
        }
        made.append((resource, summary_line(facts), url()))
    return made


def conditions(section: Any, patient: dict[str, str], url: Url) -> Made:
    clinical = status("condition-clinical", "active")
    if section.none_known is not None:
        concept, facts, vouch = none_known(
            "no-known-problems", "No known problems", section.none_known, "recorder", "recordedDate"
        )
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "text": text(*facts),
            "clinicalStatus": clinical,
            "code": concept,
            "subject": patient,
        }
        return [(resource | vouch, summary_line(facts), url())]
    made: Made = []
    for item in section.items:
        verified = "confirmed" if item.confirmed else "unconfirmed"
        facts = [("Condition", item.name), ("Note", item.note), ("Status", verified)]
        resource = {
            "resourceType": "Condition",
            "text": text(*facts),
            "clinicalStatus": clinical,
            "verificationStatus": status("condition-ver-status", verified),
            "code": {"text": item.name},
            "subject": patient,
        }
        if item.note:
            resource["note"] = [{"text": item.note}]
        made.append((resource, summary_line(facts), url()))
    return made


def devices(section: Any, patient: dict[str, str], url: Url) -> Made:
    """Each device is a Device and the DeviceUseStatement that says this person uses it (the entry)."""
    pairs: list[tuple[dict[str, Any], dict[str, Any], list[tuple[str, object]]]] = []
    if section.none_known is not None:
        concept, facts, use = none_known(
            "no-known-devices", "No known devices in use", section.none_known, "source", "recordedOn"
        )
        pairs.append(({"resourceType": "Device", "type": concept, "patient": patient}, use, facts))
    for item in section.items or []:
        facts = [("Device", item.name), ("What to do", item.what_to_do)]
        named = {"deviceName": [{"name": item.name, "type": "user-friendly-name"}], "patient": patient}
        pairs.append(({"resourceType": "Device"} | named, {"note": [{"text": item.what_to_do}]}, facts))
    made: Made = []
    for device, use, facts in pairs:
        where = url()
        made.append((device | {"text": text(*facts[:1])}, None, where))
        statement = {"resourceType": "DeviceUseStatement", "text": text(*facts), "status": "active", "subject": patient}
        made.append((statement | use | {"device": {"reference": where}}, summary_line(facts), url()))
    return made


def immunizations(section: Any, patient: dict[str, str], url: Url) -> Made:
    made: Made = []
    for item in section.items:
        facts = [("Vaccine", item.vaccine), ("Given", item.date.isoformat())]
        resource = {
            "resourceType": "Immunization",
            "text": text(*facts),
            "status": "completed",
            "vaccineCode": {"text": item.vaccine},
            "patient": patient,
            "occurrenceDateTime": item.date.isoformat(),
        }
        made.append((resource, summary_line(facts), url()))
    return made


def vitals(section: Any, patient: dict[str, str], url: Url) -> Made:
    found = [observation(name, getattr(section, name), patient) for name, _ in VITALS if getattr(section, name)]
    return [(resource, line, url()) for resource, line in found]


BUILDERS: dict[str, Callable[[Any, dict[str, str], Url], Made]] = {
    "allergies": allergies,
    "medications": medications,
    "conditions": conditions,
    "immunizations": immunizations,
    "devices": devices,
    "baseline_vitals": vitals,
}


def build_bundle(person_id: str, selection: Selection, generated: dt.datetime, author: str) -> dict[str, Any]:
    """The whole document: Composition, Patient, then each shown section's resources."""
    view, audience = selection.view, selection.audience
    seed = f"packetgen:{person_id}:{audience.key}:{generated.isoformat()}"

    def url(n: int) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{seed}:{n}')}"

    counter = itertools.count(2)

    def fresh() -> str:
        return url(next(counter))

    identity = view["identity"]
    patient_url = url(1)
    subject = {"reference": patient_url}
    entries: list[dict[str, Any]] = [{"fullUrl": patient_url, "resource": patient(identity, view["fictional"])}]
    sections = []
    for name, (code, title) in codes.SECTIONS.items():
        data = view.get(name)
        section: dict[str, Any] = {"title": title, "code": coded(codes.LOINC, code, title)}
        if data is None:
            if name not in codes.MANDATORY:
                continue
            reason, words = codes.EXPORT_EMPTY
            section |= {
                "text": not_shared(title, audience.label),
                "emptyReason": coded(codes.EMPTY_REASON, reason, words),
            }
            sections.append(section)
            continue
        refs, lines = [], []
        for resource, line, where in BUILDERS[name](data, subject, fresh):
            entries.append({"fullUrl": where, "resource": resource})
            if line is not None:
                refs.append({"reference": where})
                lines.append(line)
        sections.append(section | {"text": listing(title, lines), "entry": refs})
    who = f"{identity.preferred_name} ({identity.legal_name})"
    fictional = " This is a fictional person: demo or test data." if view["fictional"] else ""
    composition = {
        "resourceType": "Composition",
        "text": div(f"<p>Patient summary of {_esc(who)} for {_esc(audience.label)}.{fictional}</p>"),
        "status": "final",
        "type": coded(codes.LOINC, codes.SUMMARY_DOCUMENT, "Patient summary Document"),
        "subject": subject,
        "date": generated.isoformat(),
        "author": [{"display": author}],
        "title": f"Patient summary for {audience.label}",
        "confidentiality": "R",
        "section": sections,
    }
    document_id = str(uuid.uuid5(uuid.NAMESPACE_URL, seed))
    return {
        "resourceType": "Bundle",
        "id": document_id,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{document_id}"},
        "type": "document",
        "timestamp": generated.isoformat(),
        "entry": [{"fullUrl": url(0), "resource": composition}, *entries],
    }


def patient(identity: Any, fictional: bool) -> dict[str, Any]:
    facts = [
        ("Name", identity.legal_name),
        ("Known as", identity.preferred_name),
        ("Born", identity.date_of_birth.isoformat()),
    ]
    facts += [("Language", identity.language), ("Interpreter needed", "yes" if identity.interpreter_needed else "no")]
    facts += [("Fictional", "yes: demo or test data")] if fictional else []
    return {
        "resourceType": "Patient",
        "text": text(*facts),
        "extension": [{"url": codes.INTERPRETER, "valueBoolean": identity.interpreter_needed}],
        "name": [
            {"use": "official", "text": identity.legal_name},
            {"use": "usual", "given": [identity.preferred_name]},
        ],
        "birthDate": identity.date_of_birth.isoformat(),
        "communication": [{"language": {"text": identity.language}, "preferred": True}],
    }


def _esc(value: str) -> str:
    from html import escape

    return escape(value)
