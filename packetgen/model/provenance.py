"""Where an imported fact came from. ``packetgen import ips`` stamps each entry it writes with the
bundle's identifier and date, so a fact that drifts from the health record can be traced to it, and
the manifest can say which facts were typed by hand and which were read from a record."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from packetgen.model.fields import Date, Text
from packetgen.model.sharing import Strict


class Source(Strict):
    bundle: Text = Field(description="The identifier of the FHIR bundle the fact was imported from.")
    date: Date = Field(description="The bundle's date (YYYY-MM-DD).")


class Sourced(Strict):
    source: Source | None = Field(
        default=None, description="Written by `packetgen import ips`: the bundle this entry came from."
    )


def imported_facts(view: dict[str, Any], sections: tuple[str, ...]) -> list[dict[str, str]]:
    """Every imported entry a document shows, with its source, for the manifest: only sections in
    ``view`` (what the audience may see), so a withheld entry's source is not listed either."""
    found: list[dict[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, Sourced) and value.source is not None:
            found.append({"field": path, "bundle": value.source.bundle, "date": value.source.date.isoformat()})
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                if name != "source":
                    walk(getattr(value, name), f"{path}.{name}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    for name in sections:
        walk(view.get(name), name)
    return found
