"""Every generated HTML page passes axe-core's WCAG 2.2 AA rules in a real browser.

axe-core (carried by axe-playwright-python) runs inside Debian's Chromium, driven by Playwright.
No browser is downloaded: the Makefile installs the `chromium` package and this module launches
that binary. Best-practice rules run too, because they are the ones that check heading order,
landmarks and one main region. The site under test is a --large-print build plus every drill page
and a drill report (from a recorded paper drill), as a coordinator's build/ folder would hold.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import AS_OF, REPO, copy_demo, run_cli
from playwright.sync_api import Browser, Page
from test_demo_packets import DEMO_IDS

from packetgen.model.documents import ALL_DOCUMENTS

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": [*WCAG_22_AA, "best-practice"]},
    "resultTypes": ["violations", "passes"],
}
PX_PER_PT = 96 / 72


@pytest.fixture(scope="module")
def site(large_print_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every page a build folder can hold: packets, plans, large print, event forms, index, drill
    pages, a drill report and the quality audit."""
    out = tmp_path_factory.mktemp("site") / "build"
    shutil.copytree(large_print_build, out)
    root = copy_demo(tmp_path_factory.mktemp("drill-project"))
    result = run_cli("drill", "--all", "--root", str(root), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    html = (out / "drills" / "rosa-m.html").read_text(encoding="utf-8")
    match = re.search(r'id="drill-config">(.*?)</script>', html, re.DOTALL)
    assert match
    config = json.loads(match.group(1))
    rows = ["drill_id,person_id,plan_version,fingerprint,participant_role,drill_date,question_no,field,seconds,correct"]
    rows += [
        f"paper-1,rosa-m,{config['plan_version']},{config['fingerprint']},EMT,{AS_OF},{n},{q['field']},"
        f"{3 + 4 * n},{'no' if n == 2 else 'yes'}"
        for n, q in enumerate(config["questions"][:5], start=1)
    ]
    (root / "paper.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for args in (
        ["drill", "import", str(root / "paper.csv")],
        ["drill", "report", "--out", str(out)],
        ["audit", "--as-of", AS_OF, "--out", str(out)],
    ):
        result = run_cli(*args, "--root", str(root))
        assert result.exit_code == 0, result.output
    return out


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


def test_every_generated_page_has_zero_axe_violations(site: Path, page: Page) -> None:
    """Every .html in the build folder, whatever feature added it: index, packets, plans, forms, drills, audit."""
    pages = sorted(site.rglob("*.html"))
    expected = {
        "index.html",
        "drills/report.html",
        "audit/report.html",
        *(f"drills/{p}.html" for p in DEMO_IDS),
        *(f"{p}/{k.name}.html" for p in DEMO_IDS for k in ALL_DOCUMENTS),
    }
    assert expected <= {str(p.relative_to(site)) for p in pages}
    failures = {}
    passed: set[str] = set()
    for path in pages:
        page.goto(path.as_uri())
        results = axe_results(page)
        if results["violations"]:
            failures[str(path.relative_to(site))] = describe(results["violations"])
        passed |= {rule["id"] for rule in results["passes"]}
    assert not failures, failures
    # The rules the issue names were applicable somewhere and passed, so "zero violations" is not vacuous.
    assert {
        "color-contrast",
        "target-size",
        "heading-order",
        "html-has-lang",
        "landmark-one-main",
        "region",
        "document-title",
        "th-has-data-cells",
    } <= passed


def test_drill_started_by_keyboard_alone_still_has_zero_violations(site: Path, page: Page) -> None:
    """Mid-drill (packet shown, question asked, answer targets focusable), reached with keys only.
    The whole keyboard run is driven in test_drill_browser.py."""
    page.goto((site / "drills" / "rosa-m.html").as_uri())
    assert page.is_hidden("#packet")
    page.keyboard.press("Tab")
    page.keyboard.type("EMT")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.is_visible("#packet")
    assert page.evaluate("document.activeElement.id") == "drill-question"
    for _ in range(10):  # past the panel's buttons into the packet's answer targets
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#packet') !== null"):
            break
    else:
        pytest.fail("Tab never reached the packet")
    results = axe_results(page)
    assert not results["violations"], describe(results["violations"])
    assert "color-contrast" in {r["id"] for r in results["passes"]}


def test_screen_reader_only_captions_take_no_space(site: Path, page: Page) -> None:
    page.goto((site / "drills" / "report.html").as_uri())
    boxes = page.eval_on_selector_all(
        ".visually-hidden",
        """els => els.map(e => {
        const r = e.getBoundingClientRect(); return [r.width, r.height]; })""",
    )
    assert boxes and all(w <= 1 and h <= 1 for w, h in boxes)


def test_axe_run_reports_real_violations(page: Page) -> None:
    """The harness itself: a page with faint text, no lang and a tiny link must fail."""
    page.set_content(
        "<html><head><title>x</title></head><body><main><h1>Bad</h1>"
        '<p style="color:#bbb">faint text</p>'
        '<p><a href="#" style="display:inline-block;width:8px;height:8px"></a></p></main></body></html>'
    )
    found = {v["id"] for v in axe_results(page)["violations"]}
    assert {"color-contrast", "html-has-lang", "link-name"} <= found


@pytest.mark.parametrize(
    ("document", "body_pt"),
    [
        ("responder-packet", 12),
        ("crisis-plan", 12),
        ("responder-packet-large-print", 18),
        ("crisis-plan-large-print", 18),
    ],
)
def test_browser_print_uses_the_pdf_stylesheet(
    large_print_build: Path, page: Page, document: str, body_pt: int
) -> None:
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
