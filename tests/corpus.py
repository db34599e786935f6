"""Seeded, generated profiles across the realistic envelope (README, Print), plus cases beyond it.

The envelope: up to 12 medications, 6 allergies, 3 entries in each risk list, 6 contacts, each
free-text field up to 50 words, a risk's headline and an allergy's reaction up to 8 words, names up
to 40 characters, a decision-maker with authority text, a photo; and the emergency-information
sections: up to 2 things to avoid, 6 conditions, 3 devices, a preferred hospital among 3 care
providers, usual vital signs and how to get in (one person in five has none of these, as a profile
written before them). Every word is drawn from a fixed vocabulary so the tests can find it again in
the PDF text; some names are one unbreakable 40-character token and some contacts have Chinese,
Arabic or Hebrew names, because real profiles have both.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import yaml

WORDS = (
    "calm quiet music window garden kettle morning evening sister brother tablet picture card walk "
    "chair stairs rail blanket lamp radio coffee bread soup rice apple orange blue green red yellow "
    "slowly gently softly clearly nods points smiles waves taps knocks sits stands rests waits listens "
    "answers asks counts sings hums reads draws bus train park shop church clinic nurse doctor"
).split()
DRUGS = (
    "Metformin Lisinopril Sertraline Levetiracetam Quetiapine Atorvastatin Levothyroxine Omeprazole "
    "Lamotrigine Baclofen Melatonin Amlodipine Donepezil Furosemide Gabapentin Risperidone Tamsulosin "
    "Senna Docusate Memantine Carbidopa Valproate Clonidine Trazodone"
).split()
HIGH_ALERT = (
    "Warfarin",
    "Apixaban",
    "Insulin glargine",
    "Insulin lispro",
    "Oxycodone",
    "Morphine",
    "Midazolam nasal spray",
    "Diazepam rectal gel",
    "Methotrexate",
    "Fentanyl patch",
)
ALLERGENS = (
    "Penicillin",
    "Sulfa drugs",
    "Latex",
    "Peanuts",
    "Shellfish",
    "Haloperidol",
    "Codeine",
    "Iodine contrast",
    "Eggs",
    "Bee stings",
)
FIRST = ("Ana", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lou", "Mo", "Nia")
LAST = ("Abbott", "Baker", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Huang", "Ibsen", "Jones", "Khan")
SCRIPTS = ("王秀英", "李建国", "فاطمة الزهراء", "محمد عبد الله", "אברהם כהן", "שרה לוי")
"""Contact names in scripts Atkinson Hyperlegible lacks: they must print in an embedded Noto font."""
LONG_TOKEN = "Hydroxychloroquinesulfatebrandxyzextended"[:40]
"""One unbreakable 40-character token: it must wrap inside its column, never run off the page."""
ROLES = ("On-call supervisor", "Guardian", "Case manager", "Home care RN", "Day program", "Neighbour")


_serial = itertools.count(1)


def words(rng: random.Random, low: int, high: int) -> str:
    """A sentence of ``low``..``high`` words: vocabulary words and, last, a serial tag ("q1f"), so a
    test that finds the text on a page has found this field and no other."""
    drawn = [rng.choice(WORDS) for _ in range(rng.randint(low, high) - 1)]
    return " ".join([*drawn, f"q{next(_serial):x}"]).capitalize()


def name(rng: random.Random, long: bool = False) -> str:
    text = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    if long:  # up to 40 characters
        text = f"{rng.choice(FIRST)} {rng.choice(LAST)}-{rng.choice(LAST)} {rng.choice(LAST)}{rng.choice(LAST)}"
    return text[:40].strip()


def envelope_profile(rng: random.Random, index: int, top: bool = False) -> dict[str, Any]:
    """One fictional person inside the envelope; ``top`` fills every list to its maximum."""
    none = {"verified_on": "2026-06-01", "verified_by": "RN"}
    size = 1.0 if top else rng.random()
    """How far towards the top of the envelope this person is: spread evenly, as real caseloads are."""

    def count(high: int, low: int = 0) -> int:
        return high if top else rng.randint(low, max(low, round(high * size)))

    def text() -> str:  # a free-text field, up to 50 words
        return words(rng, 40, 50) if top else words(rng, 3, 3 + round(47 * size))

    def risk_list() -> dict[str, Any]:
        n = count(3)
        if n == 0:
            return {"none_known": none}
        return {"items": [{"risk": words(rng, 3, 8), "what_to_do": text()} for _ in range(n)]}

    high = count(4) if top else rng.choice([0, 0, 1, 1, 2, 3, 4])
    total = count(12)
    high = min(high, total)
    meds = [
        {
            "name": HIGH_ALERT[(index + i) % len(HIGH_ALERT)],
            "dose": "5 mg",
            "route": "by mouth",
            "schedule": words(rng, 2, 6),
            "purpose": words(rng, 1, 6),
            "high_alert": True,
        }
        for i in range(high)
    ]
    drugs = rng.sample(DRUGS, k=total - high)
    if drugs and (top or rng.random() < 0.15):
        drugs[0] = LONG_TOKEN
    meds += [
        {
            "name": drug,
            "dose": f"{rng.randint(1, 900)} mg",
            "route": "by mouth",
            "schedule": words(rng, 2, 6),
            "purpose": words(rng, 1, 6),
        }
        for drug in drugs
    ]
    allergies = [
        {
            "substance": a,
            "reaction": words(rng, 2, 8),
            "severity": rng.choice(["mild", "moderate", "severe", "unknown"]),
        }
        for a in rng.sample(ALLERGENS, k=count(6))
    ]
    contacts = [
        {
            "role": ROLES[i],
            "name": rng.choice(SCRIPTS) if rng.random() < 0.15 else name(rng, top),
            "phone": f"555-01{(index + i) % 100:02d}",
            "when_to_call": text(),
        }
        for i in range(count(6, 1))
    ]
    profile: dict[str, Any] = {
        "fictional": True,
        "identity": {
            "preferred_name": name(rng, top).split()[0],
            "legal_name": name(rng, top),
            "date_of_birth": f"19{rng.randint(30, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "pronouns": "she/her",
            "language": rng.choice(["English", "Spanish", "Polish", "Arabic"]),
            "interpreter_needed": rng.random() < 0.3,
            "photo": "photo.png",
        },
        "plan": {
            "version": rng.randint(1, 9),
            "effective": "2026-06-01",
            "last_reviewed": "2026-06-01",
            "supervisor": {"name": name(rng), "phone": "555-0100"},
        },
        "communication": {
            "how_i_communicate": text(),
            "how_i_understand": text(),
            "how_i_say_no": text(),
            "how_i_show_pain": text(),
        },
        "baseline": {"typical_presentation": text(), "signs_of_change": text()},
        "allergies": {"items": allergies} if allergies else {"none_known": none},
        "medications": {"items": meds} if meds else {"none_known": none},
        "risks": {"mobility": risk_list(), "swallowing": risk_list(), "seizures": risk_list(), "falls": risk_list()},
        "decision_maker": {
            "decides_for_self": False,
            "name": name(rng, top),
            "relationship": "guardian",
            "phone": "555-0199",
            "authority": text(),
            "code_status": rng.choice(["Full code", "DNR: MOLST form on the fridge"]),
            "advance_directive": text(),
        },
        "contacts": {"people": contacts},
        "crisis_plan": {
            key: [words(rng, 3, 20) for _ in range(count(4, 1))]
            for key in ("triggers", "early_warning_signs", "what_helps", "what_to_avoid", "step_down_criteria")
        }
        | {"escalation_steps": [{"step": words(rng, 3, 30), "role": "Shift lead"} for _ in range(count(5, 1))]},
        "behavioral_health": {"text": " ".join(words(rng, 10, 30) + "." for _ in range(count(3, 1)))},
        "consents": [
            {
                "id": "roi-mc",
                "recipient": "mobile-crisis",
                "sections": ["behavioral_health"],
                "authority": "guardian",
                "granted": "2026-01-01",
                "expires": "2027-12-31",
                "recorded_by": "Supervisor",
                "document_ref": "ROI form on file",
            }
        ],
    }
    # Drawn from a generator of their own, so the rest of the corpus is what it was before them.
    eif_rng = random.Random(index * 7919 + 17)
    if eif_rng.random() >= 0.2 or top:
        profile |= eif_sections(eif_rng, size, top, none)
    return profile


def eif_sections(rng: random.Random, size: float, top: bool, none: dict[str, str]) -> dict[str, Any]:
    """The emergency-information sections of one envelope person, ``size`` of the way to the top."""

    def count(high: int, low: int = 0) -> int:
        return high if top else rng.randint(low, max(low, round(high * size)))

    def text() -> str:
        return words(rng, 40, 50) if top else words(rng, 3, 3 + round(47 * size))

    conditions = [
        {"name": words(rng, 1, 6)} | ({"note": words(rng, 3, 12)} if rng.random() < 0.5 else {})
        for _ in range(count(6))
    ]
    devices = [{"name": words(rng, 1, 4), "what_to_do": text()} for _ in range(count(3))]
    out: dict[str, Any] = {
        "conditions": {"items": conditions} if conditions else {"none_known": none},
        "devices": {"items": devices} if devices else {"none_known": none},
        "care_providers": {
            "items": [
                {
                    "role": "preferred-hospital",
                    "name": words(rng, 2, 5),
                    "phone": "555-0150",
                    "detail": words(rng, 2, 8),
                },
                {"role": "primary-physician", "name": words(rng, 2, 4), "phone": "555-0151"},
                {"role": "pharmacy", "name": words(rng, 2, 4), "phone": "555-0152"},
            ][: count(3, 1)]
        },
        "baseline_vitals": {
            "heart_rate": {"value": f"{rng.randint(55, 95)} per minute", "measured": "2026-05-01"},
            "blood_pressure": {
                "value": f"{rng.randint(100, 150)}/{rng.randint(60, 95)} mmHg",
                "measured": "2026-05-01",
            },
            "neurological_status": {"value": words(rng, 3, 20), "measured": "2026-05-01"},
        },
        "home_access": {"entry": words(rng, 3, 20), "keys": words(rng, 2, 10), "pets": words(rng, 1, 6)},
    }
    avoid = [{"what": words(rng, 1, 4), "reason": words(rng, 3, 10)} for _ in range(count(2))]
    if avoid:
        out["avoid"] = {"items": avoid}
    return out


def beyond_envelope(rng: random.Random) -> dict[str, dict[str, Any]]:
    """The packet may grow here, but page 1 keeps its list and the pointers stay true."""
    thirty = envelope_profile(rng, 900, top=True)
    thirty["medications"]["items"] += [
        {
            "name": f"{DRUGS[i % len(DRUGS)]} {i}",
            "dose": "10 mg",
            "route": "by mouth",
            "schedule": "8 am",
            "purpose": words(rng, 1, 4),
        }
        for i in range(30 - len(thirty["medications"]["items"]))
    ]
    long_baseline = envelope_profile(rng, 901)
    long_baseline["baseline"]["typical_presentation"] = " ".join(words(rng, 15, 25) + "." for _ in range(100))[:14000]
    long_plan = envelope_profile(rng, 902, top=True)
    for key in ("triggers", "early_warning_signs", "what_helps", "what_to_avoid", "step_down_criteria"):
        long_plan["crisis_plan"][key] = [words(rng, 30, 50) for _ in range(12)]
    long_plan["crisis_plan"]["escalation_steps"] = [
        {"step": words(rng, 30, 50), "role": "Shift lead"} for _ in range(20)
    ]
    return {"beyond-30-meds": thirty, "beyond-2000-word-baseline": long_baseline, "beyond-long-plan": long_plan}


class _NoAliases(yaml.SafeDumper):
    """packetgen refuses YAML anchors and aliases, which PyYAML writes for a value used twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_corpus(root: Path, count: int, seed: int = 16) -> dict[str, dict[str, Any]]:
    """``count`` envelope people (every 40th, the first included, at the top of the envelope) plus the
    beyond cases."""
    from PIL import Image

    global _serial
    _serial = itertools.count(1)
    rng = random.Random(seed)
    people = {f"env-{i:03d}": envelope_profile(rng, i, top=(i % 40 == 0)) for i in range(count)}
    people |= beyond_envelope(rng)
    for person_id, data in people.items():
        folder = root / "people" / person_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "profile.yaml").write_text(
            "# FICTIONAL generated test person\n"
            + yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        Image.new("RGB", (60, 80), (120 + len(person_id), 140, 160)).save(folder / "photo.png")
    return people
