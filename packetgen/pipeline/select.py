"""Select stage: decide, per section, whether a document's audience may see it.

This is the consent boundary. Templates never see a withheld section: they receive a view in
which it is ``None``, so no template mistake can leak it. Every decision carries a reason for the
manifest and ``packetgen explain``; a section not shown always reads "not shared with <audience>",
whether the profile lacks it or withholds it (see ``not_shared``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from packetgen.model.audiences import AUDIENCES, Audience
from packetgen.model.event import Event
from packetgen.model.profile import Consent, Profile
from packetgen.model.sharing import ENTRY_SHARING, SECTION_NAMES, entries
from packetgen.pipeline.validate import section_class


@dataclass(frozen=True)
class Decision:
    section: str
    sharing: str | None
    """The class that decided; None when the section is not shown (see ``not_shared``)."""
    included: bool
    reason: str
    consent_id: str | None = None


def in_force(consent: Consent, as_of: dt.date) -> bool:
    """A consent applies from the day it is granted up to, not including, the day it expires."""
    return consent.granted <= as_of < consent.expires


def decide(
    profile: Profile, section: str, sharing: str, audience: Audience, as_of: dt.date, label: str | None = None
) -> Decision:
    """Apply the sharing rule for one section (or one item, via ``label``) and say why."""
    name = label or section
    if sharing in audience.classes:
        return Decision(name, sharing, True, f"class {sharing}: shared with {audience.label}")
    if sharing == "internal":
        return Decision(name, sharing, False, "class internal: stays inside the provider")
    if sharing != "consent":
        return Decision(name, sharing, False, f"class {sharing}: not shared with {audience.label}")
    matching = [c for c in profile.consents if c.recipient == audience.key and section in c.sections]
    for consent in matching:
        if in_force(consent, as_of):
            return Decision(
                name,
                sharing,
                True,
                f"consent {consent.id} ({consent.authority}, granted {consent.granted}, expires {consent.expires})",
                consent.id,
            )
    for consent in sorted(matching, key=lambda c: c.expires, reverse=True):
        if as_of >= consent.expires:
            return Decision(name, sharing, False, f"consent {consent.id} expired on {consent.expires}", consent.id)
        return Decision(name, sharing, False, f"consent {consent.id} starts on {consent.granted}", consent.id)
    return Decision(name, sharing, False, f"class consent: no consent record for {audience.key} covers {section}")


NOT_PART = "not part of this document"


def not_shared(name: str, audience: Audience) -> Decision:
    """The one wording for anything this audience does not get, whether or not the profile has it.

    A manifest that said "not in the profile" for a missing section but "consent expired" or
    "class internal" for a withheld one would tell the reader that the withheld section exists
    (and roughly what it is). So every section the document could carry but does not show reads
    the same, with no class and no consent id."""
    return Decision(name, None, False, f"not shared with {audience.label}")


def section_decision(
    profile: Profile,
    name: str,
    present: bool,
    sharing: str,
    audience: Audience,
    sections: tuple[str, ...],
    as_of: dt.date,
) -> Decision:
    """Whether a document with ``sections`` for ``audience`` shows section ``name``, in public words.

    ``present`` and ``sharing`` describe the section's data (the profile's own, or an old revision's
    seen under today's classes); the consents are always ``profile``'s, today's."""
    if name not in sections:
        return Decision(name, None, False, NOT_PART)
    if not present:
        return not_shared(name, audience)
    decision = decide(profile, name, sharing, audience, as_of)
    return decision if decision.included else not_shared(name, audience)


def entry_decision(
    profile: Profile, section: str, sharing: str | None, audience: Audience, as_of: dt.date
) -> Decision | None:
    """An entry with its own class (a contact, a care provider) gets its own decision; None when it
    simply follows its section."""
    return None if sharing is None else decide(profile, section, sharing, audience, as_of)


@dataclass
class Selection:
    """What one document may show: a filtered view of the profile plus the reasons."""

    audience: Audience
    view: dict[str, Any]
    decisions: list[Decision]

    def withheld(self) -> list[str]:
        return [d.section for d in self.decisions if not d.included]


def select(profile: Profile, audience_key: str, sections: tuple[str, ...], as_of: dt.date) -> Selection:
    """Build the view a document for ``audience_key`` may render, using only ``sections``."""
    audience = AUDIENCES[audience_key]
    view: dict[str, Any] = {"identity": profile.identity, "plan": profile.plan, "fictional": profile.fictional}
    decisions: list[Decision] = []
    for name in SECTION_NAMES:
        value = getattr(profile, name)
        decision = section_decision(
            profile, name, value is not None, section_class(profile, name), audience, sections, as_of
        )
        decisions.append(decision)
        view[name] = value if decision.included else None
    for name in ENTRY_SHARING:
        if view.get(name) is not None:
            view[name] = _select_entries(profile, name, audience, as_of, decisions)
    return Selection(audience, view, decisions)


def _select_entries(
    profile: Profile, name: str, audience: Audience, as_of: dt.date, decisions: list[Decision]
) -> list[Any]:
    """Contacts and care providers may each override the section's class (a guardian's number, say);
    the view holds the list of entries shown.

    Only entries shown get a decision, labelled by their place in the document's list
    (``contacts.shown[0]`` is the first contact printed): a manifest must reveal neither who was
    withheld nor how many."""
    shown: list[Any] = []
    for entry in entries(getattr(profile, name), name):
        decision = entry_decision(profile, name, entry.sharing, audience, as_of)
        if decision is not None and not decision.included:
            continue
        if decision is not None:
            decisions.append(replace(decision, section=f"{name}.shown[{len(shown)}]"))
        shown.append(entry)
    return shown


def select_event(event: Event, audience_key: str) -> tuple[Event, list[Decision]]:
    """The event as a document for ``audience_key`` may show it.

    Event fields are care-team information (routine updates for the case manager and clinicians),
    except ``internal_notes``, which stays inside the provider. As with profile sections, the
    template receives the event with withheld fields set to None.
    """
    audience = AUDIENCES[audience_key]
    if "care-team" not in audience.classes:
        raise ValueError(f"event documents carry care-team information; {audience_key} may not receive them")
    # Always one decision, in the same words whether or not the event has notes: a case manager's
    # manifest must not tell them that internal notes exist.
    if "internal" in audience.classes and event.internal_notes is not None:
        return event, [Decision("event.internal_notes", "internal", True, "class internal: shared with internal staff")]
    view = event.model_copy(update={"internal_notes": None}) if event.internal_notes is not None else event
    return view, [not_shared("event.internal_notes", audience)]
