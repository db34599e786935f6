"""Merge stage: imported facts -> changes to a profile tree (an existing person's, or a new draft), and
the lines that say what changed, field by field.

The rule is that nothing typed by hand is ever dropped or overwritten. Entries are matched by what
they are (substance, medication or condition name, device, vaccine and date); an entry the profile
lacks is added with its source, a matching one is left exactly as it is, and any value the record
gives differently is reported and the profile's kept. A section the profile says is "none known"
is not contradicted by adding entries to it, nor a list by a "none known": both are reported for a
person to settle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap

from packetgen.ips.mapin import LIST_SECTIONS, Facts, key_of
from packetgen.ips.yamlfile import block, mark_todo
from packetgen.model.eif import Condition, Device, Immunization, Measurement
from packetgen.model.profile import Identity
from packetgen.model.safety import Allergy, Medication, NoneKnown

ENTRY_MODELS: dict[str, type[BaseModel]] = {
    "allergies": Allergy,
    "medications": Medication,
    "conditions": Condition,
    "devices": Device,
    "immunizations": Immunization,
}
CONFIRMS = ("allergies", "conditions")
"""Sections whose records say whether an entry is confirmed (its absence means it is)."""


@dataclass(frozen=True)
class Change:
    mark: str
    """``+`` added, ``=`` already there, ``!`` the record differs (the profile's kept), ``-`` not imported."""
    where: str
    what: str

    def __str__(self) -> str:
        return f"  {self.mark} {self.where}: {self.what}"


def required(model: type[BaseModel]) -> list[str]:
    return [name for name, info in model.model_fields.items() if info.is_required()]


def new_block(data: dict[str, Any], model: type[BaseModel]) -> CommentedMap:
    """A block for the profile, with a TODO beside it for each required fact the record lacks."""
    mapping: CommentedMap = block(data)
    mark_todo(mapping, [name for name in required(model) if name not in data])
    return mapping


def new_section(name: str, data: dict[str, Any]) -> CommentedMap:
    section = CommentedMap()
    if "items" in data:
        section["items"] = block([])
        for item in data["items"]:
            section["items"].append(new_block(item, ENTRY_MODELS[name]))
    elif "none_known" in data:
        section["none_known"] = new_block(data["none_known"], NoneKnown)
    else:
        for key, measurement in data.items():
            section[key] = new_block(measurement, Measurement)
    return section


def describe(name: str, data: dict[str, Any]) -> str:
    if "items" in data:
        count = len(data["items"])
        labels = ", ".join(_label(name, i) for i in data["items"])
        return f"added {count} {'entry' if count == 1 else 'entries'} ({labels})"
    if "none_known" in data:
        vouch = data["none_known"]
        return f"added none known (verified {vouch['verified_on']} by {vouch.get('verified_by', 'TODO')})"
    return "added " + ", ".join(data)


def someone_else(root: CommentedMap, found: dict[str, Any]) -> bool:
    """True when the profile's legal name and date of birth both differ from the record's: the wrong
    file or the wrong --person, and merging would put another person's allergies in this profile."""
    identity = root.get("identity")
    if not isinstance(identity, dict):
        return False
    keys = ("legal_name", "date_of_birth")
    known = [k for k in keys if identity.get(k) is not None and found.get(k) is not None]
    return len(known) == len(keys) and not any(_same(identity[k], found[k]) for k in keys)


def merge(root: CommentedMap, facts: Facts) -> list[Change]:
    """Add to ``root`` what the record has and the profile lacks; say what happened to every fact."""
    changes = _identity(root, facts.identity)
    for name, data in facts.sections.items():
        existing = root.get(name)
        if existing is None:
            root[name] = new_section(name, data)
            changes.append(Change("+", name, describe(name, data)))
        elif not isinstance(existing, dict):
            changes.append(Change("!", name, "not a block in the profile: not changed; fix it by hand"))
        elif name in LIST_SECTIONS:
            changes += _list_section(name, existing, data)
        else:
            changes += _measurements(name, existing, data)
    return changes + [Change("-", "not imported", note) for note in facts.notes]


def _identity(root: CommentedMap, found: dict[str, Any]) -> list[Change]:
    identity = root.get("identity")
    if identity is None:
        root.insert(0, "identity", new_block(found, Identity))
        return [Change("+", "identity", "added " + ", ".join(found))]
    if not isinstance(identity, dict):
        return [Change("!", "identity", "not a block in the profile: not changed; fix it by hand")]
    changes = []
    for key, value in found.items():
        changes.append(_compare(identity, key, value, f"identity.{key}", add=True))
    return changes


def _compare(existing: Any, key: str, value: Any, where: str, add: bool = False) -> Change:
    if key not in existing or existing[key] is None:
        if add:
            existing[key] = value
            return Change("+", where, f"added {show(value)}")
        return Change(
            "!", where, f"the record says {show(value)}; the profile has none: not added to a hand-entered entry"
        )
    if _same(existing[key], value):
        return Change("=", where, "same in the record and the profile")
    return Change(
        "!", where, f"the record says {show(value)}; the profile says {show(existing[key])}: kept the profile's"
    )


def show(value: Any) -> str:
    """A value as the profile writes it: dates YYYY-MM-DD, true/false, text in quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return " ".join(left.split()).casefold() == " ".join(right.split()).casefold()
    return str(left) == str(right)


def _list_section(name: str, existing: dict[str, Any], data: dict[str, Any]) -> list[Change]:
    items = existing.get("items")
    if "none_known" in data:
        if existing.get("none_known") is not None:
            return [Change("=", name, "none known in the record and the profile: kept the profile's")]
        count = len(items) if isinstance(items, list) else 0
        return [Change("!", name, f"the record says none known; the profile lists {count}: kept the profile's")]
    if existing.get("none_known") is not None:
        labels = ", ".join(_label(name, i) for i in data["items"])
        return [
            Change(
                "!",
                name,
                f"the record lists {labels}; the profile says none known: not changed. Check with the "
                "person's clinician, then edit the profile by hand",
            )
        ]
    if not isinstance(items, list):
        return [Change("!", name, "no 'items:' list in the profile: not changed; fix it by hand")]
    changes = []
    by_key = {key_of(name, item): item for item in items}
    for item in data["items"]:
        where = f"{name}: {_label(name, item)}"
        match = by_key.get(key_of(name, item))
        if match is None:
            items.append(new_block(item, ENTRY_MODELS[name]))
            missing = [k for k in required(ENTRY_MODELS[name]) if k not in item]
            todo = f" (TODO: add {', '.join(missing)})" if missing else ""
            changes.append(Change("+", where, "added" + todo))
            continue
        keys = [k for k in item if k != "source"] + (["confirmed"] if name in CONFIRMS else [])
        found = [_compare(_with_default(match, name), k, item.get(k, True), f"{where}: {k}") for k in keys]
        differ = [c for c in found if c.mark != "="]
        changes += differ or [Change("=", where, "already in the profile: kept as it is")]
    return changes


def _with_default(entry: Any, name: str) -> dict[str, Any]:
    """An entry as its model reads it: ``confirmed`` left out means confirmed."""
    view = dict(entry)
    if name in CONFIRMS:
        view.setdefault("confirmed", True)
    return view


def _measurements(name: str, existing: dict[str, Any], data: dict[str, Any]) -> list[Change]:
    changes = []
    for key, measurement in data.items():
        where = f"{name}.{key}"
        mine = existing.get(key)
        if mine is None:
            existing[key] = new_block(measurement, Measurement)
            changes.append(Change("+", where, f"added {measurement['value']}"))
        elif isinstance(mine, dict):
            found = [_compare(mine, k, v, f"{where}.{k}") for k, v in measurement.items() if k != "source"]
            differ = [c for c in found if c.mark != "="]
            changes += differ or [Change("=", where, "already in the profile: kept as it is")]
    return changes


def _label(name: str, item: dict[str, Any]) -> str:
    if name == "immunizations":
        return f"{item.get('vaccine')} ({item.get('date', 'no date')})"
    return str(item.get("substance") or item.get("name"))
