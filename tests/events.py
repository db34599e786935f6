"""Test events built as plain data, so a test can vary one field at a time.

The defaults make a complete, gate-free event; free text carries marker words (as in
``profiles.py``) so a test can see exactly which field reached which document.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from profiles import dump_yaml

from packetgen.model.event import Event


def event_data(occurred_at: str = "2026-11-02 19:40", type: str = "escalation", **fields: Any) -> dict[str, Any]:
    """A valid, complete event; keyword arguments replace top-level fields."""
    data: dict[str, Any] = {
        "occurred_at": occurred_at,
        "type": type,
        "summary": "Summary MKsummary",
        "presenting_risk": "Risk MKpresentingrisk",
        "immediate_response": "Response MKimmediateresponse",
        "current_presentation": "Presentation MKcurrentpresentation",
        "current_risk": "Moderate MKcurrentrisk",
        "stabilization_actions": ["Action MKstabilization"],
        "family_contact": {"contacted": True, "who": "mother", "at": "2026-11-03 09:00", "summary": "Family MKfamily"},
        "clinical_follow_up": "Follow-up MKclinical",
        "next_update": {"supervisor": "Sam Super", "due": "2026-11-05 12:00"},
        "next_review": {"date": "2026-11-09", "what": "Review MKnextreview"},
    }
    data.update(copy.deepcopy(fields))
    return data


def support_block(**fields: Any) -> dict[str, Any]:
    block = {
        "changes": ["Check-ins MKsupportchange"],
        "reason": "Reason MKsupportreason",
        "start": "2026-11-03",
        "expected_review": "2026-11-10",
        "outcome_indicators": ["Indicator MKoutcome"],
        "staffing_impact": "Staffing MKstaffing",
        "step_down_evidence": ["Evidence MKstepdown"],
    }
    block.update(fields)
    return block


def partner_block(**fields: Any) -> dict[str, Any]:
    block = {
        "partner": "Mobile crisis MKpartner",
        "reason": "Reason MKpartnerreason",
        "information_shared": "Packet MKinfoshared",
        "handoff_at": "2026-11-02 20:30",
        "decision_owner": "Clinician MKdecisionowner",
        "follow_up_responsibility": "Calls tomorrow MKfollowupresp",
        "communication_gap": "Gap MKgap",
        "action": "Checklist MKaction",
        "action_owner": "Lee MKactionowner",
        "validation_date": "2026-12-15",
        "return_checklist": {
            "confirmed_by": "Sam MKconfirmedby",
            "current_risk": "Risk MKchecklistrisk",
            "recommended_actions": ["Quiet MKrecommended"],
            "warning_signs": ["Pacing MKwarning"],
            "follow_up_timing": "Tomorrow MKfollowuptiming",
            "crisis_plan_update_needed": True,
            "crisis_plan_update_note": "Add MKplannote",
        },
    }
    block.update(fields)
    return block


def event(**kwargs: Any) -> Event:
    return Event.model_validate(event_data(**kwargs))


def write_event(root: Path, person_id: str, event_id: str, data: dict[str, Any] | str) -> Path:
    path = root / "people" / person_id / "events" / f"{event_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else dump_yaml(data)
    path.write_text(text, encoding="utf-8")
    return path
