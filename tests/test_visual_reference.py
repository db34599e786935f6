"""Look at it: page 1 of every demo responder packet, rendered to pixels, against a reviewed image.

pdftoppm renders page 1 at 60 dpi into test-artifacts/ (git-ignored); the reference PNGs in
tests/reference/ were looked at by a person before they were committed. A moved or missing
section or a font fallback changes far more pixels than the tolerance; the footer's source
fingerprint, which changes with every template or stylesheet edit, changes far fewer.

After an intended layout change, look at the new images, then update the references:

    PACKETGEN_UPDATE_REFERENCES=1 make test     # or: ... .venv/bin/python -m pytest tests/test_visual_reference.py

The update run still compares first and fails for every reference it replaced, so a changed
image is never accepted without a second, passing run after someone looked at it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import AS_OF, AS_OF_DATE, REPO, build_at_fixed_time
from corpus import write_corpus
from PIL import Image, ImageChops
from test_demo_packets import DEMO_IDS

from packetgen.builder.document import render_person_document
from packetgen.builder.records import load_person
from packetgen.model.documents import BY_NAME
from packetgen.pipeline.pdf import PdfRenderer
from packetgen.pipeline.render import make_environment
from packetgen.project.folders import open_project

REFERENCES = REPO / "tests" / "reference"
ARTIFACTS = REPO / "test-artifacts"
UPDATE = os.environ.get("PACKETGEN_UPDATE_REFERENCES") == "1"
DPI = 60
INK_STEP = 64
"""A pixel 'differs' when its grey level moves by more than this (of 255): ignores anti-aliasing."""
TOLERANCE = 0.004
"""Largest share of differing pixels that still passes (0.4 %)."""
GENERATED = "2026-11-18 11:06 UTC"  # what conftest's SOURCE_DATE_EPOCH prints in the footer


def page_one_png(pdf: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(DPI),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(target.with_suffix("")),
        ],
        check=True,
    )
    return target


def differing_share(image: Path, reference: Path) -> float:
    """Share of pixels whose grey level differs by more than INK_STEP; 1.0 if sizes differ."""
    a, b = Image.open(image).convert("L"), Image.open(reference).convert("L")
    if a.size != b.size:
        return 1.0
    changed = ImageChops.difference(a, b).point(lambda v: 255 if v > INK_STEP else 0)
    return sum(changed.histogram()[255:]) / (a.width * a.height)


@pytest.fixture(scope="module")
def envelope_top(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated person at the top of the realistic envelope (tests/corpus.py, seed 16): every
    list full, every free-text field 40-50 words, long names, a photo."""
    root = tmp_path_factory.mktemp("envelope-top")
    write_corpus(root, 1)
    build_at_fixed_time("--root", str(root), "--as-of", AS_OF, "--person", "env-000", "--format", "pdf")
    return root / "build" / "env-000" / "responder-packet.pdf"


@pytest.mark.parametrize("person_id", [*DEMO_IDS, "envelope-top"])
def test_page_one_looks_like_the_reviewed_reference(
    large_print_build: Path, envelope_top: Path, person_id: str
) -> None:
    name = f"{person_id}-responder-packet.png"
    pdf = envelope_top if person_id == "envelope-top" else large_print_build / person_id / "responder-packet.pdf"
    image = page_one_png(pdf, ARTIFACTS / name)
    reference = REFERENCES / name
    # Compare first, always: the update switch only replaces a reference that failed, and the test
    # still fails in that run, so an update can never pass unseen.
    share = differing_share(image, reference) if reference.is_file() else 1.0
    if share > TOLERANCE and UPDATE:
        REFERENCES.mkdir(exist_ok=True)
        shutil.copyfile(image, reference)
        pytest.fail(f"{reference} replaced by {image} ({share:.2%} of pixels differed): look at it, then commit it")
    assert reference.is_file(), f"no reference {reference}: look at {image}, then run PACKETGEN_UPDATE_REFERENCES=1"
    assert share <= TOLERANCE, (
        f"{image} differs from {reference} in {share:.2%} of pixels: look at both; if the "
        "change is intended, update with PACKETGEN_UPDATE_REFERENCES=1 make test"
    )


def render_variant(person_id: str, tmp_path: Path, *, fingerprint: str, extra_css: str = "") -> Path:
    """Rosa's packet as the build makes it, with a chosen footer fingerprint and optional extra CSS."""
    project = open_project(REPO)
    record = load_person(project, person_id, as_of=AS_OF_DATE)
    stamp = {"fingerprint": fingerprint, "generated": GENERATED}
    doc = render_person_document(
        make_environment(project.templates_dir), record, BY_NAME["responder-packet"], AS_OF_DATE, stamp
    )
    html = doc.print_html.replace("</head>", f"<style>{extra_css}</style></head>")
    pdf = tmp_path / f"{abs(hash(extra_css + fingerprint))}.pdf"
    pdf.write_bytes(PdfRenderer(project.styles_dir).render(html))
    return page_one_png(pdf, pdf.with_suffix(".png"))


@pytest.mark.parametrize(
    ("change", "fingerprint", "css", "passes"),
    [
        ("new source fingerprint", "f0f0f0f0f0", "", True),
        ("contacts pushed off page 1", "f0f0f0f0f0", 'section[data-field="contacts"] { display: none; }', False),
        ("sections moved down", "f0f0f0f0f0", ".columns { margin-top: 24pt; }", False),
        ("font fallback", "f0f0f0f0f0", "html { font-family: serif; }", False),
    ],
)
def test_tolerance_absorbs_a_new_fingerprint_but_not_a_layout_change(
    tmp_path: Path, change: str, fingerprint: str, css: str, passes: bool
) -> None:
    person_id = "rosa-m"
    reference = REFERENCES / f"{person_id}-responder-packet.png"
    if not reference.is_file():
        pytest.fail(f"no reference {reference}: run PACKETGEN_UPDATE_REFERENCES=1 make test")
    share = differing_share(render_variant(person_id, tmp_path, fingerprint=fingerprint, extra_css=css), reference)
    assert (share <= TOLERANCE) is passes, f"{change}: {share:.3%} of pixels differ"
