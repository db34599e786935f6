"""Revision history per person, and "what changed since the last version" in plain words.

Staff need to know what is new in a plan before a shift. Each time what a person's documents show
differs from the last recorded revision, a revision is appended to ``build/.history/<person-id>.json``
(kept in build/, out of the watched people/ folder, and dot-named so ``--serve`` never serves it).

A revision keeps only what at least one of the person's documents shows (``shown.Today.shown``),
never the whole profile: internal notes, consent records and anything withheld from every audience
never reach it. Every build filters the stored revisions again under today's decisions, so a
narrowed sharing class, a lapsed or withdrawn consent drops that part from old revisions too, and
neighbours that become equal are merged. A person removed from people/ loses their history.
Deleting build/ forgets it all; the next build starts again with "first version on record".

``describe_changes`` is a plain function: old view, new view -> sentences.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packetgen.pipeline.output import write_text

log = logging.getLogger(__name__)

HISTORY_DIR = ".history"
HISTORY_SCHEMA = 2
"""1 kept whole profiles; such files are cut down to the last plan version when read."""
MAX_REVISIONS = 50
"""Older revisions are dropped: the documents use only the last few, and the file stays small."""


@dataclass(frozen=True)
class Revision:
    version: int
    recorded: str
    shown: dict[str, Any]
    """What the person's documents showed, filtered again under today's decisions on every build."""


@dataclass(frozen=True)
class History:
    revisions: list[Revision]
    last_version: int | None
    """The plan version of the last good build, kept even when no revision is (an old-format file)."""


def history_path(build_dir: Path, person_id: str) -> Path:
    return build_dir / HISTORY_DIR / f"{person_id}.json"


def load_history(build_dir: Path, person_id: str) -> History:
    """The stored revisions; an unreadable file is a new history, an old-format one is cut down at once."""
    path = history_path(build_dir, person_id)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("schema") != HISTORY_SCHEMA:
            # Schema 1 kept whole profiles (internal notes included): keep only the version number.
            old = raw["revisions"]
            history = History([], int(old[-1]["version"]) if old else None)
            save_history(build_dir, person_id, history)
            return history
        revisions = [Revision(int(r["version"]), str(r["recorded"]), dict(r["shown"])) for r in raw["revisions"]]
        last = raw.get("last_version")
        return History(revisions, int(last) if last is not None else None)
    except FileNotFoundError:
        return History([], None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        # Not the exception text: it could quote the file's content.
        log.warning("%s unreadable: starting a new history", path)
        return History([], None)


def save_history(build_dir: Path, person_id: str, history: History) -> None:
    payload = {
        "schema": HISTORY_SCHEMA,
        "person": person_id,
        "last_version": history.last_version,
        "revisions": [r.__dict__ for r in history.revisions],
    }
    # Compact: json's C encoder only runs without indent, and 1000 people add up.
    write_text(history_path(build_dir, person_id), json.dumps(payload, ensure_ascii=False) + "\n", durable=False)


def updated(history: History, current: Revision, refilter: Callable[[dict[str, Any]], dict[str, Any]]) -> History:
    """Stored revisions filtered again with ``refilter`` (today's decisions), equal neighbours merged
    (the earlier kept), then ``current`` appended if it differs from the last."""
    revisions: list[Revision] = []
    for revision in [*history.revisions, current]:
        shown = current.shown if revision is current else refilter(revision.shown)
        if revisions and revisions[-1].shown == shown:
            continue
        revisions.append(Revision(revision.version, revision.recorded, shown))
    revisions = revisions[-MAX_REVISIONS:]
    return History(revisions, revisions[-1].version)


def last_version(build_dir: Path, person_id: str) -> int | None:
    """The plan version of the last good build, for "source has errors, showing version N"."""
    return load_history(build_dir, person_id).last_version


def forget_removed(build_dir: Path, person_ids: set[str]) -> list[Path]:
    """Delete the history of everyone not in ``person_ids`` (removed from people/): no document of
    theirs is built any more, so nothing of theirs may stay at rest."""
    folder = build_dir / HISTORY_DIR
    removed = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if path.stem not in person_ids:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


# --- describing changes -----------------------------------------------------------------------

LABELS: dict[str, str] = {
    "identity": "Identity",
    "identity.preferred_name": "Preferred name",
    "identity.legal_name": "Legal name",
    "identity.date_of_birth": "Date of birth",
    "identity.interpreter_needed": "Interpreter needed",
    "identity.photo": "Photo",
    "plan.version": "Plan version",
    "plan.effective": "Plan effective date",
    "plan.last_reviewed": "Last review date",
    "plan.next_review": "Next review date",
    "plan.supervisor.name": "Supervisor",
    "plan.supervisor.phone": "Supervisor phone",
    "communication": "Communication",
    "communication.how_i_communicate": "How they communicate",
    "communication.how_i_understand": "How they understand",
    "communication.how_i_say_no": "How they say no",
    "communication.how_i_show_pain": "How they show pain",
    "baseline": "Baseline",
    "baseline.typical_presentation": "Usual baseline",
    "baseline.signs_of_change": "Signs of change from baseline",
    "allergies": "Allergies",
    "medications": "Medications",
    "risks": "Risks",
    "decision_maker": "Decision-maker",
    "decision_maker.decides_for_self": "Makes own decisions",
    "decision_maker.name": "Decision-maker",
    "decision_maker.phone": "Decision-maker phone",
    "decision_maker.code_status": "Code status",
    "decision_maker.advance_directive": "Advance directive",
    "contacts": "Contacts",
    "crisis_plan": "Crisis plan",
    "crisis_plan.triggers": "Trigger",
    "crisis_plan.early_warning_signs": "Early warning sign",
    "crisis_plan.what_helps": "What helps",
    "crisis_plan.what_to_avoid": "What to avoid",
    "crisis_plan.step_down_criteria": "Step-down criterion",
    "health_history": "Health history",
    "behavioral_health": "Behavioral health",
    "internal_notes": "Internal notes",
    "conditions": "Conditions",
    "devices": "Devices",
    "baseline_vitals": "Baseline vital signs",
    "avoid": "Avoid",
    "care_providers": "Care providers",
    "home_access": "Getting in",
    "home_access.entry": "How to get in",
    "home_access.keys": "Who holds keys",
    "immunizations": "Immunizations",
}

Summary = Callable[[dict[str, Any]], str]


def _med(m: dict[str, Any]) -> str:
    return f"{m['name']} {m['dose']}, {m['route']}, {m['schedule']}"


def _role_name(c: dict[str, Any]) -> str:
    return f"{c['role'].replace('-', ' ')}: {c['name']}"


# Lists of records, matched by what a reader would call the same entry.
RECORD_LISTS: dict[str, tuple[str, Callable[[dict[str, Any]], str], Summary]] = {
    "allergies.items": ("Allergy", lambda a: a["substance"], lambda a: f"{a['substance']} ({a['reaction']})"),
    "medications.items": ("Medication", lambda m: m["name"], _med),
    "contacts": ("Contact", lambda c: f"{c['role']}: {c['name']}", lambda c: f"{c['role']}: {c['name']}, {c['phone']}"),
    "contacts.people": (
        "Contact",
        lambda c: f"{c['role']}: {c['name']}",
        lambda c: f"{c['role']}: {c['name']}, {c['phone']}",
    ),
    "crisis_plan.escalation_steps": ("Escalation step", lambda s: s["step"], lambda s: f"{s['step']} ({s['role']})"),
    "consents": ("Consent", lambda c: c["id"], lambda c: f"{c['id']} for {c['recipient']}"),
    "conditions.items": ("Condition", lambda c: c["name"], lambda c: c["name"]),
    "devices.items": ("Device", lambda d: d["name"], lambda d: f"{d['name']} ({d['what_to_do']})"),
    "avoid.items": ("Avoid", lambda a: a["what"], lambda a: f"{a['what']} ({a['reason']})"),
    "care_providers": ("Care provider", _role_name, lambda c: f"{_role_name(c)}, {c['phone']}"),
    "care_providers.items": ("Care provider", _role_name, lambda c: f"{_role_name(c)}, {c['phone']}"),
    "immunizations.items": (
        "Immunization",
        lambda i: f"{i['vaccine']} {i['date']}",
        lambda i: f"{i['vaccine']} ({i['date']})",
    ),
}
for _risk in ("mobility", "swallowing", "seizures", "falls"):
    RECORD_LISTS[f"risks.{_risk}.items"] = (f"{_risk.capitalize()} risk", lambda r: r["risk"], lambda r: r["risk"])

SHORT = 60
"""Values longer than this are reported as "changed" without quoting both versions."""


def _label(path: str) -> str:
    if path in LABELS:
        return LABELS[path]
    parts = [p for p in path.split(".") if p not in ("items", "text", "none_known")]
    words = " ".join(parts[-2:] if len(parts) > 1 else parts).replace("_", " ")
    return words[:1].upper() + words[1:]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return ", ".join(
            f"{k.replace('_', ' ')} {_show(v)}" for k, v in value.items() if v is not None and k != "sharing"
        )
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value)
    return str(value)


def _scalar_change(label: str, old: Any, new: Any) -> str:
    if old is None:
        return f"{label} added: {_show(new)}" if len(_show(new)) <= SHORT else f"{label} added"
    if new is None:
        return f"{label} removed"
    before, after = _show(old), _show(new)
    if len(before) <= SHORT and len(after) <= SHORT:
        return f"{label} changed from {before} to {after}"
    return f"{label} changed"


def describe_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Field-level differences between two profile views, as sentences a support worker reads.

    >>> describe_changes({"plan": {"supervisor": {"phone": "555-0101"}}},
    ...                  {"plan": {"supervisor": {"phone": "555-0199"}}})
    ['Supervisor phone changed from 555-0101 to 555-0199']
    """
    out: list[str] = []
    _diff(old, new, "", out)
    return out


def _diff(old: Any, new: Any, path: str, out: list[str]) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*new, *(k for k in old if k not in new)]:
            if key == "sharing":
                continue
            child = f"{path}.{key}" if path else key
            a, b = old.get(key), new.get(key)
            if key == "none_known" and (a is None) != (b is None):
                owner = _label(path)
                out.append(f"{owner}: now none known ({_show(b)})" if a is None else f"{owner}: no longer 'none known'")
            elif child in RECORD_LISTS and (a is None or b is None):
                _diff_records(a or [], b or [], child, out)
            elif a is None and b is not None and isinstance(b, (dict, list)) and path == "":
                out.append(f"{_label(child)} added")
            elif b is None and a is not None and isinstance(a, (dict, list)) and path == "":
                out.append(f"{_label(child)} removed")
            else:
                _diff(a, b, child, out)
        return
    if isinstance(old, list) and isinstance(new, list) and path in RECORD_LISTS:
        _diff_records(old, new, path, out)
        return
    if isinstance(old, list) and isinstance(new, list) and all(isinstance(v, str) for v in old + new):
        label = _label(path)
        out += [f"{label} added: {v}" for v in new if v not in old]
        out += [f"{label} removed: {v}" for v in old if v not in new]
        return
    if isinstance(old, dict) and new is None or old is None and isinstance(new, dict):
        # none_known <-> items, say: report the whole list as replaced.
        out.append(_scalar_change(_label(path), old, new))
        return
    out.append(_scalar_change(_label(path), old, new))


def _diff_records(old: list[Any], new: list[Any], path: str, out: list[str]) -> None:
    noun, identity, summary = RECORD_LISTS[path]
    before = {identity(item): item for item in old}
    after = {identity(item): item for item in new}
    for key, item in after.items():
        if key not in before:
            out.append(f"{noun} added: {summary(item)}")
        elif fields := [f for f in {**before[key], **item} if f != "sharing" and before[key].get(f) != item.get(f)]:
            details = []
            for f in fields:
                a, b = before[key].get(f), item.get(f)
                words = f.replace("_", " ")
                if len(_show(a)) <= SHORT and len(_show(b)) <= SHORT:
                    details.append(f"{words} from {_show(a)} to {_show(b)}")
                else:
                    details.append(f"{words} changed")
            out.append(f"{noun} changed: {key}: {'; '.join(details)}")
    out += [f"{noun} removed: {summary(item)}" for key, item in before.items() if key not in after]
