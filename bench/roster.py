"""Fictional people for the benchmark: seeded, varied sizes, as real profiles vary.

Every profile says it is fictional; nothing here resembles a real person.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

AS_OF = dt.date(2026, 11, 23)

FIRST = ["Ana", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lou", "Mo", "Nia", "Ola", "Pat"]
LAST = ["Abbott", "Baker", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Huang", "Ibsen", "Jones", "Khan", "Lopez"]
MEDS = [
    ("Metformin", "500 mg", "diabetes"),
    ("Lisinopril", "10 mg", "blood pressure"),
    ("Sertraline", "50 mg", "mood"),
    ("Levetiracetam", "750 mg", "seizures"),
    ("Quetiapine", "100 mg", "sleep and mood"),
    ("Atorvastatin", "20 mg", "cholesterol"),
    ("Levothyroxine", "75 mcg", "thyroid"),
    ("Omeprazole", "20 mg", "reflux"),
    ("Lithium carbonate", "600 mg", "mood"),
    ("Apixaban", "5 mg", "blood thinner"),
    ("Baclofen", "10 mg", "muscle spasm"),
    ("Melatonin", "3 mg", "sleep"),
]
ALLERGENS = ["Penicillin", "Sulfa drugs", "Latex", "Peanuts", "Shellfish", "Haloperidol", "Codeine", "Iodine contrast"]
SENTENCES = [
    "Likes a calm room and a familiar voice.",
    "Needs time to answer questions.",
    "Uses short sentences and gestures.",
    "Walks with a cane outdoors.",
    "Becomes quiet when in pain.",
    "Enjoys music from the 1970s.",
    "Prefers staff to knock and wait.",
    "Carries a picture card for the bus.",
]


def fictional_person(rng: random.Random, index: int, full: bool = False) -> dict[str, Any]:
    """One invented person; the size of every list varies, as real profiles do."""
    size = "full" if full else rng.choice(["small", "medium", "large"])
    n = {"small": 1, "medium": 3, "large": 6, "full": 6}[size]
    none = {"verified_on": "2026-06-01", "verified_by": "RN"}

    def text(k: int) -> str:
        return " ".join(rng.choice(SENTENCES) for _ in range(k))

    def risk_list() -> dict[str, Any]:
        if rng.random() < 0.5:
            return {"none_known": none}
        count = 3 if full else rng.randint(1, 2)
        return {"items": [{"risk": text(1), "what_to_do": text(3 if full else 1)} for _ in range(count)]}

    meds = rng.sample(MEDS, k=len(MEDS) if full else min(len(MEDS), rng.randint(0, n * 2)))
    allergies = rng.sample(ALLERGENS, k=rng.randint(0, min(4, n)))
    return {
        "fictional": True,
        "identity": {
            "preferred_name": rng.choice(FIRST),
            "legal_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "date_of_birth": f"{rng.randint(1940, 2004)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "language": rng.choice(["English", "Spanish", "Polish", "Vietnamese"]),
            "interpreter_needed": rng.random() < 0.2,
        },
        "plan": {
            "version": rng.randint(1, 9),
            "effective": "2026-06-01",
            "last_reviewed": "2026-06-01",
            "supervisor": {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "phone": f"555-01{index % 100:02d}"},
        },
        "communication": {"how_i_communicate": text(n), "how_i_understand": text(1), "how_i_say_no": text(1)},
        "baseline": {"typical_presentation": text(n), "signs_of_change": text(n)},
        "allergies": {
            "items": [
                {"substance": a, "reaction": "rash", "severity": rng.choice(["mild", "severe"])} for a in allergies
            ]
        }
        if allergies
        else {"none_known": none},
        "medications": {
            "items": [{"name": m, "dose": d, "route": "by mouth", "schedule": "8 am", "purpose": p} for m, d, p in meds]
        }
        if meds
        else {"none_known": none},
        "risks": {"mobility": risk_list(), "swallowing": risk_list(), "seizures": risk_list(), "falls": risk_list()},
        "decision_maker": {"decides_for_self": True, "code_status": "Full code", "advance_directive": "None on file"},
        "contacts": {
            "people": [
                {
                    "role": r,
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "phone": f"555-01{rng.randint(0, 99):02d}",
                    "when_to_call": text(1),
                }
                for r in ["On-call supervisor", "Family", "Case manager", "Nurse", "Day program"][:n]
            ]
        },
        "crisis_plan": {
            key: [text(1) for _ in range(rng.randint(1, n + 1))]
            for key in ("triggers", "early_warning_signs", "what_helps", "what_to_avoid", "step_down_criteria")
        }
        | {"escalation_steps": [{"step": text(1), "role": "Shift lead"} for _ in range(rng.randint(1, n + 1))]},
        "health_history": {"text": text(n * 2)},
        "internal_notes": {"text": text(1)},
    }


class _NoAliases(yaml.SafeDumper):
    """packetgen refuses anchors and aliases (PyYAML writes them for a value used twice)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def generate(root: Path, count: int, seed: int, full_every: int = 0) -> list[str]:
    """``count`` people; with ``full_every``, every so many is at the top of the envelope (12
    medications, 3 risks per list with long "what to do"), whose page 1 spills and is measured."""
    rng = random.Random(seed)
    ids = []
    for i in range(count):
        person_id = f"person-{i:04d}"
        path = root / "people" / person_id / "profile.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        person = fictional_person(rng, i, bool(full_every) and i % full_every == 0)
        path.write_text("# FICTIONAL benchmark person\n" + yaml.dump(person, Dumper=_NoAliases, sort_keys=False))
        ids.append(person_id)
    return ids
