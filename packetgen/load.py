"""Load stage: YAML text -> plain data plus the line of every value.

PyYAML's ``safe_load`` forgets where values came from. We compose the node tree once, keep each
node's line, and construct the data from the same tree, so errors can say
``people/ana/profile.yaml:12: allergies.items[0].reaction``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

Lines = dict[tuple[str | int, ...], int]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it: about 7x faster, which is what keeps a
1000-person build within seconds. Same safe-load semantics and marks as the pure-Python one."""


@dataclass
class Document:
    """One YAML file: its data, where each value sits, and the raw bytes (for hashing)."""

    path: Path
    data: Any
    lines: Lines
    source: bytes
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """Line of the value at ``path``, or of its nearest recorded parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def _walk(node: yaml.Node, here: tuple[str | int, ...], lines: Lines, problems: list[Problem], path: Path) -> None:
    lines[here] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in seen:
                problems.append(
                    Problem(path, key_node.start_mark.line + 1, ".".join(map(str, here + (key,))),
                            f"'{key}' appears twice in the same block: keep one (YAML would silently drop the first)")
                )
            seen.add(key)
            _walk(value_node, here + (key,), lines, problems, path)
            # Point a field at its key, which is where people look, not at a value on the next line.
            lines[here + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, here + (index,), lines, problems, path)


def load_yaml(path: Path, display: Path | None = None) -> Document:
    """Parse one YAML file with safe-load semantics. Never raises for bad input: see ``problems``."""
    shown = display or path
    source = path.read_bytes()
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem(shown, None, "", f"not UTF-8 text ({exc.reason}): save the file as UTF-8")
        return Document(shown, None, {}, source, [problem])
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            problem = Problem(shown, 1, "", "file is empty: start from `packetgen new <person-id>`")
            return Document(shown, None, {}, source, [problem])
        lines: Lines = {}
        problems: list[Problem] = []
        _walk(node, (), lines, problems, shown)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is noticed lines later; the context mark is where it began,
        # which is where the fix goes.
        start, found = exc.context_mark, exc.problem_mark
        mark = start or found
        line = mark.line + 1 if mark else None
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        if start and found and found.line != start.line:
            what += f" (noticed on line {found.line + 1})"
        problem = Problem(shown, line, "", f"invalid YAML: {what}; check indentation and quoting")
        return Document(shown, None, {}, source, [problem])
    except yaml.YAMLError as exc:
        return Document(shown, None, {}, source, [Problem(shown, None, "", f"invalid YAML: {exc}")])
    finally:
        loader.dispose()
    return Document(shown, data, lines, source, problems)
