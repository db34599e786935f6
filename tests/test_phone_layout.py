"""The HTML packet on a phone at the door: Debian's Chromium at 390 x 844 (Playwright).

One column in page-1 order (alerts first), allergies and code status on the first screen, every
phone number a working tel: link, nothing wider than the screen, and axe still finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from test_demo_packets import DEMO_IDS
from test_html_accessibility import AXE_OPTIONS, describe

WIDTH, HEIGHT = 390, 844


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect(); "
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }",
    )
    assert found is not None, selector
    return found


@pytest.mark.parametrize("person_id", DEMO_IDS)
@pytest.mark.parametrize("document", ["responder-packet", "mobile-crisis-packet"])
def test_packet_reflows_to_one_column_on_a_phone(
    demo_build: Path, phone: Page, person_id: str, document: str, tmp_path: Path
) -> None:
    phone.goto((demo_build / person_id / f"{document}.html").as_uri())
    phone.evaluate("document.fonts.ready")
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH  # nothing scrolls sideways
    widest = phone.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= WIDTH
    allergies, code = box(phone, ".alert.allergies"), box(phone, ".alert.code-status")
    assert allergies["bottom"] <= code["top"]  # stacked, allergies first
    assert code["bottom"] <= HEIGHT  # both on the first screen
    # One column, in page-1 order: each section starts below the one before it, at the same left edge.
    sections = phone.eval_on_selector_all(
        ".columns > section", "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top]; })"
    )
    assert len(sections) >= 5
    assert len({round(left) for left, _ in sections}) == 1
    assert [top for _, top in sections] == sorted(top for _, top in sections)
    assert allergies["bottom"] <= sections[0][1]
    phone.screenshot(path=str(tmp_path / f"{person_id}-{document}.png"), full_page=False)


@pytest.mark.parametrize("person_id", DEMO_IDS)
def test_every_phone_number_is_a_tel_link(demo_build: Path, phone: Page, person_id: str) -> None:
    phone.goto((demo_build / person_id / "responder-packet.html").as_uri())
    links = phone.eval_on_selector_all("a.phone", "els => els.map(e => [e.getAttribute('href'), e.textContent])")
    text = phone.inner_text("main")
    numbers = re.findall(r"\b555-01\d\d\b", text)
    assert numbers and len(links) == len(numbers)  # every number printed is a link
    for href, label in links:
        assert href.startswith("tel:") and re.sub(r"\D", "", href) == re.sub(r"\D", "", label)


def test_axe_finds_nothing_at_phone_width(demo_build: Path, phone: Page) -> None:
    for person_id in DEMO_IDS:
        for document in ("responder-packet", "mobile-crisis-packet", "crisis-plan"):
            phone.goto((demo_build / person_id / f"{document}.html").as_uri())
            results = Axe().run(phone, options=AXE_OPTIONS).response
            assert not results["violations"], (person_id, document, describe(results["violations"]))
