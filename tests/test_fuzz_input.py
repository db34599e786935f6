"""Fuzz the input stage (issue 13): mutate the demo profiles and events and assert, for every case, no
traceback, at least one ``file:line:`` error for the mutated file, plain words only, no profile text
quoted, an answer within 2 seconds, and (through the real CLI) the other people built and the mutated
person's last good output untouched, bytes and mtime.

Every mutation is one that must make the file invalid (a deleted *required* key, a misspelt key, a
value of the wrong shape, a refused byte or construct), so "exit 1 with file:line" holds for each.

The seed is fixed (``derandomize``), so CI runs the same cases every time. Run it longer with
``PACKETGEN_FUZZ_EXAMPLES=5000 PACKETGEN_FUZZ_CLI_EXAMPLES=100 .venv/bin/python -m pytest
tests/test_fuzz_input.py`` (add ``PACKETGEN_FUZZ_RANDOM=1`` for new random cases each run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, AS_OF_DATE, REPO, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import dump_yaml

from packetgen.builder.records import load_person
from packetgen.project.folders import open_project

EXAMPLES = int(os.environ.get("PACKETGEN_FUZZ_EXAMPLES", "1000"))
CLI_EXAMPLES = int(os.environ.get("PACKETGEN_FUZZ_CLI_EXAMPLES", "40"))
FIXED = os.environ.get("PACKETGEN_FUZZ_RANDOM", "") == ""

BANNED = re.compile(
    r"dictionary|instance of|datetime|Input should|\bstr\b|\bint\b|\bbool\b|\bdict\b|NoneType|"
    r"\bmodel\b|pydantic|ValueError|Traceback|\blist\[|'list'|\bfloat\b|validation error",
    re.IGNORECASE,
)
"""Library and Python type words no message may use. ("list" alone is English: "an empty list reads as
'none'" is the message the issue asks for.)"""

FILES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "people").glob("*/*.yaml")) + sorted(
    p.relative_to(REPO).as_posix() for p in (REPO / "people").glob("*/events/*.yaml")
)
ORIGINAL = {rel: (REPO / rel).read_bytes() for rel in FILES}
DATA = {rel: yaml.safe_load(ORIGINAL[rel]) for rel in FILES}
SCHEMAS = {
    "profile": json.loads((REPO / "schema/profile.schema.json").read_text()),
    "event": json.loads((REPO / "schema/event.schema.json").read_text()),
}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [s for item in items for s in _strings(item)]


FREE_TEXT = {s.strip() for rel in FILES for s in _strings(DATA[rel]) if len(s.split()) >= 3 and len(s) >= 16}
"""Every free-text value of the demo (three words or more): no message may quote one."""


def _all_names(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node.get("properties", {})) | {n for v in node.values() for n in _all_names(v)}
    if isinstance(node, list):
        return {n for v in node for n in _all_names(v)}
    return set()


FIELD_NAMES = _all_names(SCHEMAS["profile"]) | _all_names(SCHEMAS["event"])


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref and take the non-null branch of an optional field, in the published JSON Schema."""
    while True:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].split("/")[-1]]
        elif "anyOf" in node:
            node = next(n for n in node["anyOf"] if n.get("type") != "null")
        else:
            return node


def required_in_schema(rel: str, path: tuple[str | int, ...]) -> bool:
    """Whether the key at ``path`` is required, according to the committed JSON Schema (not the code)."""
    schema = SCHEMAS["event" if "/events/" in rel else "profile"]
    node = _resolve(schema, schema)
    for part in path[:-1]:
        node = _resolve(schema, node["items"] if isinstance(part, int) else node["properties"][part])
    return path[-1] in node.get("required", [])


def paths(value: Any, here: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        found.append(here + (key,))
        found += paths(item, here + (key,))
    return found


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


# --- mutations: each returns the new file bytes; each must make the file invalid ----------------

Draw = Callable[[st.SearchStrategy[Any]], Any]


def _pick(draw: Draw, items: list[Any]) -> Any:
    assert items
    return items[draw(st.integers(0, len(items) - 1))]


def delete_required(rel: str, draw: Draw) -> bytes:
    data = yaml.safe_load(ORIGINAL[rel])
    keys = [p for p in paths(data) if isinstance(p[-1], str) and required_in_schema(rel, p)]
    path = _pick(draw, keys)
    del _get(data, path[:-1])[path[-1]]
    return dump_yaml(data).encode()


def _misspell(name: str, draw: Draw) -> str:
    i = draw(st.integers(0, len(name) - 1))
    how = draw(st.sampled_from(["drop", "double", "swap", "replace", "case"]))
    if how == "drop" and len(name) > 1:
        return name[:i] + name[i + 1 :]
    if how == "swap" and i < len(name) - 1:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if how == "replace":
        return name[:i] + "q" + name[i + 1 :]
    if how == "case":
        return name.capitalize() if name != name.capitalize() else name.upper()
    return name[:i] + name[i] + name[i:]


def misspell_key(rel: str, draw: Draw) -> bytes:
    data = yaml.safe_load(ORIGINAL[rel])
    path = _pick(draw, [p for p in paths(data) if isinstance(p[-1], str)])
    parent = _get(data, path[:-1])
    wrong = _misspell(path[-1], draw)
    if wrong in FIELD_NAMES or wrong in parent:
        wrong += "x"
    parent[wrong] = parent.pop(path[-1])
    return dump_yaml(data).encode()


def retype_key(rel: str, draw: Draw) -> bytes:
    data = yaml.safe_load(ORIGINAL[rel])
    path = _pick(draw, [p for p in paths(data) if isinstance(p[-1], str)])
    parent = _get(data, path[:-1])
    parent[draw(st.sampled_from([7, True, 1.5]))] = parent.pop(path[-1])
    return dump_yaml(data).encode()


def swap_type(rel: str, draw: Draw) -> bytes:
    data = yaml.safe_load(ORIGINAL[rel])
    path = _pick(draw, paths(data))
    old = _get(data, path)
    if isinstance(old, dict):
        new: Any = draw(st.sampled_from(["text", ["a", "b"], 12]))
    elif isinstance(old, list):
        new = draw(st.sampled_from(["text", {"key": "value"}, 12]))
    else:
        new = draw(st.sampled_from([["a", "b"], {"key": "value"}]))
    _get(data, path[:-1])[path[-1]] = new
    return dump_yaml(data).encode()


REFUSED_BYTES = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0x100)]


def insert_byte(rel: str, draw: Draw) -> bytes:
    source = ORIGINAL[rel]
    at = draw(st.integers(0, len(source)))
    return source[:at] + bytes([draw(st.sampled_from(REFUSED_BYTES))]) + source[at:]


def insert_nul(rel: str, draw: Draw) -> bytes:
    source = ORIGINAL[rel]
    at = draw(st.integers(0, len(source)))
    return source[:at] + b"\x00" + source[at:]


def insert_bom(rel: str, draw: Draw) -> bytes:
    source = ORIGINAL[rel]
    at = draw(st.integers(1, len(source)))
    return source[:at] + b"\xef\xbb\xbf" + source[at:]


def _lines(rel: str, pattern: str) -> tuple[list[str], list[int]]:
    rows = ORIGINAL[rel].decode().split("\n")
    return rows, [i for i, row in enumerate(rows) if re.match(pattern, row)]


def tab_indent(rel: str, draw: Draw) -> bytes:
    rows, candidates = _lines(rel, r"^ +(- |[a-z_]+:( |$))")
    i = _pick(draw, candidates)
    rows[i] = "\t" + rows[i].lstrip(" ")
    return "\n".join(rows).encode()


def _with_value(rel: str, draw: Draw, make: Callable[[str], str]) -> bytes:
    """Replace the inline value of one ``key: value`` line."""
    rows, candidates = _lines(rel, r"^ *[a-z_]+: \S")
    i = _pick(draw, candidates)
    key, value = rows[i].split(": ", 1)
    rows[i] = f"{key}: {make(value)}"
    return "\n".join(rows).encode()


def anchor(rel: str, draw: Draw) -> bytes:
    return _with_value(rel, draw, lambda value: "&a " + value)


def alias(rel: str, draw: Draw) -> bytes:
    return _with_value(rel, draw, lambda value: "*a")


def alias_bomb(rel: str, draw: Draw) -> bytes:
    levels = draw(st.integers(2, 9))
    bomb = "&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"
    source = _with_value(rel, draw, lambda value: bomb).decode()
    extra = [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return (source.rstrip("\n") + "\n" + "\n".join(extra) + "\n").encode()


def deep(rel: str, draw: Draw) -> bytes:
    depth = draw(st.integers(25, 5000))
    opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
    return _with_value(rel, draw, lambda value: opener * depth + "x" + closer * depth)


def huge(rel: str, draw: Draw) -> bytes:
    size = draw(st.integers(20_001, 1_500_000))
    return _with_value(rel, draw, lambda value: "x" * size)


MUTATIONS = [
    delete_required,
    misspell_key,
    retype_key,
    swap_type,
    insert_byte,
    insert_nul,
    insert_bom,
    tab_indent,
    anchor,
    alias,
    alias_bomb,
    deep,
    huge,
]


# --- the checks ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(REPO / "people", root / "people")
    return root


def person_of(rel: str) -> str:
    return rel.split("/")[1]


def assert_clear_answer(rel: str, problems: list[Any]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    assert any(p.path == Path(rel) and p.line for p in errors), [str(p) for p in problems]
    for problem in problems:
        assert not BANNED.search(problem.message), str(problem)
        assert not any(text in str(problem) for text in FREE_TEXT), str(problem)


@settings(
    max_examples=EXAMPLES,
    derandomize=FIXED,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_mutation_gets_file_line_in_plain_words(fuzz_root: Path, data: st.DataObject) -> None:
    rel = data.draw(st.sampled_from(FILES), label="file")
    mutation = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    mutated = mutation(rel, data.draw)
    assert mutated != ORIGINAL[rel]
    (fuzz_root / rel).write_bytes(mutated)
    try:
        started = time.perf_counter()
        record = load_person(open_project(fuzz_root), person_of(rel), as_of=AS_OF_DATE)
        seconds = time.perf_counter() - started
    finally:
        (fuzz_root / rel).write_bytes(ORIGINAL[rel])
    assert not record.ok
    assert_clear_answer(rel, record.problems)
    assert seconds < 2, f"{mutation.__name__} on {rel}: {seconds:.2f} s"


@pytest.fixture(scope="module")
def built_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, built once (HTML), so each CLI case starts from a last good output."""
    root = tmp_path_factory.mktemp("fuzz-cli")
    shutil.copytree(REPO / "people", root / "people")
    result = run_cli("build", "--root", str(root), "--as-of", AS_OF, "--format", "html", "--quiet")
    assert result.exit_code == 0, result.output
    return root


def _snapshot(folder: Path) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


@settings(
    max_examples=CLI_EXAMPLES,
    derandomize=FIXED,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_build_keeps_the_last_good_output_and_builds_the_others(built_root: Path, data: st.DataObject) -> None:
    rel = data.draw(st.sampled_from(FILES), label="file")
    mutation = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    person = person_of(rel)
    others = sorted({person_of(f) for f in FILES} - {person})
    # Start each case from a complete last good build (a case before may have withdrawn documents).
    assert run_cli("build", "--root", str(built_root), "--as-of", AS_OF, "--format", "html", "--quiet").exit_code == 0
    before = _snapshot(built_root / "build" / person)
    for other in others:
        (built_root / "build" / other / "responder-packet.html").unlink()
    (built_root / rel).write_bytes(mutation(rel, data.draw))
    try:
        result = run_cli("build", "--root", str(built_root), "--as-of", AS_OF, "--format", "html", "--quiet")
    finally:
        (built_root / rel).write_bytes(ORIGINAL[rel])
    assert result.exit_code == 1, result.output
    assert re.search(rf"^{re.escape(rel)}:\d+: ", result.output, re.MULTILINE), result.output
    assert "Traceback" not in result.output
    assert "built 2 of 3 people" in result.output
    for other in others:
        assert (built_root / "build" / other / "responder-packet.html").is_file(), other
    # README "What a build keeps and removes": every document of the broken person is either kept
    # byte for byte (mtime too) or withdrawn, and said so; nothing new is written for them; the
    # partnership review (internal staff) is always kept.
    after = _snapshot(built_root / "build" / person)
    assert set(after) <= set(before)
    assert all(after[path] == before[path] for path in after)
    if set(before) - set(after):
        assert re.search(rf"^  {person}: .*withdrawn until fixed", result.output, re.MULTILINE), result.output
    assert all(path in after for path in before if path.name.startswith("partnership-review."))
