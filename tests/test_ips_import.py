"""`packetgen import ips`: every mapped resource lands in its profile field, "none known" is kept apart
from "no information", a bad bundle is refused by entry with nothing written, and a merge into an
existing person never loses a hand-entered fact.

Fixture bundles (tests/ips/) follow the IPS implementation guide's structure and are about clearly
fictional people. Expected values are restated here from the bundles and the rules in the README,
and the written YAML is read back through packetgen's own loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, AS_OF_DATE, REPO, run_cli

from packetgen.builder.records import load_person
from packetgen.model.errors import errors
from packetgen.project.folders import open_project

BUNDLES = Path(__file__).parent / "ips"
FULL_SOURCE = {"bundle": "urn:oid:2.16.724.4.8.10.200.10|ips-test-full-0001", "date": "2026-10-01"}
AUTHOR = "Dr. Ines Fictiva, Riverside Family Practice (fictional)"
LIBRARY_WORDS = ("Traceback", "pydantic", "fhir.resources", "R4B", "ValidationError", "Decimal", "KeyError", "dict")


def import_ips(project: Path, bundle: Path, person: str, *extra: str) -> Any:
    return run_cli(
        "import", "ips", str(bundle), "--person", person, "--project", str(project), "--as-of", AS_OF, *extra
    )


def data_of(project: Path, person: str) -> tuple[Any, list[Any]]:
    """The profile as packetgen's loader reads it (plain data, dates as text) and its errors."""
    record = load_person(open_project(project), person, as_of=AS_OF_DATE)
    return record.doc.data, errors(record.problems)


def values(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [v for value in data.values() for v in values(value)]
    if isinstance(data, list):
        return [v for value in data for v in values(value)]
    return [data]


def test_every_resource_type_lands_in_its_field(project: Path) -> None:
    result = import_ips(project, BUNDLES / "full.json", "corin-e")
    assert result.exit_code == 0, result.output
    data, problems = data_of(project, "corin-e")
    assert data["identity"] == {
        "legal_name": "Corin Maria Example",
        "preferred_name": "Cory",
        "date_of_birth": "1979-08-14",
        "language": "Spanish",  # the preferred communication, not the first
        "interpreter_needed": True,
    }
    source = {"source": FULL_SOURCE}
    assert data["allergies"] == {
        "items": [
            {"substance": "Penicillin", "reaction": "Hives, Swelling of the lips", "severity": "moderate"} | source,
            {"substance": "Latex", "reaction": "Rash", "severity": "mild", "confirmed": False} | source,
        ]
    }
    assert data["medications"] == {
        "items": [
            # named by a contained Medication
            {"name": "Levetiracetam 500 mg tablet", "dose": "500 mg", "route": "by mouth"}
            | {"schedule": "8 am and 8 pm", "purpose": "seizures"}
            | source,
            # a MedicationRequest naming a Medication entry; its purpose is the Condition it references
            {"name": "Insulin glargine", "dose": "12 units", "route": "Subcutaneous route"}
            | {"schedule": "every day, bedtime", "purpose": "Type 2 diabetes"}
            | source,
        ]
    }
    assert data["conditions"] == {
        "items": [
            {"name": "Epilepsy (focal seizures)", "note": "Seizures last one to two minutes"} | source,
            {"name": "Type 2 diabetes", "confirmed": False} | source,
        ]
    }
    assert data["devices"] == {
        "items": [
            {
                "name": "Vagus nerve stimulator",
                "what_to_do": "Do not remove; swipe the magnet over the left chest for a seizure",
            }
            | source
        ]
    }
    assert data["immunizations"] == {
        "items": [
            {"vaccine": "Influenza vaccine", "date": "2025-10-02"} | source,
            {"vaccine": "Tetanus and diphtheria toxoids (Td)", "date": "2021-04-20"} | source,
        ]
    }
    measured = {"measured": "2026-09-20"} | source
    assert data["baseline_vitals"] == {
        "heart_rate": {"value": "72 per minute"} | measured,  # the latest of two; unit from the UCUM code
        "breathing_rate": {"value": "16 breaths per minute"} | measured,
        "blood_pressure": {"value": "118/76 mmHg"} | measured,
        "oxygen_saturation": {"value": "96%"} | measured,  # LOINC 2708-6
        "temperature": {"value": "36.8 °C"} | measured,
        "weight": {"value": "61.5 kg"} | measured,
    }
    text = " ".join(str(v) for v in values(data))
    for gone in ("Shellfish", "Amoxicillin", "Fractured", "Hepatitis"):  # resolved, stopped, not done
        assert gone not in text
    assert "fictional" not in data
    # The draft is refused until a person fills in the rest, each with its line; no placeholder text.
    assert {p.field for p in problems} == {
        "plan",
        "communication",
        "baseline",
        "risks",
        "decision_maker",
        "contacts",
        "crisis_plan",
    }
    assert all(p.line for p in problems)
    assert not any("TODO" in str(v) for v in values(data))
    assert "# TODO plan:" in (project / "people/corin-e/profile.yaml").read_text()


def test_none_known_is_vouched_for_by_the_author_on_the_bundle_date(project: Path) -> None:
    assert import_ips(project, BUNDLES / "none_known.json", "corin-e").exit_code == 0
    data, _ = data_of(project, "corin-e")
    source = {"bundle": "urn:oid:2.16.724.4.8.10.200.10|ips-test-none-known-0002", "date": "2026-10-01"}
    vouch = {"none_known": {"verified_on": "2026-10-01", "verified_by": AUTHOR, "source": source}}
    for section in ("allergies", "medications", "conditions", "devices"):
        assert data[section] == vouch, section


def test_no_information_and_empty_reason_stay_not_recorded(project: Path) -> None:
    result = import_ips(project, BUNDLES / "no_info.json", "corin-e")
    assert result.exit_code == 0
    data, problems = data_of(project, "corin-e")
    for section in ("allergies", "medications", "conditions", "devices", "immunizations"):
        assert section not in data, section
    lines = (project / "people/corin-e/profile.yaml").read_text().splitlines()
    assert [line for line in lines if "none_known" in line and not line.lstrip().startswith("#")] == []
    assert "allergies" in {p.field for p in problems}  # required, so the draft says it is missing
    assert "no information" in result.output and "reason it is empty" in result.output


def bad(tmp_path: Path, change: str) -> Path:
    """full.json with one thing wrong, written out indented (so entries have their own lines)."""
    bundle = json.loads((BUNDLES / "full.json").read_text())
    if change == "not a document":
        bundle["type"] = "collection"
    elif change == "composition not first":
        bundle["entry"][0], bundle["entry"][1] = bundle["entry"][1], bundle["entry"][0]
    elif change == "no patient":
        del bundle["entry"][1]
    elif change == "unknown resource":
        bundle["entry"][2]["resource"]["resourceType"] = "Nonsense"
    elif change == "bad date":
        bundle["entry"][14]["resource"]["occurrenceDateTime"] = "2025-13-45"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle, indent=2))
    return path


def line_of(path: Path, needle: str) -> int:
    """The first line holding ``needle``, found by reading the file (not by the code under test)."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("not a document", "type: the bundle is not a document"),
        ("composition not first", "entry 1 (Patient): the first entry of a document must be its Composition"),
        ("no patient", "the bundle has no Patient"),
        ("unknown resource", "entry 3 (Nonsense): is not a kind of resource FHIR R4 has"),
        ("bad date", "entry 15 (Immunization): occurrenceDateTime: is not a date"),
    ],
)
def test_a_bundle_that_is_not_a_valid_ips_document_is_refused(
    project: Path, tmp_path: Path, change: str, expected: str
) -> None:
    path = bad(tmp_path, change)
    result = import_ips(project, path, "corin-e")
    assert result.exit_code == 1
    assert expected in result.output
    assert result.output.startswith(f"{path}:")
    assert not any(word in result.output for word in LIBRARY_WORDS)
    assert not (project / "people/corin-e").exists()


def test_the_error_names_the_entry_and_its_line(project: Path) -> None:
    """bad_allergy.json: the AllergyIntolerance (entry 3) does not say whose allergy it is."""
    path = BUNDLES / "bad_allergy.json"
    result = import_ips(project, path, "corin-e")
    assert result.exit_code == 1
    block = line_of(path, '"resourceType": "AllergyIntolerance"') - 1  # the line of its opening brace
    assert f"{path}:{block}: entry 3 (AllergyIntolerance): patient: is required and missing" in result.output
    assert not any(word in result.output for word in LIBRARY_WORDS)
    assert not (project / "people/corin-e").exists()


def test_not_json_is_refused_with_its_line(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "resourceType": "Bundle",\n  "type": "document"\n  "entry": []\n}\n')
    result = import_ips(project, path, "corin-e")
    assert result.exit_code == 1
    assert f"{path}:4: not valid JSON" in result.output
    assert not (project / "people/corin-e").exists()


@pytest.fixture
def dana(project: Path) -> Path:
    shutil.copytree(REPO / "people/dana-k", project / "people/dana-k")
    return project / "people/dana-k/profile.yaml"


def kept(before: Any, after: Any) -> bool:
    """Every hand-entered fact of ``before`` is in ``after`` unchanged (lists may only grow at the end)."""
    if isinstance(before, dict):
        return isinstance(after, dict) and all(k in after and kept(v, after[k]) for k, v in before.items())
    if isinstance(before, list):
        return isinstance(after, list) and len(after) >= len(before) and all(map(kept, before, after))
    return before == after


def test_merge_reports_and_writes_nothing_without_write(project: Path, dana: Path) -> None:
    original = dana.read_bytes()
    result = import_ips(project, BUNDLES / "dana.json", "dana-k")
    assert result.exit_code == 0, result.output
    assert dana.read_bytes() == original
    lines = result.output.splitlines()
    assert "  + allergies: Penicillin: added" in lines
    assert (
        '  ! allergies: Haloperidol: reaction: the record says "Muscle stiffness"; '
        'the profile says "severe muscle stiffness (dystonia)": kept the profile\'s'
    ) in lines
    assert "  = medications: Lithium carbonate: already in the profile: kept as it is" in lines
    assert "  + medications: Sertraline: added (TODO: add route, schedule, purpose)" in lines
    assert "  = identity.date_of_birth: same in the record and the profile" in lines
    assert "nothing written: run again with --write to add these" in lines


def test_merge_with_write_keeps_every_hand_entered_fact_and_comment(project: Path, dana: Path) -> None:
    before_text = dana.read_text()
    before, _ = data_of(project, "dana-k")
    result = import_ips(project, BUNDLES / "dana.json", "dana-k", "--write")
    assert result.exit_code == 0, result.output
    after, problems = data_of(project, "dana-k")
    assert kept(before, after)
    # Comments and order: the old file's lines are all still there, in the same order.
    new_lines = iter(dana.read_text().splitlines())
    assert all(any(line == new for new in new_lines) for line in before_text.splitlines())
    source = {"bundle": "urn:oid:2.16.724.4.8.10.200.10|ips-test-dana-0005", "date": "2026-10-01"}
    haloperidol, penicillin = after["allergies"]["items"]
    assert haloperidol == {
        "substance": "Haloperidol",
        "reaction": "severe muscle stiffness (dystonia)",
        "severity": "severe",
    }
    assert penicillin == {"substance": "Penicillin", "reaction": "Hives", "severity": "moderate", "source": source}
    assert [m["name"] for m in after["medications"]["items"]] == ["Lithium carbonate", "Quetiapine", "Sertraline"]
    # Dana's profile already names Hypothyroidism and a usual heart rate, typed by hand: the record's
    # Hypothyroidism is the same entry (matched by name) and its heart rate differs, so both hand-entered
    # facts stay exactly as they were, with no source.
    assert after["conditions"] == {
        "items": [{"name": "Hypothyroidism", "note": "from long-term lithium; levels checked every 3 months"}]
    }
    assert after["immunizations"] == {
        "items": [{"vaccine": "Influenza vaccine", "date": "2025-10-15", "source": source}]
    }
    assert after["baseline_vitals"]["heart_rate"] == {"value": "76 per minute", "measured": "2026-03-02"}
    # Sertraline's route, schedule and purpose are not in the record: the profile says so until filled in.
    assert {p.field for p in problems if p.field.startswith("medications")} == {
        "medications.items[2].route",
        "medications.items[2].schedule",
        "medications.items[2].purpose",
    }
    # Importing the same bundle again adds nothing and writes nothing.
    again = dana.read_bytes()
    second = import_ips(project, BUNDLES / "dana.json", "dana-k", "--write")
    assert "0 to add" in second.output
    assert dana.read_bytes() == again


def test_a_bundle_about_someone_else_is_refused(project: Path, dana: Path) -> None:
    original = dana.read_bytes()
    result = import_ips(project, BUNDLES / "full.json", "dana-k", "--write")
    assert result.exit_code == 1
    assert "entry 2 (Patient): is about someone else" in result.output
    assert dana.read_bytes() == original
