"""Plain data and the line of every value, built straight from the YAML parser's events in one loop
with an explicit stack (no recursion, no PyYAML constructor), refusing what packetgen files never
need where it stands. ``load`` explains why; this is the loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from packetgen.model.errors import Problem, dotted
from packetgen.model.limits import Limits
from packetgen.pipeline.characters import describe, first_invisible, line_starts, position
from packetgen.pipeline.yaml_errors import yaml_problem

FieldPath = tuple[str | int, ...]


Lines = dict[FieldPath, int]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

"""libyaml's parser when PyYAML was built with it: several times faster, which is what keeps a
1000-person build within seconds. Only its event stream is used; the data is built below."""


_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)


_NODES = (yaml.ScalarEvent, yaml.AliasEvent, *_OPENS)


_NULL = {"", "~", "null", "Null", "NULL"}


_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})\Z")


_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")


_PLAIN_TAGS = {"!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


_KEY_PATH: FieldPath = ("<key>",)

"""Where the contents of a refused list or block key are read (and dropped)."""


_BAD_KEY = object()

"""Stands for a key that was refused: its value is read (to keep the bounds) but not kept."""


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    here: FieldPath
    is_map: bool
    key: Any = None
    """In a mapping: the key whose value comes next (None while a key is expected)."""
    key_line: int = 0
    seen: set[str] = field(default_factory=set)


class TreeBuilder:
    """Plain data and lines from the parser's events, one loop, no recursion."""

    def __init__(self, text: str, shown: Path, limits: Limits) -> None:
        self.text, self.shown, self.limits = text, shown, limits
        self.starts = line_starts(text)
        self.lines: Lines = {}
        self.problems: list[Problem] = []
        self.refused: set[FieldPath] = set()
        self.counts = {"alias": 0, "tag": 0}
        self.invisible_lines: set[int] = set()
        self.values = 0

    def run(self) -> Any:
        loader = _Loader(self.text)
        try:
            return self._events(loader)
        except yaml.MarkedYAMLError as exc:
            self.problems = [yaml_problem(exc, self.text, self.shown)]
        except yaml.YAMLError as exc:  # no mark: nothing better to say than PyYAML's words
            self.problems = [Problem(self.shown, None, "", f"invalid YAML ({type(exc).__name__}): check the file")]
        finally:
            loader.dispose()
        return None

    def outside_values(self) -> None:
        """An invisible character in a comment or between values (where it can also break the syntax):
        no field to name, but an editor shows the file differently from what it holds, so it is refused."""
        index = first_invisible(self.text)
        if index is None:
            return
        line, column = position(self.starts, index)
        if line not in self.invisible_lines:
            self._problem(
                line,
                (),
                f"invisible formatting character {describe(self.text[index])} at column {column}: "
                "delete it (it makes the file read differently in an editor)",
            )

    def _problem(self, line: int, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(self.shown, line, dotted(path), message))

    def _once(self, kind: str, line: int, path: FieldPath, message: str) -> None:
        """Anchors, aliases and tags: the first is reported, the rest only counted (a bomb has hundreds)."""
        self.counts[kind] += 1
        self.refused.add(path)
        if self.counts[kind] == 1:
            self._problem(line, path, message)

    def _events(self, loader: Any) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        get_event, limit = loader.get_event, self.limits.values
        while True:
            event = get_event()
            kind = type(event)
            if kind in _ENDS:
                stack.pop()
                continue
            if kind not in _NODES:
                if kind is yaml.StreamEndEvent:
                    break
                if kind is yaml.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        self._problem(
                            event.start_mark.line + 1,
                            (),
                            "a second YAML document starts here ('---'): keep one document per file",
                        )
                        return None
                continue
            self.values += 1
            line = event.start_mark.line + 1
            if self.values > limit:
                self._problem(
                    line,
                    (),
                    f"more than {limit:,} values in one file (a large profile "
                    "has about 600): check that this is the right file",
                )
                return None
            top = stack[-1] if stack else None
            if top is not None and top.key is None and top.is_map:
                if not self._key(top, event, line) and not self._push(stack, _container(event), _KEY_PATH, line):
                    return None
                continue
            here = self._slot(top)
            value = self._value(event, here, line)
            if top is None:
                root = value
                self.lines[()] = line
            else:
                self._store(top, here, value, line)
            if kind in _OPENS and not self._push(stack, value, here, line):
                return None
        return root

    def _push(self, stack: list[_Frame], container: dict[str, Any] | list[Any], here: FieldPath, line: int) -> bool:
        """Open a block or list, unless that makes the nesting too deep (then stop reading the file)."""
        if len(stack) >= self.limits.depth:
            self._problem(
                line,
                here[:2],
                f"nested more than {self.limits.depth} levels deep (a profile needs "
                "about 5): check the brackets and indentation",
            )
            return False
        stack.append(_Frame(container, here, isinstance(container, dict)))
        return True

    def _key(self, top: _Frame, event: Any, line: int) -> bool:
        """Take a mapping key. False when the key opens a block or list, which the caller must read."""
        top.key_line = line
        if not isinstance(event, yaml.ScalarEvent):
            self._problem(line, top.here, "a key must be a plain name, not a list, block or alias: write 'name: value'")
            top.key = _BAD_KEY
            return isinstance(event, yaml.AliasEvent)
        key = event.value
        path = top.here + (key,)
        if event.anchor is not None:
            self._once("alias", line, path, _ALIAS_MESSAGE)
        if event.tag not in (None, "!", "tag:yaml.org,2002:str"):
            self._once("tag", line, path, _TAG_MESSAGE)
        if not event.style and key == "<<":
            self._problem(
                line,
                top.here,
                "merge keys ('<<:') are not used in packetgen files: write each field "
                "out in full (a merge silently overrides fields)",
            )
            self.refused.add(top.here)
            top.key = _BAD_KEY
            return True
        self._text_checks(event, key, path, line)
        if key in top.seen:
            self._problem(
                line,
                path,
                "the same key appears twice in the same block: keep one (YAML would silently drop the first)",
            )
        top.seen.add(key)
        top.key = key
        return True

    def _slot(self, top: _Frame | None) -> FieldPath:
        if top is None:
            return ()
        if isinstance(top.container, list):
            return top.here + (len(top.container),)
        return top.here + (top.key,) if top.key is not _BAD_KEY else top.here + ("<refused>",)

    def _store(self, top: _Frame, here: FieldPath, value: Any, line: int) -> None:
        if isinstance(top.container, list):
            top.container.append(value)
            self.lines[here] = line
            return
        if top.key is not _BAD_KEY:
            top.container[top.key] = value
            # Point a field at its key, which is where people look, not at a value on the next line.
            self.lines[here] = top.key_line
        top.key = None

    def _value(self, event: Any, here: FieldPath, line: int) -> Any:
        if isinstance(event, yaml.AliasEvent):
            self._once("alias", line, here, _ALIAS_MESSAGE)
            return None
        if event.anchor is not None:
            self._once("alias", line, here, _ALIAS_MESSAGE)
        if isinstance(event, yaml.ScalarEvent):
            if event.tag not in (None, "!", "tag:yaml.org,2002:str"):
                self._once("tag", line, here, _TAG_MESSAGE)
            self._text_checks(event, event.value, here, line)
            return _scalar(event)
        if event.tag not in (None, "!") and event.tag not in _PLAIN_TAGS:
            self._once("tag", line, here, _TAG_MESSAGE)
        return _container(event)

    def _text_checks(self, event: Any, value: str, path: FieldPath, line: int) -> None:
        if len(value) > self.limits.value_chars:
            self._problem(
                line,
                path,
                f"{len(value):,} characters long, more than the {self.limits.value_chars:,} "
                "a value may have: shorten it",
            )
            self.refused.add(path)
            return
        index = first_invisible(value)
        if index is None:
            return
        char = value[index]
        start, end = event.start_mark.index, event.end_mark.index
        found = self.text.find(char, start, end)
        char_line, column = position(self.starts, found if found >= 0 else start)
        self.invisible_lines.add(char_line)
        self._problem(
            char_line,
            path,
            f"invisible formatting character {describe(char)} at column {column}: "
            "delete it (it makes the printed sheet read differently from the file)",
        )
        self.refused.add(path)


_ALIAS_MESSAGE = "anchors and aliases ('&name', '*name') are not used in packetgen files: write the value out in full"


_TAG_MESSAGE = (
    "YAML tags (a word starting with '!', such as '!!binary') are not used in packetgen files: "
    "remove the tag and write the value as plain text"
)


def _container(event: Any) -> dict[str, Any] | list[Any]:
    return {} if isinstance(event, yaml.MappingStartEvent) else []


def _scalar(event: Any) -> Any:
    """YAML 1.2 core schema for plain scalars; anything quoted, tagged or in a block is text."""
    value: str = event.value
    if event.style or event.tag is not None:
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value
