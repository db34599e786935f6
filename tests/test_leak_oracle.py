"""The leak oracle (issue 12): nothing withheld reaches any file under build/ or anything printed.

Generated people (hypothesis) whose every free-text field, name, phone and consent id carries its
own marker (``MK0042x``, ``555-0142``) go through a random sequence of edits, sharing changes,
consent grants, expiries (``--as-of`` moves on), withdrawals, and people added and removed, and are
built after every step. After each build, every file under build/ (HTML, manifests, dot-files such
as the revision history and the cache, PDF text, objects and raw bytes on the PDF steps, file
names) and everything printed or logged holds exactly the markers today's decisions allow: no
other, and on each document at least what its template prints of the sections it may show.

The policy is restated below from the README (sharing classes, the documents and their audiences),
not taken from packetgen, and ``packetgen.pipeline.select`` is never called. "What changed" may name old
values the crisis plan's audience may see under today's decisions (an old value takes the class
its item has today, or, once deleted, the last class it had); the history and cache may hold
what some document of that person may show, old values included, and no more.

Most steps build HTML only (fast); at most one step per example also builds the PDFs, checks them
and deletes them again (a later HTML-only build leaving an old PDF behind is the output lifecycle
change, tested there). The seed is fixed (``derandomize``): CI runs the same examples every time.
Run it longer with, for example::

    PACKETGEN_ORACLE_EXAMPLES=200 PACKETGEN_ORACLE_STEPS=25 .venv/bin/python -m pytest tests/test_leak_oracle.py

(``PACKETGEN_ORACLE_SHRINK=1`` also shrinks a failure to its smallest steps, which can take minutes.)
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from buildscan import build_files, file_text
from conftest import pdf_text, run_cli
from events import event_data, write_event
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from profiles import BY_RIGHT, marked_profile, write_profile

# --- the policy, restated from the README (the classes by right: BY_RIGHT in profiles.py) ----------

DEFAULT_CLASS = {
    "communication": "responder",
    "baseline": "responder",
    "allergies": "responder",
    "medications": "responder",
    "risks": "responder",
    "decision_maker": "responder",
    "contacts": "responder",
    "crisis_plan": "care-team",
    "health_history": "care-team",
    "behavioral_health": "consent",
    "internal_notes": "internal",
}
SECTIONS = tuple(DEFAULT_CLASS)
OPTIONAL = ("health_history", "behavioral_health", "internal_notes")
CLASSES = ("responder", "care-team", "consent", "internal")
RESPONDER = frozenset(
    {
        "communication",
        "baseline",
        "allergies",
        "medications",
        "risks",
        "decision_maker",
        "contacts",
        "behavioral_health",
        "crisis_plan",
    }
)
DOCUMENTS = {  # document: audience, the profile sections it may carry
    "responder-packet": ("emergency-responders", RESPONDER),
    "mobile-crisis-packet": ("mobile-crisis", RESPONDER),
    "crisis-plan": (
        "care-team",
        frozenset(
            {"crisis_plan", "communication", "baseline", "risks", "contacts", "health_history", "behavioral_health"}
        ),
    ),
    "return-checklist-blank": ("care-team", frozenset({"crisis_plan"})),
}
EVENT_DOCUMENTS = {
    "case-manager-update": ("case-manager", frozenset({"crisis_plan"})),
    "governance-update": ("case-manager", frozenset({"crisis_plan"})),
    "support-request": ("case-manager", frozenset({"crisis_plan"})),
    "return-checklist": ("care-team", frozenset({"crisis_plan"})),
    "partnership-review": ("internal-staff", frozenset()),
}
SHOWS_CHANGES = {"crisis-plan"}
ALL = None
PRINTS: dict[str, dict[str, set[str] | None]] = {  # what each template prints of a section it may show
    "responder-packet": {
        "communication": ALL,
        "baseline": ALL,
        "allergies": {"substance", "reaction", "verified_by"},
        "medications": {"name", "dose", "route", "schedule", "purpose"},
        "risks": ALL,
        "decision_maker": ALL,
        "contacts": ALL,
        "crisis_plan": {"what_helps", "what_to_avoid"},
        "behavioral_health": ALL,
    },
    "crisis-plan": {
        "crisis_plan": ALL,
        "communication": ALL,
        "baseline": ALL,
        "risks": ALL,
        "contacts": ALL,
        "health_history": ALL,
        "behavioral_health": ALL,
    },
    "return-checklist-blank": {"crisis_plan": {"early_warning_signs"}},
}
PRINTS["mobile-crisis-packet"] = PRINTS["responder-packet"]
IDENTITY_PRINTED = {"preferred_name", "legal_name", "pronouns", "language"}

MARK = re.compile(r"mk\d{4}x|555-0\d{3}", re.IGNORECASE)
START = dt.date(2026, 11, 23)
EVENT_ID = "2026-11-02-escalation"


def markers(value: Any, keys: set[str] | None = None, key: str = "") -> set[str]:
    """Markers in ``value`` (only under ``keys``, if given); sharing classes are not content."""
    if isinstance(value, dict):
        return set().union(*(markers(v, keys, k) for k, v in value.items() if k != "sharing"))
    if isinstance(value, list):
        return set().union(*(markers(v, keys, key) for v in value))
    if isinstance(value, str) and (keys is None or key in keys):
        return set(MARK.findall(value.lower()))
    return set()


def in_force(consent: dict[str, Any], day: dt.date) -> bool:
    return dt.date.fromisoformat(consent["granted"]) <= day < dt.date.fromisoformat(consent["expires"])


def may_see(section: str, sharing: str, audience: str, consents: list[dict[str, Any]], day: dt.date) -> bool:
    if sharing in BY_RIGHT[audience]:
        return True
    return sharing == "consent" and any(
        c["recipient"] == audience and section in c["sections"] and in_force(c, day) for c in consents
    )


class Person:
    """One generated person: the profile as written now, and what it was at every build."""

    def __init__(self, data: dict[str, Any], event: dict[str, Any] | None) -> None:
        self.data = data
        self.event = event
        self.past: list[dict[str, Any]] = []

    def section_class(self, name: str, value: dict[str, Any]) -> str:
        """Today's class of a section in any revision: its class now, or the last it had before deletion."""
        for state in [self.data, *reversed(self.past)]:
            if state.get(name) is not None:
                return str(state[name].get("sharing") or DEFAULT_CLASS[name])
        return str(value.get("sharing") or DEFAULT_CLASS[name])

    def contact_class(self, contact: dict[str, Any]) -> str | None:
        for state in [self.data, *reversed(self.past)]:
            for other in state["contacts"]["people"]:
                if (other["role"], other["name"]) == (contact["role"], contact["name"]):
                    return other.get("sharing")
        return contact.get("sharing")

    def visible(
        self,
        state: dict[str, Any],
        audience: str,
        sections: frozenset[str],
        day: dt.date,
        prints: dict[str, set[str] | None] | None = None,
    ) -> set[str]:
        """Markers of ``state`` a document may show today (or, with ``prints``, must show)."""
        consents = self.data["consents"]
        found = markers(state["identity"], IDENTITY_PRINTED if prints is not None else None)
        if prints is None:
            found |= markers(state["plan"])
        for name in sorted(sections):
            value = state.get(name)
            if value is None or not may_see(name, self.section_class(name, value), audience, consents, day):
                continue
            if prints is not None and name not in prints:
                continue
            keys = prints.get(name) if prints is not None else None
            if name == "contacts":
                for contact in value["people"]:
                    sharing = self.contact_class(contact)
                    if sharing is None or may_see("contacts", sharing, audience, consents, day):
                        found |= markers(contact, keys)
            else:
                found |= markers(value, keys)
        return found

    def views(self) -> list[tuple[str, frozenset[str]]]:
        docs = list(DOCUMENTS.values()) + ([EVENT_DOCUMENTS["case-manager-update"]] if self.event else [])
        return list(dict.fromkeys(docs))

    def consent_ids(self, day: dt.date, audience: str | None = None) -> set[str]:
        return {
            c["id"].lower()
            for c in self.data["consents"]
            if in_force(c, day) and (audience is None or c["recipient"] == audience)
        }

    def allowed(self, relative: Path, day: dt.date) -> set[str]:
        """Markers a file of this person's folder may hold."""
        name, suffix = relative.name.split(".", 1)
        if relative.parts[1] == "events":
            audience, sections = EVENT_DOCUMENTS[name]
            if suffix == "manifest.json":
                return self.consent_ids(day, audience)
            event = dict(self.event or {})
            if audience != "internal-staff":
                event.pop("internal_notes", None)
            return self.visible(self.data, audience, sections, day) | markers(event)
        audience, sections = DOCUMENTS[name]
        if suffix == "manifest.json":
            return self.consent_ids(day, audience)
        found = self.visible(self.data, audience, sections, day)
        if name in SHOWS_CHANGES:
            for state in self.past:
                found |= self.visible(state, audience, sections, day)
        return found

    def at_rest(self, day: dt.date) -> set[str]:
        """What the history and cache may keep: what some document of this person may show, then or now."""
        found = self.consent_ids(day) | markers(self.data["identity"])
        for audience, sections in self.views():
            for state in [self.data, *self.past]:
                found |= self.visible(state, audience, sections, day)
        return found


# --- the machine -------------------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("PACKETGEN_ORACLE_EXAMPLES", "6"))
STEPS = int(os.environ.get("PACKETGEN_ORACLE_STEPS", "8"))
SHRINK = os.environ.get("PACKETGEN_ORACLE_SHRINK") == "1"
PDF_STEPS = 1
"""PDF builds per example: the slow part (about 2 s per person)."""


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class LeakOracle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="leak-oracle-"))
        (self.root / "people").mkdir()
        self.people: dict[str, Person] = {}
        self.removed: set[str] = set()
        self.count = 0
        self.phones = 100
        self.ids = 0
        self.day = START
        self.pdf_builds = 0
        self.log = Collect()
        logging.getLogger().addHandler(self.log)
        self.level = logging.getLogger().level
        logging.getLogger().setLevel(logging.INFO)

    def teardown(self) -> None:
        logging.getLogger().removeHandler(self.log)
        logging.getLogger().setLevel(self.level)
        shutil.rmtree(self.root, ignore_errors=True)

    # markers and generated data

    def m(self) -> str:
        self.count += 1
        return f"MK{self.count:04d}x"

    def phone(self) -> str:
        self.phones += 1
        return f"555-0{self.phones:03d}"

    def sharing(self, data: st.DataObject) -> str | None:
        return data.draw(st.sampled_from([None, None, *CLASSES]))

    def safety_list(self, data: st.DataObject, item: Any) -> dict[str, Any]:
        if data.draw(st.booleans()):
            return {"items": [item() for _ in range(data.draw(st.integers(1, 2)))]}
        return {"none_known": {"verified_on": "2026-01-05", "verified_by": self.m()}}

    def contact(self, data: st.DataObject) -> dict[str, Any]:
        contact = {"role": self.m(), "name": self.m(), "phone": self.phone(), "when_to_call": self.m()}
        sharing = self.sharing(data)
        return contact | ({"sharing": sharing} if sharing else {})

    def new_profile(self, data: st.DataObject) -> dict[str, Any]:
        m = self.m
        profile: dict[str, Any] = {
            "fictional": True,
            "identity": {
                "preferred_name": m(),
                "legal_name": f"{m()} {m()}",
                "date_of_birth": "1980-02-03",
                "pronouns": m(),
                "language": m(),
                "interpreter_needed": False,
            },
            "plan": {
                "version": 1,
                "effective": "2026-01-05",
                "last_reviewed": "2026-10-01",
                "supervisor": {"name": m(), "phone": self.phone()},
            },
            "communication": {
                "how_i_communicate": m(),
                "how_i_understand": m(),
                "how_i_say_no": m(),
                "how_i_show_pain": m(),
            },
            "baseline": {"typical_presentation": m(), "signs_of_change": m()},
            "allergies": self.safety_list(data, lambda: {"substance": m(), "reaction": m(), "severity": "severe"}),
            "medications": self.safety_list(
                data, lambda: {"name": m(), "dose": m(), "route": m(), "schedule": m(), "purpose": m()}
            ),
            "risks": {
                kind: self.safety_list(data, lambda: {"risk": m(), "what_to_do": m()})
                for kind in ("mobility", "swallowing", "seizures", "falls")
            },
            "decision_maker": {
                "decides_for_self": False,
                "name": m(),
                "relationship": m(),
                "phone": self.phone(),
                "authority": m(),
                "code_status": m(),
                "advance_directive": m(),
            },
            "contacts": {"people": [self.contact(data) for _ in range(data.draw(st.integers(1, 3)))]},
            "crisis_plan": {
                key: [m()]
                for key in ("triggers", "early_warning_signs", "what_helps", "what_to_avoid", "step_down_criteria")
            }
            | {"escalation_steps": [{"step": m(), "role": m()}]},
            "consents": [],
        }
        for name in OPTIONAL:
            if data.draw(st.booleans()):
                profile[name] = {"text": f"Notes {m()}"}
        for name in SECTIONS:
            sharing = self.sharing(data)
            if sharing and name in profile:
                profile[name]["sharing"] = sharing
        return profile

    def new_event(self) -> dict[str, Any]:
        m = self.m
        return event_data(
            summary=m(),
            presenting_risk=m(),
            immediate_response=m(),
            current_presentation=m(),
            current_risk=m(),
            stabilization_actions=[m()],
            clinical_follow_up=m(),
            family_contact={"contacted": True, "who": m(), "at": "2026-11-03 09:00", "summary": m()},
            next_update={"supervisor": m(), "due": "2026-11-05 12:00"},
            next_review={"date": "2026-11-09", "what": m()},
            internal_notes=m(),
        )

    def add(self, data: st.DataObject) -> None:
        self.ids += 1
        person_id = f"p{self.ids}"
        event = self.new_event() if data.draw(st.booleans()) else None
        self.people[person_id] = Person(self.new_profile(data), event)
        if event is not None:
            write_event(self.root, person_id, EVENT_ID, event)

    def pick(self, data: st.DataObject) -> Person:
        return self.people[data.draw(st.sampled_from(sorted(self.people)))]

    # steps: each changes something, then builds and checks

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        for _ in range(data.draw(st.integers(1, 2))):
            self.add(data)
        self.build_and_check()

    @precondition(lambda self: len(self.people) < 3)
    @rule(data=st.data())
    def add_person(self, data: st.DataObject) -> None:
        self.add(data)
        self.build_and_check()

    @precondition(lambda self: len(self.people) > 1)
    @rule(data=st.data())
    def remove_person(self, data: st.DataObject) -> None:
        person_id = data.draw(st.sampled_from(sorted(self.people)))
        del self.people[person_id]
        shutil.rmtree(self.root / "people" / person_id)
        self.removed.add(person_id)
        self.build_and_check()

    @rule(data=st.data())
    def edit_text(self, data: st.DataObject) -> None:
        person = self.pick(data)
        path = data.draw(st.sampled_from(_leaves(person.data)))
        parent = _get(person.data, path[:-1])
        parent[path[-1]] = MARK.sub(
            lambda found: self.phone() if found.group().startswith("555") else self.m(), parent[path[-1]]
        )
        self.build_and_check()

    @rule(data=st.data(), add=st.booleans())
    def change_a_list(self, data: st.DataObject, add: bool) -> None:
        person = self.pick(data)
        lists = {
            "contacts": person.data["contacts"]["people"],
            "triggers": person.data["crisis_plan"]["triggers"],
            "what_helps": person.data["crisis_plan"]["what_helps"],
        }
        for name in ("allergies", "medications"):
            if "items" in person.data[name]:
                lists[name] = person.data[name]["items"]
        name = data.draw(st.sampled_from(sorted(lists)))
        items = lists[name]
        if add:
            new: Any = {
                "contacts": lambda: self.contact(data),
                "allergies": lambda: {"substance": self.m(), "reaction": self.m(), "severity": "mild"},
                "medications": lambda: {
                    "name": self.m(),
                    "dose": self.m(),
                    "route": self.m(),
                    "schedule": self.m(),
                    "purpose": self.m(),
                },
            }.get(name, self.m)()
            items.insert(data.draw(st.integers(0, len(items))), new)
        elif len(items) > 1:
            del items[data.draw(st.integers(0, len(items) - 1))]
        self.build_and_check()

    @rule(data=st.data())
    def change_section_sharing(self, data: st.DataObject) -> None:
        person = self.pick(data)
        name = data.draw(st.sampled_from([n for n in SECTIONS if n in person.data]))
        sharing = self.sharing(data)
        person.data[name].pop("sharing", None)
        if sharing:
            person.data[name]["sharing"] = sharing
        self.build_and_check()

    @rule(data=st.data())
    def change_contact_sharing(self, data: st.DataObject) -> None:
        person = self.pick(data)
        contact = data.draw(st.sampled_from(person.data["contacts"]["people"]))
        sharing = self.sharing(data)
        contact.pop("sharing", None)
        if sharing:
            contact["sharing"] = sharing
        self.build_and_check()

    @rule(data=st.data())
    def add_or_remove_a_section(self, data: st.DataObject) -> None:
        person = self.pick(data)
        name = data.draw(st.sampled_from(OPTIONAL))
        if person.data.pop(name, None) is None:
            person.data[name] = {"text": f"Notes {self.m()}"} | (
                {"sharing": sharing} if (sharing := self.sharing(data)) else {}
            )
        self.build_and_check()

    @rule(data=st.data())
    def grant_consent(self, data: st.DataObject) -> None:
        person = self.pick(data)
        granted = self.day - dt.timedelta(days=data.draw(st.integers(-10, 30)))
        person.data["consents"].append(
            {
                "id": self.m(),
                "recipient": data.draw(st.sampled_from(sorted(BY_RIGHT))),
                "sections": data.draw(st.lists(st.sampled_from(SECTIONS), min_size=1, max_size=4, unique=True)),
                "authority": "person",
                "granted": granted.isoformat(),
                "expires": (granted + dt.timedelta(days=data.draw(st.integers(11, 90)))).isoformat(),
                "recorded_by": self.m(),
                "document_ref": self.m(),
            }
        )
        self.build_and_check()

    @precondition(lambda self: any(p.data["consents"] for p in self.people.values()))
    @rule(data=st.data())
    def withdraw_consent(self, data: st.DataObject) -> None:
        person = self.pick(data)
        if person.data["consents"]:
            del person.data["consents"][data.draw(st.integers(0, len(person.data["consents"]) - 1))]
        self.build_and_check()

    @rule(days=st.integers(1, 60))
    def time_passes(self, days: int) -> None:
        self.day += dt.timedelta(days=days)
        self.build_and_check()

    @rule(data=st.data())
    def raise_the_version(self, data: st.DataObject) -> None:
        self.pick(data).data["plan"]["version"] += 1
        self.build_and_check()

    @precondition(lambda self: self.pdf_builds < PDF_STEPS)
    @rule()
    def build_the_pdfs(self) -> None:
        self.pdf_builds += 1
        self.build_and_check(pdf=True)
        for path in (self.root / "build").rglob("*.pdf"):
            path.unlink()  # see the module docstring: stale PDFs are the output lifecycle change's

    # the check

    def build_and_check(self, pdf: bool = False) -> None:
        for person_id, person in self.people.items():
            write_profile(self.root, person_id, person.data)
        self.log.lines.clear()
        result = run_cli(
            "build",
            "--root",
            str(self.root),
            "--as-of",
            self.day.isoformat(),
            "--quiet",
            "--format",
            "all" if pdf else "html",
        )
        assert result.exit_code == 0, result.output
        for person in self.people.values():
            person.past.append(copy.deepcopy(person.data))
        problems = self.leaks(result.output)
        problems += self.missing(pdf)
        assert not problems, "\n".join(problems[:30])

    def leaks(self, output: str) -> list[str]:
        build = self.root / "build"
        problems = [f"printed: {word}" for word in sorted(MARK.findall(output.lower()))]
        problems += [f"logged: {word}" for line in self.log.lines for word in sorted(MARK.findall(line.lower()))]
        at_rest: set[str] = set()
        index: set[str] = set()
        for person in self.people.values():
            at_rest |= person.at_rest(self.day)
            index |= markers(person.data["identity"]["preferred_name"]) | person.consent_ids(self.day)
        for path in sorted(build.rglob("*")):
            relative = path.relative_to(build)
            problems += [f"{relative} (file name): {w}" for w in MARK.findall(relative.as_posix().lower())]
        for relative, text in build_files(build).items():
            top = relative.parts[0]
            if top.startswith("."):
                allowed = at_rest | index
            elif top == "index.html":
                allowed = index
            else:
                allowed = self.people[top].allowed(relative, self.day)
            problems += [f"{relative}: {word}" for word in sorted(set(MARK.findall(text)) - allowed)]
        return problems

    def missing(self, pdf: bool) -> list[str]:
        """Each document shows at least what its template prints of the sections it may show."""
        build = self.root / "build"
        problems = []
        index = file_text(build / "index.html")
        for person_id, person in self.people.items():
            name = person.data["identity"]["preferred_name"].lower()
            if name not in index:
                problems.append(f"index.html: {name} missing")
            for document, (audience, sections) in DOCUMENTS.items():
                wanted = person.visible(person.data, audience, sections, self.day, PRINTS[document])
                texts = {"html": file_text(build / person_id / f"{document}.html")}
                if pdf:
                    texts["pdf"] = pdf_text(build / person_id / f"{document}.pdf").lower()
                for kind, text in texts.items():
                    problems += [f"{person_id}/{document}.{kind}: {w} missing" for w in sorted(wanted) if w not in text]
        return problems


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every marker-bearing text in a profile (not consent records: those are added and withdrawn)."""
    if isinstance(data, dict):
        return [p for k, v in data.items() if k != "consents" for p in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _leaves(v, (*path, i))]
    return [path] if isinstance(data, str) and MARK.search(data) else []


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


LeakOracle.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    derandomize=True,
    deadline=None,
    # Shrinking a failing run of builds takes minutes: the failing steps are printed as they are,
    # unless PACKETGEN_ORACLE_SHRINK=1 asks for the smallest example.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, *([Phase.shrink] if SHRINK else [])],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
)
TestLeakOracle = LeakOracle.TestCase


def test_a_removed_persons_documents_leave_the_build_folder(project: Path) -> None:
    """Their history and index row go (tests/test_at_rest.py), and so do their documents
    (tests/test_output_lifecycle.py has the whole list)."""
    for person_id in ("p1", "p2"):
        data = marked_profile()
        data["identity"]["preferred_name"] = f"MK900{person_id[1]}x"
        write_profile(project, person_id, data)
    build = ("build", "--root", str(project), "--as-of", START.isoformat(), "--quiet", "--format", "html")
    assert run_cli(*build).exit_code == 0
    shutil.rmtree(project / "people" / "p2")
    assert run_cli(*build).exit_code == 0
    assert [str(relative) for relative, text in build_files(project / "build").items() if "mk9002x" in text] == []
