"""Print runs, separator sheets, check codes and `packetgen verify`, on the real PDF and summary.

The scenario is the README's five commands on a copy of the demo: Dana's copies are all current,
a dose changes (plan 8), `print` makes one PDF of the stale copies, `copies confirm --run` records
them, and `verify` tells an old sheet from a current one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml
from conftest import copy_demo, html_soup, one, pdf_metadata_text, pdf_pages, run_cli
from test_pdf_accessibility import assert_all_text_tagged_or_footer, assert_pdf_ua, page_reading, words

AS_OF = "2026-11-23"
RUN = "2026-11-23-1"  # the first run on the --as-of day
CODE = re.compile(r"check ([0-9A-Z]{4}-[0-9A-Z]{4})")


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18 11:06 UTC


def cli(*args: str, root: Path, code: int = 0) -> str:
    words_ = 2 if args[0] == "copies" else 1
    result = run_cli(*args[:words_], "--root", str(root), *args[words_:])
    assert result.exit_code == code, result.output
    return result.output


def edit(root: Path, change: Any) -> None:
    path = root / "people/dana-k/profile.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def footer_code(html: Path) -> str:
    """The check code a reader finds in a sheet's footer."""
    match = CODE.search(one(html_soup(html), "footer.page-footer").get_text(" ", strip=True))
    assert match
    return match.group(1)


def placed_and_changed(root: Path, places: tuple[str, ...], change: Any) -> str:
    """Build (the revision history records plan 7), place current copies everywhere, then edit.
    Returns the responder packet's check code as printed before the edit."""
    cli("build", "--as-of", AS_OF, "--format", "html", "--quiet", root=root)
    old = footer_code(root / "build/dana-k/responder-packet.html")
    for place in places:
        cli(
            "copies",
            "confirm",
            "dana-k",
            place,
            "--by",
            "shift lead",
            "--on",
            "2026-11-20",
            "--as-of",
            AS_OF,
            root=root,
        )
    edit(root, change)
    return old


def new_dose(data: dict[str, Any]) -> None:
    data["medications"]["items"][0]["dose"] = "450 mg"
    data["plan"]["version"] = 8


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A copy of the demo after `packetgen print` (the default: stale copies)."""
    root = copy_demo(tmp_path_factory.mktemp("print-run"))
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1795000000")
    try:
        old = placed_and_changed(root, ("fridge", "go-bag", "peer-group"), new_dose)
        output = cli("print", "--as-of", AS_OF, root=root)
    finally:
        mp.undo()
    return {
        "root": root,
        "old": old,
        "output": output,
        "pdf": root / f"build/print/{RUN}.pdf",
        "summary": json.loads((root / f"build/print/{RUN}.json").read_text()),
    }


def test_print_stale_writes_one_pdf_grouped_with_the_right_pages(run: dict[str, Any]) -> None:
    # The dose is on every responder packet, not on the crisis plan: three groups (fridge 1 copy,
    # go-bag 1, peer group 2), each a one-page separator then its one-page packets: 3 + 4 pages.
    pages = [words(text) for text in pdf_pages(run["pdf"])]
    assert len(pages) == 7
    assert run["output"].splitlines()[0] == f"print run {RUN}: 3 group(s), 7 page(s)"
    separators = [i for i, text in enumerate(pages) if text.startswith(f"Print run {RUN} · separator sheet")]
    assert separators == [0, 2, 4]
    for i in (1, 3, 5, 6):
        assert pages[i].startswith("Responder packet FICTIONAL demo person Dana")
        assert "Lithium carbonate 450 mg" in pages[i]
    assert [
        (g["location"], g["first_page"], g["pages"], [(d["document"], d["count"]) for d in g["documents"]])
        for g in run["summary"]["groups"]
    ] == [
        ("fridge", 1, 2, [("responder-packet", 1)]),
        ("go-bag", 3, 2, [("responder-packet", 1)]),
        ("peer-group", 5, 3, [("responder-packet", 2)]),
    ]
    assert run["summary"]["pages"] == 7 and run["summary"]["pdf"] == f"{RUN}.pdf"


def test_separator_sheet_says_where_what_it_replaces_what_changed_and_to_destroy(run: dict[str, Any]) -> None:
    pages = [words(text) for text in pdf_pages(run["pdf"])]
    match = CODE.search(pages[1])
    assert match, pages[1]
    new = match.group(1)
    assert new != run["old"]
    first = pages[0]
    assert first.startswith(f"Print run {RUN} · separator sheet 1 of 3 FICTIONAL demo person Dana: copies for fridge")
    assert "Where these copies go Kitchen fridge door, in the File of Life pocket. Kept by House staff." in first
    assert (f"Responder packet 1 plan v8, check {new} plan v7, check {run['old']}, placed 20 Nov 2026") in first
    # describe_changes' wording (README "Versions and what changed"), for the EMS sheet's view.
    assert "Plan version changed from 7 to 8" in first
    assert "Medication changed: Lithium carbonate: dose from 600 mg to 450 mg" in first
    assert f"Destroy the old sheet Take out every old copy there (check codes: {run['old']})." in first
    assert "shred them" in first and f"packetgen copies confirm --run {RUN} --by ROLE" in first
    assert "copies for go-bag" in pages[2] and "Red go-bag by the front door, front pocket" in pages[2]
    assert "Responder packet 2 plan v8" in pages[4]
    # The printed sheet is the one `build` makes: same check code in the built packet's footer.
    cli("build", "--as-of", AS_OF, "--format", "html", "--quiet", root=run["root"])
    assert footer_code(run["root"] / "build/dana-k/responder-packet.html") == new


def test_print_run_pdf_is_tagged_pdf_ua_with_an_outline(run: dict[str, Any]) -> None:
    assert_pdf_ua(run["pdf"], title=f"Print run {RUN}")
    assert_all_text_tagged_or_footer(run["pdf"], footer=False)
    with pdfplumber.open(run["pdf"]) as pdf:
        text, headings, artifacts = page_reading(pdf.pages[0])
        assert text.startswith(f"Print run {RUN} · separator sheet 1 of 3")
        assert headings[0] == ("H1", "Dana: copies for fridge")
        assert f"Print run {RUN} · separator sheet 1 of 3" in artifacts  # the footer, read once
        assert page_reading(pdf.pages[1])[0].startswith("Responder packet FICTIONAL demo person Dana")
    outline = pdf_metadata_text(run["pdf"])
    assert "Dana (dana-k): fridge" in outline and "Dana (dana-k): peer-group" in outline


def test_confirm_run_clears_the_stale_copies_once(run: dict[str, Any]) -> None:
    root = run["root"]
    status = cli("status", "--as-of", AS_OF, "--person", "dana-k", root=root, code=1)
    assert "  printed copies: 1 current, 4 stale" in status  # the go-bag's crisis plan is still current
    out = cli("copies", "confirm", "--run", RUN, "--by", "shift lead", "--on", "2026-11-23", root=root)
    assert out.count("recorded in people/dana-k/copies.jsonl") == 1
    status = cli("status", "--as-of", AS_OF, "--person", "dana-k", root=root, code=1)
    assert "  printed copies: 5 current, 0 stale\n" in status
    ledger = (root / "people/dana-k/copies.jsonl").read_bytes()
    again = cli("copies", "confirm", "--run", RUN, "--by", "shift lead", root=root)
    assert again == f"already recorded from run {RUN}, nothing to do: 3 document(s)\n"
    assert (root / "people/dana-k/copies.jsonl").read_bytes() == ledger


def test_verify_an_old_and_a_current_code(run: dict[str, Any]) -> None:
    root = run["root"]
    match = CODE.search(words(pdf_pages(run["pdf"])[1]))
    assert match
    new = match.group(1)
    old = run["old"]
    out = cli("verify", old, "--as-of", AS_OF, root=root, code=1)
    lines = out.splitlines()
    assert lines[0].startswith(f"{old} is NOT current: dana-k, responder packet, plan v7 (placed at ")
    # Plan 8 was first recorded by the print run (SOURCE_DATE_EPOCH: 18 Nov 2026).
    assert lines[1] == f"  replaced by plan v8 on 18 Nov 2026; current: plan v8, check {new}, since 18 Nov 2026"
    assert cli("verify", new, "--as-of", AS_OF, root=root) == (
        f"{new} is current: dana-k, responder packet, plan v8, showing the same since 18 Nov 2026\n"
    )
    # Typed as read aloud: lower case, no dash, O for 0 and I for 1.
    typed = new.replace("-", " ").lower().replace("0", "o").replace("1", "i")
    assert cli("verify", typed, "--as-of", AS_OF, root=root).startswith(f"{new} is current")
    assert cli("verify", "ZZZZ-ZZZZ", "--as-of", AS_OF, root=root, code=3).startswith(
        "ZZZZ-ZZZZ: no sheet with this check code is on record here"
    )
    assert run_cli("verify", "--root", str(root), "K7QX-M2P").exit_code == 2  # 7 characters
    # Event forms carry codes too (the code a reader finds on the built form).
    form = root / "build/jay-t/events/2026-11-21-escalation/case-manager-update.html"
    assert cli("verify", footer_code(form), "--as-of", AS_OF, root=root).startswith(
        f"{footer_code(form)} is current: jay-t, 2026-11-21-escalation/case-manager-update, plan v"
    )


def test_separator_never_describes_a_change_its_documents_audience_may_not_see(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)

    def mobile_kit(data: dict[str, Any]) -> None:
        data["copies"]["places"].append(
            {"location": "mobile-kit", "kept_by": "On-call supervisor", "documents": ["mobile-crisis-packet"]}
        )

    edit(root, mobile_kit)

    def change(data: dict[str, Any]) -> None:
        new_dose(data)
        data["behavioral_health"]["text"] += " Also prefers a quiet room MKbhchange."
        sister = next(c for c in data["contacts"]["people"] if c["role"] == "Sister")
        sister["phone"] = "555-0191"
        data["internal_notes"]["text"] = "A new internal note MKinternalchange"

    placed_and_changed(root, ("fridge", "mobile-kit"), change)
    cli("print", "--as-of", AS_OF, "--location", "fridge", "--location", "mobile-kit", root=root)
    pages = [words(text) for text in pdf_pages(root / f"build/print/{RUN}.pdf")]
    separators = [text for text in pages if text.startswith(f"Print run {RUN} · separator sheet")]
    assert len(separators) == 2
    ems, mobile = separators
    # Policy (README "Sharing classes"): emergency responders get responder-class sections only;
    # consent roi-2026-mc gives the mobile crisis clinician behavioral health and the sister's number.
    assert "copies for fridge" in ems and "Medication changed: Lithium carbonate: dose from 600 mg to 450 mg" in ems
    for hidden in ("Behavioral health", "MKbhchange", "Sister", "555-0190", "555-0191", "Internal", "MKinternalchange"):
        assert hidden not in ems, hidden
    assert "copies for mobile-kit" in mobile and "Medication changed: Lithium carbonate" in mobile
    assert "Behavioral health changed" in mobile
    assert "Contact changed: Sister: Eva Kowalski: phone from 555-0190 to 555-0191" in mobile
    assert "MKinternalchange" not in mobile and "Internal notes" not in mobile


def test_dry_run_writes_nothing_and_nothing_stale_prints_nothing(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    out = cli("print", "--as-of", AS_OF, "--dry-run", root=root)
    assert out == (
        "would print 2 group(s) (nothing written):\n"
        "  dana-k go-bag: crisis plan x1 (replaces v6 placed 20 Nov 2025)\n"
        "  dana-k peer-group: responder packet x2 (none there yet)\n"
    )
    assert not (root / "build").exists()
    everything = cli("print", "--as-of", AS_OF, "--dry-run", "--all", "--location", "fridge", root=root)
    assert "dana-k fridge: responder packet x1 (replaces v7 placed 12 Mar 2026)" in everything
    for place in ("go-bag", "peer-group"):
        cli("copies", "confirm", "dana-k", place, "--by", "shift lead", "--as-of", AS_OF, root=root)
    assert cli("print", "--as-of", AS_OF, root=root) == "nothing to print: every copy kept is current\n"
    assert not (root / "build/print").exists()


def test_every_printed_document_carries_its_check_code_next_to_the_version(demo_build: Path) -> None:
    codes = set()
    pdfs = sorted(demo_build.glob("*/*.pdf")) + sorted(demo_build.glob("*/events/*/*.pdf"))
    assert len(pdfs) > 12
    for pdf in pdfs:
        manifest = json.loads(pdf.with_suffix(".manifest.json").read_text())
        code = manifest["check_code"]
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
        for page in pdf_pages(pdf):
            assert f"plan v{manifest['plan_version_label']} · check {code}" in words(page), (pdf, page[-200:])
        codes.add(code)
    assert len(codes) == len(pdfs), "every document has its own code"
