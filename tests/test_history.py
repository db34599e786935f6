"""Revision history and "what changed since the last version", read from the real crisis plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import AS_OF, copy_demo, html_soup, pdf_text, run_cli, visible_text
from profiles import dump_yaml

from packetgen.pipeline.history import describe_changes, history_path


def test_supervisor_phone_change_in_plain_words() -> None:
    old = {"plan": {"version": 3, "supervisor": {"name": "Priya Nair", "phone": "555-0142"}}}
    new = {"plan": {"version": 3, "supervisor": {"name": "Priya Nair", "phone": "555-0199"}}}
    assert describe_changes(old, new) == ["Supervisor phone changed from 555-0142 to 555-0199"]


def test_medication_added_removed_and_changed() -> None:
    def med(name: str, dose: str) -> dict[str, str]:
        return {"name": name, "dose": dose, "route": "by mouth", "schedule": "8 am", "purpose": "mood"}

    old = {"medications": {"items": [med("Metformin", "500 mg"), med("Atorvastatin", "20 mg")]}}
    new = {"medications": {"items": [med("Metformin", "1000 mg"), med("Sertraline", "50 mg")]}}
    assert describe_changes(old, new) == [
        "Medication changed: Metformin: dose from 500 mg to 1000 mg",
        "Medication added: Sertraline 50 mg, by mouth, 8 am",
        "Medication removed: Atorvastatin 20 mg, by mouth, 8 am",
    ]


def test_list_items_and_none_known() -> None:
    old = {
        "crisis_plan": {"triggers": ["Loud noise"]},
        "allergies": {"none_known": {"verified_on": "2026-01-05", "verified_by": "RN"}},
    }
    new = {
        "crisis_plan": {"triggers": ["Loud noise", "Skipped meals"]},
        "allergies": {"items": [{"substance": "Latex", "reaction": "rash", "severity": "mild", "confirmed": True}]},
    }
    assert describe_changes(old, new) == [
        "Trigger added: Skipped meals",
        "Allergy added: Latex (rash)",
        "Allergies: no longer 'none known'",
    ]
    assert describe_changes(new, old)[1:] == [
        "Allergies: now none known (verified on 2026-01-05, verified by RN)",
        "Allergy removed: Latex (rash)",
    ]
    assert describe_changes(new, new) == []


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    return copy_demo(tmp_path)


def build(root: Path, *args: str) -> None:
    result = run_cli("build", "--root", str(root), "--as-of", AS_OF, "--quiet", *args)
    assert result.exit_code == 0, result.output


def edit(root: Path, person_id: str, change) -> None:  # type: ignore[no-untyped-def]
    path = root / "people" / person_id / "profile.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(dump_yaml(data))


def changes_section(path: Path) -> str:
    section = html_soup(path).select_one('[data-field="what_changed"]')
    assert section is not None
    return " ".join(section.get_text(" ").split())


def test_crisis_plan_lists_what_changed_since_the_last_version(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    plan_html = project / "build" / "rosa-m" / "crisis-plan.html"
    assert "First version on record" in changes_section(plan_html)

    def change(data):  # type: ignore[no-untyped-def]
        data["plan"]["version"] = 4
        data["plan"]["supervisor"]["phone"] = "555-0199"
        data["medications"]["items"].append(
            {"name": "Sertraline", "dose": "50 mg", "route": "by mouth", "schedule": "8 am", "purpose": "mood"}
        )
        data["crisis_plan"]["triggers"].append("Being woken suddenly")

    edit(project, "rosa-m", change)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795003600")
    build(project)

    text = changes_section(plan_html)
    assert "Since version 3, recorded 2026-11-18 11:06 UTC:" in text
    for line in (
        "Plan version changed from 3 to 4",
        "Supervisor phone changed from 555-0142 to 555-0199",
        "Trigger added: Being woken suddenly",
    ):
        assert line in text
        assert line in " ".join(pdf_text(project / "build" / "rosa-m" / "crisis-plan.pdf").split())
    # The crisis plan does not show medications, so it does not report them either.
    assert "Sertraline" not in text
    # Only the crisis plan lists changes; the other people's plans are untouched.
    assert "First version on record" in changes_section(project / "build" / "jay-t" / "crisis-plan.html")
    assert "What changed" not in visible_text(project / "build" / "rosa-m" / "responder-packet.html")
    history = json.loads(history_path(project / "build", "rosa-m").read_text())
    assert [r["version"] for r in history["revisions"]] == [3, 4]


def test_changes_to_sections_the_audience_may_not_see_are_never_mentioned(project: Path) -> None:
    build(project)

    def change(data):  # type: ignore[no-untyped-def]
        data["internal_notes"]["text"] = "SECRETNOTE staff disagreement"
        data["behavioral_health"]["text"] = "SECRETBH new diagnosis"

    edit(project, "dana-k", change)
    build(project)
    plan = project / "build" / "dana-k" / "crisis-plan.html"
    text = changes_section(plan)
    # To the crisis plan the two revisions look the same, so they are one: nothing to report, nothing counted.
    assert text == "What changed since the last version First version on record: no earlier version to compare with."
    pdf = pdf_text(project / "build" / "dana-k" / "crisis-plan.pdf")
    for leak in ("SECRET", "Internal notes", "Behavioral health"):
        assert leak not in plan.read_text() and leak not in pdf


def test_review_overdue_mark_survives_incremental_builds(project: Path) -> None:
    """The date alone makes the responder packet overdue: the cache must not keep the old one."""
    result = run_cli("build", "--root", str(project), "--as-of", "2026-12-01", "--quiet")
    assert result.exit_code == 0
    packet = project / "build" / "jay-t" / "responder-packet.pdf"
    assert "REVIEW OVERDUE" not in pdf_text(packet)
    review = yaml.safe_load((project / "people" / "jay-t" / "profile.yaml").read_text())["plan"]
    # README: the next review defaults to six months after the last review. Jay's plan:
    assert "next_review" not in review and str(review["last_reviewed"]) == "2026-09-14"
    later = "2027-03-15"  # the day after 14 Mar 2027
    result = run_cli("build", "--root", str(project), "--as-of", later, "--quiet")
    assert result.exit_code == 0
    assert "REVIEW OVERDUE" in " ".join(pdf_text(packet).split())
    assert "REVIEW OVERDUE" in visible_text(project / "build" / "jay-t" / "responder-packet.html")
