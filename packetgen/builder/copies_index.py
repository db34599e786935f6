"""Printed copies on the index: per person, how many copies are current and how many stale.

The index row is cached and the ledger is not a document input, so the ledger's digest is part of
the person's *quick* key only (``ledger_digest``): a copy confirmed since the last build reloads
that person's row (and renders nothing, since no document key changed). The row keeps the counts
and nothing else, so no place name is at rest under build/: the index shows counts only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from packetgen.model.copies import COPY_KINDS
from packetgen.model.profile import Profile
from packetgen.pipeline.checkcode import content_fingerprint, visible_content
from packetgen.project.folders import Project
from packetgen.project.ledger import latest, ledger_path, read_ledger


def index_slots(person_id: str, profile: Profile, photo: str | None, as_of: dt.date) -> list[dict[str, Any]]:
    """Each slot (a document at a place) with its count and what the document shows today."""
    if profile.copies is None:
        return []
    places = profile.copies.places
    fingerprints = {
        name: content_fingerprint(person_id, name, visible_content(profile, COPY_KINDS[name], as_of), photo)
        for place in places
        for name in place.documents
    }
    return [
        {"location": place.location, "document": name, "count": place.count, "fingerprint": fingerprints[name]}
        for place in places
        for name in place.documents
    ]


def index_counts(
    project: Project, person_id: str, profile: Profile, photo: str | None, as_of: dt.date
) -> dict[str, int] | None:
    """Copies current and stale (missing ones count as stale), and damaged ledger lines; None when
    the person keeps no copies and has no ledger."""
    slots = index_slots(person_id, profile, photo, as_of)
    placements, problems = read_ledger(project, person_id)
    if not slots and not problems:
        return None
    now = latest(placements)
    current = sum(
        slot["count"]
        for slot in slots
        if (placed := now.get((slot["location"], slot["document"]))) is not None
        and placed.fingerprint == slot["fingerprint"]
    )
    return {"current": current, "stale": sum(slot["count"] for slot in slots) - current, "damaged": len(problems)}


def ledger_digest(project: Project, person_id: str) -> str:
    """For the person's quick key: the ledger's bytes, so a confirmed copy refreshes the index row."""
    path = ledger_path(project, person_id)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
