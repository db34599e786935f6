"""Select stage: decide, per section, whether a document's audience may see it.

This is the consent boundary. Templates never see a withheld section: they receive a view in
which it is ``None``, so no template mistake can leak it. Every decision carries a reason for the
manifest and ``packetgen explain``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .audiences import AUDIENCES, Audience
from .event_model import Event
from .model import SECTION_NAMES, Contact, Profile
from .validate import section_class


@dataclass(frozen=True)
class Decision:
    section: str
    sharing: str
    included: bool
    reason: str
    consent_id: str | None = None


def decide(profile: Profile, section: str, sharing: str, audience: Audience, as_of: dt.date,
           label: str | None = None) -> Decision:
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
        if consent.granted <= as_of < consent.expires:
            return Decision(name, sharing, True,
                            f"consent {consent.id} ({consent.authority}, granted {consent.granted}, "
                            f"expires {consent.expires})", consent.id)
    for consent in sorted(matching, key=lambda c: c.expires, reverse=True):
        if as_of >= consent.expires:
            return Decision(name, sharing, False, f"consent {consent.id} expired on {consent.expires}", consent.id)
        return Decision(name, sharing, False, f"consent {consent.id} starts on {consent.granted}", consent.id)
    return Decision(name, sharing, False, f"class consent: no consent record for {audience.key} covers {section}")


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
        if name not in sections or value is None:
            reason = "not part of this document" if name not in sections else "not in the profile"
            decisions.append(Decision(name, section_class(profile, name), False, reason))
            view[name] = None
            continue
        decision = decide(profile, name, section_class(profile, name), audience, as_of)
        decisions.append(decision)
        view[name] = value if decision.included else None
    if view.get("contacts") is not None:
        view["contacts"] = _select_contacts(profile, audience, as_of, decisions)
    return Selection(audience, view, decisions)


def _select_contacts(profile: Profile, audience: Audience, as_of: dt.date, decisions: list[Decision]) -> list[Contact]:
    """Contacts may each override the section's class (a guardian's number, say)."""
    shown = []
    for i, contact in enumerate(profile.contacts.people):
        if contact.sharing is None:
            shown.append(contact)
            continue
        # The label is an index, not the role: a manifest must not reveal who was withheld.
        decision = decide(profile, "contacts", contact.sharing, audience, as_of, label=f"contacts.people[{i}]")
        decisions.append(decision)
        if decision.included:
            shown.append(contact)
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
    decisions = []
    view = event
    if event.internal_notes is not None:
        shown = "internal" in audience.classes
        reason = ("class internal: shared with internal staff" if shown
                  else "class internal: stays inside the provider")
        decisions.append(Decision("event.internal_notes", "internal", shown, reason))
        if not shown:
            view = event.model_copy(update={"internal_notes": None})
    return view, decisions
