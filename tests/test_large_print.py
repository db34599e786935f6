"""`packetgen build --large-print`: 18 pt twins of the responder packet and crisis plan.

Sizes are checked in test_typography.py; here: what is written, that page 1 still carries the
alerts, and that a large-print twin shows exactly what its standard document shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import html_soup, one, pdf_pages
from test_demo_packets import DEMO_IDS, demo_profile

TWINS = {"responder-packet": "responder-packet-large-print", "crisis-plan": "crisis-plan-large-print"}


def test_large_print_is_written_only_when_asked(demo_build: Path, large_print_build: Path) -> None:
    for person_id in DEMO_IDS:
        for twin in TWINS.values():
            for suffix in (".html", ".pdf", ".manifest.json"):
                assert (large_print_build / person_id / f"{twin}{suffix}").is_file()
                assert not (demo_build / person_id / f"{twin}{suffix}").exists()
        assert not (large_print_build / person_id / "mobile-crisis-packet-large-print.pdf").exists()


@pytest.mark.parametrize("person_id", DEMO_IDS)
@pytest.mark.parametrize("document", sorted(TWINS))
def test_twin_shows_exactly_what_the_standard_document_shows(
    large_print_build: Path, person_id: str, document: str
) -> None:
    """Same audience, same consent decisions: large print is a typeface change, never a wider audience."""
    folder = large_print_build / person_id
    standard = json.loads((folder / f"{document}.manifest.json").read_text())
    twin = json.loads((folder / f"{TWINS[document]}.manifest.json").read_text())
    assert twin["document"] == TWINS[document]
    # The check code names the sheet (its document kind included), like "document"; the larger type
    # changes where things land.
    ids = {"document", "check_code", "pages", "page_one_complete", "continued"}
    assert {k: v for k, v in twin.items() if k not in ids} == {k: v for k, v in standard.items() if k not in ids}
    assert twin["check_code"] != standard["check_code"]
    text = " ".join(one(html_soup(folder / f"{TWINS[document]}.html"), "main").get_text(" ").split())
    expected = " ".join(one(html_soup(folder / f"{document}.html"), "main").get_text(" ").split())
    assert text == expected.replace("packet FICTIONAL", "packet, large print FICTIONAL").replace(
        "Crisis plan FICTIONAL", "Crisis plan, large print FICTIONAL"
    )


@pytest.mark.parametrize("person_id", DEMO_IDS)
def test_large_print_packet_page_one_still_carries_the_alerts(large_print_build: Path, person_id: str) -> None:
    profile = demo_profile(person_id)
    pages = pdf_pages(large_print_build / person_id / "responder-packet-large-print.pdf")
    first = " ".join(pages[0].split())
    assert len(pages) >= 2  # 18 pt does not fit one page; that is allowed
    facts = [a.substance for a in profile.allergies.items or []] or ["None known"]
    facts += [profile.decision_maker.code_status, "Allergies", "Code status", profile.identity.preferred_name]
    for fact in facts:
        assert fact in first, fact
    assert first.index("Allergies") < first.index("How I communicate")


def test_index_links_the_large_print_documents(large_print_build: Path) -> None:
    links = {a["href"] for a in html_soup(large_print_build / "index.html").select("a[href]")}
    for person_id in DEMO_IDS:
        for twin in TWINS.values():
            assert {f"{person_id}/{twin}.html", f"{person_id}/{twin}.pdf"} <= links
