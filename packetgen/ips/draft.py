"""Draft stage: the facts of a bundle -> a first profile for someone packetgen does not know yet.

Only what the record says is written. Every required fact it cannot say (the plan, how the person
communicates, the crisis plan ...) is named in a TODO comment and its key left out, so `packetgen
check` refuses the draft, with the line, until a person fills it in: a placeholder would print on a
responder's packet as if it were a fact. ``fictional`` is left out (a record is about a real person).
"""

from __future__ import annotations

import typing

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap

from packetgen.ips.mapin import Facts
from packetgen.ips.merge import Change, merge, required
from packetgen.model.profile import Profile
from packetgen.model.safety import SafetyList

HEADER = """yaml-language-server: $schema=../../schema/profile.schema.json

Draft profile from a health record: {bundle}, dated {date} (`packetgen import ips`).
Fill in every TODO, then run `packetgen check`. Each imported entry says where it came from
(source:); keep that line when you edit the entry.
"""


def draft(facts: Facts) -> tuple[CommentedMap, list[Change]]:
    """A new profile tree: identity and the sections the record has, TODOs for the rest; what it holds."""
    root = CommentedMap()
    changes = merge(root, facts)
    todo = [f"TODO {name}: {hint}" for name, hint in section_hints() if name not in root]
    root.yaml_set_start_comment(
        HEADER.format(bundle=facts.source["bundle"], date=facts.source["date"]) + "\n" + "\n".join(todo)
    )
    return root, changes


def section_hints() -> list[tuple[str, str]]:
    """Every required section of a profile, with the fields it needs (from the model, so never stale)."""
    hints = []
    for name, info in Profile.model_fields.items():
        if not info.is_required() or name == "identity":
            continue
        model = _model(info.annotation)
        if model is not None and issubclass(model, SafetyList):
            hint = "items (the entries), or none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE}"
        elif model is not None:
            hint = ", ".join(required(model))
        else:
            hint = "see `packetgen new` for an example"
        hints.append((name, hint))
    return hints


def _model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in typing.get_args(annotation):
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return None
