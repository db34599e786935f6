"""Incremental builds: unchanged inputs write nothing; each kind of change rebuilds what it feeds."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, REPO, copy_demo, pdf_text, run_cli, visible_text

from packetgen.builder.cache import CACHE_NAME, clean_temp_files

DEMO_IDS = ("dana-k", "jay-t", "rosa-m")


def mtimes(build: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in build.rglob("*") if p.is_file()}


def changed(before: dict[Path, int], after: dict[Path, int]) -> set[str]:
    return {str(p) for p in after if before.get(p) != after[p]}


def rel(build: Path, paths: set[str]) -> set[str]:
    return {Path(p).relative_to(build).as_posix() for p in paths}


def build(root: Path, *args: str) -> str:
    result = run_cli("build", "--root", str(root), "--as-of", AS_OF, "--quiet", *args)
    assert result.exit_code == 0, result.output
    return result.output


def rebuilt(output: str) -> int:
    """The number of documents a build says it rendered."""
    match = re.search(r"(\d+) documents rebuilt", output)
    assert match, output
    return int(match.group(1))


def documents(build_dir: Path, person_id: str = "*") -> set[str]:
    """Every document (by its manifest) a person has in the build folder: packets, plans, event forms."""
    return {
        p.relative_to(build_dir).as_posix().removesuffix(".manifest.json")
        for p in build_dir.glob(f"{person_id}/**/*.manifest.json")
    }


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo people copied into a temp project and built once (HTML only: quick)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    copy_demo(tmp_path)
    build(tmp_path, "--format", "html")
    return tmp_path


@pytest.fixture
def built_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The same, with PDFs."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    copy_demo(tmp_path)
    build(tmp_path)
    return tmp_path


def test_second_build_writes_nothing(built_pdf: Path) -> None:
    before = mtimes(built_pdf / "build")
    output = build(built_pdf)
    assert mtimes(built_pdf / "build") == before
    assert rebuilt(output) == 0 and " 0 files written" in output
    assert f"{len(documents(built_pdf / 'build'))} up to date" in output


def test_profile_edit_rebuilds_only_that_person(built_pdf: Path) -> None:
    build_dir = built_pdf / "build"
    before = mtimes(build_dir)
    profile = built_pdf / "people" / "rosa-m" / "profile.yaml"
    profile.write_text(profile.read_text().replace("555-0177", "555-0178"))
    output = build(built_pdf)
    rosa = documents(build_dir, "rosa-m")
    assert rebuilt(output) == len(rosa) >= 3
    touched = {p for p in rel(build_dir, changed(before, mtimes(build_dir))) if p.endswith((".pdf", ".html"))}
    assert touched and all(p.startswith("rosa-m/") for p in touched)
    for doc in ("responder-packet", "mobile-crisis-packet", "crisis-plan"):
        assert {f"rosa-m/{doc}.html", f"rosa-m/{doc}.pdf"} <= touched
    assert "555-0178" in pdf_text(build_dir / "rosa-m" / "responder-packet.pdf")


def test_any_new_file_in_a_person_folder_counts_as_input(built: Path) -> None:
    """Events (people/<id>/events/*.yaml) and photos live in the person's folder: all of it is hashed."""
    extra = built / "people" / "jay-t" / "notes" / "added.txt"
    extra.parent.mkdir()
    extra.write_text("a new input file\n")
    assert rebuilt(build(built, "--format", "html")) == len(documents(built / "build", "jay-t"))
    # Editor litter is not an input.
    (built / "people" / "jay-t" / ".profile.yaml.swp").write_bytes(b"swap")
    (built / "people" / "jay-t" / "profile.yaml~").write_text("backup")
    assert rebuilt(build(built, "--format", "html")) == 0


def test_template_change_rebuilds_only_the_documents_using_it(built_pdf: Path) -> None:
    shutil.copytree(REPO / "templates", built_pdf / "templates")
    assert rebuilt(build(built_pdf)) == 0  # the project's own copy of the same templates: same keys
    before = mtimes(built_pdf / "build")
    plan = built_pdf / "templates" / "crisis_plan.html.j2"
    plan.write_text(plan.read_text().replace("When extra support can step down", "When extra support may step down"))
    assert rebuilt(build(built_pdf)) == 3
    touched = rel(built_pdf / "build", changed(before, mtimes(built_pdf / "build")))
    assert {p for p in touched if p.endswith(".pdf")} == {f"{pid}/crisis-plan.pdf" for pid in DEMO_IDS}
    assert "When extra support may step down" in pdf_text(built_pdf / "build" / "jay-t" / "crisis-plan.pdf")

    # A shared macro feeds every document.
    macros = built_pdf / "templates" / "partials" / "macros.html.j2"
    macros.write_text(macros.read_text().replace("No photo on file", "No photo on record"))
    assert rebuilt(build(built_pdf, "--format", "html")) == len(documents(built_pdf / "build"))


def test_style_change_rebuilds_everything(built: Path) -> None:
    shutil.copytree(REPO / "styles", built / "styles")
    css = built / "styles" / "packet.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    assert rebuilt(build(built, "--format", "html")) == len(documents(built / "build"))


def test_force_rebuilds_and_rewrites_everything(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = mtimes(built / "build")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795003600")  # an hour later: the footers change
    output = build(built, "--format", "html", "--force")
    assert rebuilt(output) == len(documents(built / "build")) and " 0 up to date" in output
    after = mtimes(built / "build")
    for pid in DEMO_IDS:
        for doc in ("responder-packet", "mobile-crisis-packet", "crisis-plan"):
            path = built / "build" / pid / f"{doc}.html"
            assert after[path] != before[path], path
    assert "generated 2026-11-18 12:06 UTC" in visible_text(built / "build" / "rosa-m" / "crisis-plan.html")


def test_build_date_decisions_are_inputs(built: Path) -> None:
    """A consent that lapses changes what a document may show, with no file changed; a day that
    changes nothing a packet shows leaves it alone."""
    before = mtimes(built / "build")
    build(built, "--format", "html", "--as-of", "2026-11-24")
    after = mtimes(built / "build")
    for pid in DEMO_IDS:
        for doc in ("responder-packet", "mobile-crisis-packet", "crisis-plan"):
            path = built / "build" / pid / f"{doc}.html"
            assert after[path] == before[path], path
    packet = built / "build" / "dana-k" / "mobile-crisis-packet.html"
    assert "Behavioral health" in visible_text(packet)
    result = run_cli("build", "--root", str(built), "--as-of", "2027-03-10", "--quiet", "--format", "html")
    assert result.exit_code == 0
    assert "Behavioral health (shared with consent)" not in visible_text(packet)
    manifest = json.loads((built / "build" / "dana-k" / "mobile-crisis-packet.manifest.json").read_text())
    assert manifest["as_of"] == "2027-03-10"


def test_missing_output_and_corrupt_cache_are_rebuilt(built_pdf: Path) -> None:
    (built_pdf / "build" / "jay-t" / "crisis-plan.pdf").unlink()
    assert rebuilt(build(built_pdf)) == 1
    assert "Crisis plan" in pdf_text(built_pdf / "build" / "jay-t" / "crisis-plan.pdf")
    (built_pdf / "build" / CACHE_NAME).write_text("{not json")
    assert rebuilt(build(built_pdf, "--format", "html")) == len(documents(built_pdf / "build"))
    assert json.loads((built_pdf / "build" / CACHE_NAME).read_text())["schema"] == 1


def test_stale_temp_files_are_removed_but_young_ones_kept(tmp_path: Path) -> None:
    import os
    import time

    old = tmp_path / "rosa-m" / ".crisis-plan.pdf.packetgen-abc12345.tmp"
    young = tmp_path / ".index.html.packetgen-def45678.tmp"
    old.parent.mkdir()
    for path in (old, young):
        path.write_bytes(b"%PDF-1.7 partial")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert clean_temp_files(tmp_path) == [old]
    assert young.exists() and not old.exists()
