"""The profile's ``copies`` section: where printed copies of a person's documents are kept.

A responder packet does its job on paper (on the fridge, in the go-bag, at the day program), so
the profile says where each sheet is, who keeps it, which documents and how many. Where a person's
papers are is not a responder fact: the section is always ``internal``, no document shows it, and
only print runs (``packetgen print``), ``status`` and the index's counts use it.

Its own module (imported by ``model.Profile``) so the model of profiles stays about what
documents show. Messages are plain words and never quote the value (it may be a family's address).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from packetgen.model.documents import ALL_DOCUMENTS, DocumentKind

LOCATION = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
"""A place's short name, typed in ``packetgen copies confirm ID LOCATION`` and ``print --location``."""

LOCATION_RULE = "a short name of lower-case letters, digits and dashes, e.g. 'fridge' or 'go-bag'"

COPY_KINDS: dict[str, DocumentKind] = {kind.name: kind for kind in ALL_DOCUMENTS}
"""Documents a printed copy can be of: the person's own documents, large print included (event forms
are sent, not kept)."""
COPYABLE: tuple[str, ...] = tuple(COPY_KINDS)

MAX_COUNT = 20


def _location(value: str) -> str:
    if not LOCATION.fullmatch(value):
        raise ValueError(
            f"not a place name: use {LOCATION_RULE} (you type it in `packetgen copies confirm`); "
            "say where exactly under 'where'"
        )
    return value


def _document(value: str) -> str:
    if value not in COPYABLE:
        raise ValueError(f"not a document packetgen makes: use one of {', '.join(COPYABLE)}")
    return value


class CopyPlace(BaseModel):
    """One place where printed copies are kept."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    location: Annotated[str, AfterValidator(_location)] = Field(
        description=f"Short name of the place: {LOCATION_RULE}. You type it in `packetgen copies confirm`."
    )
    where: str | None = Field(
        default=None,
        description="Where exactly, e.g. 'kitchen fridge door, File of Life "
        "pocket'. Printed on the print run's separator sheet for this place.",
    )
    kept_by: str = Field(description="Who keeps the copies there: a role, e.g. 'house staff', 'day program nurse'.")
    documents: list[Annotated[str, AfterValidator(_document)]] = Field(
        description="Which documents are kept there, e.g. [responder-packet, crisis-plan]."
    )
    count: int = Field(default=1, description=f"How many copies of each document (1 to {MAX_COUNT}).")

    @field_validator("documents")
    @classmethod
    def _documents_once(cls, documents: list[str]) -> list[str]:
        if not documents:
            raise ValueError("no documents: list at least one, e.g. [responder-packet]")
        if len(set(documents)) != len(documents):
            raise ValueError("a document is listed twice: list each once and set 'count' for more copies")
        return documents

    @field_validator("count")
    @classmethod
    def _count_in_range(cls, count: int) -> int:
        if not 1 <= count <= MAX_COUNT:
            raise ValueError(f"write a whole number from 1 to {MAX_COUNT}")
        return count


class Copies(BaseModel):
    """Where printed copies of this person's documents are kept. Internal: no document shows it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sharing: str | None = Field(
        default=None, description="Always internal: where a person's papers are stays inside the provider. Leave out."
    )
    places: list[CopyPlace] = Field(description="Each place where copies are kept.")

    @field_validator("sharing")
    @classmethod
    def _internal(cls, sharing: str | None) -> str | None:
        if sharing not in (None, "internal"):
            raise ValueError(
                "where printed copies are kept stays inside the provider: remove 'sharing' (or write internal)"
            )
        return sharing

    @field_validator("places")
    @classmethod
    def _places_once(cls, places: list[CopyPlace]) -> list[CopyPlace]:
        if not places:
            raise ValueError("no places: list at least one, or remove the copies section")
        names = [place.location for place in places]
        if len(set(names)) != len(names):
            raise ValueError("two places have the same location name: give each place its own")
        return places
