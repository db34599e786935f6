"""Validate stage: plain data -> ``Profile`` or ``Event``, with every problem reported at once.

Pydantic does the type checking (``packetgen/pipeline/messages.py`` restates its errors in plain words);
this module runs the stages of one file in order: placeholders, types, then the checks that span
fields (``packetgen/pipeline/checks.py``), each skipping what an earlier one already reported. The build
date (``--as-of``) travels in the validation context, so "not in the future" means the same day
the documents are built for.
"""

from __future__ import annotations

import datetime as dt
import typing
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from packetgen.model.errors import Problem, dotted
from packetgen.model.event import Event
from packetgen.model.ids import EVENT_ID
from packetgen.model.profile import Profile
from packetgen.model.sharing import class_of
from packetgen.pipeline.characters import normalised
from packetgen.pipeline.checks import Parts, event_checks, profile_checks
from packetgen.pipeline.load import Document
from packetgen.pipeline.messages import pydantic_problems
from packetgen.pipeline.person_files import path_problems
from packetgen.pipeline.yaml_tree import FieldPath

__all__ = ["pydantic_problems", "section_class", "typed", "validate_event", "validate_profile"]

M = TypeVar("M", bound=BaseModel)


def typed(doc: Document, model: type[M], what: str, as_of: dt.date | None) -> tuple[M | None, Parts, list[Problem]]:
    """Shared by profiles and events: top-level shape, TODO placeholders, then types.

    Returns the model (None if anything is wrong), the parts that validated on their own (for the
    cross-checks), and the problems. Nothing is said twice: a field the loader refused, or one
    still saying TODO, gets no type error on top."""
    problems = list(doc.problems)
    if doc.data is None:
        return None, {}, problems
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.path, 1, "", f"{what} must be a block of 'key: value' lines at the top level"))
        return None, {}, problems
    todo = _placeholders(doc.data, ())
    problems += [
        Problem(doc.path, doc.line_of(path), dotted(path), "not filled in yet: replace the TODO with the real text")
        for path in todo
    ]
    context = {"as_of": as_of}
    # A field the loader refused was replaced by a stand-in value: no cross-check may read it.
    refused = {path[0] for path in doc.refused if path}
    try:
        value = model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        skip = set(doc.refused) | set(todo)
        parts = validated_parts(model, doc.data, context)
        return None, _without(parts, refused), problems + pydantic_problems(exc, doc, model, skip)
    parts = {name: getattr(value, name) for name in type(value).model_fields}
    if todo or any(p.severity == "error" for p in doc.problems):
        # The whole model only goes on (to checks that read any field) when the file loaded cleanly.
        return None, _without(parts, refused), problems
    return value, _without(parts, refused), problems


def _without(parts: Parts, names: set[Any]) -> Parts:
    return {name: part for name, part in parts.items() if name not in names}


@cache
def _field_adapters(model: type[BaseModel]) -> dict[str, TypeAdapter[Any]]:
    adapters: dict[str, TypeAdapter[Any]] = {}
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation
        if info.metadata:
            annotation = typing.Annotated[(annotation, *info.metadata)]
        adapters[name] = TypeAdapter(annotation)
    return adapters


def validated_parts(model: type[BaseModel], data: dict[str, Any], context: dict[str, Any]) -> Parts:
    """Each top-level field validated on its own: what the cross-checks may still look at when the
    file as a whole has errors. A field that fails is left out; an absent one takes its default."""
    parts: Parts = {}
    for name, adapter in _field_adapters(model).items():
        info = model.model_fields[name]
        if name not in data:
            if not info.is_required():
                parts[name] = info.get_default(call_default_factory=True)
            continue
        try:
            parts[name] = adapter.validate_python(data[name], context=context)
        except ValidationError:
            pass
    return parts


def validate_profile(doc: Document, person_dir: Path, as_of: dt.date | None) -> tuple[Profile | None, list[Problem]]:
    """Return the typed profile (None if it has errors) and every problem found, as of the build date."""
    profile, parts, problems = typed(doc, Profile, "a profile", as_of)
    problems += profile_checks(parts, doc)
    # Paths even when other fields fail (all problems in one pass), but not a field already refused.
    reported = {p.field for p in problems}
    problems += [p for p in path_problems(doc, person_dir) if p.field not in reported]
    if profile is None or any(p.severity == "error" for p in problems):
        return None, problems
    return profile, problems


def _placeholders(value: Any, path: FieldPath) -> list[FieldPath]:
    """Starter profiles say TODO where a fact is needed; a packet must never print one. Checked on the
    text a reader sees (``normalised``), so a zero-width space or full-width letters cannot hide it."""
    if isinstance(value, str) and normalised(value).lstrip().upper().startswith("TODO"):
        return [path]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [p for key, item in items for p in _placeholders(item, path + (key,))]


def section_class(profile: Profile, name: str) -> str:
    """The sharing class in force for a section: the profile's override or the default."""
    return class_of(getattr(profile, name), name)


def validate_event(doc: Document, event_id: str, as_of: dt.date | None) -> tuple[Event | None, list[Problem]]:
    """One event file -> ``Event`` (None if it has errors) and every problem, as for profiles."""
    event, parts, problems = typed(doc, Event, "an event", as_of)
    if not EVENT_ID.fullmatch(event_id):
        problems.append(
            Problem(
                doc.path,
                None,
                "",
                f"event file name '{event_id}' is not a valid event id: use "
                "lower-case letters, digits and dashes, e.g. '2026-11-02-escalation' (it becomes "
                "a file name, so no names or diagnoses)",
            )
        )
    problems += event_checks(parts, doc)
    if event is None or any(p.severity == "error" for p in problems):
        return None, problems
    return event, problems
