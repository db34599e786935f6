"""The page-1 plan of a packet: which blocks may leave page 1, in what order, and how pointers name them.

Plain data, no layout: ``paginate.py`` measures a rendered packet and decides which of these units
move; the templates read the ``Plan`` to print each block in its page-1 place or on the continuation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from packetgen.model.eif import preferred_hospitals

POINTER_AT: dict[str, str] = {
    "avoid-why": "avoid",
    "comm-more": "communication",
    "baseline": "communication",
    "different-now": "communication",
    "dm-authority": "decision-maker",
    "risk-details": "risks",
    "medications": "medications",
    "contacts": "contacts",
    "contact-when": "contacts",
    "what-helps": "contacts",
    "what-to-avoid": "contacts",
    "behavioral-health": "contacts",
    "hospital": "contacts",
    "conditions": "contacts",
    "devices": "contacts",
    "vitals": "contacts",
    "home-access": "contacts",
}
"""Which page-1 section's pointer names a continued block: where it was, or (for the blocks under
the columns) the end of the last section, where the reader's eye arrives."""


@dataclass(frozen=True)
class Unit:
    """A block that may leave page 1 for the continuation.

    ``region`` is "flow" (the two-column part) or "below" (full width under it). ``group`` gathers
    units one pointer names together ("Medications 7-12", "3 more contacts"); ``number`` is the
    unit's printed number in its group. ``order`` is its place on page 1, top to bottom. A unit
    that is part of a block that stays (a risk's "what to do") is measured as ``share`` of the
    height of ``anchor``, that block."""

    id: str
    label: str
    order: int
    region: str = "flow"
    group: str = ""
    number: int = 0
    anchor: str = ""
    share: float = 1.0

    @property
    def measured_by(self) -> str:
        return self.anchor or f"u-{self.id}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


GROUP_LABELS: dict[str, Callable[[list[int]], str]] = {
    "medications": lambda n: f"Medication {n[0]}" if len(n) == 1 else f"Medications {n[0]}-{n[-1]}",
    "contacts": lambda n: f"{_plural(len(n), 'more contact')}",
    "risk-details": lambda n: f"What to do for {_plural(len(n), 'risk')}",
    "contact-when": lambda n: f"When to call contact{'' if len(n) == 1 else 's'} {and_list([str(i) for i in n])}",
    "avoid-why": lambda n: f"Why to avoid {_plural(len(n), 'thing')}",
}
"""How a pointer names the moved units of a group, from their printed numbers."""


@dataclass
class Plan:
    """What the template puts on the continuation, and the page each continued unit starts on."""

    units: list[Unit] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)
    index: bool = False
    """Large print: page 1 lists where each section is instead of holding them."""
    sections: dict[str, int] = field(default_factory=dict)
    """Large print: section id -> page it starts on."""
    compact: bool = False
    """Everything movable has moved and page 1 still spills (beyond the envelope): one pointer for
    all of it at the top of the columns, where it cannot be pushed off page 1, instead of one per section."""
    where_first: bool = False
    """Large print: the alerts fill page 1, so the "where to find it" line goes above them."""

    def here(self, unit_id: str) -> bool:
        """True if this unit is printed in its page-1 place."""
        return unit_id not in self.moved

    @property
    def any_moved(self) -> bool:
        return bool(self.moved)

    def _moved_units(self) -> list[Unit]:
        return sorted((u for u in self.units if u.id in self.moved), key=lambda u: u.order)

    def pointers(self) -> list[dict[str, Any]]:
        """What continues and where, in page-1 order: [{"what": "Medications 7-12", "page": 2, ...}]."""
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for unit in self._moved_units():
            if unit.group and unit.group in seen:
                continue
            key = unit.group or unit.id
            seen.add(key)
            what = GROUP_LABELS[unit.group](self.moved_numbers(unit.group)) if unit.group else unit.label
            out.append({"what": what, "page": self.pages.get(unit.id, 2), "key": key})
        return out

    def blocks(self) -> list[str]:
        """The continuation's blocks in page-1 order: a unit id, or a group name."""
        return [p["key"] for p in self.pointers()]

    def moved_numbers(self, group: str) -> list[int]:
        """Printed numbers of the moved units of ``group`` (medications, contacts ...), ascending."""
        return sorted(u.number for u in self.units if u.group == group and u.id in self.moved)

    def moved_in(self, group: str) -> list[str]:
        """Ids of the moved units of ``group``, in page order."""
        return [u.id for u in self._moved_units() if u.group == group]

    def pointer_text(self, *keys: str) -> str:
        """'Medications 7-12 and 3 more contacts: page 2; My usual baseline: page 3' (all, or ``keys`` only)."""
        by_page: dict[int, list[str]] = {}
        for pointer in self.pointers():
            if not keys or pointer["key"] in keys:
                by_page.setdefault(pointer["page"], []).append(pointer["what"])
        return "; ".join(f"{and_list(whats)}: page {page}" for page, whats in sorted(by_page.items()))

    def later_sections(self) -> list[tuple[str, int]]:
        """Large print: (label, page) of each section that starts after page 1, in page order."""
        pages = [(label, self.sections.get(key, 2)) for key, label in INDEX_SECTIONS]
        pages += [(label, self.sections[key]) for key, label in INDEX_IF_PRESENT if key in self.sections]
        return [(label, page) for label, page in pages if page > 1]

    def pointer_at(self, section: str) -> str:
        """The pointer printed at the end of a page-1 section (see ``POINTER_AT``); in compact mode
        all of them at the top ("first")."""
        if self.compact:
            return self.pointer_text() if section == "first" else ""
        keys = [key for key, where in POINTER_AT.items() if where == section]
        return self.pointer_text(*keys) if keys else ""

    def facts(self, pages: int, complete: bool) -> dict[str, Any]:
        """For the manifest: the page count, whether page 1 holds its whole list, what continued where."""
        facts: dict[str, Any] = {"pages": pages}
        if not self.index:
            facts["page_one_complete"] = complete
        return facts | {"continued": [{"what": p["what"], "page": p["page"]} for p in self.pointers()]}


INDEX_SECTIONS = (
    ("code-status", "Code status"),
    ("communication", "How I communicate"),
    ("baseline", "My usual baseline"),
    ("decision-maker", "Decision-maker"),
    ("risks", "Risks"),
    ("medications", "Medications"),
    ("contacts", "Who to call"),
)
"""Large print's "Where to find it" line: anchor (after "f-"/"u-") and the section's heading."""

INDEX_IF_PRESENT: tuple[tuple[str, str], ...] = (("hospital", "Preferred hospital"), ("conditions", "Conditions"))
INDEX_IF_PRESENT += (("devices", "Devices"), ("vitals", "Usual vital signs"), ("home-access", "Getting in"))
"""The same for sections a profile may not have: listed once the layout has found them."""


def and_list(items: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def ordered_medications(medications: Any) -> list[Any]:
    """High-alert medications first (each group keeps the profile's order): responders see them first."""
    items = list(medications.items or []) if medications is not None else []
    return [m for m in items if m.high_alert] + [m for m in items if not m.high_alert]


RISK_LISTS = ("swallowing", "seizures", "mobility", "falls")
"""The packet's order of the risk lists."""


def _share(detail: str | None, rest: str) -> float:
    """Rough part of a block's height its detail text takes (characters, plus a line for the rest)."""
    detail_len, rest_len = len(detail or ""), len(rest) + 40
    return detail_len / (detail_len + rest_len)


def packet_units(view: dict[str, Any]) -> list[Unit]:
    """Every block of a packet that may continue on page 2, lowest priority (moved first) first.

    Never movable, because page 1 must hold them: the header, allergies, code status and advance
    directive, the decision-maker's name and phone, how the person communicates and says no,
    every risk's headline, every high-alert medication, the first two contacts' role, name and
    phone, the avoid list (an alert)."""
    order = {name: i * 1000 for i, name in enumerate(PAGE_ORDER)}
    units: list[Unit] = []
    # Lowest priority first: usual vitals and how to get in matter once the person is stable.
    if view.get("baseline_vitals"):
        units.append(Unit("vitals", "Vital signs", order["vitals"]))
    if view.get("home_access"):
        units.append(Unit("home-access", "Getting in", order["home-access"]))
    if view.get("behavioral_health"):
        units.append(Unit("behavioral-health", "Behavioral health", order["behavioral-health"]))
    if view.get("crisis_plan"):
        units += [
            Unit("what-to-avoid", "What to avoid", order["what-to-avoid"]),
            Unit("what-helps", "What helps", order["what-helps"]),
        ]
    if view.get("baseline"):
        units.append(Unit("baseline", "My usual baseline", order["baseline"]))
    contacts = view.get("contacts") or []
    units += [
        Unit(f"contact-{i}", f"Contact {i}", order["contact"] + i, group="contacts", number=i)
        for i in range(len(contacts), 2, -1)
    ]
    if view.get("communication") is not None:
        units.append(Unit("comm-more", "Understanding and pain", order["comm-more"]))
    units.append(Unit("different-now", "What is different now", order["different-now"]))
    meds = ordered_medications(view.get("medications"))
    units += [
        Unit(f"med-{i}", f"Medication {i}", order["med"] + i, group="medications", number=i)
        for i in range(len(meds), 0, -1)
        if not meds[i - 1].high_alert
    ]
    # What a medic asks first after the alerts: kept on page 1 longer than medications 7-12.
    if view.get("devices"):
        units.append(Unit("devices", "Devices", order["devices"]))
    if view.get("conditions"):
        units.append(Unit("conditions", "Conditions", order["conditions"]))
    if preferred_hospitals(view):
        units.append(Unit("hospital", "Hospital", order["hospital"]))
    risks = view.get("risks")
    details = []
    if risks is not None:
        number = 0
        for list_index, name in enumerate(RISK_LISTS):
            for i, item in enumerate(getattr(risks, name).items or [], start=1):
                number += 1
                if item.what_to_do:
                    details.append(
                        Unit(
                            f"risk-{name}-{i}",
                            "What to do",
                            order["risk"] + list_index * 10 + i,
                            group="risk-details",
                            number=number,
                            anchor=f"f-risk-{name}-{i}",
                            share=_share(item.what_to_do, item.risk),
                        )
                    )
    units += details[::-1]
    # The avoid list is an alert: each entry's "what" never leaves page 1, its reason may (as a
    # risk's "what to do" may), after everything but the first contacts' "when to call".
    avoid = list(view["avoid"].items) if view.get("avoid") else []
    units += [
        Unit(
            f"avoid-{i}",
            "Why to avoid",
            order["avoid-why"] + i,
            group="avoid-why",
            number=i,
            anchor="f-avoid",
            share=_share(item.reason, item.what) / len(avoid),
        )
        for i, item in reversed(list(enumerate(avoid, start=1)))
    ]
    for i in (2, 1):
        if len(contacts) >= i:
            c = contacts[i - 1]
            units.append(
                Unit(
                    f"when-{i}",
                    f"When to call contact {i}",
                    order["when"] + i,
                    group="contact-when",
                    number=i,
                    anchor=f"f-contact-{i}",
                    share=_share(c.when_to_call, f"{c.role} {c.name} {c.phone}"),
                )
            )
    dm = view.get("decision_maker")
    if dm is not None and dm.authority and not dm.decides_for_self:
        units.append(
            Unit(
                "dm-authority",
                "Decision-maker's authority",
                order["dm-authority"],
                anchor="f-decision-maker",
                share=_share(dm.authority, f"{dm.name} {dm.relationship}"),
            )
        )
    return units


PAGE_ORDER = (
    "avoid-why",
    "comm-more",
    "baseline",
    "different-now",
    "dm-authority",
    "risk",
    "med",
    "contact",
    "when",
    "hospital",
    "conditions",
    "devices",
    "vitals",
    "home-access",
    "what-helps",
    "what-to-avoid",
    "behavioral-health",
)
"""Where each movable block sits on page 1, top to bottom, so pointers and the continuation read in
page order. ("when" is a first or second contact's "when to call".)"""


def new_plan(view: dict[str, Any], large_print: bool) -> Plan:
    return Plan(units=packet_units(view), index=large_print)
