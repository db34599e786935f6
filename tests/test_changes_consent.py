"""Issue 12 item 3: "what changed" compares both versions under today's decisions.

Build, narrow a decision (a contact made internal, a consent lapsing or withdrawn, a section made
internal), build again: the crisis plan must not name, describe or count what its audience may
not see now, in HTML or PDF, and no file under build/ may still hold it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from buildscan import where
from conftest import html_soup, pdf_text, run_cli
from profiles import marked_profile, write_profile

GUARDIAN = {
    "role": "Guardian MKguardrole",
    "name": "Denise MKguardname",
    "phone": "555-0188",
    "when_to_call": "Treatment decisions MKguardwhen",
}
GUARDIAN_WORDS = ["MKguardrole", "MKguardname", "555-0188", "MKguardwhen"]
PLAN = Path("build/testa/crisis-plan")


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18 11:06 UTC


def profile() -> dict[str, Any]:
    data = marked_profile()
    data["contacts"]["people"].append(copy.deepcopy(GUARDIAN))
    return data


def build(root: Path, as_of: str = "2026-11-23", fmt: str = "all") -> None:
    result = run_cli("build", "--root", str(root), "--as-of", as_of, "--quiet", "--format", fmt)
    assert result.exit_code == 0, result.output


def changes(root: Path) -> str:
    """The crisis plan's "what changed" section, as read in the HTML; the PDF must say the same."""
    section = html_soup(root / PLAN.with_suffix(".html")).select_one('[data-field="what_changed"]')
    assert section is not None
    text = " ".join(section.get_text(" ").split())
    pdf = " ".join(pdf_text(root / PLAN.with_suffix(".pdf")).split())
    assert text.removeprefix("What changed since the last version ") in pdf
    return text


FIRST = "What changed since the last version First version on record: no earlier version to compare with."


def test_contact_made_internal_is_not_reported_removed(project: Path) -> None:
    data = profile()
    write_profile(project, "testa", data)
    build(project)
    assert "MKguardname" in (project / PLAN.with_suffix(".html")).read_text()
    data["contacts"]["people"][1]["sharing"] = "internal"
    write_profile(project, "testa", data)
    build(project)
    # Was: "Contact removed: Guardian MKguardrole: Denise MKguardname, 555-0188" while the manifest
    # said the contact was withheld. The narrowing alone is no change the care team may see.
    assert changes(project) == FIRST
    assert where(project / "build", GUARDIAN_WORDS) == []


def test_contact_made_internal_and_edited_gives_no_line(project: Path) -> None:
    data = profile()
    write_profile(project, "testa", data)
    build(project, fmt="html")
    data["contacts"]["people"][1] |= {"sharing": "internal", "phone": "555-0177"}
    data["crisis_plan"]["triggers"].append("Thunder MKthunder")
    write_profile(project, "testa", data)
    build(project)
    assert changes(project) == (
        "What changed since the last version Since version 2, recorded 2026-11-18 11:06 UTC: "
        "Trigger added: Thunder MKthunder"
    )
    assert where(project / "build", [*GUARDIAN_WORDS, "555-0177"]) == []


def test_contact_deleted_while_visible_is_reported_removed(project: Path) -> None:
    data = profile()
    write_profile(project, "testa", data)
    build(project, fmt="html")
    del data["contacts"]["people"][1]
    write_profile(project, "testa", data)
    build(project)
    assert changes(project).endswith("Contact removed: Guardian MKguardrole: Denise MKguardname, 555-0188")


def test_contact_narrowed_then_deleted_is_never_shown_again(project: Path) -> None:
    data = profile()
    write_profile(project, "testa", data)
    build(project, fmt="html")
    data["contacts"]["people"][1]["sharing"] = "consent"  # no consent on record for anyone
    write_profile(project, "testa", data)
    build(project, fmt="html")
    del data["contacts"]["people"][1]
    write_profile(project, "testa", data)
    build(project)
    # Not visible before it was deleted, so not "removed" either.
    assert changes(project) == FIRST
    assert where(project / "build", GUARDIAN_WORDS) == []


def with_care_team_consent(data: dict[str, Any], expires: str) -> dict[str, Any]:
    data["consents"] = [
        {
            "id": "roi-ct",
            "recipient": "care-team",
            "sections": ["behavioral_health"],
            "authority": "person",
            "granted": "2026-01-01",
            "expires": expires,
            "recorded_by": "Sam MKrecorder",
            "document_ref": "ROI MKdocref",
        }
    ]
    return data


def test_consent_lapsing_by_date_is_not_reported(project: Path) -> None:
    data = with_care_team_consent(profile(), expires="2026-12-01")
    write_profile(project, "testa", data)
    build(project, as_of="2026-11-23", fmt="html")
    assert "MKbehavioralhealth" in (project / PLAN.with_suffix(".html")).read_text()
    data["crisis_plan"]["triggers"].append("Thunder MKthunder")
    write_profile(project, "testa", data)
    build(project, as_of="2026-12-01")  # the first day the consent no longer applies
    assert changes(project) == (
        "What changed since the last version Since version 2, recorded 2026-11-18 11:06 UTC: "
        "Trigger added: Thunder MKthunder"
    )
    # Nor kept at rest: the history dropped it from the old revision (was: the whole profile).
    assert where(project / "build", ["MKbehavioralhealth", "MKrecorder", "MKdocref", "MKinternalnotes"]) == []


def test_consent_withdrawn_is_not_reported(project: Path) -> None:
    data = with_care_team_consent(profile(), expires="2027-06-01")
    write_profile(project, "testa", data)
    build(project, fmt="html")
    data["consents"] = []
    write_profile(project, "testa", data)
    build(project)
    # Was: "Behavioral health removed".
    assert changes(project) == FIRST
    assert where(project / "build", ["MKbehavioralhealth"]) == []


def test_section_made_internal_is_not_reported(project: Path) -> None:
    data = profile()
    write_profile(project, "testa", data)
    build(project, fmt="html")
    assert "MKhealthhistory" in (project / PLAN.with_suffix(".html")).read_text()
    data["health_history"]["sharing"] = "internal"
    data["crisis_plan"]["triggers"].append("Thunder MKthunder")
    write_profile(project, "testa", data)
    build(project)
    # Was: "Health history removed" next to the new trigger.
    assert changes(project) == (
        "What changed since the last version Since version 2, recorded 2026-11-18 11:06 UTC: "
        "Trigger added: Thunder MKthunder"
    )
    assert where(project / "build", ["MKhealthhistory"]) == []


def test_a_change_only_another_audience_sees_is_not_counted(project: Path) -> None:
    """Behavioral health reaches the mobile crisis clinician (consent), not the care team."""
    data = profile()
    data["consents"] = [
        {
            "id": "roi-mc",
            "recipient": "mobile-crisis",
            "sections": ["behavioral_health"],
            "authority": "person",
            "granted": "2026-01-01",
            "expires": "2027-06-01",
            "recorded_by": "Sam",
            "document_ref": "ROI-1",
        }
    ]
    write_profile(project, "testa", data)
    build(project, fmt="html")
    data["behavioral_health"]["text"] = "Behavioral MKnewbh"
    write_profile(project, "testa", data)
    build(project)
    # Was: "Nothing this plan shows has changed since version 2 (recorded ...)": a revision the care
    # team cannot see, counted. To the crisis plan there is one version.
    assert changes(project) == FIRST
    assert "MKnewbh" in (project / "build/testa/mobile-crisis-packet.html").read_text()
