"""The drill page in a real browser: Debian's chromium driven by Playwright, from a file: URL.

Never a downloaded browser: ``executable_path`` is the system chromium the Makefile installs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import AS_OF, copy_demo, html_soup, pdf_text, run_cli
from playwright.sync_api import Browser, Page
from profiles import marked_profile, write_profile

SLOW_FIELD = "allergies"
SLOW_MS = 2500
PAUSE_MS = 3000
TARGET_SECONDS = "1.5"


@pytest.fixture
def drill_site(tmp_path: Path) -> Path:
    root = copy_demo(tmp_path)
    for log in (root / "people").glob("*/drills.jsonl"):  # start from an empty log: the figures below count it
        log.unlink()
    result = run_cli("drill", "rosa-m", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return root


def open_page(browser: Browser, root: Path, person_id: str = "rosa-m") -> tuple[Page, dict[str, str], list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((root / "build" / "drills" / f"{person_id}.html").as_uri())
    config = page.evaluate("JSON.parse(document.getElementById('drill-config').textContent)")
    assert [r for r in requests if not r.startswith(("file:", "data:", "blob:"))] == []
    return page, {q["text"]: q["field"] for q in config["questions"]}, errors


def test_drill_in_the_browser_then_import_and_report(browser: Browser, drill_site: Path) -> None:
    page, field_of, errors = open_page(browser, drill_site)
    assert page.is_hidden("#packet")
    page.click("#drill-start")  # no role yet: refused
    assert "Enter the participant's role first" in page.inner_text("#drill-status")
    assert page.is_hidden("#packet")
    page.fill("#drill-role", "EMT")
    page.click("#drill-start")
    asked, wrong_field, paused_field = [], None, None
    for number in range(len(field_of)):
        assert page.inner_text("#drill-progress") == f"Question {number + 1} of {len(field_of)}"
        field = field_of[page.inner_text("#drill-question")]
        asked.append(field)
        if paused_field is None and field != SLOW_FIELD:  # pause and resume: the packet is hidden while paused
            paused_field = field
            page.click("#drill-pause")
            assert page.is_hidden("#packet") and page.inner_text("#drill-pause") == "Resume"
            page.wait_for_timeout(PAUSE_MS)
            page.click("#drill-pause")
            assert page.is_visible("#packet")
        if field == SLOW_FIELD:
            page.wait_for_timeout(SLOW_MS)
        if wrong_field is None and field not in ("contacts", SLOW_FIELD):
            wrong_field = field  # answer this one deliberately in the wrong place
            page.click('#packet [data-field="contacts"]')
        else:
            page.click(f'#packet [data-field="{field}"]')
    assert sorted(asked) == sorted(field_of.values())
    summary = page.inner_text("#drill-summary")
    assert f"{len(field_of)} questions: {len(field_of) - 1} right, 1 wrong. Participant: EMT." == summary
    stored = page.evaluate("JSON.parse(localStorage.getItem('packetgen-drill:rosa-m'))")
    assert len(stored) == 1 and stored[0]["participant_role"] == "EMT"

    with page.expect_download() as download:
        page.click("#drill-export")
    results = drill_site / "results.json"
    download.value.save_as(results)
    assert page.evaluate("localStorage.getItem('packetgen-drill:rosa-m')") is None
    assert errors == []
    page.close()

    data = json.loads(results.read_text())
    (run,) = data["runs"]
    answers = {a["field"]: a for a in run["answers"]}
    assert run["person_id"] == "rosa-m" and run["plan_version"] == 3 and run["participant_role"] == "EMT"
    assert answers[wrong_field]["correct"] is False and answers[wrong_field]["clicked_field"] == "contacts"
    assert sum(a["correct"] for a in run["answers"]) == len(field_of) - 1
    assert answers[SLOW_FIELD]["ms"] >= SLOW_MS
    # The 3 s pause is not counted: the paused question took far less than the pause alone.
    assert paused_field is not None
    assert answers[paused_field]["ms"] < PAUSE_MS - 1000, answers[paused_field]
    assert all(a["shown_at"] <= a["answered_at"] for a in run["answers"])

    imported = run_cli("drill", "import", str(results), "--root", str(drill_site))
    assert imported.exit_code == 0, imported.output
    assert "appended 1 drill(s) to people/rosa-m/drills.jsonl" in imported.output
    report = run_cli("drill", "report", "--root", str(drill_site), "--target-seconds", TARGET_SECONDS)
    assert report.exit_code == 0, report.output
    html = drill_site / "build" / "drills" / "report.html"
    soup = html_soup(html)
    figures = {s["data-figure"]: s.get_text() for s in soup.select("[data-figure]")}
    assert figures["runs"] == "1" and figures["answers"] == str(len(field_of))
    assert figures["right"] == str(len(field_of) - 1) and figures["wrong"] == "1"
    flagged = {li["data-field"] for li in soup.select("ul.flagged li")}
    # The slow field is over 1.5 s, the wrong one was never found; quick clicks stay under the target.
    assert {SLOW_FIELD, wrong_field} <= flagged
    assert wrong_field is not None
    fields = {
        tr["data-key"]: [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in soup.select("#fields-heading ~ table tbody tr")
    }
    assert fields[wrong_field][:4] == ["1", "0", "1", "never found"]
    assert float(fields[SLOW_FIELD][3]) >= SLOW_MS / 1000
    roles = {tr["data-key"]: tr.select("td")[0].get_text() for tr in soup.select("#roles-heading ~ table tbody tr")}
    assert roles == {"EMT": str(len(field_of))}
    pdf = " ".join(pdf_text(html.with_suffix(".pdf")).split())
    assert f"1 drills, {len(field_of)} answers: {len(field_of) - 1} right, 1 wrong" in pdf
    assert f"{wrong_field} 1 0 1 never found" in pdf
    assert pdf.count("hard to find: consider moving up") >= 2 * len(flagged)  # list and tables


def test_drill_by_keyboard_only(browser: Browser, drill_site: Path) -> None:
    page, field_of, errors = open_page(browser, drill_site)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "drill-role"
    page.keyboard.type("Police officer")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "drill-start"
    page.keyboard.press("Enter")
    for number in range(len(field_of)):
        assert page.evaluate("document.activeElement.id") == "drill-question"
        field = field_of[page.inner_text("#drill-question")]
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.dataset.field") == field:
                break
        else:
            pytest.fail(f"could not Tab to {field}")
        style = page.evaluate("getComputedStyle(document.activeElement)")
        assert style["outlineStyle"] == "solid" and float(style["outlineWidth"].rstrip("px")) >= 3
        page.keyboard.press("Enter" if number % 2 else " ")
    assert page.inner_text("#drill-summary").startswith(f"{len(field_of)} questions: {len(field_of)} right, 0 wrong")
    # Every answer target is at least 24 by 24 CSS pixels (WCAG 2.2 target size).
    sizes = page.evaluate("""Array.from(document.querySelectorAll('#packet [data-field]')).map(
        el => [el.dataset.field, el.getBoundingClientRect().width, el.getBoundingClientRect().height])""")
    small = [s for s in sizes if s[1] < 24 or s[2] < 24]
    assert sizes and small == []
    assert errors == []
    page.close()


def test_a_medication_list_continued_on_page_2_is_a_right_answer_too(browser: Browser, project: Path) -> None:
    data = marked_profile()
    data["medications"]["items"] = [
        {
            "name": f"Med{i}",
            "dose": "1 mg",
            "route": "by mouth",
            "schedule": "8 am",
            "purpose": "a purpose long enough to take two lines in a column",
        }
        for i in range(40)
    ]  # more than page 1 holds
    write_profile(project, "testa", data)
    assert run_cli("drill", "testa", "--root", str(project), "--as-of", AS_OF).exit_code == 0
    page, field_of, errors = open_page(browser, project, "testa")
    page.fill("#drill-role", "EMT")
    page.click("#drill-start")
    for _ in field_of:
        field = field_of[page.inner_text("#drill-question")]
        page.click(f'#packet [data-field="{"medications_continued" if field == "medications" else field}"]')
    assert "medications" in field_of.values()
    assert page.inner_text("#drill-summary").startswith(f"{len(field_of)} questions: {len(field_of)} right, 0 wrong")
    assert errors == []
    page.close()
