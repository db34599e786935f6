"""The quality audit on fixture histories with known answers, read back from the real report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import REPO, attr, html_soup, one, pdf_text, run_cli, visible_text
from events import event_data, write_event
from profiles import marked_profile, write_profile

AUDIT_DAY = "2026-08-01"
NOT_CONTACTED = {"contacted": False, "summary": "Not contacted MKfamily"}
WEAK = {
    "summary": "Testa had a crisis and is being monitored.",
    "current_risk": "Being monitored.",
    "current_presentation": "Is being monitored.",
    "clinical_follow_up": "None.",
}


def notified(at: str, **extra: object) -> dict[str, object]:
    return {"notified_at": at, "notified_by": "Sam Super MKnotifier", **extra}


@pytest.fixture
def history(project: Path) -> Path:
    """testa: on time, late + weak, missing + unanswered request (family never told); otto: no trigger."""
    write_profile(project, "testa", marked_profile())
    other = marked_profile()
    other["identity"] |= {"preferred_name": "Otto", "legal_name": "Otto Quill Other"}
    write_profile(project, "otto", other)
    write_event(
        project,
        "testa",
        "2026-06-03-ed",
        event_data(
            "2026-06-03 08:00", "ed-visit", family_contact=NOT_CONTACTED, case_manager=notified("2026-06-03 10:00")
        ),
    )
    write_event(
        project,
        "testa",
        "2026-06-20-injury",
        event_data(
            "2026-06-20 08:00",
            "injury",
            family_contact=NOT_CONTACTED,
            case_manager=notified("2026-06-21 14:00"),
            **WEAK,
        ),
    )
    write_event(
        project,
        "testa",
        "2026-07-10-police",
        event_data(
            "2026-07-10 08:00",
            "police-ems",
            family_contact=NOT_CONTACTED,
            case_manager={"requested_action": "Care review MKrequest"},
        ),
    )
    write_event(
        project,
        "otto",
        "2026-07-15-escalation",
        event_data(
            "2026-07-15 20:00",
            "escalation",
            family_contact={"contacted": True, "who": "mother", "at": "2026-07-15 21:00", "summary": "Family MKfamily"},
        ),
    )
    return project


def audit(project: Path, *args: str) -> tuple[str, Path]:
    result = run_cli("audit", "--root", str(project), "--as-of", AUDIT_DAY, *args)
    assert result.exit_code == 0, result.output
    return result.output, project / "build" / "audit"


def test_notification_timeliness_on_time_late_missing(history: Path) -> None:
    output, folder = audit(history)
    assert "notifications: 3 required, 1 on time, 1 late, 1 missing, 0 pending; median 16.0 h, worst 30.0 h" in output
    soup = html_soup(folder / "report.html")
    states = {row["data-event"]: row["data-timeliness"] for row in soup.select("[data-timeliness]")}
    assert states == {"2026-06-03-ed": "on-time", "2026-06-20-injury": "late", "2026-07-10-police": "missing"}
    summary = one(soup, '[data-summary="thresholds"]').get_text(" ", strip=True)
    assert "3 events required notification: 1 on time, 1 late, 1 missing" in summary
    assert "median 16.0 h" in summary and "worst 30.0 h" in summary
    pdf = " ".join(pdf_text(folder / "report.pdf").split())
    assert "3 events required notification: 1 on time, 1 late, 1 missing" in pdf


def test_target_hours_is_configurable(history: Path) -> None:
    output, _ = audit(history, "--target-hours", "48")
    assert "2 on time, 0 late, 1 missing" in output


def test_weak_update_is_flagged(history: Path) -> None:
    _, folder = audit(history)
    soup = html_soup(folder / "report.html")
    weak = [li for li in soup.select('[data-section="completeness"] li') if "Weak update" in li.get_text()]
    assert [li["data-event"] for li in weak] == ["2026-06-20-injury"]
    assert "'is being monitored'" in weak[0].get_text() and "no support change" in weak[0].get_text()
    assert "1 weak update(s)" in one(soup, '[data-summary="completeness"]').get_text(" ", strip=True)


def test_repeated_gap_across_three_events_is_listed_first(history: Path) -> None:
    output, folder = audit(history)
    soup = html_soup(folder / "report.html")
    sections = [s["data-section"] for s in soup.select("section[data-section]")]
    assert sections[0] == "repeated"
    first = soup.select('[data-section="repeated"] tbody tr')[0]
    assert first["data-gap"] == "missing: family contact"
    cells = [td.get_text(strip=True) for td in first.select("td")]
    assert cells[0] == "3" and cells[1] == "1"
    assert "missing: family contact: 3 events, 1 people" in output


def test_follow_through_lists_unanswered_request(history: Path) -> None:
    _, folder = audit(history)
    items = html_soup(folder / "report.html").select('[data-section="follow-through"] li')
    assert [(li["data-event"], "no recorded response" in li.get_text()) for li in items] == [
        ("2026-07-10-police", True)
    ]


def test_trend_shows_month_over_month_improvement(history: Path) -> None:
    _, folder = audit(history)
    rows = {
        r["data-month"]: [td.get_text(strip=True) for td in r.select("td")]
        for r in html_soup(folder / "report.html").select("[data-month]")
    }
    assert list(rows) == ["2026-06", "2026-07"]
    june, july = (int(rows[m][1].rstrip("%")) for m in ("2026-06", "2026-07"))
    assert july > june
    assert rows["2026-06"][3] == "1" and rows["2026-07"][3] == "0"  # weak updates per month
    img = one(html_soup(folder / "report.html"), "img.chart")
    assert attr(img, "src").startswith("data:image/svg+xml;base64,") and "monthly figures" in img["alt"]


def test_deidentified_view_has_no_names_or_free_text(history: Path) -> None:
    _, folder = audit(history)
    # Embedded fonts and the chart are base64 data: URIs; any letters can occur inside them.
    html = re.sub(r"data:[^\"')]+", "", (folder / "report.html").read_text())
    pdf = pdf_text(folder / "report.pdf")
    for text in (html, pdf, (folder / "report.manifest.json").read_text()):
        for name in ("Testa", "Example", "Otto", "Quill"):
            assert name not in text
        assert not re.search(r"MK[a-z]+", text), "event or profile free text reached the audit"
    assert "testa (T.E.)" in visible_text(folder / "report.html")
    manifest = json.loads((folder / "report.manifest.json").read_text())
    assert manifest["identified"] is False and manifest["people_shown_as"] == "id and initials"


def test_identified_view_names_people_and_says_so(history: Path) -> None:
    _, folder = audit(history, "--identified")
    assert "Testa Example (testa)" in visible_text(folder / "report.html")
    assert json.loads((folder / "report.manifest.json").read_text())["identified"] is True


def test_seeded_sample_is_repeatable_and_recorded(history: Path) -> None:
    first, folder = audit(history, "--sample", "2", "--seed", "7")
    chosen = json.loads((folder / "report.manifest.json").read_text())["events"]
    again, _ = audit(history, "--sample", "2", "--seed", "7")
    assert json.loads((folder / "report.manifest.json").read_text())["events"] == chosen
    assert len(chosen) == 2 and "a sample of 2 of 4 events (seed 7)" in first and first == again


def test_date_range_limits_the_events(history: Path) -> None:
    output, folder = audit(history, "--from", "2026-07-01", "--to", "2026-07-31")
    assert "all 2 events" in output
    events = json.loads((folder / "report.manifest.json").read_text())["events"]
    assert events == ["testa/2026-07-10-police", "otto/2026-07-15-escalation"]


def test_records_with_errors_become_findings(history: Path) -> None:
    write_event(history, "otto", "2026-07-20-bad", "occurred_at: 2026-07-20 10:00\ntype: [unclosed\n")
    output, folder = audit(history)
    assert "records with errors: 1 problem(s)" in output
    errors = one(html_soup(folder / "report.html"), '[data-section="errors"]').get_text(" ", strip=True)
    assert "people/otto/events/2026-07-20-bad.yaml:2" in errors


def test_demo_audit_has_a_finding_in_every_category() -> None:
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = run_cli("audit", "--root", str(REPO), "--as-of", "2026-11-23", "--out", tmp)
        assert result.exit_code == 0, result.output
        soup = html_soup(Path(tmp) / "audit" / "report.html")
        assert soup.select('[data-section="repeated"] tbody tr')
        assert {"late", "missing"} <= {r["data-timeliness"] for r in soup.select("[data-timeliness]")}
        assert any("Weak update" in li.get_text() for li in soup.select('[data-section="completeness"] li'))
        assert soup.select('[data-section="follow-through"] li[data-event]')
        assert len(soup.select("[data-month]")) >= 3
        evidence = one(soup, '[data-section="evidence"]').get_text(" ", strip=True)
        assert "took effect" in evidence and "run(s)" in evidence and "expires" in evidence
        shutil.rmtree(Path(tmp) / "audit")


def test_audit_pdf_text_including_the_chart_is_at_least_12_pt(history: Path) -> None:
    import pdfplumber

    _, folder = audit(history)
    with pdfplumber.open(folder / "report.pdf") as pdf:
        sizes = [c["size"] for page in pdf.pages for c in page.chars]
    assert sizes and round(min(sizes), 1) >= 12.0
