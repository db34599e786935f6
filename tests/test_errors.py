"""Bad input names the file, line and field, builds nothing for that person, and keeps the last
good output byte-for-byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import AS_OF, run_cli
from profiles import dump_yaml, marked_profile, write_profile

from packetgen.model.documents import PERSON_DOCUMENTS


def profile_text() -> str:
    return dump_yaml(marked_profile())


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``: the line a person would look at."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def break_profile(kind: str) -> tuple[str, str, str]:
    """Return (broken YAML text, expected 'file:line' suffix line needle, expected field path)."""
    text = profile_text()
    if kind == "broken-yaml":
        broken = text.replace("  how_i_understand: Plain words", "  how_i_understand: [Plain words")
        return broken, "how_i_understand", ""
    if kind == "missing-field":
        broken = re.sub(r"\n *reaction: hives", "", text)
        return broken, "- substance: MKallergies", "allergies.items[0].reaction"
    if kind == "wrong-type":
        broken = text.replace("  date_of_birth: '1990-04-01'", "  date_of_birth: last spring")
        return broken, "date_of_birth", "identity.date_of_birth"
    if kind == "unknown-field":
        broken = text.replace("  language: English", "  langauge: English")
        return broken, "langauge", "identity.langauge"
    if kind == "empty-safety-list":
        data = marked_profile()
        data["allergies"] = {"items": []}
        broken = dump_yaml(data)
        return broken, "allergies:", "allergies"
    raise AssertionError(kind)


CASES = ["broken-yaml", "missing-field", "wrong-type", "unknown-field", "empty-safety-list"]


@pytest.mark.parametrize("kind", CASES)
def test_check_names_file_line_and_field(project: Path, kind: str) -> None:
    broken, needle, field = break_profile(kind)
    assert broken != profile_text() or kind == "empty-safety-list"
    write_profile(project, "testa", broken)
    result = run_cli("check", "--root", str(project), "--as-of", AS_OF)
    assert result.exit_code == 1
    expected = f"people/testa/profile.yaml:{line_of(broken, needle)}:"
    lines = [line for line in result.output.splitlines() if line.startswith("people/")]
    assert any(line.startswith(expected) for line in lines), result.output
    if field:
        assert any(line.startswith(f"{expected} {field}:") for line in lines), result.output


def test_unknown_field_suggests_the_right_name(project: Path) -> None:
    broken, _, _ = break_profile("unknown-field")
    write_profile(project, "testa", broken)
    result = run_cli("check", "--root", str(project))
    assert "unknown field 'langauge' (did you mean 'language'?)" in result.output


def test_missing_field_says_what_to_add(project: Path) -> None:
    broken, _, _ = break_profile("missing-field")
    write_profile(project, "testa", broken)
    assert "required field is missing: add 'reaction:'" in run_cli("check", "--root", str(project)).output


def test_all_problems_are_reported_at_once(project: Path) -> None:
    text = profile_text().replace("  langauge", "  language").replace("  language: English", "  langauge: English")
    text = re.sub(r"\n *reaction: hives", "", text).replace("  version: 2", "  version: two")
    write_profile(project, "testa", text)
    out = run_cli("check", "--root", str(project)).output
    assert "identity.langauge" in out and "allergies.items[0].reaction" in out and "plan.version" in out
    assert "3 error(s) in 1 of 1 profiles" in out


def test_duplicate_keys_are_reported(project: Path) -> None:
    text = profile_text().replace("  language: English\n", "  language: English\n  language: Spanish\n")
    write_profile(project, "testa", text)
    out = run_cli("check", "--root", str(project)).output
    assert f"people/testa/profile.yaml:{line_of(text, 'language: Spanish')}: identity.language:" in out


def test_valid_profiles_pass_with_one_line_summary(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    result = run_cli("check", "--root", str(project), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("checked 1 profiles: all valid")


@pytest.mark.parametrize("kind", [k for k in CASES if k != "broken-yaml"])
def test_bad_edit_keeps_last_good_output_and_builds_the_others(project: Path, tmp_path: Path, kind: str) -> None:
    """An error that cannot change what a document may show keeps the last good output. (A file
    that does not parse at all may hide a sharing change: tests/test_output_lifecycle.py.)"""
    write_profile(project, "testa", marked_profile())
    write_profile(project, "other", marked_profile())
    out = project / "build"
    assert run_cli("build", "--root", str(project), "--as-of", AS_OF).exit_code == 0
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (out / "testa").iterdir()}
    assert len(before) == 3 * len(PERSON_DOCUMENTS)  # html, pdf and manifest for each

    broken, _, _ = break_profile(kind)
    write_profile(project, "testa", broken)
    (out / "other" / "responder-packet.pdf").unlink()
    result = run_cli("build", "--root", str(project), "--as-of", AS_OF)

    assert result.exit_code == 1
    assert "not built (errors above):\n  testa: showing version 2 (last good output kept)\n" in result.output
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (out / "testa").iterdir()}
    assert after == before
    assert (out / "other" / "responder-packet.pdf").exists()
    index = (out / "index.html").read_text()
    assert "Source has errors" in index


def test_template_typo_fails_the_build_instead_of_printing_blank(project: Path) -> None:
    import shutil

    from conftest import REPO

    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "styles", project / "styles")
    template = project / "templates" / "responder_packet.html.j2"
    text = template.read_text()
    assert "view.decision_maker.code_status" in text  # the typo below must land in this template
    template.write_text(text.replace("view.decision_maker.code_status", "view.decision_maker.code_statsu", 1))
    write_profile(project, "testa", marked_profile())
    result = run_cli("build", "--root", str(project), "--as-of", AS_OF, "--format", "html")
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(template.read_text().splitlines(), 1) if "code_statsu" in text)
    assert (
        f"templates/responder_packet.html.j2:{line}: template error: 'code_statsu' is not defined here: "
        "check the spelling"
    ) in result.output
    assert "Traceback" not in result.output and "jinja2" not in result.output
    assert not (project / "build" / "testa" / "responder-packet.html").exists()
