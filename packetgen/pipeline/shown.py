"""What a person's documents show, as plain data, with today's decisions applied to any revision.

``select`` decides what one document may render from the typed profile. The revision history
(``build/.history``) keeps old data, and the consent rule is that an old revision is seen under
*today's* decisions, never under the ones recorded with it: today's sharing classes, per-contact
sharing, consents, audience and build date. So a contact made ``internal`` today disappears from
every stored revision as well (the crisis plan never says "Contact removed"), and a section whose
consent lapsed is dropped from the history, not only from the documents.

``Today`` applies the same decision functions as ``select`` (``section_decision``,
``entry_decision``) to stored data; the only thing it adds is which class an old item gets:

- a section or contact that still exists takes the profile's class for it today (a contact is the
  same one when its role and name are);
- one that was deleted keeps the class it last had while it existed, because every build stores
  the classes in force. A contact first made internal and then deleted is therefore never shown
  again, not even as "removed".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from packetgen.model.audiences import AUDIENCES
from packetgen.model.profile import Profile
from packetgen.model.sharing import ENTRY_SHARING, SECTION_DEFAULTS, SECTION_NAMES, entries
from packetgen.pipeline.select import entry_decision, section_decision
from packetgen.pipeline.validate import section_class

View = tuple[str, tuple[str, ...]]
"""A document's audience key and the profile sections it may use."""

ALWAYS = ("identity", "plan", "fictional")
"""Shown on every document (who and which plan), so always part of a view."""


def profile_data(profile: Profile) -> dict[str, Any]:
    """The profile as plain data, without its consent records (no document shows them)."""
    return profile.model_dump(mode="json", exclude_none=True, exclude={"consents"})


class Today:
    """Today's decisions for one person, applicable to the current profile's data or an old revision's."""

    def __init__(self, profile: Profile, as_of: dt.date) -> None:
        self.profile = profile
        self.as_of = as_of
        self._entries: dict[tuple[str, str, str], list[tuple[dict[str, Any], str | None]]] = {}
        for name in ENTRY_SHARING:
            for entry in entries(getattr(profile, name), name):
                self._entries.setdefault((name, entry.role, entry.name), []).append(
                    (entry.model_dump(mode="json", exclude_none=True), entry.sharing)
                )

    def section_class(self, name: str, value: dict[str, Any]) -> str:
        if getattr(self.profile, name) is not None:
            return section_class(self.profile, name)
        return str(value.get("sharing") or SECTION_DEFAULTS[name])

    def entry_class(self, name: str, entry: dict[str, Any]) -> str | None:
        """A contact's or care provider's own class: today's for the same entry, else the one stored with it."""
        same = self._entries.get((name, entry.get("role", ""), entry.get("name", "")), [])
        for data, sharing in same:
            if data == entry:
                return sharing
        if same:
            return same[0][1]
        sharing = entry.get("sharing")
        return str(sharing) if sharing else None

    def _shows(self, name: str, value: Any, view: View) -> bool:
        audience_key, sections = view
        sharing = self.section_class(name, value) if isinstance(value, dict) else SECTION_DEFAULTS[name]
        return section_decision(
            self.profile, name, isinstance(value, dict), sharing, AUDIENCES[audience_key], sections, self.as_of
        ).included

    def _shows_entry(self, name: str, entry: dict[str, Any], view: View) -> bool:
        decision = entry_decision(self.profile, name, self.entry_class(name, entry), AUDIENCES[view[0]], self.as_of)
        return decision is None or decision.included

    def _entries_of(self, name: str, value: Any) -> list[dict[str, Any]]:
        return [e for e in entries(value, name) if isinstance(e, dict)]

    def visible(self, data: dict[str, Any], view: View) -> dict[str, Any]:
        """``data`` as a document for ``view`` shows it, in the shape ``describe_changes`` compares.

        Sharing classes are left out: a document shows the facts, not their class, so a class
        change that does not change what a document shows is no change to it."""
        out: dict[str, Any] = {key: data.get(key) for key in ALWAYS}
        for name in SECTION_NAMES:
            value = data.get(name)
            if not isinstance(value, dict) or not self._shows(name, value, view):
                out[name] = None
            elif name in ENTRY_SHARING:
                out[name] = [
                    _without_class(e) for e in self._entries_of(name, value) if self._shows_entry(name, e, view)
                ]
            else:
                out[name] = _without_class(value)
        return out

    def shown(self, data: dict[str, Any], views: Iterable[View]) -> dict[str, Any]:
        """The part of ``data`` at least one of ``views`` shows today, with today's classes written in.

        This is all a revision may keep at rest. Writing the classes in is what lets a deleted item
        keep the last class it had."""
        views = list(views)
        out: dict[str, Any] = {key: data[key] for key in ALWAYS if key in data}
        for name in SECTION_NAMES:
            value = data.get(name)
            if not isinstance(value, dict) or not any(self._shows(name, value, v) for v in views):
                continue
            sharing = self.section_class(name, value)
            if name in ENTRY_SHARING:
                kept = [
                    _with_class(e, self.entry_class(name, e))
                    for e in self._entries_of(name, value)
                    if any(self._shows(name, value, v) and self._shows_entry(name, e, v) for v in views)
                ]
                if kept:
                    out[name] = {"sharing": sharing, ENTRY_SHARING[name]: kept}
            else:
                out[name] = {**value, "sharing": sharing}
        return out


def _without_class(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k != "sharing"}


def _with_class(entry: dict[str, Any], sharing: str | None) -> dict[str, Any]:
    out = _without_class(entry)
    return out | {"sharing": sharing} if sharing else out
