"""packetgen.yml: one file at a project's root, for what a program decides once for all its people.

Who made the sheets and whom to call about them, the paper the office prints on, how dates read,
how often plans are reviewed, which documents to build, and the project's own templates or logo.
Validated like a profile (``file:line: field: what, what to do``; unknown keys with "did you
mean"), and every key has a default, so an empty file is a working project. ``packetgen init``
writes the commented file from the descriptions here (``scaffold.py``), so the two never drift.
"""

from __future__ import annotations

import hashlib
import json
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from packetgen.model.errors import Problem
from packetgen.model.fields import Phone, Text
from packetgen.model.sharing import Strict
from packetgen.pipeline.load import load_yaml
from packetgen.pipeline.person_files import MAX_IMAGE_BYTES, FileRule, Refused, read_person_file

CONFIG_NAME = "packetgen.yml"
LOGO = FileRule("logo", MAX_IMAGE_BYTES, "5 MiB", "the project folder", CONFIG_NAME)


def _time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("not a time zone name: use one like America/New_York, Europe/London or UTC") from None
    return name


def _folder_name(name: str) -> str:
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise ValueError("must be a path inside the project folder, e.g. 'my-templates'")
    return name


class Organization(Strict):
    name: Text = Field(max_length=80, description="Who made these sheets, as printed on every document.")
    phone: Phone = Field(description="Whom to call about a sheet, 24/7: printed beside the name.")


class Dates(Strict):
    format: Literal["2 Jun 2026", "02/06/2026", "06/02/2026", "2026-06-02"] = Field(
        default="2 Jun 2026",
        description="How dates read, shown as 2 June 2026 would be: '2 Jun 2026', "
        "'02/06/2026' (day first), '06/02/2026' (month first) or '2026-06-02'.",
    )
    time_zone: Annotated[str, AfterValidator(_time_zone)] = Field(
        default="UTC", description="Time zone for the 'generated' time on every document, e.g. America/Chicago."
    )


class Documents(Strict):
    large_print: bool = Field(
        default=False,
        description="Also build the 18 pt responder packets and crisis plans on every build (as --large-print does).",
    )
    skip: list[Literal["mobile-crisis-packet", "crisis-plan", "return-checklist-blank"]] = Field(
        default_factory=list,
        description="Person documents this program does not use; the responder packet is always built.",
    )


class Drills(Strict):
    target_seconds: float = Field(
        default=10.0, gt=0, le=600, description="A field found slower than this is flagged in the drill report."
    )


class Settings(Strict):
    """Everything a program may set; each default is what packetgen does without the key."""

    organization: Organization | None = Field(default=None, description="Printed in every document's footer.")
    paper: Literal["letter", "a4"] = Field(
        default="letter",
        description="Page size of every PDF: letter (US) or a4 (most of the world). The one-page rules hold for both.",
    )
    dates: Dates = Field(default_factory=Dates)
    review_months: int = Field(
        default=6,
        ge=1,
        le=24,
        description="Months from plan.last_reviewed to the next review, unless a profile sets plan.next_review.",
    )
    consent_warning_days: int = Field(
        default=30, ge=1, le=365, description="Warn this many days before a consent lapses."
    )
    documents: Documents = Field(default_factory=Documents)
    templates: Annotated[str, AfterValidator(_folder_name)] | None = Field(
        default=None,
        description="A folder in the project whose files replace the shipped templates of the "
        "same name, one by one (copy one from packetgen's templates and change it).",
    )
    logo: Annotated[str, AfterValidator(_folder_name)] | None = Field(
        default=None,
        description="An image in the project folder (PNG, JPEG or SVG, at most 5 MiB) printed "
        "beside the organization's name on reports.",
    )
    drills: Drills = Field(default_factory=Drills)


@dataclass(frozen=True, eq=False)
class Config:
    """The settings in force and where they came from (None: no packetgen.yml, all defaults)."""

    settings: Settings = field(default_factory=Settings)
    path: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    logo_uri: str | None = None
    """The logo as a data: URI, read once under the same confinement rule as a person's photo."""

    @property
    def digest(self) -> str:
        """Part of every document's cache key: a changed setting rebuilds what it touches."""
        data = {"settings": self.settings.model_dump(mode="json"), "logo": self.logo_uri}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def read_config(root: Path) -> Config:
    """Read ``packetgen.yml`` at ``root``; with problems, the defaults stay in force and the
    problems are reported (check exits 1; build refuses to start)."""
    from packetgen.pipeline.validate import typed  # validate imports the profile model; settings sit beside it

    path = root / CONFIG_NAME
    if not path.is_file():
        return Config()
    with open(path, "rb") as handle:  # only a look at the start: load_yaml applies the size limit
        text = handle.read(1_000_000).decode("utf-8", "replace")
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return Config(path=path)  # empty, or only comments: every default
    doc = load_yaml(path, Path(CONFIG_NAME))
    settings, _, problems = typed(doc, Settings, "packetgen.yml", None)
    logo = None
    if settings is not None and settings.logo:
        try:
            logo = read_person_file(root, settings.logo, LOGO).data_uri()
        except Refused as refused:
            problems.append(Problem(doc.path, doc.line_of(("logo",)), "logo", str(refused)))
    return Config(settings or Settings(), path, problems, logo)
