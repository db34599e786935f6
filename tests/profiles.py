"""Test profiles built as plain data, so tests can vary one field at a time.

Every free-text value carries a marker word that names its section (``MKallergies`` ...), so a
test can tell exactly which section's content reached which document.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

BY_RIGHT: dict[str, set[str]] = {
    "emergency-responders": {"responder"},
    "mobile-crisis": {"responder", "care-team"},
    "case-manager": {"responder", "care-team"},
    "clinicians": {"responder", "care-team"},
    "protective-services": {"responder"},
    "family": {"responder"},
    "care-team": {"responder", "care-team"},
    "internal-staff": {"responder", "care-team", "consent", "internal"},
}
"""The sharing policy as the README's table states it: the classes each recipient gets without a
consent record. Restated here, once for every test, never read from packetgen's code."""


def marker(section: str) -> str:
    """A single word that survives PDF text extraction and names its section."""
    return "MK" + section.replace("_", "")


def marked_profile() -> dict[str, Any]:
    """A valid profile in which every section holds its own marker word."""
    none_known = {"verified_on": "2026-01-05", "verified_by": "RN"}
    return copy.deepcopy(
        {
            "fictional": True,
            "identity": {
                "preferred_name": "Testa",
                "legal_name": "Testa Example",
                "date_of_birth": "1990-04-01",
                "pronouns": "she/her",
                "language": "English",
                "interpreter_needed": False,
            },
            "plan": {
                "version": 2,
                "effective": "2026-01-05",
                "last_reviewed": "2026-01-05",
                "supervisor": {"name": "Sam Super", "phone": "555-0101"},
            },
            "communication": {
                "how_i_communicate": f"Speaks {marker('communication')}",
                "how_i_understand": "Plain words",
            },
            "baseline": {"typical_presentation": f"Calm {marker('baseline')}", "signs_of_change": "Pacing"},
            "allergies": {"items": [{"substance": marker("allergies"), "reaction": "hives", "severity": "severe"}]},
            "medications": {
                "items": [
                    {
                        "name": marker("medications"),
                        "dose": "5 mg",
                        "route": "by mouth",
                        "schedule": "8 am",
                        "purpose": "mood",
                    }
                ]
            },
            "risks": {
                "mobility": {"items": [{"risk": f"Unsteady {marker('risks')}"}]},
                "swallowing": {"none_known": none_known},
                "seizures": {"none_known": none_known},
                "falls": {"none_known": none_known},
            },
            "decision_maker": {
                "decides_for_self": False,
                "name": f"Guard {marker('decisionmaker')}",
                "phone": "555-0102",
                "code_status": "Full code",
                "advance_directive": "None on file",
            },
            "contacts": {
                "people": [
                    {
                        "role": "Supervisor",
                        "name": f"Contact {marker('contacts')}",
                        "phone": "555-0103",
                        "when_to_call": "Any emergency",
                    }
                ]
            },
            "crisis_plan": {
                "triggers": [f"Noise {marker('crisisplan')}"],
                "early_warning_signs": ["Pacing"],
                "what_helps": [f"Quiet {marker('crisisplan')}"],
                "what_to_avoid": ["Crowds"],
                "escalation_steps": [{"step": "Call supervisor", "role": "Shift lead"}],
                "step_down_criteria": ["Sleeping well"],
            },
            "health_history": {"text": f"History {marker('healthhistory')}"},
            "behavioral_health": {"text": f"Behavioral {marker('behavioralhealth')}"},
            "internal_notes": {"text": f"Internal {marker('internalnotes')}"},
            "consents": [],
        }
    )


def marked_eif_sections() -> dict[str, Any]:
    """The emergency-information sections (conditions ... immunizations), each with its marker word:
    merged into ``marked_profile()`` where a test covers them (they are optional, so most tests
    leave them out, as a profile written before them would)."""
    day = "2026-01-05"
    return copy.deepcopy(
        {
            "avoid": {"items": [{"what": marker("avoid"), "reason": "dystonia"}]},
            "conditions": {"items": [{"name": marker("conditions")}]},
            "devices": {"items": [{"name": marker("devices"), "what_to_do": "Leave it in place"}]},
            "care_providers": {
                "items": [{"role": "preferred-hospital", "name": marker("careproviders"), "phone": "555-0105"}]
            },
            "baseline_vitals": {"heart_rate": {"value": f"70 per minute {marker('baselinevitals')}", "measured": day}},
            "home_access": {"entry": f"Side door {marker('homeaccess')}"},
            "immunizations": {"items": [{"vaccine": marker("immunizations"), "date": day}]},
        }
    )


class _NoAliases(yaml.SafeDumper):
    """packetgen refuses anchors and aliases, which PyYAML writes for a value used twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    """YAML text as a person would write it: keys in order, no anchors or aliases."""
    return yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True)


def write_profile(root: Path, person_id: str, data: dict[str, Any] | str) -> Path:
    """Write a profile into ``root/people/<id>/profile.yaml`` and return its path."""
    path = root / "people" / person_id / "profile.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else dump_yaml(data)
    path.write_text(text, encoding="utf-8")
    return path
