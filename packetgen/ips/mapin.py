"""Map stage (in): a validated IPS bundle -> the profile facts it holds, in the profile's own field names.

IPS semantics are kept exactly. A "no known allergies" (or medications, problems, devices) code from
IPS's absent-unknown code system becomes ``none_known``, vouched for by whoever recorded it (the
entry's recorder, else the Composition's author) on that date (else the bundle's). "No information"
codes and a Composition section's emptyReason leave the section not recorded: nobody checked, so
nothing may read as "none". Entries that are not current (resolved, stopped, refuted, entered in
error) are left out, each with a note saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from packetgen.ips import medications as meds
from packetgen.ips.bundle import Bundle, Entry
from packetgen.ips.codes import INTERPRETER, NO_INFO, NONE_KNOWN, PARTIAL, SECTIONS
from packetgen.ips.values import (
    absent_code,
    clean,
    concept_text,
    first,
    full_date,
    reference_name,
    status_code,
)
from packetgen.ips.vitals import read_vitals

LIST_SECTIONS = ("allergies", "medications", "conditions", "devices", "immunizations")
NAME_KEY = {"allergies": "substance", "medications": "name", "conditions": "name", "devices": "name"}
"""The field an entry is known by (immunizations: vaccine and date, one dose each)."""
ENDED = ("inactive", "remission", "resolved")


@dataclass
class Found:
    """What one entry says: an item for a section, a "none known", or (note) why it gives nothing."""

    section: str
    item: dict[str, Any] | None = None
    none_known: dict[str, Any] | None = None
    note: str | None = None


@dataclass
class Facts:
    """Everything a bundle says, as profile data (plain values, dates as dates)."""

    source: dict[str, Any]
    identity: dict[str, Any]
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def stamp(self) -> dict[str, Any]:
        """A fresh copy of the source, for one more entry (one object per entry: YAML would alias a shared one)."""
        return dict(self.source)


def read_facts(bundle: Bundle) -> Facts:
    facts = Facts({"bundle": bundle.source_id, "date": bundle.date}, identity(bundle.patient))
    found: list[Found] = []
    for entry in bundle.entries[1:]:
        reader = READERS.get(entry.kind)
        if reader is not None:
            found.append(reader(bundle, entry))
    _gather(facts, found)
    facts.sections.update(read_vitals(bundle, facts.stamp, facts.notes))
    _empty_sections(bundle, facts)
    for section in facts.sections.values():
        for item in section.get("items") or []:
            item["source"] = facts.stamp()
        if "none_known" in section:
            section["none_known"]["source"] = facts.stamp()
    return facts


def identity(patient: dict[str, Any]) -> dict[str, Any]:
    """Patient -> identity: the official name is the legal one; a usual name or nickname is the preferred one."""
    names = [n for n in patient.get("name") or [] if isinstance(n, dict)]
    official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    usual = next((n for n in names if n.get("use") in ("usual", "nickname")), None)
    found: dict[str, Any] = {}
    legal = clean(official.get("text")) or clean(" ".join([*official.get("given", []), official.get("family", "")]))
    if legal:
        found["legal_name"] = legal
    preferred = clean(first_given(usual)) or clean(usual.get("text") if usual else None) or first_given(official)
    if preferred:
        found["preferred_name"] = preferred
    born = full_date(patient.get("birthDate"))
    if born:
        found["date_of_birth"] = born
    spoken = sorted(patient.get("communication") or [], key=lambda c: not c.get("preferred"))
    language = concept_text(spoken[0].get("language")) if spoken else None
    if language:
        found["language"] = language
    for extension in patient.get("extension") or []:
        if extension.get("url") == INTERPRETER:
            if isinstance(extension.get("valueBoolean"), bool):
                found["interpreter_needed"] = extension["valueBoolean"]
    return found


def first_given(name: dict[str, Any] | None) -> str | None:
    given = (name or {}).get("given") or []
    return clean(given[0]) if given else None


def _none_or_note(section: str, code: str, label: str, vouch: dict[str, Any] | None) -> Found:
    if NONE_KNOWN.get(code) == section and vouch is not None:
        return Found(section, none_known=vouch)
    if code in NO_INFO:
        return Found(section, note=f"{label}: says there is no information: {section} stay not recorded")
    if code in PARTIAL:
        return Found(section, note=f"{label}: says none known of one kind only: {section} stay not recorded")
    return Found(section, note=f"{label}: a code for a missing fact that does not fit {section}: not imported")


def vouched(bundle: Bundle, entry: Entry, who: tuple[str, ...], when: tuple[str, ...]) -> dict[str, Any]:
    """Who checked that there are none, and when: the entry's own recorder and date, else the bundle's."""
    resource = entry.resource
    by = next((name for key in who if (name := _who(bundle, resource, key))), None) or bundle.author
    on = next((day for key in when if (day := full_date(resource.get(key)))), None) or bundle.date
    return {"verified_on": on, **({"verified_by": by} if by else {})}


def _who(bundle: Bundle, resource: dict[str, Any], key: str) -> str | None:
    reference = resource.get(key)
    target = bundle.resolve(reference, resource)
    name = target.get("name") if target else None
    if isinstance(name, list) and name:
        return clean(first(name).get("text")) or clean(
            " ".join([*first(name).get("given", []), first(name).get("family", "")])
        )
    return clean(name) or reference_name(reference)


def _no_longer_holds(
    section: str, label: str, resource: dict[str, Any], ended: tuple[str, ...]
) -> tuple[Found | None, str | None]:
    """An allergy or condition whose clinical status is one of ``ended``, or that was refuted or
    entered in error, is not imported (a note says why); the verification status comes back too."""
    clinical = status_code(resource.get("clinicalStatus"))
    verification = status_code(resource.get("verificationStatus"))
    why = clinical if clinical in ended else verification if verification in ("refuted", "entered-in-error") else None
    return (Found(section, note=f"{label}: {why}: not imported") if why else None), verification


def allergy(bundle: Bundle, entry: Entry) -> Found:
    resource, label = entry.resource, entry.label
    code = absent_code(resource.get("code"))
    if code:
        return _none_or_note(
            "allergies", code, label, vouched(bundle, entry, ("recorder", "asserter"), ("recordedDate",))
        )
    gone, verification = _no_longer_holds("allergies", label, resource, ("inactive", "resolved"))
    if gone is not None:
        return gone
    item: dict[str, Any] = {}
    if substance := concept_text(resource.get("code")):
        item["substance"] = substance
    reactions = [r for r in resource.get("reaction") or [] if isinstance(r, dict)]
    said = [concept_text(m) for r in reactions for m in r.get("manifestation") or []]
    if any(said):
        item["reaction"] = ", ".join(dict.fromkeys(s for s in said if s))
    severities = {r.get("severity") for r in reactions}
    item["severity"] = next((s for s in ("severe", "moderate", "mild") if s in severities), "unknown")
    if verification in ("unconfirmed", "presumed"):
        item["confirmed"] = False
    return Found("allergies", item=item)


def condition(bundle: Bundle, entry: Entry) -> Found:
    resource, label = entry.resource, entry.label
    code = absent_code(resource.get("code"))
    if code:
        return _none_or_note(
            "conditions", code, label, vouched(bundle, entry, ("recorder", "asserter"), ("recordedDate",))
        )
    gone, verification = _no_longer_holds("conditions", label, resource, ENDED)
    if gone is not None:
        return gone
    item: dict[str, Any] = {}
    if name := concept_text(resource.get("code")):
        item["name"] = name
    if note := clean(first(resource.get("note")).get("text")):
        item["note"] = note
    if verification in ("provisional", "differential", "unconfirmed"):
        item["confirmed"] = False
    return Found("conditions", item=item)


def device(bundle: Bundle, entry: Entry) -> Found:
    resource, label = entry.resource, entry.label
    if resource.get("status") in ("completed", "entered-in-error", "stopped", "not-done"):
        return Found("devices", note=f"{label}: {resource['status']}: not imported")
    target = bundle.resolve(resource.get("device"), resource) or {}
    code = absent_code(target.get("type"))
    if code:
        return _none_or_note("devices", code, label, vouched(bundle, entry, ("source",), ("recordedOn",)))
    item: dict[str, Any] = {}
    named = clean(first(target.get("deviceName")).get("name")) or concept_text(target.get("type"))
    if name := named or reference_name(resource.get("device")):
        item["name"] = name
    if what := clean(first(resource.get("note")).get("text")) or clean(first(target.get("note")).get("text")):
        item["what_to_do"] = what
    return Found("devices", item=item)


def immunization(bundle: Bundle, entry: Entry) -> Found:
    resource, label = entry.resource, entry.label
    code = absent_code(resource.get("vaccineCode"))
    if code:
        return _none_or_note("immunizations", code, label, None)
    if resource.get("status") in ("not-done", "entered-in-error"):
        return Found("immunizations", note=f"{label}: {resource['status']}: not imported")
    item: dict[str, Any] = {}
    if vaccine := concept_text(resource.get("vaccineCode")):
        item["vaccine"] = vaccine
    if day := full_date(resource.get("occurrenceDateTime")):
        item["date"] = day
    return Found("immunizations", item=item)


def medication(bundle: Bundle, entry: Entry) -> Found:
    resource, label = entry.resource, entry.label
    concept = meds.concept(bundle, resource)
    code = absent_code(concept)
    if code:
        who, when = meds.VOUCH[entry.kind]
        return _none_or_note("medications", code, label, vouched(bundle, entry, who, when))
    status = resource.get("status")
    if status in meds.NOT_CURRENT:
        return Found("medications", note=f"{label}: {status}: not a current medication, not imported")
    return Found("medications", item=meds.item(bundle, resource, concept))


READERS = {
    "AllergyIntolerance": allergy,
    "Condition": condition,
    "DeviceUseStatement": device,
    "Immunization": immunization,
    "MedicationStatement": medication,
    "MedicationRequest": medication,
}


def _gather(facts: Facts, found: list[Found]) -> None:
    """Entries into sections: the first of each name counts; entries outweigh a contradicting "none known"."""
    for name in LIST_SECTIONS:
        mine = [f for f in found if f.section == name]
        facts.notes += [f.note for f in mine if f.note]
        items, seen = [], set()
        for f in mine:
            if f.item is None:
                continue
            key = _key(name, f.item)
            if key is None:
                facts.notes.append(f"{name}: an entry with no name was not imported")
            elif key not in seen:
                seen.add(key)
                items.append(f.item)
        vouches = [f.none_known for f in mine if f.none_known is not None]
        if items:
            facts.sections[name] = {"items": items}
            if vouches:
                facts.notes.append(f"{name}: the bundle also says none known; its entries were imported instead")
        elif vouches:
            facts.sections[name] = {"none_known": vouches[0]}


def key_of(name: str, item: Any) -> str | None:
    """What two entries of a section are matched by, ignoring case and spacing (None: nothing to match)."""
    return _key(name, item)


def _key(name: str, item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    if name == "immunizations":
        vaccine = item.get("vaccine")
        return f"{' '.join(str(vaccine).split()).casefold()} {item.get('date')}" if vaccine else None
    value = item.get(NAME_KEY.get(name, "name"))
    return " ".join(str(value).split()).casefold() if value else None


def _empty_sections(bundle: Bundle, facts: Facts) -> None:
    """A Composition section with an emptyReason and no entries stays not recorded (never none known)."""
    by_code = {code: name for name, (code, _) in SECTIONS.items()}
    for section in bundle.composition.get("section") or []:
        codes = [c.get("code") for c in (section.get("code") or {}).get("coding") or []]
        name = next((by_code[c] for c in codes if c in by_code), None)
        if name and section.get("emptyReason") and name not in facts.sections:
            facts.notes.append(f"{name}: the bundle gives a reason it is empty: stays not recorded")
