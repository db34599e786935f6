"""High-alert medications: which medication names belong to a class responders must know about.

The list (``high_alert.yaml``) is data, packetgen's own wording of the classes ISMP names in its
high-alert medication lists (see README, "Print"). ``check`` uses it to suggest ``high_alert: true``;
the packet then lists the medication first, marked HIGH ALERT. The suggestion names the field and
the class, never the medication's text, as every message does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from packetgen.model.errors import Problem
from packetgen.model.profile import Profile
from packetgen.pipeline.load import Document

LIST = Path(__file__).with_name("high_alert.yaml")


@dataclass(frozen=True)
class DrugClass:
    name: str
    why: str
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def drug_classes() -> tuple[DrugClass, ...]:
    entries = yaml.safe_load(LIST.read_text(encoding="utf-8"))
    return tuple(
        DrugClass(
            e["class"],
            e["why"],
            re.compile(r"\b(?:" + "|".join(re.escape(n) for n in e["names"]) + r")\b", re.IGNORECASE),
        )
        for e in entries
    )


def drug_class(name: str) -> DrugClass | None:
    """The first listed class whose names occur as a whole word in ``name``."""
    return next((c for c in drug_classes() if c.pattern.search(name)), None)


def suggestions(profile: Profile, doc: Document) -> list[Problem]:
    """A warning for each medication that looks high-alert but is not marked so."""
    found = []
    for index, med in enumerate(profile.medications.items or []):
        match = drug_class(med.name)
        if match is not None and not med.high_alert:
            found.append(
                Problem(
                    doc.path,
                    doc.line_of(("medications", "items", index, "name")),
                    f"medications.items[{index}].name",
                    f"looks like a {match.name} ({match.why}): if it is, add high_alert: true so "
                    "responders see it first on page 1",
                    "warning",
                )
            )
    return found
