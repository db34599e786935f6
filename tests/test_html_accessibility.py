"""Every generated HTML page passes axe-core's WCAG 2.2 AA rules in a real browser.

axe-core (carried by axe-playwright-python) runs inside Debian's Chromium, driven by Playwright.
No browser is downloaded: the Makefile installs the `chromium` package and this module launches
that binary. Best-practice rules run too, because they are the ones that check heading order,
landmarks and one main region.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import REPO
from playwright.sync_api import Browser, Page, sync_playwright
from test_demo_packets import DEMO_IDS

from packetgen.documents import ALL_DOCUMENTS

CHROMIUM = "/usr/bin/chromium"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": [*WCAG_22_AA, "best-practice"]},
               "resultTypes": ["violations", "passes"]}
PX_PER_PT = 96 / 72


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def axe_results(page: Page) -> dict:
    return Axe().run(page, options=AXE_OPTIONS).response


def describe(violations: list[dict]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)


def test_every_generated_page_has_zero_axe_violations(large_print_build: Path, page: Page) -> None:
    """Every .html under the build folder, whatever helper added it: index, packets, plans, drill."""
    pages = sorted(large_print_build.rglob("*.html"))
    expected = {"index.html", *(f"{p}/{k.name}.html" for p in DEMO_IDS for k in ALL_DOCUMENTS)}
    assert expected <= {str(p.relative_to(large_print_build)) for p in pages}
    failures = {}
    passed: set[str] = set()
    for path in pages:
        page.goto(path.as_uri())
        results = axe_results(page)
        if results["violations"]:
            failures[str(path.relative_to(large_print_build))] = describe(results["violations"])
        passed |= {rule["id"] for rule in results["passes"]}
    assert not failures, failures
    # The rules the issue names were applicable somewhere and passed, so "zero violations" is not vacuous.
    assert {"color-contrast", "target-size", "heading-order", "html-has-lang", "landmark-one-main", "region",
            "document-title", "th-has-data-cells"} <= passed


def test_axe_run_reports_real_violations(page: Page) -> None:
    """The harness itself: a page with faint text, no lang and a tiny link must fail."""
    page.set_content('<html><head><title>x</title></head><body><main><h1>Bad</h1>'
                     '<p style="color:#bbb">faint text</p>'
                     '<p><a href="#" style="display:inline-block;width:8px;height:8px"></a></p></main></body></html>')
    found = {v["id"] for v in axe_results(page)["violations"]}
    assert {"color-contrast", "html-has-lang", "link-name"} <= found


@pytest.mark.parametrize(("document", "body_pt"), [("responder-packet", 12), ("crisis-plan", 12),
                                                   ("responder-packet-large-print", 18),
                                                   ("crisis-plan-large-print", 18)])
def test_browser_print_uses_the_pdf_stylesheet(large_print_build: Path, page: Page, document: str,
                                               body_pt: int) -> None:
    """Printing the HTML from a browser gives the PDF's type: same stylesheets, same font, same sizes."""
    path = large_print_build / "rosa-m" / f"{document}.html"
    kind = next(k for k in ALL_DOCUMENTS if k.name == document)
    page.goto(path.as_uri())
    linked = page.eval_on_selector_all("link[rel=stylesheet]", "links => links.map(l => l.getAttribute('href'))")
    assert linked == [f"../assets/{name}" for name in ("packet.css", *kind.stylesheets)]
    for href in linked:
        assert (path.parent / href).read_bytes() == (REPO / "styles" / Path(href).name).read_bytes()
    page.emulate_media(media="print")
    page.evaluate("document.fonts.ready")
    style = page.evaluate("""() => {
        const css = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
        return {body: css('main p', 'fontSize'), family: css('main p', 'fontFamily'),
                h2: css('main h2', 'fontSize'), h2weight: css('main h2', 'fontWeight'),
                loaded: document.fonts.check('12pt "Atkinson Hyperlegible"')};
    }""")
    assert float(style["body"].removesuffix("px")) == pytest.approx(body_pt * PX_PER_PT, abs=0.1)
    assert style["family"].startswith('"Atkinson Hyperlegible"') and style["loaded"]
    assert float(style["h2"].removesuffix("px")) >= 14 * PX_PER_PT and int(style["h2weight"]) >= 700
