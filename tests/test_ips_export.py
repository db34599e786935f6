"""`packetgen export ips`: a valid FHIR IPS document of exactly what one audience may see.

Each section carries a marker word found nowhere else in the profile; for every audience and several
sharing settings, a withheld section's marker never appears anywhere in the exported bytes
(narratives included), and a shown one's always does. Who sees which sharing class is restated here
from the README's sharing table, not read from the code. Export then import gives the same facts."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, AS_OF_DATE, REPO, run_cli
from profiles import BY_RIGHT

from packetgen.builder.records import load_person
from packetgen.project.folders import open_project

# README, "Sharing classes and consent": the classes each audience gets without a consent record.
CLASSES = BY_RIGHT
# The defaults of the sections an IPS carries (README's profile table).
DEFAULTS = {
    "allergies": "responder",
    "medications": "responder",
    "conditions": "responder",
    "devices": "responder",
    "baseline_vitals": "responder",
    "immunizations": "care-team",
}
MARKERS = {
    "allergies": "Zebrafruit",
    "medications": "Quokkamab",
    "conditions": "Xylophone syndrome",
    "devices": "Walrus pump",
    "baseline_vitals": "Narwhal calm",
    "immunizations": "Yellowtail vaccine",
}
MANDATORY = {"allergies": "48765-2", "medications": "10160-0", "conditions": "11450-4"}
OPTIONAL = {"immunizations": "11369-6", "devices": "46264-8", "baseline_vitals": "8716-3"}
ABSENT = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips"


def profile() -> dict[str, Any]:
    """dana-k with one entry per IPS section, each holding its marker."""
    data = yaml.safe_load((REPO / "people/dana-k/profile.yaml").read_text())
    data["allergies"] = {"items": [{"substance": MARKERS["allergies"], "reaction": "hives", "severity": "moderate"}]}
    data["medications"] = {
        "items": [
            {
                "name": MARKERS["medications"],
                "dose": "250 mg",
                "route": "by mouth",
                "schedule": "8 am",
                "purpose": "pain",
            }
        ]
    }
    data["conditions"] = {"items": [{"name": MARKERS["conditions"], "note": "stable", "confirmed": False}]}
    data["devices"] = {"items": [{"name": MARKERS["devices"], "what_to_do": "Leave it running"}]}
    data["baseline_vitals"] = {
        "heart_rate": {"value": "64 per minute", "measured": "2026-09-01"},
        "blood_pressure": {"value": "120/80 mmHg", "measured": "2026-09-01"},
        "oxygen_saturation": {"value": "95%", "measured": "2026-09-01"},
        "temperature": {"value": "36.6 °C", "measured": "2026-09-01"},
        "neurological_status": {"value": MARKERS["baseline_vitals"] + ", alert", "measured": "2026-09-01"},
    }
    data["immunizations"] = {"items": [{"vaccine": MARKERS["immunizations"], "date": "2025-10-15"}]}
    return data


def write(project: Path, data: dict[str, Any], person: str = "dana-k") -> None:
    folder = project / "people" / person
    if not folder.exists():
        shutil.copytree(REPO / "people/dana-k", folder)
    (folder / "profile.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def export(project: Path, audience: str, person: str = "dana-k") -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    out = project / f"out-{audience}.json"
    args = ["export", "ips", person, "--audience", audience, "--out", str(out), "--project", str(project)]
    result = run_cli(*args, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    manifest = json.loads((project / f"out-{audience}.manifest.json").read_text())
    return out.read_bytes(), json.loads(out.read_bytes()), manifest


def sections(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    composition = bundle["entry"][0]["resource"]
    return {s["code"]["coding"][0]["code"]: s for s in composition["section"]}


def test_the_export_is_a_valid_ips_document(project: Path) -> None:
    from fhir.resources.R4B.bundle import Bundle

    write(project, profile())
    _, bundle, _ = export(project, "clinicians")
    Bundle.model_validate(bundle)  # raises if not valid FHIR
    assert bundle["type"] == "document"
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert composition["type"]["coding"][0]["code"] == "60591-5"
    assert set(sections(bundle)) == set(MANDATORY.values()) | set(OPTIONAL.values())
    for entry in bundle["entry"]:
        text = entry["resource"]["text"]
        assert text["status"] == "generated"
        assert text["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    for section in composition["section"]:
        assert section["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert all(ref["reference"] in urls for s in composition["section"] for ref in s.get("entry", []))


def test_default_output_and_manifest(project: Path) -> None:
    write(project, profile())
    result = run_cli("export", "ips", "dana-k", "--project", str(project), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    manifest = json.loads((project / "build/dana-k/ips-emergency-responders.manifest.json").read_text())
    assert (project / "build/dana-k/ips-emergency-responders.json").is_file()
    assert manifest["person"] == "dana-k" and manifest["audience"] == "emergency-responders"
    assert manifest["included"] == ["allergies", "medications", "conditions", "devices", "baseline_vitals"]
    assert "immunizations" in manifest["withheld"]
    assert "generated" in manifest


SETTINGS = ["defaults", "allergies internal", "conditions consent, no record", "conditions consent, with a record"]


def setting(name: str, audience: str) -> tuple[dict[str, Any], dict[str, str], set[str]]:
    """The profile under one sharing setting, each section's class, and the sections a consent covers."""
    data, classes, consented = profile(), dict(DEFAULTS), set()
    if name == "allergies internal":
        data["allergies"]["sharing"] = classes["allergies"] = "internal"
    if name.startswith("conditions consent"):
        data["conditions"]["sharing"] = classes["conditions"] = "consent"
    if name == "conditions consent, with a record":
        data["consents"].append(
            {
                "id": "roi-ips-test",
                "recipient": audience,
                "sections": ["conditions"],
                "authority": "guardian",
                "granted": "2026-01-01",
                "expires": "2027-06-01",
                "recorded_by": "Test supervisor",
                "document_ref": "ROI test form",
            }
        )
        consented.add("conditions")
    return data, classes, consented


@pytest.mark.parametrize("name", SETTINGS)
@pytest.mark.parametrize("audience", sorted(CLASSES))
def test_a_section_is_in_the_bytes_iff_the_audience_may_see_it(project: Path, audience: str, name: str) -> None:
    data, classes, consented = setting(name, audience)
    write(project, data)
    raw, bundle, manifest = export(project, audience)
    text = raw.decode("utf-8")
    for section, marker in MARKERS.items():
        shown = classes[section] in CLASSES[audience] or (classes[section] == "consent" and section in consented)
        assert (marker in text) == shown, (section, audience, name)
        assert (section in manifest["included"]) == shown
        assert marker not in json.dumps(manifest)
    label = {
        "emergency-responders": "Emergency responders (EMS, police)",
        "mobile-crisis": "Mobile crisis clinician",
        "case-manager": "Case manager",
        "clinicians": "Clinicians",
        "protective-services": "Protective services",
        "family": "Family and natural supports",
        "care-team": "Staff and care team",
        "internal-staff": "Internal staff",
    }[audience]
    for section, code in MANDATORY.items():
        if section not in manifest["included"]:
            empty = sections(bundle)[code]
            assert "entry" not in empty
            assert empty["emptyReason"]["coding"][0]["code"] == "unavailable"
            assert f"not shared with {label}" in empty["text"]["div"]
    for section, code in OPTIONAL.items():
        assert (code in sections(bundle)) == (section in manifest["included"])


def test_withheld_and_missing_read_the_same(project: Path) -> None:
    """A mandatory section the audience may not see is the same JSON as one the profile lacks."""
    withheld = profile()
    withheld["conditions"]["sharing"] = "internal"
    write(project, withheld)
    _, first, _ = export(project, "family")
    missing = profile()
    del missing["conditions"]
    write(project, missing)
    _, second, _ = export(project, "family")
    assert sections(first)["11450-4"] == sections(second)["11450-4"]


def test_none_known_exports_as_the_ips_code(project: Path) -> None:
    data = profile()
    data["allergies"] = {"none_known": {"verified_on": "2026-03-09", "verified_by": "RN"}}
    data["devices"] = {"none_known": {"verified_on": "2026-03-09", "verified_by": "RN"}}
    write(project, data)
    _, bundle, _ = export(project, "emergency-responders")
    resources = [e["resource"] for e in bundle["entry"]]
    allergy = next(r for r in resources if r["resourceType"] == "AllergyIntolerance")
    assert allergy["code"]["coding"][0] | {"display": None} == {
        "system": ABSENT,
        "code": "no-known-allergies",
        "display": None,
    }
    device = next(r for r in resources if r["resourceType"] == "Device")
    assert device["type"]["coding"][0]["code"] == "no-known-devices"


def test_export_then_import_gives_the_same_facts(project: Path, tmp_path: Path) -> None:
    data = profile()
    data["devices"] = {"none_known": {"verified_on": "2026-03-09", "verified_by": "RN"}}
    write(project, data)
    out = tmp_path / "dana.json"
    exported = run_cli(
        "export",
        "ips",
        "dana-k",
        "--audience",
        "clinicians",
        "--out",
        str(out),
        "--project",
        str(project),
        "--as-of",
        AS_OF,
    )
    assert exported.exit_code == 0, exported.output
    fresh = tmp_path / "fresh"
    (fresh / "people").mkdir(parents=True)
    imported = run_cli("import", "ips", str(out), "--person", "dana-k", "--project", str(fresh), "--as-of", AS_OF)
    assert imported.exit_code == 0, imported.output
    back = load_person(open_project(fresh), "dana-k", as_of=AS_OF_DATE).doc.data

    def facts(section: Any) -> Any:
        section = copy.deepcopy(section)
        for item in section.get("items", []) if isinstance(section, dict) else []:
            item.pop("source", None)
        for value in section.values():
            if isinstance(value, dict):
                value.pop("source", None)
        return section

    original = yaml.safe_load((project / "people/dana-k/profile.yaml").read_text())
    identity = {k: str(v) if k == "date_of_birth" else v for k, v in original["identity"].items() if k != "pronouns"}
    assert back["identity"] == identity
    for section in ("allergies", "medications", "conditions", "devices", "immunizations", "baseline_vitals"):
        assert facts(back[section]) == json.loads(json.dumps(original[section], default=str)), section


def test_an_export_under_build_goes_once_its_consent_may_not_cover_it(project: Path) -> None:
    """README: a build removes an export in build/ when the person's sharing or consents changed
    since, when a consent it relied on has expired, or while the profile has errors."""
    data = profile()
    data["conditions"]["sharing"] = "consent"
    data["consents"][0]["sections"].append("conditions")  # roi-2026-mc: mobile crisis, until 2027-03-09
    write(project, data)
    bundle = project / "build/dana-k/ips-mobile-crisis.json"
    manifest = project / "build/dana-k/ips-mobile-crisis.manifest.json"

    def export_then_build(as_of: str = AS_OF) -> None:
        result = run_cli("export", "ips", "dana-k", "--audience", "mobile-crisis", "--project", str(project))
        assert result.exit_code == 0, result.output
        assert MARKERS["conditions"].encode() in bundle.read_bytes()
        run_cli("build", "--root", str(project), "--as-of", as_of, "--format", "html", "--quiet")

    # Nothing changed: the export stays.
    export_then_build()
    assert bundle.is_file() and manifest.is_file()
    # The consent it relied on has expired on the build date: gone, with its manifest.
    export_then_build("2027-03-09")
    assert not bundle.exists() and not manifest.exists()
    # The consent record is withdrawn: gone.
    export_then_build()
    data["consents"][0]["sections"].remove("conditions")
    write(project, data)
    run_cli("build", "--root", str(project), "--as-of", AS_OF, "--format", "html", "--quiet")
    assert not bundle.exists()
    # The profile has an error: nothing can be proved, so it goes too.
    data["consents"][0]["sections"].append("conditions")
    write(project, data)
    export_then_build()
    (project / "people/dana-k/profile.yaml").write_text("identity: [\n")
    run_cli("build", "--root", str(project), "--as-of", AS_OF, "--format", "html", "--quiet")
    assert not bundle.exists() and not manifest.exists()
