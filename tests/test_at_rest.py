"""Issue 12 items 3 and 7: nothing under build/ holds a fact no document in it shows, and manifests
do not tell that a withheld section exists."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from buildscan import where
from conftest import run_cli
from events import event_data, write_event
from profiles import marked_profile, write_profile

from packetgen.model.documents import PERSON_DOCUMENTS

# Markers no document shows: internal notes, behavioral health without a consent, consent records'
# own fields, a contact kept inside the provider.
NEVER_SHOWN = ["MKinternalnotes", "MKbehavioralhealth", "MKrecorder", "MKdocref", "MKinsidecontact", "555-0177"]


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18 11:06 UTC


def build(root: Path, *args: str, code: int = 0) -> str:
    result = run_cli("build", "--root", str(root), "--as-of", "2026-11-23", "--quiet", *args)
    assert result.exit_code == code, result.output
    return result.output


def restricted_profile() -> dict[str, Any]:
    data = marked_profile()
    data["contacts"]["people"].append(
        {
            "role": "Neighbour",
            "name": "Inside MKinsidecontact",
            "phone": "555-0177",
            "when_to_call": "Never",
            "sharing": "internal",
        }
    )
    data["consents"] = [
        {
            "id": "roi-fam",
            "recipient": "family",
            "sections": ["risks"],
            "authority": "person",
            "granted": "2026-01-01",
            "expires": "2027-01-01",
            "recorded_by": "Sam MKrecorder",
            "document_ref": "ROI MKdocref",
        }
    ]
    return data


def test_build_folder_holds_only_what_documents_show(project: Path) -> None:
    write_profile(project, "testa", restricted_profile())
    build(project)
    history = (project / "build/.history/testa.json").read_text()
    # What "what changed" needs is there (the crisis plan shows it) ...
    assert "MKcrisisplan" in history and "MKcommunication" in history
    # ... and nothing no document shows, in any file: was the whole profile in build/.history.
    assert where(project / "build", NEVER_SHOWN) == []


def test_a_lapsed_consent_is_dropped_from_old_revisions(project: Path) -> None:
    data = marked_profile()
    data["consents"] = [
        {
            "id": "roi-mc",
            "recipient": "mobile-crisis",
            "sections": ["behavioral_health"],
            "authority": "person",
            "granted": "2026-01-01",
            "expires": "2026-12-01",
            "recorded_by": "Sam",
            "document_ref": "ROI-1",
        }
    ]
    write_profile(project, "testa", data)
    build(project, "--format", "html")
    # The mobile crisis packet shows it today, so its revision may keep it.
    assert "MKbehavioralhealth" in (project / "build/.history/testa.json").read_text()
    data["crisis_plan"]["triggers"].append("Thunder MKthunder")
    write_profile(project, "testa", data)
    result = run_cli("build", "--root", str(project), "--as-of", "2026-12-01", "--quiet", "--format", "html")
    assert result.exit_code == 0, result.output
    history = json.loads((project / "build/.history/testa.json").read_text())
    assert len(history["revisions"]) == 2
    assert where(project / "build", ["MKbehavioralhealth"]) == []


def test_an_old_history_with_whole_profiles_is_cut_to_the_version_number(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    build(project, "--format", "html")
    # A history written by an older packetgen kept the whole profile, internal notes included.
    old = {
        "person": "testa",
        "revisions": [
            {
                "version": 2,
                "recorded": "2026-11-01 10:00 UTC",
                "source": "abc",
                "profile": {"internal_notes": {"text": "MKoldsecret"}},
            }
        ],
    }
    (project / "build/.history/testa.json").write_text(json.dumps(old))
    broken = marked_profile()
    broken["identity"]["date_of_birth"] = "last spring"  # now the source has errors (none about sharing)
    write_profile(project, "testa", broken)
    build(project, "--format", "html", code=1)
    index = (project / "build/index.html").read_text()
    assert "Source has errors, showing version 2." in index
    assert where(project / "build", ["MKoldsecret"]) == []
    assert json.loads((project / "build/.history/testa.json").read_text())["last_version"] == 2


def test_a_removed_person_leaves_nothing_at_rest(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    other = marked_profile()
    other["identity"]["preferred_name"] = "Other MKotherperson"
    write_profile(project, "testb", other)
    build(project, "--format", "html")
    assert "MKotherperson" in (project / "build/.packetgen-cache.json").read_text()
    for path in sorted((project / "people/testb").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (project / "people/testb").rmdir()
    build(project, "--format", "html")
    assert not (project / "build/.history/testb.json").exists()
    dot_files = [p for p in (project / "build").rglob(".*") if p.is_file()]
    assert dot_files and not [p for p in dot_files if "mkotherperson" in p.read_text().lower()]


# --- manifests ------------------------------------------------------------------------------------


def plain_profile() -> dict[str, Any]:
    data = marked_profile()
    for name in ("health_history", "behavioral_health", "internal_notes"):
        del data[name]
    return data


def secretive_profile() -> dict[str, Any]:
    """The same person with more the documents' audiences may not see."""
    data = plain_profile()
    data["health_history"] = {"text": "History", "sharing": "internal"}
    data["behavioral_health"] = {"text": "Behavioral"}  # consent class, no consent on record
    data["internal_notes"] = {"text": "Internal"}
    data["contacts"]["people"].insert(
        0, {"role": "Sister", "name": "Sis", "phone": "555-0104", "when_to_call": "If asked", "sharing": "consent"}
    )
    data["contacts"]["people"].append(
        {"role": "Aunt", "name": "Au", "phone": "555-0105", "when_to_call": "If asked", "sharing": "internal"}
    )
    return data


def manifest_without_ids(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    # The check code hashes the person id too (two people never share one), so it is an id here.
    return {k: v for k, v in data.items() if k not in ("person", "fingerprint", "check_code")}


def test_manifests_read_the_same_whether_a_withheld_section_exists(project: Path) -> None:
    write_profile(project, "plain", plain_profile())
    write_profile(project, "secret", secretive_profile())
    event = event_data(internal_notes="Staff disagreed MKeventinternal")
    write_event(project, "secret", "2026-11-02-escalation", event)
    write_event(project, "plain", "2026-11-02-escalation", {k: v for k, v in event.items() if k != "internal_notes"})
    build(project, "--format", "html")
    stems = [kind.name for kind in PERSON_DOCUMENTS]
    stems += [f"events/2026-11-02-escalation/{name}" for name in ("case-manager-update", "governance-update")]
    for stem in stems:
        plain = manifest_without_ids(project / "build/plain" / f"{stem}.manifest.json")
        secret = manifest_without_ids(project / "build/secret" / f"{stem}.manifest.json")
        assert plain == secret, stem
    for kind in PERSON_DOCUMENTS:
        explained = [
            run_cli("explain", "--root", str(project), "--as-of", "2026-11-23", pid, kind.name).output.replace(
                pid, "ID"
            )
            for pid in ("plain", "secret")
        ]
        assert explained[0] == explained[1], kind.name


def test_manifest_lists_only_the_contacts_it_shows(project: Path) -> None:
    data = copy.deepcopy(secretive_profile())
    data["consents"] = [
        {
            "id": "roi-mc",
            "recipient": "mobile-crisis",
            "sections": ["contacts"],
            "authority": "person",
            "granted": "2026-01-01",
            "expires": "2027-01-01",
            "recorded_by": "Sam",
            "document_ref": "ROI-1",
        }
    ]
    write_profile(project, "testa", data)
    build(project, "--format", "html")
    rows = json.loads((project / "build/testa/mobile-crisis-packet.manifest.json").read_text())["sections"]
    contact_rows = [r for r in rows if r["section"].startswith("contacts.")]
    # The sister (consent, first in the file) is shown first; the aunt (internal) is not listed at all.
    assert contact_rows == [
        {
            "section": "contacts.shown[0]",
            "sharing": "consent",
            "included": True,
            "reason": "consent roi-mc (person, granted 2026-01-01, expires 2027-01-01)",
            "consent": "roi-mc",
        }
    ]
    ems = json.loads((project / "build/testa/responder-packet.manifest.json").read_text())["sections"]
    assert not [r for r in ems if re.match(r"contacts\.", r["section"])]
