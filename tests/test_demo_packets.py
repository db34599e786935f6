"""The shipped demo people produce complete, one-page responder packets and crisis plans."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import REPO, html_soup, pdf_pages, pdf_text, visible_text

from packetgen.model.audiences import AUDIENCES
from packetgen.model.profile import Profile

DEMO_IDS = sorted(p.parent.name for p in (REPO / "people").glob("*/profile.yaml"))


def demo_profile(person_id: str) -> Profile:
    return Profile.model_validate(yaml.safe_load((REPO / "people" / person_id / "profile.yaml").read_text()))


def responder_values(profile: Profile) -> list[str]:
    """Every responder-class fact that must be on the EMS sheet, read from the profile itself."""
    values = [
        profile.identity.preferred_name,
        profile.identity.legal_name,
        profile.identity.language,
        f"Plan version {profile.plan.version}",
        profile.decision_maker.code_status,
    ]
    if profile.allergies.items:
        values += [a.substance for a in profile.allergies.items]
    else:
        values.append("None known")
    values += [m.name for m in profile.medications.items or []]
    for risk_list in (profile.risks.mobility, profile.risks.swallowing, profile.risks.seizures, profile.risks.falls):
        values += [r.risk for r in risk_list.items or []]
    if not profile.decision_maker.decides_for_self:
        values += [profile.decision_maker.name or "", profile.decision_maker.phone or ""]
    values += [c.phone for c in profile.contacts.people if c.sharing in (None, "responder")]
    values.append(profile.communication.how_i_communicate.split(".")[0])
    return values


def test_there_are_at_least_three_fictional_demo_people() -> None:
    assert len(DEMO_IDS) >= 3
    for person_id in DEMO_IDS:
        text = (REPO / "people" / person_id / "profile.yaml").read_text()
        assert "FICTIONAL" in text and demo_profile(person_id).fictional
        assert "# yaml-language-server: $schema=../../schema/profile.schema.json" in text


@pytest.mark.parametrize("person_id", DEMO_IDS)
def test_responder_packet_has_every_required_fact(demo_build: Path, person_id: str) -> None:
    profile = demo_profile(person_id)
    html = visible_text(demo_build / person_id / "responder-packet.html")
    pdf = " ".join(pdf_text(demo_build / person_id / "responder-packet.pdf").split())
    for value in responder_values(profile):
        assert value in html, f"{value!r} missing from HTML"
        assert value in pdf, f"{value!r} missing from PDF text"


@pytest.mark.parametrize("person_id", DEMO_IDS)
def test_responder_packet_is_one_letter_page(demo_build: Path, person_id: str) -> None:
    from pypdf import PdfReader

    reader = PdfReader(demo_build / person_id / "responder-packet.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter in points


@pytest.mark.parametrize("person_id", DEMO_IDS)
def test_allergies_come_before_medications_and_contacts(demo_build: Path, person_id: str) -> None:
    """Critical first: the allergy box precedes the rest in reading order."""
    text = pdf_pages(demo_build / person_id / "responder-packet.pdf")[0]
    assert text.index("Allergies") < text.index("Medications") < text.index("Who to call")


@pytest.mark.parametrize("person_id", DEMO_IDS)
def test_crisis_plan_has_plan_sections_with_named_roles(demo_build: Path, person_id: str) -> None:
    profile = demo_profile(person_id)
    soup = html_soup(demo_build / person_id / "crisis-plan.html")
    for field in (
        "triggers",
        "early_warning_signs",
        "what_helps",
        "what_to_avoid",
        "escalation_steps",
        "step_down_criteria",
    ):
        assert soup.select_one(f'[data-field="{field}"]') is not None, field
    pdf = " ".join(pdf_text(demo_build / person_id / "crisis-plan.pdf").split())
    for step in profile.crisis_plan.escalation_steps:
        assert step.role in pdf
    for item in profile.crisis_plan.step_down_criteria:
        assert item in pdf


def test_unconfirmed_alerts_are_marked(demo_build: Path) -> None:
    soup = html_soup(demo_build / "rosa-m" / "responder-packet.html")
    items = [li.get_text(" ", strip=True) for li in soup.select('[data-field="allergies"] li')]
    assert any("Sulfa" in item and "(unconfirmed)" in item for item in items)
    assert any("Penicillin" in item and "(unconfirmed)" not in item for item in items)


def test_none_known_says_who_verified(demo_build: Path) -> None:
    text = visible_text(demo_build / "jay-t" / "responder-packet.html")
    assert "None known (verified 14 Sep 2026 by residential nurse)" in text


def test_index_lists_everyone_with_review_dates_and_overdue(demo_build: Path) -> None:
    soup = html_soup(demo_build / "index.html")
    rows = {row["data-person"]: row.get_text(" ", strip=True) for row in soup.select("tr[data-person]")}
    assert set(rows) == set(DEMO_IDS)
    # Dana was last reviewed 9 Mar 2026: six months later is 9 Sep 2026, before the build date.
    assert "9 Sep 2026" in rows["dana-k"] and "OVERDUE" in rows["dana-k"]
    # Jay's plan review is not overdue (his row may still say NOTIFICATION OVERDUE for an event).
    assert "OVERDUE" not in rows["jay-t"].replace("NOTIFICATION OVERDUE", "")
    packet = visible_text(demo_build / "dana-k" / "responder-packet.html")
    assert "REVIEW OVERDUE" in packet
    assert "REVIEW OVERDUE" in " ".join(pdf_text(demo_build / "dana-k" / "responder-packet.pdf").split())


def test_every_document_says_fictional_for_demo_people(demo_build: Path) -> None:
    for pdf in demo_build.glob("*/*.pdf"):
        assert "FICTIONAL" in pdf_text(pdf), pdf


def test_audience_labels_are_defined_for_every_document() -> None:
    from packetgen.model.documents import PERSON_DOCUMENTS

    assert all(kind.audience in AUDIENCES for kind in PERSON_DOCUMENTS)
