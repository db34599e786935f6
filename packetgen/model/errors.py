"""Problems found in the input, collected rather than raised one at a time.

A supervisor fixing a profile wants every problem in one pass, each pointing at a file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning", "note"]
"""A note is information (a packet runs to two pages), never a reason to fail."""


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        label = "" if self.severity == "error" else f"{self.severity}: "
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {label}{self.message}"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "warning"]


_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}\Z")


def key_name(key: str) -> str:
    """A key as messages may show it: field names (and misspelt ones) as written; a key that cannot be a
    field name (spaces, punctuation, invisible characters, a sentence) as '<key>', because it may hold
    profile text and messages never quote that."""
    return key if _NAME.match(key) else "<key>"


def dotted(path: tuple[str | int, ...]) -> str:
    """('allergies', 'items', 0, 'reaction') -> 'allergies.items[0].reaction'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{key_name(part)}" if out else key_name(part)
    return out
