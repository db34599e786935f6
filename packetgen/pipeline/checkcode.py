"""Which sheet is this? A document's content fingerprint and the short check code printed from it.

A printed copy is stale when what its sheet tells the reader has changed, not when packetgen's
code, a template or the plan's version number did. So the fingerprint hashes what the document
shows, exactly as the revision history and "what changed" see it (``shown.Today.visible``: the
sections its audience may see today, identity, supervisor, review dates), plus the photo and, on
an event form, the event as that form shows it. It leaves out the plan's version number and
effective date (a new version that changes only the crisis plan does not make the fridge's
responder packet wrong) and the generation time. A field left at its empty default (no value,
``false``, an empty list) counts as absent, so an upgrade that adds an optional field (as
``high_alert`` was added) leaves every printed copy current.

The check code is the first 40 bits of the fingerprint in Crockford's base32 (no I, L, O or U,
so it reads aloud and types without confusion), printed ``K7QX-M2PA`` next to the plan version on
every page; ``packetgen verify`` looks it up. It is a hash of consent-filtered content only, so it
tells nobody anything the sheet does not already show.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from packetgen.model.documents import DocumentKind
from packetgen.model.profile import Profile
from packetgen.pipeline.digest import data_digest
from packetgen.pipeline.shown import Today, profile_data

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32."""
FINGERPRINT_CHARS = 16
"""Hex characters kept of a content fingerprint (64 bits): what the copies ledger records."""
CODE_BITS = 40
CONTENT_EXTRA = ("event", "event_id", "notification", "gates")
"""Template data that is part of what an event form shows (the "what changed" list is not: it
describes the history, and deleting build/ would change it without changing the sheet's facts)."""
PLAN_BOOKKEEPING = ("version", "effective")


def visible_content(profile: Profile, kind: DocumentKind, as_of: dt.date) -> dict[str, Any]:
    """What ``kind`` shows of the current profile, in the revision history's own shape."""
    return Today(profile, as_of).visible(profile_data(profile), (kind.audience, kind.sections))


def content_fingerprint(
    person_id: str, document: str, visible: dict[str, Any], photo: str | None, extra: dict[str, Any] | None = None
) -> str:
    """Hash of what one document tells its reader (see the module docstring for what counts)."""
    plan = {k: v for k, v in (visible.get("plan") or {}).items() if k not in PLAN_BOOKKEEPING}
    data = {
        "person": person_id,
        "document": document,
        "shows": without_defaults({**visible, "plan": plan}),
        "photo": hashlib.sha256(photo.encode()).hexdigest() if photo else None,
        "extra": {key: (extra or {})[key] for key in CONTENT_EXTRA if key in (extra or {})},
    }
    return data_digest(data)[:FINGERPRINT_CHARS]


def without_defaults(value: Any) -> Any:
    """``value`` with every key whose value is None, False, [] or {} left out, at any depth: such a
    field prints nothing (or the same "not set" as an absent one)."""
    if isinstance(value, dict):
        kept = {key: without_defaults(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, False, [], {})}
    if isinstance(value, list):
        return [without_defaults(item) for item in value]
    return value


def check_code(fingerprint: str) -> str:
    """``K7QX-M2PA``: the first 40 bits of a fingerprint, 8 base32 characters in two groups."""
    number = int(fingerprint[: CODE_BITS // 4], 16)
    chars = "".join(ALPHABET[(number >> shift) & 31] for shift in range(CODE_BITS - 5, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"


_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def normalize_code(text: str) -> str | None:
    """A code as someone typed it (any case, spaces or dashes, O for 0, I or L for 1) -> ``K7QX-M2PA``,
    or None when it cannot be a check code."""
    chars = "".join(c for c in text.upper() if c not in " -").translate(_READS_AS)
    if len(chars) != CODE_BITS // 5 or any(c not in ALPHABET for c in chars):
        return None
    return f"{chars[:4]}-{chars[4:]}"
