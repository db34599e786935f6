"""The revision history as a build uses it: record what a person's documents show, under today's
decisions, and give each document its version label and "what changed" list.

Glue between ``history`` (storage), ``shown`` (today's decisions on stored data) and ``versions``
(per-document labels and changes); no rule of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packetgen.model.documents import DocumentKind
from packetgen.model.profile import Profile
from packetgen.pipeline.history import History, Revision, load_history, save_history, updated
from packetgen.pipeline.shown import Today, View, profile_data
from packetgen.pipeline.versions import DocumentHistory, document_history, version_unchanged_since


def views_of(kinds: Iterable[DocumentKind]) -> list[View]:
    """The distinct (audience, sections) pairs of a person's documents (a large-print twin adds none)."""
    return list(dict.fromkeys((kind.audience, kind.sections) for kind in kinds))


@dataclass
class PersonHistory:
    """One person's revisions, filtered under today's decisions, the current one last."""

    person_id: str
    today: Today
    history: History
    changed: bool
    """The stored file is out of date (a new revision, or old ones filtered down)."""
    _documents: dict[tuple[View, bool], DocumentHistory] = field(default_factory=dict)

    def document(self, kind: DocumentKind) -> DocumentHistory:
        key = ((kind.audience, kind.sections), kind.shows_changes)
        if key not in self._documents:
            view = key[0]
            self._documents[key] = document_history(
                self.history.revisions, lambda data: self.today.visible(data, view), describe=kind.shows_changes
            )
        return self._documents[key]

    def extras(self, kind: DocumentKind) -> dict[str, Any]:
        """Template data for ``kind``: its version label, and what changed if it lists changes."""
        doc = self.document(kind)
        extra: dict[str, Any] = {"version_label": doc.label}
        if kind.shows_changes:
            extra |= {"changes": doc.changes, "previous": doc.previous}
        return extra


def person_history(
    build_dir: Path, person_id: str, profile: Profile, kinds: Iterable[DocumentKind], as_of: dt.date, recorded: str
) -> PersonHistory:
    """The stored history filtered again under today's decisions, plus the current revision (not written)."""
    today = Today(profile, as_of)
    views = views_of(kinds)
    stored = load_history(build_dir, person_id)
    current = Revision(profile.plan.version, recorded, today.shown(profile_data(profile), views))
    history = updated(stored, current, lambda data: today.shown(data, views))
    return PersonHistory(person_id, today, history, history != stored)


def record_history(
    build_dir: Path, person_id: str, profile: Profile, kinds: Iterable[DocumentKind], as_of: dt.date, recorded: str
) -> PersonHistory:
    """``person_history``, written back when it changed: the build calls this before rendering."""
    found = person_history(build_dir, person_id, profile, kinds, as_of, recorded)
    if found.changed:
        save_history(build_dir, person_id, found.history)
    return found


def version_not_raised(found: PersonHistory) -> Revision | None:
    """For ``check``: the first revision under the current plan version, if the documents changed since."""
    return version_unchanged_since(found.history.revisions)
