"""Where an imported fact came from. ``packetgen import ips`` stamps each entry it writes with the
bundle's identifier and date, so a fact that drifts from the health record can be traced to it, and
the manifest can say which facts were typed by hand and which were read from a record."""

from __future__ import annotations

from pydantic import Field

from packetgen.model.fields import Date, Text
from packetgen.model.sharing import Strict


class Source(Strict):
    bundle: Text = Field(description="The identifier of the FHIR bundle the fact was imported from.")
    date: Date = Field(description="The bundle's date (YYYY-MM-DD).")


class Sourced(Strict):
    source: Source | None = Field(
        default=None, description="Written by `packetgen import ips`: the bundle this entry came from."
    )
