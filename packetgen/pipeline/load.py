"""Load stage: bytes -> plain data plus the line of every value, or problems with file:line.

This stage never raises for bad input. PyYAML's own constructor forgets where values came from and
can raise outside its error classes (``2026-02-30`` gave ``ValueError: day is out of range``), and
its recursive composer fell over on 500 nested brackets. So the data is built here, straight from
the parser's event stream, in one loop with an explicit stack: every value keeps its line, the
bounds in ``packetgen/model/limits.py`` are checked as it goes, and what packetgen files never need is
refused where it stands:

- anchors and aliases (``&a``, ``*a``): refused outright rather than bounded. Hand-written profiles
  do not need them, a reviewer of the printed packet cannot see that one fact was copied from
  another, and refusing them removes alias bombs and self-references as a class;
- merge keys (``<<:``): they silently override fields, while a plain duplicate key is an error;
- explicit tags other than ``!!str`` (``!!binary``, ``!!python/...``, ``!!set``): a value must be
  plain text, so a TODO cannot hide in base64;
- keys that are not plain names, and invisible formatting characters in any key or value.

Scalars follow the YAML 1.2 core schema rather than PyYAML's YAML 1.1: only ``true``/``false``
are booleans (``how_i_say_no: No`` stays text), only plain decimal numbers are numbers (a phone
``0123 4567`` or a time ``8:30`` stays text instead of becoming octal or sexagesimal), and dates
stay text for the model to parse, so an impossible date is reported at its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packetgen.model.errors import Problem
from packetgen.model.limits import LIMITS, Limits
from packetgen.pipeline.source_text import read_text
from packetgen.pipeline.yaml_tree import FieldPath, Lines, TreeBuilder


@dataclass
class Document:
    """One YAML file: its data, where each value sits, and the raw bytes (for hashing)."""

    path: Path
    data: Any
    lines: Lines
    source: bytes
    problems: list[Problem] = field(default_factory=list)
    refused: set[FieldPath] = field(default_factory=set)
    """Fields whose value the loader refused (and reported): later stages say nothing more about them."""
    last_line: int = 1

    def line_of(self, path: FieldPath) -> int | None:
        """Line of the value at ``path``, or of its nearest recorded parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def load_yaml(path: Path, display: Path | None = None, limits: Limits = LIMITS) -> Document:
    """Read and parse one YAML file. Never raises for bad input: see ``problems``."""
    shown = display or path
    source, text, problem = read_text(path, shown, limits)
    if problem is not None or text is None:
        return Document(shown, None, {}, source, [problem] if problem else [])
    builder = TreeBuilder(text, shown, limits)
    data = builder.run()
    builder.outside_values()
    last_line = max(1, len(builder.starts) - (1 if text.endswith(("\n", "\r")) else 0))
    if data is None and not builder.problems:
        builder.problems.append(Problem(shown, 1, "", "file is empty: start from `packetgen new <person-id>`"))
    return Document(shown, data, builder.lines, source, builder.problems, builder.refused, last_line)
