"""YAML syntax errors in plain words, at the line where the fix goes.

libyaml describes what its scanner expected ("while scanning a simple key could not find expected
':'"). A supervisor needs what is wrong in the file and what to type, so the common cases are
restated here; anything else keeps libyaml's description with quoted fragments removed (they can
hold profile text).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from packetgen.model.errors import Problem

_TAB_HINT = "a tab is used for indentation: indent with spaces only (YAML does not allow tabs there)"

_PLAIN = [
    (
        "exceeded maximum nesting depth",
        "nested too deeply (a profile needs about 5 levels): check the brackets and indentation",
    ),
    ("found unexpected end of stream", "a quote or bracket opened here is never closed: close it"),
    ("found a tab character", _TAB_HINT),
    ("did not find expected node content", "a bracket or comma with no value after it: check the brackets and commas"),
    (
        "mapping values are not allowed",
        "a ':' inside a value, or a line indented further than the keys above "
        "it: put the value in quotes, or line the key up with the others",
    ),
    ("could not find expected ':'", "a key without its ':' (or a quote or bracket left open): write 'key: value'"),
    (
        "did not find expected '-' indicator",
        "a list entry and a key at the same indentation: line them up (each list entry starts with '- ')",
    ),
    ("did not find expected key", "this line does not line up with the keys above it: check the indentation"),
    ("expected <block end>", "this line does not line up with the block above it: check the indentation"),
    (
        "found unknown escape character",
        "an unknown backslash escape inside double quotes: use single quotes, or write \\\\ for a backslash",
    ),
    ("cannot start any token", "a value cannot start with this character: put the value in quotes"),
    ("did not find expected ',' or ']'", "a list in brackets is not closed, or lacks a comma: check it"),
    ("did not find expected ',' or '}'", "a block in braces is not closed, or lacks a comma: check it"),
]


def _tab_line(text: str, line: int) -> bool:
    """Whether 1-based ``line`` has a tab in its leading whitespace."""
    rows = text.splitlines()
    if not 1 <= line <= len(rows):
        return False
    row = rows[line - 1]
    return "\t" in row[: len(row) - len(row.lstrip(" \t"))]


def yaml_problem(exc: yaml.MarkedYAMLError, text: str, shown: Path) -> Problem:
    """One problem for a syntax error. An unclosed bracket or quote is noticed lines later; the
    context mark is where it began, which is where the fix goes (except for a tab: its own line)."""
    start, found = exc.context_mark, exc.problem_mark
    problem = exc.problem or ""
    if found is not None and _tab_line(text, found.line + 1):
        return Problem(shown, found.line + 1, "", f"invalid YAML: {_TAB_HINT}")
    mark = start or found
    line = mark.line + 1 if mark else None
    what = next((plain for needle, plain in _PLAIN if needle in problem), None)
    if what is None:
        words = " ".join(part for part in (exc.context, problem) if part)
        what = re.sub(r"'[^']{2,}'", "", words).strip() + ": check indentation and quoting"
    if start and found and found.line != start.line:
        what += f" (noticed on line {found.line + 1})"
    return Problem(shown, line, "", f"invalid YAML: {what}")
