"""The emergency-information sections (conditions, devices, baseline_vitals, avoid, care_providers,
home_access, immunizations) as the README states them:

- optional: a profile written before them still builds, and its packet says "Not recorded on this
  sheet: ..." naming each one, never a blank that reads as "none";
- once present, conditions and devices hold entries or none_known, and no list is empty;
- a section the audience may not see reads exactly as a missing one (nothing tells it apart);
- care providers may each set their own sharing, like contacts, and one made internal never reaches
  a responder or the crisis plan's "what changed";
- the avoid list is a page-1 alert; `check` lists who still lacks each section and warns about
  anything in home_access that looks like a door code.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, REPO, html_soup, one, pdf_pages, run_cli, visible_text

EIF_KEYS = ("conditions", "devices", "baseline_vitals", "avoid", "care_providers", "home_access", "immunizations")
PACKET_NOT_RECORDED = "what to avoid, conditions, devices, preferred hospital, usual vital signs, how to get in"
"""The README's wording, in its order, for a packet whose profile has none of the sections."""


def person(tmp_path: Path, person_id: str = "jay-t", edit: Any = None) -> Path:
    """A project with one demo person, optionally edited (``edit`` gets the profile data)."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "people" / person_id, root / "people" / person_id)
    path = root / "people" / person_id / "profile.yaml"
    if edit is not None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return root


def without_eif(data: dict[str, Any]) -> None:
    for key in EIF_KEYS:
        data.pop(key, None)


def build(root: Path, *extra: str) -> Any:
    return run_cli("build", "--root", str(root), "--as-of", AS_OF, "--quiet", *extra)


def every_byte_under(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


def test_a_profile_from_before_the_sections_builds_and_says_not_recorded(tmp_path: Path) -> None:
    root = person(tmp_path, edit=without_eif)
    result = build(root)
    assert result.exit_code == 0, result.output
    for name in ("responder-packet", "mobile-crisis-packet"):
        line = one(html_soup(root / "build" / "jay-t" / f"{name}.html"), '[data-field="not_recorded"]')
        assert " ".join(line.get_text(" ").split()) == f"Not recorded on this sheet: {PACKET_NOT_RECORDED}."
        pdf = " ".join(pdf_pages(root / "build" / "jay-t" / f"{name}.pdf")[0].split())
        assert f"Not recorded on this sheet: {PACKET_NOT_RECORDED}." in pdf
    plan = visible_text(root / "build" / "jay-t" / "crisis-plan.html")
    assert "Not recorded on this sheet: what to avoid, conditions, devices, care providers, immunizations." in plan


@pytest.mark.parametrize(
    ("section", "value", "words"),
    [
        ("conditions", {"items": []}, "empty list"),
        ("conditions", [], "empty list"),
        ("conditions", {}, "not recorded"),
        ("devices", {"items": []}, "empty list"),
        ("devices", "none", "not recorded"),
        ("avoid", [{"what": "Prone restraint", "reason": "asphyxia risk"}], "under 'items:'"),
        ("care_providers", {"items": []}, "empty list: add at least one entry"),
        ("baseline_vitals", {"sharing": "responder"}, "no measurement"),
    ],
)
def test_a_present_section_follows_its_rules(tmp_path: Path, section: str, value: Any, words: str) -> None:
    root = person(tmp_path, edit=lambda d: d.__setitem__(section, value))
    result = run_cli("check", "--root", str(root), "--as-of", AS_OF, "--quick")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    line = next((x for x in lines if x.startswith("people/jay-t/profile.yaml:") and f": {section}" in x), "")
    assert re.match(r"people/jay-t/profile\.yaml:\d+: " + section, line), result.output
    assert words in line, line
    assert "Traceback" not in result.output and "pydantic" not in result.output.lower()


def test_the_avoid_list_conditions_devices_and_hospital_are_on_page_one(tmp_path: Path) -> None:
    root = person(tmp_path)
    assert build(root).exit_code == 0
    page_one = " ".join(pdf_pages(root / "build" / "jay-t" / "responder-packet.pdf")[0].split())
    for text in (
        "Avoid",
        "Tramadol and bupropion: lower the seizure threshold",
        "Epilepsy (focal seizures that can spread)",
        "VNS (vagus nerve stimulator): Do not remove.",
        "Preferred hospital",
        "Lakeside Medical Center",
        "555-0126",
    ):
        assert text in page_one, text
    # The packet names only the preferred hospital of the care providers; the crisis plan names them all.
    assert "Dr. Grace Lin" not in page_one
    plan = visible_text(root / "build" / "jay-t" / "crisis-plan.html")
    assert "Dr. Grace Lin" in plan and "Influenza" in plan and "Tramadol and bupropion" in plan


def internal_conditions(data: dict[str, Any]) -> None:
    data["conditions"]["sharing"] = "internal"


def no_conditions(data: dict[str, Any]) -> None:
    del data["conditions"]


def test_a_withheld_section_reads_exactly_as_a_missing_one(tmp_path: Path) -> None:
    withheld = person(tmp_path / "a", edit=internal_conditions)
    missing = person(tmp_path / "b", edit=no_conditions)
    for root in (withheld, missing):
        assert build(root, "--format", "html").exit_code == 0
    for name in ("responder-packet", "mobile-crisis-packet", "crisis-plan"):
        a = one(html_soup(withheld / "build" / "jay-t" / f"{name}.html"), '[data-field="not_recorded"]').get_text()
        b = one(html_soup(missing / "build" / "jay-t" / f"{name}.html"), '[data-field="not_recorded"]').get_text()
        assert a == b and "conditions" in a
        manifest = json.loads((withheld / "build" / "jay-t" / f"{name}.manifest.json").read_text())
        decision = next(s for s in manifest["sections"] if s["section"] == "conditions")
        assert "internal" not in json.dumps(decision)
    assert "Epilepsy (focal" not in every_byte_under(withheld / "build")


def hospital_internal_sister_clinic(data: dict[str, Any]) -> None:
    data["care_providers"]["items"].append(
        {"role": "specialist", "name": "Harbor Clinic", "phone": "555-0129", "sharing": "internal"}
    )
    data["care_providers"]["items"][2]["sharing"] = "internal"  # the preferred hospital


def test_a_care_provider_may_set_its_own_sharing(tmp_path: Path) -> None:
    root = person(tmp_path, edit=hospital_internal_sister_clinic)
    assert build(root).exit_code == 0
    out = every_byte_under(root / "build")
    assert "Harbor Clinic" not in out and "Lakeside Medical Center" not in out
    packet = visible_text(root / "build" / "jay-t" / "responder-packet.html")
    assert (
        "preferred hospital"
        in one(html_soup(root / "build" / "jay-t" / "responder-packet.html"), '[data-field="not_recorded"]').get_text()
    )
    assert "Dr. Grace Lin" not in packet
    assert "Dr. Grace Lin" in visible_text(root / "build" / "jay-t" / "crisis-plan.html")


def test_a_care_provider_made_internal_leaves_what_changed_too(tmp_path: Path) -> None:
    root = person(tmp_path)
    assert build(root, "--format", "html").exit_code == 0
    path = root / "people" / "jay-t" / "profile.yaml"
    data = yaml.safe_load(path.read_text())
    data["care_providers"]["items"][1]["sharing"] = "internal"  # Dr. Grace Lin
    data["care_providers"]["items"][1]["phone"] = "555-0130"
    data["plan"]["version"] += 1
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert build(root, "--format", "html").exit_code == 0
    plan = visible_text(root / "build" / "jay-t" / "crisis-plan.html")
    assert "Grace Lin" not in plan and "555-0130" not in plan and "555-0125" not in plan
    assert "Grace Lin" not in every_byte_under(root / "build")


def test_check_lists_who_is_missing_each_section(tmp_path: Path) -> None:
    root = person(tmp_path, edit=without_eif)
    shutil.copytree(REPO / "people" / "rosa-m", root / "people" / "rosa-m")
    result = run_cli("check", "--root", str(root), "--as-of", AS_OF, "--quick")
    lines = [line for line in result.output.splitlines() if "not recorded for" in line]
    by_section = {line.split(":")[1].strip(): line for line in lines}
    # Jay has none of them now; Rosa has conditions, devices and care providers only.
    assert set(by_section) == set(EIF_KEYS)
    assert "not recorded for 2 of 2 people (jay-t, rosa-m)" in by_section["baseline_vitals"]
    assert "not recorded for 1 of 2 people (jay-t)" in by_section["conditions"]
    assert "not recorded for 2 of 2 people (jay-t, rosa-m)" in by_section["home_access"]
    assert all(line.startswith("people: ") and "warning:" in line for line in lines)


@pytest.mark.parametrize(
    ("value", "warned"),
    [
        ("Keypad by the side door: 4821", True),
        ("Lockbox code 0912 on the porch", True),
        ("Gate: press 1357#", True),
        ("Staff on shift let you in; the on-call supervisor has a key", False),
        ("Flat 12, 3 steps up, door on the left", False),
    ],
)
def test_check_warns_about_a_door_code(tmp_path: Path, value: str, warned: bool) -> None:
    root = person(tmp_path, edit=lambda d: d.__setitem__("home_access", {"entry": "Side door", "keys": value}))
    result = run_cli("check", "--root", str(root), "--as-of", AS_OF, "--quick")
    found = [line for line in result.output.splitlines() if "home_access.keys" in line]
    assert bool(found) == warned, result.output
    if warned:
        assert re.match(r"people/jay-t/profile\.yaml:\d+: home_access\.keys: warning: looks like a door", found[0])
        digits = re.findall(r"\d{3,}", value)
        assert not any(d in result.output for d in digits), "the message must not repeat the code"


def imported_allergy_and_withheld_condition(data: dict[str, Any]) -> None:
    source = {"bundle": "urn:uuid:0c3a5f0e-demo", "date": "2026-10-01"}
    data["medications"]["items"][0]["source"] = source
    data["conditions"]["items"][0]["source"] = {"bundle": "urn:uuid:withheld-bundle", "date": "2026-09-01"}
    data["conditions"]["sharing"] = "internal"


def test_the_manifest_says_which_shown_facts_came_from_a_health_record(tmp_path: Path) -> None:
    root = person(tmp_path, edit=imported_allergy_and_withheld_condition)
    assert build(root, "--format", "html").exit_code == 0
    manifest = json.loads((root / "build" / "jay-t" / "responder-packet.manifest.json").read_text())
    assert manifest["imported"] == [
        {"field": "medications.items[0]", "bundle": "urn:uuid:0c3a5f0e-demo", "date": "2026-10-01"}
    ]
    assert "withheld-bundle" not in every_byte_under(root / "build")
