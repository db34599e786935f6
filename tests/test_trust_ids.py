"""Person ids from the command line and folder names under people/ follow the person-id rule.

The rule (``new`` has always enforced it): lower-case letters, digits and dashes, at most 63
characters, starting with a letter or digit. An id that breaks it is a usage error (exit 2)
before anything is read or written; a folder that breaks it is reported on the terminal and
never built, loaded, or named in any file under build/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, copy_demo, html_soup
from events import event_data, write_event
from leaks import where_found
from profiles import marked_profile, write_profile

from packetgen.cli import main

RULE = (
    "not a valid person id: use the folder name under people/; lower-case letters, digits and dashes only, "
    "e.g. 'ana-r' (it becomes a file name, so no full names or diagnoses), and not assets, drills, audit or "
    "print (the build folder uses those)"
)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*")}


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "args",
    [
        ("build", "--person", "../people/rosa-m"),
        ("build", "--person", "rosa-m/../../../elsewhere"),
        ("build", "--person", "jay-t", "--person", "Rosa Martinez"),
        ("build", "--person", "rosa-m\n"),
        ("drill", "../people/rosa-m"),
        ("drill", "rosa-m", "../people/jay-t", "--paper"),
        ("status", "--person", "../people/rosa-m"),
        ("explain", "../people/rosa-m", "responder-packet"),
        ("new", "../people/rosa-m"),
        ("new", "Rosa-M"),
        ("new", "print"),  # build/print/ holds print runs: a person called that would share their folder
        ("check", "--person", "assets"),
    ],
    ids=lambda args: " ".join(args).replace("\n", "\\n"),
)
def test_a_person_id_breaking_the_rule_is_a_usage_error_and_writes_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    project = copy_demo(tmp_path / "proj")
    before = snapshot(tmp_path)
    code, output = cli(*args, "--root", str(project))
    assert code == 2, output
    assert RULE in " ".join(output.split()), output
    assert snapshot(tmp_path) == before, "nothing may be written anywhere"


def test_the_library_refuses_such_an_id_too(tmp_path: Path) -> None:
    from packetgen.project.folders import open_project

    project = open_project(tmp_path)
    for bad in ("../people/rosa-m", "rosa-m\n", "", "a" * 64, "-x"):
        with pytest.raises(ValueError):
            project.profile_path(bad)


MISNAMED = "Rosa Martinez diabetes"


@pytest.fixture
def misnamed(project: Path) -> Path:
    """A valid person, and a valid profile (with an event) in a folder whose name breaks the rule."""
    write_profile(project, "testa", marked_profile())
    write_event(project, "testa", "2026-11-02-escalation", event_data())
    data = marked_profile()
    data["identity"] |= {"preferred_name": "Rosalind", "legal_name": "Rosalind Quinterro-Vasquez"}
    write_profile(project, MISNAMED, data)
    write_event(project, MISNAMED, "2026-11-03-escalation", event_data("2026-11-03 10:00"))
    return project


LINE = (
    f"people/{MISNAMED}/: folder name is not a valid person id, so it is not built: rename the folder: "
    "lower-case letters, digits and dashes only, e.g. 'ana-r' (it becomes a file name, so no full names or "
    "diagnoses), and not assets, drills, audit or print (the build folder uses those)"
)


def test_check_reports_a_misnamed_folder_and_fails(misnamed: Path) -> None:
    code, output = cli("check", "--root", str(misnamed), "--as-of", AS_OF)
    assert code == 1
    assert LINE in output.splitlines()
    assert "Rosalind" not in output, "the folder's profile is never read"


def test_a_misnamed_folder_is_not_built_and_never_named_under_build(misnamed: Path) -> None:
    code, output = cli("build", "--root", str(misnamed), "--as-of", AS_OF)
    assert code == 1
    assert LINE in output.splitlines()
    build = misnamed / "build"
    assert (build / "testa" / "responder-packet.pdf").is_file()
    assert {row["data-person"] for row in html_soup(build / "index.html").select("tr[data-person]")} == {"testa"}
    assert where_found(build, MISNAMED.encode()) == []
    assert where_found(build, b"Rosalind Quinterro-Vasquez") == []
    assert not any("diabetes" in p.name.lower() for p in build.rglob("*"))
    assert all(b"diabetes" not in p.read_bytes().lower() for p in build.rglob("*") if p.is_file())


def test_the_deidentified_audit_never_names_a_misnamed_folder(misnamed: Path) -> None:
    code, output = cli("audit", "--root", str(misnamed), "--as-of", AS_OF)
    assert code == 0, output
    audit = misnamed / "build" / "audit"
    assert (audit / "report.html").is_file() and (audit / "report.pdf").is_file()
    assert where_found(audit, MISNAMED.encode()) == []
    assert all(b"diabetes" not in p.read_bytes().lower() for p in audit.rglob("*") if p.is_file())
    assert "2026-11-02-escalation" in html_soup(audit / "report.html").get_text()


def test_watch_ignores_changes_in_a_misnamed_folder(misnamed: Path) -> None:
    from packetgen.project.folders import open_project
    from packetgen.watch.watch import classify

    project = open_project(misnamed)
    affected = classify(
        project, {misnamed / "people" / MISNAMED / "profile.yaml", misnamed / "people" / "testa" / "profile.yaml"}
    )
    assert affected.people == {"testa"}
