"""Type on real PDFs, read glyph by glyph with pdfplumber: sizes, weights, italics, the font itself.

The rules come from the brief: body text at least 12 pt (18 pt in large print), warnings at least
14 pt bold, no long italic runs, a sans-serif shipped with the repo and embedded in every PDF.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from conftest import AS_OF, REPO, run_cli
from test_demo_packets import DEMO_IDS

from packetgen.model.documents import ALL_DOCUMENTS

MIN_SIZE = {kind.name: 18.0 if kind.name.endswith("-large-print") else 12.0 for kind in ALL_DOCUMENTS}
PACKETS = [kind.name for kind in ALL_DOCUMENTS if "packet" in kind.name]
MAX_ITALIC_WORDS = 3
FONT = "Atkinson-Hyperlegible"


def glyphs(path: Path) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        return [c for page in pdf.pages for c in page.chars if not c["text"].isspace()]


def smallest_size(path: Path) -> float:
    return min(round(c["size"], 2) for c in glyphs(path))


@pytest.mark.parametrize("person_id", DEMO_IDS)
@pytest.mark.parametrize("document", sorted(MIN_SIZE))
def test_no_text_below_the_minimum_size(large_print_build: Path, person_id: str, document: str) -> None:
    """Every glyph, footer included: nothing on a packet is fine print."""
    assert smallest_size(large_print_build / person_id / f"{document}.pdf") >= MIN_SIZE[document]


@pytest.mark.parametrize("person_id", DEMO_IDS)
@pytest.mark.parametrize("document", PACKETS)
def test_alert_headings_are_at_least_14pt_bold(large_print_build: Path, person_id: str, document: str) -> None:
    with pdfplumber.open(large_print_build / person_id / f"{document}.pdf") as pdf:
        found = [
            w
            for w in pdf.pages[0].extract_words(extra_attrs=["fontname", "size"])
            if w["text"] in ("Allergies", "Code", "status")
        ]
    assert sorted(w["text"] for w in found) == ["Allergies", "Code", "status"]  # on page 1, once each
    for word in found:
        assert round(word["size"], 2) >= 14 and "Bold" in word["fontname"], word


@pytest.mark.parametrize("person_id", DEMO_IDS)
@pytest.mark.parametrize("document", sorted(MIN_SIZE))
def test_no_italic_run_longer_than_a_few_words(large_print_build: Path, person_id: str, document: str) -> None:
    """Long italic runs read slower (Degani 1992); Markdown emphasis is set bold upright."""
    run = longest = 0
    with pdfplumber.open(large_print_build / person_id / f"{document}.pdf") as pdf:
        for page in pdf.pages:
            for word in page.extract_words(extra_attrs=["fontname"]):
                italic = any(s in word["fontname"] for s in ("Italic", "Oblique"))
                run = run + 1 if italic else 0
                longest = max(longest, run)
    assert longest <= MAX_ITALIC_WORDS


@pytest.mark.parametrize("person_id", DEMO_IDS)
@pytest.mark.parametrize("document", sorted(MIN_SIZE))
def test_every_glyph_is_in_the_shipped_sans_serif_embedded(
    large_print_build: Path, person_id: str, document: str
) -> None:
    """Atkinson Hyperlegible from styles/fonts, embedded, flagged sans-serif: no machine fallback."""
    path = large_print_build / person_id / f"{document}.pdf"
    assert {c["fontname"].split("+")[-1].split("-Bold")[0] for c in glyphs(path)} == {FONT}
    with pikepdf.open(path) as pdf:
        descriptors = [
            o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"
        ]
        assert descriptors
        for descriptor in descriptors:
            assert FONT in str(descriptor.FontName)
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))  # embedded
            assert int(descriptor.Flags) & 2 == 0  # the Serif flag is off


def test_every_pdf_in_the_build_uses_the_shipped_font_at_12pt_or_more(large_print_build: Path) -> None:
    """Event forms and checklists too: no fine print, no fallback font for a symbol."""
    pdfs = sorted(large_print_build.rglob("*.pdf"))
    assert len(pdfs) > len(DEMO_IDS) * len(MIN_SIZE)
    for path in pdfs:
        found = glyphs(path)
        assert min(round(c["size"], 2) for c in found) >= 12, path
        assert {c["fontname"].split("+")[-1].split("-Bold")[0] for c in found} == {FONT}, path


def test_stylesheets_parse_without_weasyprint_warnings(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An ignored declaration (say, a `clip` WeasyPrint cannot read) silently changes print output."""
    with caplog.at_level("WARNING", logger="weasyprint"):
        result = run_cli(
            "build",
            "--root",
            str(REPO),
            "--out",
            str(tmp_path),
            "--as-of",
            AS_OF,
            "--person",
            "rosa-m",
            "--large-print",
            "--format",
            "pdf",
        )
    assert result.exit_code == 0, result.output
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
