"""Printed copies: which sheet each place holds, and whether it is still current.

A place in the profile's ``copies`` section keeps some documents (a *slot* is one document at one
place). The copy there now is the latest ledger line for that slot (``ledger.latest``). A copy is
**stale** when its content fingerprint differs from what the document shows today, or **missing**
when nothing was ever recorded there; missing copies count as stale.

Dates and "what changed" come from the revision history (``revisions.person_history``): each
document's own view of every stored revision, under today's decisions, so a separator sheet or a
status line never describes what the document's audience may not see. When the history does not
reach back far enough (build/ was deleted), the plan's effective date stands in for "since" and
the changes are "not on record".

Plain data out; ``status``, ``printrun``, ``verify`` and the CLI do the wording.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from packetgen.builder.document import generated_at, photo_data_uri
from packetgen.builder.jobs import plan_jobs
from packetgen.builder.records import PersonRecord
from packetgen.model.copies import COPY_KINDS, CopyPlace
from packetgen.model.documents import DocumentKind
from packetgen.model.errors import Problem
from packetgen.pipeline.checkcode import content_fingerprint, visible_content
from packetgen.pipeline.history import describe_changes
from packetgen.pipeline.revisions import PersonHistory, person_history, record_history
from packetgen.project.folders import Project
from packetgen.project.ledger import Placement, latest, read_ledger


@dataclass(frozen=True)
class Version:
    """A run of revisions in which one document showed the same thing."""

    fingerprint: str
    plan_version: int
    recorded: str
    """When the first revision of the run was recorded ("2026-12-01 09:30 UTC")."""
    visible: dict[str, Any]

    @property
    def recorded_on(self) -> dt.date:
        return dt.date.fromisoformat(self.recorded[:10])


@dataclass(frozen=True)
class Current:
    """What a document shows today."""

    document: str
    fingerprint: str
    plan_version: int
    label: str
    """The plan version as the document prints it."""
    since: dt.date
    """When it started to show this (first recorded revision of the current run, else plan.effective)."""
    timeline: tuple[Version, ...]

    def version_of(self, fingerprint: str) -> int | None:
        """Index in the timeline of the last run that showed ``fingerprint`` (not the current one)."""
        for i in range(len(self.timeline) - 2, -1, -1):
            if self.timeline[i].fingerprint == fingerprint:
                return i
        return None

    def replaced(self, fingerprint: str) -> Version | None:
        """The version that replaced an older sheet, if the history reaches back to it."""
        i = self.version_of(fingerprint)
        return self.timeline[i + 1] if i is not None else None

    def changes_since(self, fingerprint: str) -> list[str] | None:
        """What this document shows differently from an older sheet; None when not on record."""
        i = self.version_of(fingerprint)
        return describe_changes(self.timeline[i].visible, self.timeline[-1].visible) if i is not None else None


@dataclass(frozen=True)
class SlotState:
    """One document at one place: what should be there and what is."""

    place: CopyPlace
    current: Current
    placed: Placement | None

    @property
    def document(self) -> str:
        return self.current.document

    @property
    def missing(self) -> bool:
        return self.placed is None

    @property
    def stale(self) -> bool:
        return self.placed is None or self.placed.fingerprint != self.current.fingerprint


@dataclass
class PersonCopies:
    person_id: str
    states: list[SlotState] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Damaged ledger lines (file:line)."""

    @property
    def current_count(self) -> int:
        return sum(s.place.count for s in self.states if not s.stale)

    @property
    def stale_count(self) -> int:
        return sum(s.place.count for s in self.states if s.stale)


def _timeline(found: PersonHistory, record: PersonRecord, kind: DocumentKind, photo: str | None) -> list[Version]:
    """The runs of equal content in this document's view of the history, oldest first."""
    runs: list[Version] = []
    for revision in found.history.revisions:
        visible = found.today.visible(revision.shown, (kind.audience, kind.sections))
        fingerprint = content_fingerprint(record.person_id, kind.name, visible, photo)
        if not runs or runs[-1].fingerprint != fingerprint:
            runs.append(Version(fingerprint, revision.version, revision.recorded, visible))
    return runs


def history_of(project: Project, record: PersonRecord, as_of: dt.date, *, write: bool = False) -> PersonHistory:
    """The person's revisions with today's profile last; ``write`` records it (as a build would)."""
    assert record.profile is not None
    kinds = [job.kind for job in plan_jobs([record], as_of)]
    recorded = generated_at().strftime("%Y-%m-%d %H:%M UTC")
    find = record_history if write else person_history
    return find(project.build_dir, record.person_id, record.profile, kinds, as_of, recorded)


def current_versions(
    project: Project, record: PersonRecord, as_of: dt.date, documents: list[str], found: PersonHistory | None = None
) -> dict[str, Current]:
    """What each of ``documents`` shows today, with its history."""
    profile = record.profile
    assert profile is not None
    found = found or history_of(project, record, as_of)
    photo = photo_data_uri(record)
    out = {}
    for name in dict.fromkeys(documents):
        kind = COPY_KINDS[name]
        fingerprint = content_fingerprint(record.person_id, name, visible_content(profile, kind, as_of), photo)
        timeline = _timeline(found, record, kind, photo)
        if not timeline or timeline[-1].fingerprint != fingerprint:
            # Cannot happen while history and documents see the profile the same way; then the
            # history says nothing reliable about this document.
            timeline = []
        since = timeline[-1].recorded_on if len(timeline) > 1 else profile.plan.effective
        out[name] = Current(name, fingerprint, profile.plan.version, found.document(kind).label, since, tuple(timeline))
    return out


def person_copies(
    project: Project, record: PersonRecord, as_of: dt.date, found: PersonHistory | None = None
) -> PersonCopies:
    """Every slot of a valid person's copies section, against their ledger."""
    profile = record.profile
    assert profile is not None
    result = PersonCopies(record.person_id)
    placements, result.problems = read_ledger(project, record.person_id)
    if profile.copies is None:
        return result
    places = profile.copies.places
    now = latest(placements)
    current = current_versions(project, record, as_of, [d for place in places for d in place.documents], found)
    result.states = [
        SlotState(place, current[name], now.get((place.location, name))) for place in places for name in place.documents
    ]
    return result


def placements_now(
    project: Project,
    record: PersonRecord,
    location: str,
    documents: list[str] | None,
    on: dt.date,
    by: str,
    as_of: dt.date,
) -> list[Placement]:
    """Ledger lines for "the current version of these documents was just put at ``location``".

    The revision history records today's profile first (as a build would), so a later separator
    sheet can say what changed since these copies."""
    profile = record.profile
    assert profile is not None and profile.copies is not None
    place = next(p for p in profile.copies.places if p.location == location)
    names = [d for d in place.documents if not documents or d in documents]
    found = history_of(project, record, as_of, write=True)
    current = current_versions(project, record, as_of, names, found)
    recorded = generated_at().isoformat()
    return [
        Placement(
            on,
            location,
            name,
            place.count,
            current[name].plan_version,
            current[name].fingerprint,
            by,
            recorded,
            current[name].label,
        )
        for name in names
    ]
