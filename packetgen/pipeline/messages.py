"""Type errors in the words of the person editing the file, at the line where the fix goes.

Pydantic checks the types; its messages are written for programmers ("Input should be a valid
dictionary or instance of Allergies"). Each kind of error it reports is restated here as what is
wrong and what to write, naming the field and the expected format, never the value that was
written (it may be profile text). Only our own validators' messages (``ValueError`` in the models
and ``packetgen/model/fields.py``) pass through as they are, because they are already written that way.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from packetgen.model.errors import Problem, dotted, key_name
from packetgen.model.fields import NOT_A_DATE, NOT_A_TIME
from packetgen.pipeline.load import Document
from packetgen.pipeline.yaml_tree import FieldPath

_FALLBACK = "is not valid here: compare it with the starter profile (`packetgen new`) or the schema"
_BLOCK = "write a block of 'key: value' lines indented under this field"
_LIST = "write a list, one '- entry' per line (or [first, second] on one line)"
_ONE_VALUE = "expected one value here, not a list or a block of lines: write it on the same line as the key"

_PARSE_DETAIL = {
    "day value is outside expected range": "no such day in that month: check the date",
    "month value is outside expected range": "no such month (months are 01 to 12): check the date",
    "hour value is outside expected range": "no such time (hours are 00 to 23): check the time",
    "minute value is outside expected range": "no such time (minutes are 00 to 59): check the time",
    "second value is outside expected range": "no such time (seconds are 00 to 59): check the time",
}


def model_fields_at(model: type[BaseModel], loc: FieldPath) -> list[str]:
    """Field names allowed at ``loc``, for did-you-mean suggestions on unknown keys."""
    current = _model_at(model, loc)
    return list(current.model_fields) if current is not None else []


def _model_at(model: type[BaseModel], loc: FieldPath) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not _is_model(current) or part not in current.model_fields:
            return None
        current = _unwrap(current.model_fields[part].annotation)
    return current if _is_model(current) else None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _unwrap(annotation: Any) -> Any:
    """list[X] | None -> X: the model class a field holds, if any."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if args else annotation
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _required(model: type[BaseModel], loc: FieldPath) -> bool:
    parent = _model_at(model, loc[:-1])
    name = loc[-1]
    if parent is None or not isinstance(name, str) or name not in parent.model_fields:
        return True
    return parent.model_fields[name].is_required()


def _under(loc: FieldPath, skip: Collection[FieldPath]) -> bool:
    return any(loc[: len(path)] == path for path in skip)


def pydantic_problems(
    exc: ValidationError, doc: Document, model: type[BaseModel], skip: Collection[FieldPath] = ()
) -> list[Problem]:
    """One problem per type error, except under ``skip`` (fields already reported: no cascades)."""
    errors = exc.errors()
    # A misspelt key is also a missing one; report it once, as the misspelling.
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = _loc(err)
            close = difflib.get_close_matches(str(loc[-1]), model_fields_at(model, loc[:-1]), n=1)
            misspelt |= {loc[:-1] + (c,) for c in close}
    problems = []
    for err in errors:
        loc = _loc(err)
        if _under(loc, skip) or (err["type"] == "missing" and loc in misspelt):
            continue
        line, message = _explain(err, loc, doc, model)
        problems.append(Problem(doc.path, line, dotted(loc), message))
    return problems


def _loc(err: ErrorDetails) -> FieldPath:
    return tuple(part for part in err["loc"] if isinstance(part, (str, int)))


def _explain(err: ErrorDetails, loc: FieldPath, doc: Document, model: type[BaseModel]) -> tuple[int | None, str]:
    """(line, message) for one error."""
    kind = err["type"]
    if kind == "missing":
        return _missing(loc, doc, model)
    line = doc.line_of(loc)
    if kind == "extra_forbidden":
        name = key_name(str(loc[-1]))
        if name == "<key>":
            return line, "unknown field: this key is not a field name: fix it or remove it"
        close = difflib.get_close_matches(name, model_fields_at(model, loc[:-1]), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return line, f"unknown field '{name}'{hint}: fix the spelling or remove it"
    if kind in ("value_error", "assertion_error"):
        return line, str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return line, _type_message(err, loc, model)


def _type_message(err: ErrorDetails, loc: FieldPath, model: type[BaseModel]) -> str:
    kind, given, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    detail = _PARSE_DETAIL.get(str(ctx.get("error", "")))
    if kind.startswith("datetime"):
        return detail or NOT_A_TIME
    if kind.startswith("date"):
        return detail or NOT_A_DATE
    if kind == "literal_error":
        return _choices(str(ctx.get("expected", "")), given)
    if kind == "string_too_short":
        if loc and isinstance(loc[-1], int):
            return "an empty entry: fill it in or remove it"
        return "is empty: write the fact here" if _required(model, loc) else "is empty: write it, or remove the line"
    if kind == "string_too_long":
        return f"too long: at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return "empty list: add at least one entry"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if given is None:
            return f"is empty: {_BLOCK}"
        return f"expected a block of 'key: value' lines here, not {_shape(given)}: {_BLOCK}"
    if kind == "list_type":
        return f"expected a list here, not {_shape(given)}: {_LIST}"
    if isinstance(given, (dict, list)):
        return _ONE_VALUE
    if kind == "string_type":
        return "write text (put it in quotes if it looks like a number, a date or true/false)"
    if kind.startswith(("int_", "float_")) or kind == "int_from_float":
        return "not a whole number: write it as digits, e.g. 3"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be {ctx.get('ge', ctx.get('gt'))} or more"
    if kind.startswith("bool"):
        return "write true or false"
    if kind == "string_pattern_mismatch":
        return "has characters that are not allowed: use letters, digits, dots, dashes and underscores only"
    return _FALLBACK


def _shape(given: Any) -> str:
    if isinstance(given, list):
        return "a list"
    if isinstance(given, dict):
        return "a block"
    return "a single value"


def _choices(expected: str, given: Any) -> str:
    options = re.findall(r"'([^']*)'", expected)
    message = f"must be one of {expected}"
    if isinstance(given, str) and options:
        close = difflib.get_close_matches(given.strip().lower(), options, n=1)
        if close:
            message += f" (did you mean '{close[0]}'?)"
    return message


def _missing(loc: FieldPath, doc: Document, model: type[BaseModel]) -> tuple[int | None, str]:
    """A missing nested field points at its block; a missing top-level one at where it belongs: the
    section that should follow it, or the end of the file. The first key's line says nothing."""
    name = str(loc[-1])
    if len(loc) > 1 or not isinstance(doc.data, dict):
        return doc.line_of(loc[:-1]), f"required field is missing: add '{name}:'"
    fields = list(model.model_fields)
    kind = _unwrap(model.model_fields[name].annotation) if name in model.model_fields else None
    what = (
        f"required section is missing: add a '{name}:' section"
        if _is_model(kind)
        else f"required field is missing: add '{name}:'"
    )
    later = fields[fields.index(name) + 1 :] if name in fields else []
    following = next((f for f in later if f in doc.data), None)
    if following is not None:
        return doc.lines.get((following,)), f"{what} before '{following}:'"
    return doc.last_line, f"{what} at the end of the file"
