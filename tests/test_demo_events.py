"""The demo people's event histories: the 3-in-30 pattern, a mobile crisis partnership review,
the morning status list and the committed schemas."""

from __future__ import annotations

from pathlib import Path

from conftest import AS_OF, REPO, attr, html_soup, one, pdf_text, run_cli, visible_text

EVENT_FILES = sorted((REPO / "people").glob("*/events/*.yaml"))


def test_demo_event_files_are_fictional_and_name_the_schema() -> None:
    assert len(EVENT_FILES) >= 5
    for path in EVENT_FILES:
        text = path.read_text()
        assert text.startswith("# yaml-language-server: $schema=../../../schema/event.schema.json"), path
        assert "FICTIONAL" in text, path


def test_committed_schemas_are_current() -> None:
    result = run_cli("schema", "--root", str(REPO), "--check")
    assert result.exit_code == 0, result.output
    assert "schema/event.schema.json is up to date" in result.output


def test_jay_third_escalation_triggers_three_in_thirty(demo_build: Path) -> None:
    folder = demo_build / "jay-t" / "events" / "2026-11-21-escalation"
    rule = html_soup(folder / "case-manager-update.html").select_one('[data-rule="three-in-thirty"]')
    assert rule is not None
    text = rule.get_text(" ", strip=True)
    for event_id in ("2026-11-02-escalation", "2026-11-10-escalation", "2026-11-21-escalation"):
        assert event_id in text
    pdf = " ".join(pdf_text(folder / "case-manager-update.pdf").split())
    assert "3 crisis contacts within 30 days" in pdf and "NOT YET: OVERDUE" in pdf
    # The second escalation was only two in the window: its own rule is repeated escalation.
    second = html_soup(demo_build / "jay-t" / "events" / "2026-11-10-escalation" / "case-manager-update.html")
    assert [li["data-rule"] for li in second.select("[data-rule]")] == ["repeated-escalation"]


def test_dana_mobile_crisis_has_partnership_review_and_checklist(demo_build: Path) -> None:
    folder = demo_build / "dana-k" / "events" / "2026-11-16-mobile-crisis"
    review = " ".join(pdf_text(folder / "partnership-review.pdf").split())
    assert "Riverside mobile crisis team" in review and "Lena Ortiz, program manager" in review
    assert '"mobile crisis attended"' in review
    checklist = visible_text(folder / "return-checklist.html")
    assert "Crisis plan update needed? Yes." in checklist
    for name in ("case-manager-update", "governance-update", "support-request"):
        text = (folder / f"{name}.html").read_text() + pdf_text(folder / f"{name}.pdf")
        assert "complaint" not in text and "Bipolar" not in text, name


def test_demo_status_is_the_morning_list() -> None:
    result = run_cli("status", "--root", str(REPO), "--as-of", AS_OF)
    # Exit 1: Jay's notification is overdue (due 22 Nov) and Dana's plan review too (9 Sep).
    assert result.exit_code == 1, result.output
    out = result.output
    assert out.startswith("Status as of 23 Nov 2026: 1 notification(s) overdue, 1 due, 4 open gate(s)")
    assert "  notifications overdue: 1\n    2026-11-21-escalation (escalation): due 22 Nov 2026, 21:05, because " in out
    assert (
        "3 crisis contacts within 30 days (2026-11-02-escalation, 2026-11-10-escalation, 2026-11-21-escalation)"
    ) in out
    assert "    2026-11-22-medication-disruption (medication disruption): due 23 Nov 2026, 21:30" in out
    rosa = out[out.index("rosa-m (Rosa)") :]
    assert "open gates: none" in rosa and "notifications overdue: none" in rosa


def test_demo_check_reports_gates_and_allows_them_on_request() -> None:
    strict = run_cli("check", "--root", str(REPO), "--as-of", AS_OF)
    assert strict.exit_code == 1
    assert "4 open gate(s) leave documents INCOMPLETE" in strict.output
    allowed = run_cli("check", "--root", str(REPO), "--as-of", AS_OF, "--allow-incomplete")
    assert allowed.exit_code == 0, allowed.output


UPDATES = {"case-manager-update", "governance-update"}
SUPPORT = {"support-request"}
PARTNERS = {"partnership-review", "return-checklist"}
DEMO_EVENT_DOCUMENTS = {
    # README: every event gets the two case manager updates; a support increase adds the support
    # request; partners add the partnership review and the return checklist.
    "dana-k/events/2026-10-03-escalation": UPDATES,
    "dana-k/events/2026-11-16-mobile-crisis": UPDATES | SUPPORT | PARTNERS,
    "dana-k/events/2026-11-22-medication-disruption": UPDATES,
    "jay-t/events/2026-09-02-police": UPDATES | PARTNERS,
    "jay-t/events/2026-11-02-escalation": UPDATES,
    "jay-t/events/2026-11-10-escalation": UPDATES | SUPPORT,
    "jay-t/events/2026-11-21-escalation": UPDATES | SUPPORT,
    "rosa-m/events/2026-08-19-fall": UPDATES,
    "rosa-m/events/2026-10-14-ed-visit": UPDATES | SUPPORT | PARTNERS,
}


def test_every_event_document_is_made_and_says_fictional(demo_build: Path) -> None:
    assert {p.with_suffix("").relative_to(REPO / "people").as_posix() for p in EVENT_FILES} == set(DEMO_EVENT_DOCUMENTS)
    pdfs = list(demo_build.glob("*/events/*/*.pdf"))
    expected = {f"{event}/{name}.pdf" for event, names in DEMO_EVENT_DOCUMENTS.items() for name in names}
    assert {p.relative_to(demo_build).as_posix() for p in pdfs} == expected
    for pdf in pdfs:
        assert "FICTIONAL" in pdf_text(pdf), pdf


def test_index_links_event_documents_and_marks_incomplete(demo_build: Path) -> None:
    soup = html_soup(demo_build / "index.html")
    jay = one(soup, 'tr[data-person="jay-t"]')
    links = [attr(a, "href") for a in jay.select(".event-link a")]
    assert "jay-t/events/2026-11-21-escalation/support-request.html" in links
    assert all((demo_build / href).is_file() for href in links)
    first = one(jay, '[data-event="2026-11-02-escalation"]').get_text(" ", strip=True)
    assert "INCOMPLETE" in first


def test_readme_status_example_is_the_real_output() -> None:
    readme = (REPO / "README.md").read_text()
    start = readme.index("$ packetgen status --as-of 2026-11-23\n") + len("$ packetgen status --as-of 2026-11-23\n")
    example = readme[start : readme.index("```", start)]
    assert example == run_cli("status", "--root", str(REPO), "--as-of", AS_OF).output


def test_event_pages_link_the_shared_stylesheet(demo_build: Path) -> None:
    for page in demo_build.glob("*/events/*/*.html"):
        href = attr(one(html_soup(page), 'link[rel="stylesheet"]'), "href")
        assert (page.parent / href).resolve().is_file(), (page, href)


def test_status_for_one_person() -> None:
    result = run_cli("status", "--root", str(REPO), "--as-of", AS_OF, "--person", "rosa-m")
    assert result.exit_code == 0
    assert "rosa-m (Rosa)" in result.output and "jay-t" not in result.output
    assert run_cli("status", "--root", str(REPO), "--person", "nobody").exit_code == 2
