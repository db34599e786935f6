"""Issue 13: the plan version is enforced. ``check`` warns when the plan changed but its version did
not, and no two different documents print the same version label (issue 12: consent-safe)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import html_soup, pdf_text, run_cli
from profiles import marked_profile, write_profile

EDITED = "2 (edit {n}, 18 Nov 2026)"  # SOURCE_DATE_EPOCH below is 2026-11-18 11:06 UTC


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


def build(root: Path, fmt: str = "html") -> None:
    result = run_cli("build", "--root", str(root), "--as-of", "2026-11-23", "--quiet", "--format", fmt)
    assert result.exit_code == 0, result.output


def label(root: Path, document: str) -> str:
    """The version as the document prints it: header, footer and manifest must agree."""
    soup = html_soup(root / "build/testa" / f"{document}.html")
    header = " ".join(soup.select_one('[data-field="plan"]').get_text(" ").split())  # type: ignore[union-attr]
    footer = " ".join(soup.select_one("footer").get_text(" ").split())  # type: ignore[union-attr]
    shown = header.removeprefix("Plan version ").split(" · reviewed")[0]
    assert f" · plan v{shown} · " in footer
    assert json.loads((root / "build/testa" / f"{document}.manifest.json").read_text())["plan_version_label"] == shown
    return shown


def version_line(path: Path) -> int:
    lines = path.read_text().splitlines()
    plan = lines.index("plan:")
    return next(i for i, line in enumerate(lines[plan:], plan + 1) if line.startswith("  version:"))


def check(root: Path) -> list[str]:
    result = run_cli("check", "--root", str(root), "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if "plan.version" in line]


def edit(root: Path, data: dict[str, Any]) -> None:
    write_profile(root, "testa", data)


def test_check_warns_when_the_plan_changed_but_its_version_did_not(project: Path) -> None:
    data = marked_profile()
    path = write_profile(project, "testa", data)
    assert check(project) == []  # nothing recorded yet
    build(project)
    assert check(project) == []
    data["crisis_plan"]["triggers"].append("Thunder")
    edit(project, data)
    warning = (
        f"people/testa/profile.yaml:{version_line(path)}: plan.version: warning: the plan changed since "
        "version 2 was first recorded on 18 Nov 2026, but plan.version is still 2: raise it (until then the "
        "documents print version 2 with an edit number)"
    )
    assert check(project) == [warning]  # before the next build ...
    build(project)
    assert check(project) == [warning]  # ... and after it
    data["plan"]["version"] = 3
    edit(project, data)
    assert check(project) == []


def test_internal_edits_do_not_need_a_new_version(project: Path) -> None:
    """Only what some document shows counts (the comparison uses the stored views)."""
    data = marked_profile()
    write_profile(project, "testa", data)
    build(project)
    data["internal_notes"]["text"] = "Something else entirely"
    edit(project, data)
    assert check(project) == []


def test_different_content_never_prints_the_same_label(project: Path) -> None:
    data = marked_profile()
    write_profile(project, "testa", data)
    build(project, fmt="all")
    assert {label(project, d) for d in ("crisis-plan", "mobile-crisis-packet", "responder-packet")} == {"2"}
    first = list(data["crisis_plan"]["triggers"])
    data["crisis_plan"]["triggers"].append("Thunder")
    edit(project, data)
    build(project, fmt="all")
    assert label(project, "crisis-plan") == EDITED.format(n=1)
    assert f"plan v{EDITED.format(n=1)}" in " ".join(pdf_text(project / "build/testa/crisis-plan.pdf").split())
    assert label(project, "mobile-crisis-packet") == EDITED.format(n=1)  # it shows the crisis plan too
    assert label(project, "responder-packet") == "2"  # EMS may not see the crisis plan: same content, same label
    data["crisis_plan"]["triggers"].append("Sirens")
    edit(project, data)
    build(project)
    assert label(project, "crisis-plan") == EDITED.format(n=2)
    data["crisis_plan"]["triggers"] = first  # back to what version 2 first said
    edit(project, data)
    build(project)
    assert label(project, "crisis-plan") == "2"
    data["plan"]["version"] = 3
    edit(project, data)
    build(project)
    assert label(project, "crisis-plan") == "3"


def test_a_label_never_moves_for_what_its_audience_may_not_see(project: Path) -> None:
    data = marked_profile()
    data["consents"] = [
        {
            "id": "roi-mc",
            "recipient": "mobile-crisis",
            "sections": ["behavioral_health"],
            "authority": "person",
            "granted": "2026-01-01",
            "expires": "2027-06-01",
            "recorded_by": "Sam",
            "document_ref": "ROI-1",
        }
    ]
    write_profile(project, "testa", data)
    build(project)
    data["behavioral_health"]["text"] = "Behavioral, revised"
    edit(project, data)
    build(project)
    assert label(project, "mobile-crisis-packet") == EDITED.format(n=1)
    assert label(project, "crisis-plan") == "2"
    assert label(project, "responder-packet") == "2"
