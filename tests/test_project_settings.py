"""packetgen.yml and `packetgen init`: the rules as the README's "Configure" section states them.

- every key is optional; an unknown key is an error with its line and "did you mean";
- organization (name, phone) is printed in every document's footer;
- dates.format sets how dates read ('02/06/2026' is day first); dates.time_zone the generated stamp;
- review_months sets the next review after plan.last_reviewed (default 6);
- documents.skip leaves a document kind out (and a build removes what it had written);
- templates: a folder whose files replace shipped templates one by one;
- logo: an image inside the project folder only;
- init writes a project, refuses a non-empty folder without --force, and never overwrites a file;
- a command finds packetgen.yml from any subfolder; with none, it says how to start one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, run_cli, visible_text

SKELETON_PERSON = REPO / "packetgen" / "skeleton" / "people" / "alex-b" / "profile.yaml"
AS_OF = "2026-11-23"


@pytest.fixture
def here(tmp_path: Path) -> Iterator[Path]:
    """Run commands from ``tmp_path`` (commands find the project from the current folder)."""
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(before)


def new_project(folder: Path, settings: str = "") -> Path:
    """A project with the example person (reviewed 2026-01-05) and the given packetgen.yml."""
    (folder / "people" / "alex-b").mkdir(parents=True)
    shutil.copy(SKELETON_PERSON, folder / "people" / "alex-b" / "profile.yaml")
    (folder / "packetgen.yml").write_text(settings, encoding="utf-8")
    return folder


def build(folder: Path, *args: str) -> str:
    result = run_cli("build", "--project", str(folder), "--as-of", AS_OF, "--format", "html", *args)
    assert result.exit_code == 0, result.output
    return result.output


def test_an_unknown_key_names_its_line_and_the_key_meant(tmp_path: Path) -> None:
    root = new_project(tmp_path, "review_months: 6\npapr: a4\n")
    result = run_cli("build", "--project", str(root), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "packetgen.yml:2: papr: " in result.output and "did you mean 'paper'" in result.output
    assert "Traceback" not in result.output
    assert not (root / "build").exists()  # nothing done


@pytest.mark.parametrize(
    ("settings", "line", "field"),
    [
        ("dates:\n  time_zone: Mars/Olympus\n", 2, "dates.time_zone"),
        ("organization:\n  name: Maple Grove\n  phone: call the office\n", 3, "organization.phone"),
        ("paper: legal\n", 1, "paper"),
        ("review_months: 0\n", 1, "review_months"),
    ],
)
def test_a_bad_value_is_a_plain_message_with_its_line(tmp_path: Path, settings: str, line: int, field: str) -> None:
    root = new_project(tmp_path, settings)
    result = run_cli("check", "--project", str(root))
    assert result.exit_code == 1
    assert f"packetgen.yml:{line}: {field}: " in result.output, result.output
    assert "Traceback" not in result.output and "pydantic" not in result.output.lower()


def test_organization_dates_and_time_zone_reach_every_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18 11:06 UTC = 05:06 in Chicago (CST)
    root = new_project(
        tmp_path,
        "organization:\n  name: Maple Grove Supports\n  phone: 555-0142\n"
        "dates:\n  format: 02/06/2026\n  time_zone: America/Chicago\n",
    )
    build(root)
    assert run_cli("audit", "--project", str(root), "--as-of", AS_OF).exit_code == 0
    for page in [
        "alex-b/responder-packet.html",
        "alex-b/crisis-plan.html",
        "alex-b/mobile-crisis-packet.html",
        "alex-b/return-checklist-blank.html",
        "index.html",
        "audit/report.html",
    ]:
        text = visible_text(root / "build" / page)
        assert "Maple Grove Supports, 24/7 555-0142" in text, page
    packet = visible_text(root / "build" / "alex-b" / "responder-packet.html")
    assert "born 22/04/1958" in packet  # day first, as 2 June 2026 reads 02/06/2026
    assert "generated 2026-11-18 05:06 CST" in packet


def test_review_months_sets_the_next_review(tmp_path: Path) -> None:
    root = new_project(tmp_path, "review_months: 3\n")  # the example was last reviewed 2026-01-05
    build(root)
    assert "next review 5 Apr 2026" in visible_text(root / "build" / "alex-b" / "responder-packet.html")
    (root / "packetgen.yml").write_text("review_months: 12\n")
    build(root)  # a changed setting rebuilds what it touches
    assert "next review 5 Jan 2027" in visible_text(root / "build" / "alex-b" / "responder-packet.html")


def test_documents_skip_leaves_a_kind_out_and_removes_it(tmp_path: Path) -> None:
    root = new_project(tmp_path)
    build(root)
    assert (root / "build" / "alex-b" / "crisis-plan.html").is_file()
    (root / "packetgen.yml").write_text("documents:\n  skip: [crisis-plan]\n")
    build(root)
    assert not (root / "build" / "alex-b" / "crisis-plan.html").exists()
    assert (root / "build" / "alex-b" / "responder-packet.html").is_file()


def test_a_templates_folder_replaces_shipped_templates_one_by_one(tmp_path: Path) -> None:
    root = new_project(tmp_path, "templates: my-templates\n")
    (root / "my-templates").mkdir()
    shipped_index = (REPO / "templates" / "index.html.j2").read_text()
    (root / "my-templates" / "index.html.j2").write_text(
        shipped_index.replace("{% block body %}", "{% block body %}<p>Maple Grove's own index</p>", 1)
    )
    build(root)
    assert "Maple Grove's own index" in visible_text(root / "build" / "index.html")
    assert "Maple Grove's own index" not in visible_text(root / "build" / "alex-b" / "responder-packet.html")
    assert "Allergies" in visible_text(root / "build" / "alex-b" / "responder-packet.html")


def test_a_logo_must_be_inside_the_project(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    root = new_project(tmp_path / "project", "logo: ../elsewhere.png\n")
    result = run_cli("check", "--project", str(root))
    assert result.exit_code == 1 and "packetgen.yml:1: logo: " in result.output
    (root / "packetgen.yml").write_text(f"logo: {outside}\n")
    result = run_cli("check", "--project", str(root))
    assert result.exit_code == 1 and "packetgen.yml:1: logo: " in result.output
    assert "elsewhere" not in result.output.replace(str(root), "")  # the message names the field, not the file


def test_init_writes_a_project_that_checks_and_never_overwrites(here: Path) -> None:
    result = run_cli("init", "agency")
    assert result.exit_code == 0, result.output
    root = here / "agency"
    for relative in [
        "packetgen.yml",
        ".gitignore",
        "README.md",
        "people/alex-b/profile.yaml",
        "schema/profile.schema.json",
        "schema/event.schema.json",
        "schema/packetgen.schema.json",
    ]:
        assert (root / relative).is_file(), relative
    assert "build/" in (root / ".gitignore").read_text().splitlines()
    assert "fictional: true" in (root / "people/alex-b/profile.yaml").read_text()
    # From a subfolder: the project is found by walking up; the fresh example has nothing overdue.
    os.chdir(root / "people" / "alex-b")
    result = run_cli("check")
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.output
    # Not empty: refused without --force; with it, an edited file stays as it is.
    os.chdir(here)
    (root / "packetgen.yml").write_text("paper: a4\n")
    (root / "README.md").unlink()
    assert run_cli("init", "agency").exit_code == 2
    result = run_cli("init", "agency", "--force")
    assert result.exit_code == 0
    assert (root / "packetgen.yml").read_text() == "paper: a4\n"
    assert (root / "README.md").is_file()


def test_without_a_project_a_command_says_how_to_start_one(here: Path) -> None:
    result = run_cli("build")
    assert result.exit_code == 2
    assert "no packetgen.yml in this folder or any folder above it" in result.output
    assert "packetgen init" in result.output


def test_check_warns_about_a_real_looking_profile_inside_packetgens_checkout() -> None:
    root = REPO / "build" / "test-real-data-warning"  # build/ is git-ignored
    shutil.rmtree(root, ignore_errors=True)
    try:
        new_project(root)
        profile = root / "people" / "alex-b" / "profile.yaml"
        profile.write_text(profile.read_text().replace("fictional: true", "fictional: false"))
        result = run_cli("check", "--project", str(root), "--as-of", AS_OF)
        assert "not marked 'fictional: true'" in result.output
        assert "packetgen init" in result.output
    finally:
        shutil.rmtree(root, ignore_errors=True)
