"""Coordination documents from events, checked on the real HTML and PDF they produce."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import AS_OF, html_soup, one, pdf_metadata_text, pdf_text, run_cli, visible_text
from events import event_data, partner_block, support_block, write_event
from profiles import marked_profile, write_profile
from pypdf import PdfReader

# Every form's required fields (from the source articles), as the label printed on the form and
# the data-field attribute that carries it.
FORM_FIELDS = {
    "case-manager-update": [
        ("Date and time of event", "occurred_at"),
        ("Presenting risk", "presenting_risk"),
        ("Immediate response", "immediate_response"),
        ("Current presentation", "current_presentation"),
        ("Temporary support changes", "temporary_support_changes"),
        ("Family contact", "family_contact"),
        ("Next review point", "next_review"),
        ("Supervisor responsible for the next update", "next_update"),
    ],
    "support-request": [
        ("Support increase", "support_increase"),
        ("Reason for increase", "reason"),
        ("Start date", "start"),
        ("Expected review date", "expected_review"),
        ("Outcome indicators", "outcome_indicators"),
        ("Staffing impact", "staffing_impact"),
        ("Case manager notification", "case_manager_notification"),
        ("Step-down evidence", "step_down_evidence"),
    ],
    "governance-update": [
        ("Event summary", "summary"),
        ("Current risk status", "current_risk"),
        ("Stabilization actions", "stabilization_actions"),
        ("Staffing impact", "staffing_impact"),
        ("Clinical follow-up", "clinical_follow_up"),
        ("Family or caregiver communication", "family_contact"),
        ("Requested case manager action", "requested_action"),
        ("Next update date", "next_update"),
    ],
    "partnership-review": [
        ("Partner involved", "partner"),
        ("Reason for involvement", "reason"),
        ("Information shared", "information_shared"),
        ("Handoff time", "handoff_at"),
        ("Decision ownership", "decision_owner"),
        ("Follow-up responsibility", "follow_up_responsibility"),
        ("Communication gap identified", "communication_gap"),
        ("Action owner", "action_owner"),
        ("Validation date", "validation_date"),
    ],
    "return-checklist": [
        ("Current risk", "current_risk"),
        ("Recommended support actions", "recommended_actions"),
        ("Warning signs", "warning_signs"),
        ("Follow-up timing", "follow_up_timing"),
        ("Crisis plan update needed?", "crisis_plan_update_needed"),
    ],
}

# The marker word each form must carry from the event, per field: proof the value, not only the
# label, reached the page.
FORM_VALUES = {
    "case-manager-update": [
        "MKpresentingrisk",
        "MKimmediateresponse",
        "MKcurrentpresentation",
        "MKsupportchange",
        "MKfamily",
        "MKnextreview",
        "Sam Super",
        "MKstepdown",
        "2 Nov 2026, 19:40",
    ],
    "support-request": [
        "MKsupportchange",
        "MKsupportreason",
        "3 Nov 2026",
        "10 Nov 2026",
        "MKoutcome",
        "MKstaffing",
        "MKstepdown",
        "3 Nov 2026, 09:00",
    ],
    "governance-update": [
        "MKsummary",
        "MKcurrentrisk",
        "MKstabilization",
        "MKstaffing",
        "MKclinical",
        "MKfamily",
        "Care team MKrequest",
        "Booked MKresponse",
        "5 Nov 2026, 12:00",
    ],
    "partnership-review": [
        "MKpartner",
        "MKpartnerreason",
        "MKinfoshared",
        "2 Nov 2026, 20:30",
        "MKdecisionowner",
        "MKfollowupresp",
        "MKgap",
        "MKactionowner",
        "15 Dec 2026",
    ],
    "return-checklist": [
        "MKchecklistrisk",
        "MKrecommended",
        "MKwarning",
        "MKfollowuptiming",
        "Yes.",
        "MKplannote",
        "MKconfirmedby",
    ],
}


def complete_event() -> dict:
    return event_data(
        type="mobile-crisis-contact",
        temporary_support=support_block(affects_authorization=True),
        partners=[partner_block()],
        case_manager={
            "notified_at": "2026-11-03 09:00",
            "notified_by": "Sam Super",
            "requested_action": "Care team MKrequest",
            "response": {"text": "Booked MKresponse", "received_at": "2026-11-03 15:00"},
        },
        internal_notes="Internal MKeventinternal",
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One marked person with a complete event and a gated one, built once."""
    root = tmp_path_factory.mktemp("events")
    (root / "people").mkdir()
    write_profile(root, "testa", marked_profile())
    write_event(root, "testa", "2026-11-02-mobile-crisis", complete_event())
    gated = event_data(
        occurred_at="2026-11-20 18:00",
        next_update={"due": "2026-11-22 12:00"},
        temporary_support=support_block(beyond_authorized_scope=True, start="2026-11-20", expected_review="2026-11-27"),
        case_manager={"requested_action": "Authorize hours"},
        support_plan_changed=True,
    )
    write_event(root, "testa", "2026-11-20-escalation", gated)
    result = run_cli("build", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return root


def doc(root: Path, event_id: str, name: str, suffix: str) -> Path:
    return root / "build" / "testa" / "events" / event_id / f"{name}{suffix}"


@pytest.mark.parametrize("name", sorted(FORM_FIELDS))
def test_every_form_shows_every_required_field_in_html_and_pdf(built: Path, name: str) -> None:
    soup = html_soup(doc(built, "2026-11-02-mobile-crisis", name, ".html"))
    html = visible_text(doc(built, "2026-11-02-mobile-crisis", name, ".html"))
    pdf = " ".join(pdf_text(doc(built, "2026-11-02-mobile-crisis", name, ".pdf")).split())
    for label, field in FORM_FIELDS[name]:
        row = soup.select_one(f'[data-field="{field}"]')
        assert row is not None, f"{name}: no {field}"
        assert row.get_text(" ", strip=True), f"{name}: {field} is empty"
        assert label in html, f"{name}: label {label!r} not in HTML"
        assert label in pdf, f"{name}: label {label!r} not in PDF text"
    for value in FORM_VALUES[name]:
        assert value in html, f"{name}: {value!r} not in HTML"
        assert value in pdf, f"{name}: {value!r} not in PDF text"
    assert "INCOMPLETE" not in html and "INCOMPLETE" not in pdf


def test_case_manager_update_says_which_rule_and_which_events(built: Path) -> None:
    soup = html_soup(doc(built, "2026-11-02-mobile-crisis", "case-manager-update", ".html"))
    rules = {li["data-rule"]: li.get_text(" ", strip=True) for li in soup.select("[data-rule]")}
    assert set(rules) == {"threshold-type", "support-authorization"}
    assert "mobile crisis contact" in rules["threshold-type"]
    assert "2026-11-02-mobile-crisis" in rules["threshold-type"]
    pdf = " ".join(pdf_text(doc(built, "2026-11-02-mobile-crisis", "case-manager-update", ".pdf")).split())
    assert "threshold event: mobile crisis contact" in pdf
    assert "due by 3 Nov 2026, 19:40" in pdf and "Notified: 3 Nov 2026, 09:00" in pdf


def test_only_events_that_need_them_get_support_requests_and_partner_documents(built: Path) -> None:
    folder = built / "build" / "testa" / "events"
    assert sorted(p.stem for p in (folder / "2026-11-02-mobile-crisis").glob("*.pdf")) == sorted(FORM_FIELDS)
    assert sorted(p.stem for p in (folder / "2026-11-20-escalation").glob("*.pdf")) == [
        "case-manager-update",
        "governance-update",
        "support-request",
    ]


@pytest.mark.parametrize(
    "name, missing",
    [
        ("case-manager-update", ["no named supervisor", "no recorded response"]),
        ("governance-update", ["no named supervisor", "exceeds the normal authorized scope", "no recorded response"]),
        ("support-request", ["exceeds the normal authorized scope", "no recorded response"]),
    ],
)
def test_gated_documents_carry_the_incomplete_banner_listing_what_is_missing(
    built: Path, name: str, missing: list[str]
) -> None:
    html_path = doc(built, "2026-11-20-escalation", name, ".html")
    banner = html_soup(html_path).select_one('[data-field="incomplete"]')
    assert banner is not None and banner.get("role") == "alert"
    text = banner.get_text(" ", strip=True)
    assert "INCOMPLETE" in text
    assert len(banner.select("li")) == len(missing)
    for item in missing:
        assert item in text
    assert one(html_soup(html_path), "title").get_text().startswith("INCOMPLETE")
    pages = PdfReader(doc(built, "2026-11-20-escalation", name, ".pdf")).pages
    first = " ".join((pages[0].extract_text() or "").split())
    assert "INCOMPLETE: do not treat this as coordination completed" in first
    for item in missing:
        assert item in first
    for page in pages:  # the footer repeats the word on every page
        assert "INCOMPLETE" in (page.extract_text() or "")
    manifest = json.loads(doc(built, "2026-11-20-escalation", name, ".manifest.json").read_text())
    assert len(manifest["incomplete"]) == len(missing)


def test_missing_values_are_printed_not_left_blank(built: Path) -> None:
    pdf = " ".join(pdf_text(doc(built, "2026-11-20-escalation", "case-manager-update", ".pdf")).split())
    assert "NO NAMED SUPERVISOR" in pdf and "NO RESPONSE RECORDED" in pdf
    support = " ".join(pdf_text(doc(built, "2026-11-20-escalation", "support-request", ".pdf")).split())
    assert "NOT YET NOTIFIED" in support


@pytest.mark.parametrize("name", ["case-manager-update", "governance-update", "support-request"])
def test_case_manager_documents_leak_nothing_internal_or_unconsented(built: Path, name: str) -> None:
    """The audience is the case manager: no internal notes (profile or event), no consent-class
    section without a consent record for the case manager, anywhere in the files."""
    forbidden = ["MKinternalnotes", "MKeventinternal", "MKbehavioralhealth"]
    for event_id in ("2026-11-02-mobile-crisis", "2026-11-20-escalation"):
        raw = doc(built, event_id, name, ".html").read_text()  # includes comments and hidden elements
        pdf = pdf_text(doc(built, event_id, name, ".pdf")) + pdf_metadata_text(doc(built, event_id, name, ".pdf"))
        manifest = doc(built, event_id, name, ".manifest.json").read_text()
        for word in forbidden:
            assert word not in raw and word not in pdf and word not in manifest, (name, event_id, word)
    manifest = json.loads(doc(built, "2026-11-02-mobile-crisis", name, ".manifest.json").read_text())
    assert manifest["audience"] == "case-manager"
    # The same words whether or not the event has internal notes (issue 12: a manifest must not tell).
    assert manifest["event_fields"] == [
        {
            "section": "event.internal_notes",
            "sharing": None,
            "included": False,
            "reason": "not shared with Case manager",
        }
    ]


def test_partnership_review_is_internal_and_shows_internal_notes(built: Path) -> None:
    """The control for the leak test: the marker is really in the event, and internal staff see it."""
    path = doc(built, "2026-11-02-mobile-crisis", "partnership-review", ".html")
    assert "MKeventinternal" in visible_text(path)
    assert (
        json.loads(doc(built, "2026-11-02-mobile-crisis", "partnership-review", ".manifest.json").read_text())[
            "audience"
        ]
        == "internal-staff"
    )
    checklist = json.loads(doc(built, "2026-11-02-mobile-crisis", "return-checklist", ".manifest.json").read_text())
    assert checklist["audience"] == "care-team"
    assert "MKeventinternal" not in doc(built, "2026-11-02-mobile-crisis", "return-checklist", ".html").read_text()


def test_blank_checklist_is_a_fillable_pdf_form(built: Path) -> None:
    path = built / "build" / "testa" / "return-checklist-blank.pdf"
    fields = PdfReader(path).get_fields() or {}
    for name in (
        "partner",
        "confirmed_by",
        "current_risk",
        "recommended_actions",
        "warning_signs",
        "follow_up_timing",
        "plan_update_yes",
        "plan_update_no",
    ):
        assert name in fields, name
    text = " ".join(pdf_text(path).split())
    for label in (
        "Current risk",
        "Recommended support actions",
        "Warning signs",
        "Follow-up timing",
        "Crisis plan update needed?",
    ):
        assert label in text
    soup = html_soup(built / "build" / "testa" / "return-checklist-blank.html")
    assert len(soup.select("textarea")) >= 4 and soup.select('input[type="checkbox"]')
    # Filled documents are not forms.
    assert not PdfReader(doc(built, "2026-11-02-mobile-crisis", "return-checklist", ".pdf")).get_fields()


def test_check_fails_on_open_gates_and_allow_incomplete_turns_them_into_warnings(built: Path) -> None:
    result = run_cli("check", "--root", str(built), "--as-of", AS_OF)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("people/") and "INCOMPLETE" in line]
    assert len(lines) == 3
    assert any(
        line.startswith("people/testa/events/2026-11-20-escalation.yaml:")
        and "next_update.supervisor: INCOMPLETE case-manager-update, governance-update: no named supervisor" in line
        for line in lines
    )
    assert "3 open gate(s) leave documents INCOMPLETE" in result.output
    allowed = run_cli("check", "--root", str(built), "--as-of", AS_OF, "--allow-incomplete")
    assert allowed.exit_code == 0, allowed.output
    assert sum("warning: INCOMPLETE" in line for line in allowed.output.splitlines()) == 3
    assert "3 open gates allowed" in allowed.output


def test_status_lists_notifications_gates_and_reviews(built: Path) -> None:
    result = run_cli("status", "--root", str(built), "--as-of", "2026-11-21")
    assert result.exit_code == 1, "the plan review is overdue since 5 Jul 2026: exit 1"
    out = result.output
    assert "Status as of 21 Nov 2026: 0 notification(s) overdue, 1 due, 3 open gate(s)" in out
    assert (
        "  notifications due: 1\n    2026-11-20-escalation (escalation): due 21 Nov 2026, 18:00, because "
        "the event changed the support plan\n"
    ) in out
    assert "open gates: 3" in out
    assert "    2026-11-20-escalation [case-manager-update, governance-update]: no named supervisor" in out
    assert "22 Nov 2026, 12:00: 2026-11-20-escalation: next case manager update, by NO NAMED SUPERVISOR" in out
    assert "5 Jul 2026: plan review (OVERDUE)" in out
    later = run_cli("status", "--root", str(built), "--as-of", AS_OF).output
    assert "1 notification(s) overdue, 0 due" in later
    assert "  notifications overdue: 1\n    2026-11-20-escalation" in later
