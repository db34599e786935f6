"""Every generated PDF is tagged PDF/UA-1 that a screen reader and a text extractor read in order.

pikepdf reads the catalog and the tag tree as an auditor's checker would; pdfplumber gives each
character's marked-content id, so the text can be read back in tag-tree order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from conftest import AS_OF, attr, copy_demo, html_soup, one, run_cli
from profiles import marked_profile, write_profile
from pypdf import PdfReader
from test_demo_packets import DEMO_IDS, demo_profile

from packetgen.model.documents import ALL_DOCUMENTS

MARKER = re.compile(r"•|\d+\.")
MARKER_SPACE = re.compile(r"(?:(?<=\s)|^)(?:•|\d+\.) ")
DOCUMENTS = [kind.name for kind in ALL_DOCUMENTS]
CASES = [(person_id, document) for person_id in DEMO_IDS for document in DOCUMENTS]


def words(text: str) -> str:
    return " ".join(text.split())


def tree_elements(elements: list[dict]) -> list[dict]:
    """The tag tree flattened in reading (document) order."""
    out = []
    for element in elements:
        out.append(element)
        out += tree_elements(element.get("children", []))
    return out


def page_reading(page: pdfplumber.page.Page) -> tuple[str, list[tuple[str, str]], str]:
    """(text in tag-tree order, [(heading tag, heading text)], artifact text) for one page."""
    by_mcid: dict[int, str] = {}
    artifacts = []
    for char in page.chars:
        if char.get("mcid") is not None:
            by_mcid[char["mcid"]] = by_mcid.get(char["mcid"], "") + char["text"]
        elif char.get("tag") == "Artifact":
            artifacts.append(char["text"])
    parts, headings = [], []

    def text_of(element: dict) -> str:
        own = " ".join(by_mcid.get(m, "") for m in element.get("mcids", []))
        return " ".join([own, *(text_of(c) for c in element.get("children", []))])

    for element in tree_elements(page.structure_tree):
        parts += [by_mcid.get(m, "") for m in element.get("mcids", [])]
        if element["type"] in ("H1", "H2", "H3"):
            headings.append((element["type"], words(text_of(element)).removeprefix("! ")))
    return words(" ".join(parts)), headings, words("".join(artifacts))


def assert_pdf_ua(path: Path, title: str | None = None) -> None:
    """Catalog of a PDF/UA-1 file: tags, marked, language, the HTML's title shown in the title bar."""
    title = title or one(html_soup(path.with_suffix(".html")), "title").get_text()
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root and len(root.StructTreeRoot.K) > 0
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "en"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert str(pdf.docinfo.Title) == title
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
            assert xmp["dc:title"] == title


def assert_all_text_tagged_or_footer(path: Path, footer: bool = True) -> None:
    """Every glyph is in the tag tree, except (``footer``) the running footer, an artifact."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            in_tree = {m for element in tree_elements(page.structure_tree) for m in element.get("mcids", [])}
            untagged = [
                c["text"]
                for c in page.chars
                if not c["text"].isspace() and c.get("tag") != "Artifact" and c.get("mcid") not in in_tree
            ]
            assert not untagged, f"{path} page {page.page_number}: untagged text {''.join(untagged)!r}"
            if not footer:
                continue
            fingerprint = json.loads(path.with_suffix(".manifest.json").read_text())["fingerprint"]
            text, _, artifacts = page_reading(page)
            assert fingerprint in artifacts.replace(" ", "")
            assert fingerprint not in text


@pytest.mark.parametrize(("person_id", "document"), CASES)
def test_pdf_is_tagged_pdf_ua_with_language_and_title_shown(
    large_print_build: Path, person_id: str, document: str
) -> None:
    path = large_print_build / person_id / f"{document}.pdf"
    assert_pdf_ua(path)
    title = one(html_soup(path.with_suffix(".html")), "title").get_text()
    assert demo_profile(person_id).identity.preferred_name in title


@pytest.mark.parametrize(("person_id", "document"), CASES)
def test_all_text_is_tagged_or_a_footer_artifact(large_print_build: Path, person_id: str, document: str) -> None:
    """No orphan content: each glyph belongs to an element in the tag tree, except the page footer,
    which is a pagination artifact (read once, not on every page)."""
    assert_all_text_tagged_or_footer(large_print_build / person_id / f"{document}.pdf")


def test_every_pdf_in_the_build_is_pdf_ua_with_no_untagged_text(large_print_build: Path) -> None:
    """Whatever document kinds a build writes (event forms, checklists ...), each PDF passes too."""
    pdfs = sorted(large_print_build.rglob("*.pdf"))
    assert len(pdfs) > len(CASES)
    for path in pdfs:
        assert_pdf_ua(path)
        assert_all_text_tagged_or_footer(path)


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the tag tree's root, as a screen reader walks it."""
    found: dict[tuple[int, int], pikepdf.Dictionary] = {}
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        kids = stack.pop().get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.objgen not in found:
                found[kid.objgen] = kid
                stack.append(kid)
    return list(found.values())


def parent_tree_problems(path: Path) -> list[str]:
    """What a PDF/UA checker would flag in the ParentTree: a page whose marked-content ids point at
    an element outside the tag tree, or a page with none dropped (its footer still mapped)."""
    problems = []
    with pikepdf.open(path) as pdf:
        reachable = {element.objgen for element in struct_elements(pdf)}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        mappings = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for number, page in enumerate(pdf.pages, start=1):
            mapping = mappings[int(page.obj.StructParents)]
            outside = [
                m for m, element in enumerate(mapping) if element is not None and element.objgen not in reachable
            ]
            if outside:
                problems.append(f"page {number}: ids {outside} point outside the tag tree")
            if not any(element is None for element in mapping):
                problems.append(f"page {number}: no footer id dropped")
    return problems


def test_parent_tree_maps_page_content_only_to_the_tag_tree(large_print_build: Path) -> None:
    """The footer's marked-content ids are dropped from the ParentTree (they are artifacts now);
    every id left points at an element a screen reader can reach. On every PDF of the build."""
    pdfs = sorted(large_print_build.rglob("*.pdf"))
    assert len(pdfs) > len(CASES)
    assert {str(path): parent_tree_problems(path) for path in pdfs} == {str(path): [] for path in pdfs}


@pytest.mark.parametrize(("person_id", "document"), CASES)
def test_reading_order_follows_the_page(large_print_build: Path, person_id: str, document: str) -> None:
    """Tag-tree order starts with the document's first fact and follows the HTML order of headings;
    plain text extraction starts with the same words on every page (the footer comes last)."""
    path = large_print_build / person_id / f"{document}.pdf"
    soup = html_soup(path.with_suffix(".html"))
    html_headings = [(h.name.upper(), words(h.get_text(" "))) for h in soup.select("main h1, main h2, main h3")]
    kind_title = one(soup, ".doc-kind").get_text(" ", strip=True).removesuffix("FICTIONAL demo person").strip()
    name = demo_profile(person_id).identity.preferred_name
    headings = []
    with pdfplumber.open(path) as pdf:
        pages = [page_reading(page) for page in pdf.pages]
    extracted = [words(page.extract_text() or "") for page in PdfReader(path).pages]
    for number, ((text, page_headings, _), plain) in enumerate(zip(pages, extracted, strict=True), start=1):
        headings += page_headings
        # List markers (bullets, "1." in the numbered medication list) are drawn after their page's
        # text, so they are left out of this comparison.
        # Tagged chunks are joined with a space, so "Bishop" and "," read "Bishop ,": compare without it.
        first_words = re.sub(r" ([,.;:])", r"\1", " ".join([w for w in text.split() if not MARKER.fullmatch(w)][:4]))
        assert MARKER_SPACE.sub("", plain).startswith(first_words), (
            f"page {number}: extraction starts {plain[:60]!r}, tags {first_words!r}"
        )
    first = pages[0][0]
    assert first.startswith(f"{kind_title} FICTIONAL demo person {name}")
    expected = [h for h in html_headings if h[1]]
    continued = json.loads(path.with_suffix(".manifest.json").read_text()).get("continued")
    if not continued:
        assert expected == headings
    else:
        # A continued packet: page 1 keeps the HTML's order without the blocks that moved, and the
        # continuation (page 2 on) again follows it; every heading of the HTML is printed somewhere.
        first_headings = [h for h in pages[0][1]]
        rest = [h for page in pages[1:] for h in page[1] if h in expected]
        assert first_headings == [h for h in expected if h in first_headings]
        assert rest == [h for h in expected if h in rest]
        assert set(expected) <= set(headings)
    if "packet" in document:
        facts = ("Allergies", "Code status", "How I communicate", "Medications", "Who to call")
        texts = [text for _, text in headings]
        order = [texts.index(fact) for fact in facts]  # headings, not a "Where to find it" line naming them
        assert order == sorted(order)


def test_drill_and_audit_pdfs_are_pdf_ua_with_no_untagged_text(tmp_path: Path) -> None:
    """The paper drill (question sheet, answer key, grid and packet in one file) and the quality audit."""
    root = copy_demo(tmp_path)
    for args in (["drill", "rosa-m", "--paper", "--seed", "7"], ["audit"]):
        result = run_cli(*args, "--root", str(root), "--as-of", AS_OF)
        assert result.exit_code == 0, result.output
    paper = root / "build" / "drills" / "rosa-m-paper.pdf"
    assert_pdf_ua(paper, title="Paper drill: Rosa (rosa-m)")
    assert_all_text_tagged_or_footer(paper, footer=False)
    audit = root / "build" / "audit" / "report.pdf"
    assert_pdf_ua(audit)
    assert_all_text_tagged_or_footer(audit, footer=False)


@pytest.mark.parametrize("person_id", DEMO_IDS)
def test_table_headers_are_marked_and_linked_to_their_cells(large_print_build: Path, person_id: str) -> None:
    with pikepdf.open(large_print_build / person_id / "crisis-plan.pdf") as pdf:
        elements = struct_elements(pdf)
        headers = {str(node.ID): node for node in elements if node.S == "/TH"}
        cells = [node for node in elements if node.S == "/TD"]
    steps = demo_profile(person_id).crisis_plan.escalation_steps
    assert len(headers) == 3
    assert len(cells) == 3 * len(steps)
    for cell in cells:
        linked = [str(ref) for ref in cell.A.Headers]
        assert len(linked) == 1 and linked[0] in headers


def test_photo_has_alt_text_in_html_and_pdf(project: Path) -> None:
    from PIL import Image

    data = marked_profile()
    data["identity"]["photo"] = "photo.png"
    profile = write_profile(project, "testa-e", data)
    Image.new("RGB", (60, 80), (120, 140, 160)).save(profile.parent / "photo.png")
    result = run_cli("build", "--root", str(project), "--as-of", "2026-02-01")
    assert result.exit_code == 0, result.output
    for document in ("responder-packet", "crisis-plan"):
        path = project / "build" / "testa-e" / f"{document}.pdf"
        assert attr(one(html_soup(path.with_suffix(".html")), "header.person img"), "alt") == "Photo of Testa"
        with pdfplumber.open(path) as pdf:
            figures = [e for e in tree_elements(pdf.pages[0].structure_tree) if e["type"] == "Figure"]
        assert [f.get("alt_text") for f in figures] == ["Photo of Testa"]
