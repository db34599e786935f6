"""YAML out: a profile edited in place, comments and order kept, written atomically.

ruamel.yaml's round-trip mode is used because a profile is hand-written: its comments say why a fact
is there and its order is the order a supervisor reads it in. Loading it into plain data and dumping
it again (PyYAML) would drop every comment and re-flow every line; ruamel re-emits an unchanged file
byte for byte and changes only what was added. What it writes is read back by packetgen's own
loader (no anchors, no tags: every entry gets its own objects).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from packetgen.pipeline.output import write_text


def round_trip(mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    """A YAML that keeps comments, order and quoting, and never wraps a long line."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # Equal dates are one object in memory; ruamel would write the second as an alias, which the
    # profile loader refuses (and a reader cannot follow on paper).
    yaml.representer.ignore_aliases = lambda data: True
    return yaml


def load_profile(text: str) -> tuple[YAML, CommentedMap | None]:
    """The profile as an editable tree (None if it is not a YAML mapping), with its own indentation."""
    try:
        _, sequence, offset = load_yaml_guess_indent(text)
        yaml = round_trip(sequence=sequence or 4, offset=offset if offset is not None else 2)
        data = yaml.load(text)
    except (YAMLError, ValueError, TypeError):
        return round_trip(), None
    return yaml, data if isinstance(data, CommentedMap) else None


def dump(yaml: YAML, data: CommentedMap) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def block(value: Any) -> Any:
    """Plain data -> a tree ruamel can comment; a new object for every value (shared ones become aliases)."""
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, inner in value.items():
            mapping[key] = block(inner)
        return mapping
    if isinstance(value, list):
        return CommentedSeq(block(inner) for inner in value)
    if isinstance(value, (str, bool, int, dt.date)):
        return value
    return str(value)


def mark_todo(mapping: CommentedMap, missing: list[str]) -> None:
    """Say, beside the block's last line, which required facts the record did not give. The key is
    left out, so `packetgen check` refuses the profile (with the line) until someone fills it in."""
    if not missing or not mapping:
        return
    keys = list(mapping)
    plain = [k for k in keys if not isinstance(mapping[k], (CommentedMap, CommentedSeq))]
    text = "TODO: add " + ", ".join(missing) + " (not in the health record)"
    if plain:
        mapping.yaml_add_eol_comment(text, plain[-1])
    else:
        mapping.yaml_set_comment_before_after_key(keys[0], before=text, indent=0)


def write_profile(path: Any, text: str) -> bool:
    """Atomic: temp file in the same folder, then ``os.replace`` (``pipeline/output``)."""
    return write_text(path, text)
