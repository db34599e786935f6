"""Read stage: a JSON file -> a validated IPS document bundle, or problems with file:line.

Every resource is checked against the FHIR R4 models of ``fhir.resources`` (its R4B package: the
R4-compatible release that runs on pydantic 2), one entry at a time, so a problem names the entry
it is in ("entry 3 (AllergyIntolerance)", entries counted from 1, the Composition first) and the
line its block starts on. The checks an IPS adds on top (a document, a Composition first, one
Patient, an identifier and a date to record as the facts' source) are made here too. Messages are
plain words: no library, no Python type, never a traceback.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import json.decoder
import json.scanner
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from packetgen.model.errors import Problem
from packetgen.model.limits import Limits
from packetgen.pipeline.source_text import read_text

MAX_BYTES = 16 * 1024 * 1024
"""A summary with narratives is rarely over 1 MiB; past 16 MiB this is not the right file."""
MAX_PROBLEMS = 20
ASK = "ask whoever sent the bundle for a corrected one"


class Located(dict[str, Any]):
    """A JSON object that remembers the line its ``{`` is on."""

    line: int = 1


@dataclass(frozen=True)
class Entry:
    number: int
    """Counted from 1: the Composition is entry 1."""
    line: int
    full_url: str | None
    resource: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.resource.get("resourceType"))

    @property
    def label(self) -> str:
        return f"entry {self.number} ({self.kind})"


@dataclass
class Bundle:
    """A valid IPS document: its entries and what every imported fact records about where it came from."""

    path: Path
    entries: list[Entry]
    patient: dict[str, Any]
    source_id: str
    """Bundle.identifier as system|value (or its value, or Bundle.id): what ``source.bundle`` records."""
    date: dt.date
    """Bundle.timestamp's date (Composition.date if it has none)."""
    author: str | None
    """Composition.author's name: who vouches for a "none known"."""

    @property
    def composition(self) -> dict[str, Any]:
        return self.entries[0].resource

    def resolve(self, reference: Any, holder: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The resource a Reference points at: contained in ``holder`` (``#id``), an entry's fullUrl, or Type/id."""
        target = reference.get("reference") if isinstance(reference, dict) else None
        if not isinstance(target, str):
            return None
        if target.startswith("#") and holder is not None:
            for inner in holder.get("contained") or []:
                if isinstance(inner, dict) and inner.get("id") == target[1:]:
                    return inner
            return None
        for entry in self.entries:
            typed = f"{entry.kind}/{entry.resource.get('id')}"
            if entry.full_url == target or typed == target or (entry.full_url or "").endswith("/" + target):
                return entry.resource
        return None


def read_bundle(path: Path, shown: Path) -> tuple[Bundle | None, list[Problem]]:
    """Read, parse and validate one bundle file. Never raises for bad input: see the problems."""
    try:
        size = path.stat().st_size
    except OSError:
        return None, [Problem(shown, None, "", "cannot be read: check the file name")]
    if size > MAX_BYTES:
        return None, [Problem(shown, None, "", f"file is {size:,} bytes: too large for a patient summary; {ASK}")]
    _, text, problem = read_text(path, shown, Limits(file_bytes=MAX_BYTES))
    if problem is not None or text is None:
        return None, [problem] if problem else []
    data, problems = parse_json(text, shown)
    if problems or not isinstance(data, Located):
        return None, problems or [Problem(shown, 1, "", "not a FHIR bundle: the file holds no JSON object")]
    entries, problems = _entries(data, shown)
    if problems:
        return None, problems
    problems = _validate(data, entries, shown)
    if problems:
        return None, problems[:MAX_PROBLEMS]
    return _document(data, entries, shown)


def parse_json(text: str, shown: Path) -> tuple[Any, list[Problem]]:
    """JSON -> data whose objects know their line. Decimals stay exact (``37.0`` is not ``37``)."""
    starts = [i + 1 for i, char in enumerate(text) if char == "\n"]
    duplicates: list[int] = []
    decoder = json.JSONDecoder(parse_float=Decimal, object_pairs_hook=list)

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Located, int]:
        pairs, end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
        located = Located(pairs)
        located.line = bisect.bisect_right(starts, s_and_end[1] - 1) + 1
        if len(located) != len(pairs):
            duplicates.append(located.line)
        return located, end

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(shown, exc.lineno, "", f"not valid JSON at column {exc.colno} ({exc.msg}): {ASK}")]
    except RecursionError:
        return None, [Problem(shown, None, "", f"nested too deeply to be a patient summary: {ASK}")]
    if duplicates:
        return None, [Problem(shown, duplicates[0], "", f"the same field twice in one block: {ASK}")]
    return data, []


def _entries(data: Located, shown: Path) -> tuple[list[Entry], list[Problem]]:
    """The document shape an IPS must have, before any resource is checked."""
    kind = data.get("resourceType")
    if kind != "Bundle":
        return [], [Problem(shown, data.line, "", "not a FHIR bundle: export the patient summary (IPS) as JSON")]
    if data.get("type") != "document":
        return [], [
            Problem(
                shown,
                data.line,
                "type",
                "the bundle is not a document: export an International Patient Summary document, not a search result",
            )
        ]
    raw = data.get("entry")
    if not isinstance(raw, list) or not raw:
        return [], [Problem(shown, data.line, "entry", f"the bundle has no entries: {ASK}")]
    entries, problems = [], []
    for number, item in enumerate(raw, start=1):
        resource = item.get("resource") if isinstance(item, dict) else None
        line = item.line if isinstance(item, Located) else data.line
        if not isinstance(resource, Located) or not isinstance(resource.get("resourceType"), str):
            problems.append(Problem(shown, line, f"entry {number}", f"has no resource with a resourceType: {ASK}"))
            continue
        url = item.get("fullUrl")
        entries.append(Entry(number, resource.line, url if isinstance(url, str) else None, resource))
    if not problems and entries[0].kind != "Composition":
        problems.append(
            Problem(
                shown,
                entries[0].line,
                entries[0].label,
                f"the first entry of a document must be its Composition (the table of contents): {ASK}",
            )
        )
    return entries, problems


def _validate(data: Located, entries: list[Entry], shown: Path) -> list[Problem]:
    """Each resource against its FHIR model, then the bundle's own fields without them."""
    from fhir.resources.R4B import get_fhir_model_class

    problems: list[Problem] = []
    for entry in entries:
        try:
            model = get_fhir_model_class(entry.kind)
        except (KeyError, ValueError, AttributeError, ImportError):
            problems.append(Problem(shown, entry.line, entry.label, f"is not a kind of resource FHIR R4 has: {ASK}"))
            continue
        problems += _check(model, entry.resource, shown, entry.label, entry.resource)
    shell = Located({key: value for key, value in data.items() if key != "entry"})
    shell.line = data.line
    shell["entry"] = [{k: v for k, v in item.items() if k != "resource"} for item in data["entry"]]
    from fhir.resources.R4B.bundle import Bundle as BundleModel

    return problems + _check(BundleModel, shell, shown, "", data)


def _check(model: Any, value: dict[str, Any], shown: Path, label: str, lines: Any) -> list[Problem]:
    try:
        model.model_validate(value)
    except ValidationError as exc:
        found = []
        for error in exc.errors():
            where = tuple(error.get("loc", ()))
            field = ".".join(str(part) for part in where if isinstance(part, str))
            prefix = f"{label}: {field}" if label and field else label or field
            found.append(Problem(shown, _line(lines, where), prefix, f"{_plain(error)}: {ASK}"))
        return found
    except (ValueError, TypeError, KeyError, AttributeError):
        return [Problem(shown, getattr(lines, "line", None), label, f"cannot be read as FHIR: {ASK}")]
    return []


def _line(data: Any, where: tuple[Any, ...]) -> int | None:
    """The line of the innermost block the error's path reaches."""
    line = getattr(data, "line", None)
    for part in where:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(data, "line", line)
    return line


def _plain(error: Any) -> str:
    """One validation error in the words of someone reading a health record, not a programmer."""
    kind, message = str(error.get("type", "")), str(error.get("msg", ""))
    if kind == "missing":
        return "is required and missing"
    if kind == "extra_forbidden":
        return "is not a field this kind of entry has (check the spelling)"
    if "Date" in message and "regex" in message:
        return "is not a date (FHIR writes dates as YYYY-MM-DD)"
    if "Decimal" in message or kind.startswith(("int", "float", "decimal")):
        return "is not a number"
    if kind.startswith("bool"):
        return "is not true or false"
    if kind.startswith("list"):
        return "should be a list ([...])"
    if kind.startswith(("dict", "model", "json")):
        return "should be a block of fields ({...})"
    if kind.startswith("string"):
        return "should be text"
    return "does not have a value this field can take"


def _document(data: Located, entries: list[Entry], shown: Path) -> tuple[Bundle | None, list[Problem]]:
    patients = [e for e in entries if e.kind == "Patient"]
    composition = entries[0]
    if len(patients) != 1:
        many = "more than one Patient" if patients else "no Patient"
        return None, [Problem(shown, data.line, "", f"the bundle has {many}: a patient summary is about one person")]
    identifier = data.get("identifier")
    identifier = identifier if isinstance(identifier, dict) else {}
    value, system, own_id = identifier.get("value"), identifier.get("system"), data.get("id")
    source_id = f"{system}|{value}" if system and value else value or own_id
    if not source_id:
        return None, [Problem(shown, data.line, "identifier", f"the bundle has no identifier or id to record: {ASK}")]
    when = data.get("timestamp") or composition.resource.get("date")
    if not isinstance(when, str) or len(when) < 10:
        return None, [Problem(shown, data.line, "timestamp", f"the bundle has no full date: {ASK}")]
    bundle = Bundle(shown, entries, patients[0].resource, str(source_id), dt.date.fromisoformat(when[:10]), None)
    bundle.author = _author(bundle)
    return bundle, []


def _author(bundle: Bundle) -> str | None:
    """Composition.author's display, or the name of the author resource it points at."""
    for reference in bundle.composition.get("author") or []:
        if reference.get("display"):
            return str(reference["display"])
        who = bundle.resolve(reference)
        if who is not None:
            name = who.get("name")
            if isinstance(name, str):
                return name
            if isinstance(name, list) and name and isinstance(name[0], dict):
                return name[0].get("text") or " ".join([*name[0].get("given", []), name[0].get("family", "")]).strip()
    return None
