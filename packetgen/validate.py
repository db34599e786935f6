"""Validate stage: plain data -> ``Profile``, with every problem reported at once.

Pydantic does the type checking; this module turns its errors into ``Problem``s that name the
file, line and field path and say what to do, which is what a supervisor needs at 2 am.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Problem, dotted
from .event_model import Event
from .load import Document
from .model import SECTION_DEFAULTS, Profile
from .person_files import path_problems
from .project import EVENT_ID

M = TypeVar("M", bound=BaseModel)

_HINTS = {
    "date_from_datetime_parsing": "write the date as YYYY-MM-DD",
    "date_parsing": "write the date as YYYY-MM-DD",
    "date_type": "write the date as YYYY-MM-DD",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "int_parsing": "write a whole number",
    "datetime_parsing": "write the date and time as YYYY-MM-DD HH:MM",
    "datetime_from_date_parsing": "write the date and time as YYYY-MM-DD HH:MM",
    "datetime_type": "write the date and time as YYYY-MM-DD HH:MM",
    "string_type": "write text (put it in quotes if it looks like a number or date)",
    "list_type": "write a list, one '- item' per line",
    "model_type": "write a block of 'key: value' lines indented under this field",
    "dict_type": "write a block of 'key: value' lines indented under this field",
    "too_short": "add at least one entry",
}


def _model_fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Field names allowed at ``loc``, for did-you-mean suggestions on unknown keys."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = _unwrap(current.model_fields[part].annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """list[X] | None -> X: the model class a field holds, if any."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if args else annotation
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def pydantic_problems(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    problems = []
    errors = exc.errors()
    # A misspelt key is also a missing one; report it once, as the misspelling.
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            close = difflib.get_close_matches(str(loc[-1]), _model_fields_at(model, loc[:-1]), n=1)
            misspelt |= {loc[:-1] + (c,) for c in close}
    errors = [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in misspelt)]
    for err in errors:
        loc = tuple(part for part in err["loc"] if isinstance(part, (str, int)))
        kind = err["type"]
        if kind == "missing":
            name = loc[-1]
            line = doc.line_of(loc[:-1])
            message = f"required field is missing: add '{name}:'"
        elif kind == "extra_forbidden":
            name = str(loc[-1])
            line = doc.line_of(loc)
            allowed = _model_fields_at(model, loc[:-1])
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            message = f"unknown field '{name}'{hint}: fix the spelling or remove it"
        else:
            line = doc.line_of(loc)
            message = err["msg"].removeprefix("Value error, ")
            if kind in _HINTS:
                message = f"{message}: {_HINTS[kind]}"
        problems.append(Problem(doc.path, line, dotted(loc), message))
    return problems


def typed(doc: Document, model: type[M], what: str) -> tuple[M | None, list[Problem]]:
    """Shared by profiles and events: top-level shape, TODO placeholders, then pydantic types."""
    problems = list(doc.problems)
    if doc.data is None:
        return None, problems
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.path, 1, "", f"{what} must be a block of 'key: value' lines at the top level"))
        return None, problems
    todo = _placeholders(doc.data, (), doc)
    problems += todo
    try:
        value = model.model_validate(doc.data)
    except ValidationError as exc:
        # A TODO date is also "not a date"; say it once.
        filled = {p.field for p in todo}
        return None, problems + [p for p in pydantic_problems(exc, doc, model) if p.field not in filled]
    return (None if todo else value), problems


def validate_profile(doc: Document, person_dir: Path) -> tuple[Profile | None, list[Problem]]:
    """Return the typed profile (None if it has errors) and every problem found."""
    profile, problems = typed(doc, Profile, "a profile")
    problems += path_problems(doc, person_dir)  # even when other fields fail: all problems in one pass
    if profile is None:
        return None, problems
    problems += _cross_checks(profile, doc)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return profile, problems


def _placeholders(value: Any, path: tuple[str | int, ...], doc: Document) -> list[Problem]:
    """Starter profiles say TODO where a fact is needed; a packet must never print one."""
    if isinstance(value, str) and value.lstrip().upper().startswith("TODO"):
        return [Problem(doc.path, doc.line_of(path), dotted(path), f"not filled in yet ({value})")]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [p for key, item in items for p in _placeholders(item, path + (key,), doc)]


def _cross_checks(profile: Profile, doc: Document) -> list[Problem]:
    """Checks that span fields, run only once the types are right (no cascades)."""
    problems = []
    seen_ids: set[str] = set()
    for i, consent in enumerate(profile.consents):
        if consent.id in seen_ids:
            problems.append(Problem(doc.path, doc.line_of(("consents", i, "id")), f"consents[{i}].id",
                                    f"consent id '{consent.id}' is used twice: give each record its own id"))
        seen_ids.add(consent.id)
        for j, name in enumerate(consent.sections):
            if "consent" not in classes_in(profile, name):
                problems.append(Problem(
                    doc.path, doc.line_of(("consents", i, "sections", j)), f"consents[{i}].sections[{j}]",
                    f"section '{name}' has sharing class '{section_class(profile, name)}', not 'consent': "
                    "this record changes nothing for it", severity="warning"))
    return problems


def section_class(profile: Profile, name: str) -> str:
    """The sharing class in force for a section: the profile's override or the default."""
    section = getattr(profile, name)
    override = getattr(section, "sharing", None) if section is not None else None
    return override or SECTION_DEFAULTS[name]


def classes_in(profile: Profile, name: str) -> set[str]:
    """Every sharing class used in a section: its own, plus per-contact overrides."""
    classes = {section_class(profile, name)}
    if name == "contacts":
        classes |= {c.sharing for c in profile.contacts.people if c.sharing}
    return classes


def validate_event(doc: Document, event_id: str) -> tuple[Event | None, list[Problem]]:
    """One event file -> ``Event`` (None if it has errors) and every problem, as for profiles."""
    event, problems = typed(doc, Event, "an event")
    if not EVENT_ID.fullmatch(event_id):
        problems.append(Problem(doc.path, None, "", f"event file name '{event_id}' is not a valid event id: use "
                                "lower-case letters, digits and dashes, e.g. '2026-11-02-escalation' (it becomes "
                                "a file name, so no names or diagnoses)"))
    if event is None:
        return None, problems
    problems += _event_cross_checks(event, doc)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return event, problems


def _event_cross_checks(event: Event, doc: Document) -> list[Problem]:
    """Times that contradict each other would make the timeliness figures wrong."""
    problems = []
    cm = event.case_manager
    if cm.notified_at is not None and cm.notified_at < event.occurred_at:
        problems.append(Problem(doc.path, doc.line_of(("case_manager", "notified_at")), "case_manager.notified_at",
                                "notified before the event happened: check both times"))
    if cm.response is not None:
        if cm.notified_at is None:
            problems.append(Problem(doc.path, doc.line_of(("case_manager", "response")), "case_manager.response",
                                    "a response is recorded but not when the case manager was notified: "
                                    "add case_manager.notified_at"))
        elif cm.response.received_at < cm.notified_at:
            problems.append(Problem(doc.path, doc.line_of(("case_manager", "response", "received_at")),
                                    "case_manager.response.received_at",
                                    "response received before the notification was sent: check both times"))
    for i, partner in enumerate(event.partners):
        if partner.handoff_at.date() < event.occurred_at.date():
            problems.append(Problem(doc.path, doc.line_of(("partners", i, "handoff_at")), f"partners[{i}].handoff_at",
                                    "handoff is dated before the event: check the date", "warning"))
    if event.type == "mobile-crisis-contact" and not event.partners:
        problems.append(Problem(doc.path, doc.line_of(("type",)), "partners",
                                "a mobile crisis contact with no partners recorded: add the mobile crisis team "
                                "under partners so a partnership review and return checklist are made", "warning"))
    return problems
