"""The consent boundary, proved on real output.

The oracle below restates the sharing policy from DESIGN.md independently of packetgen's code:
a marker word appears in a document (HTML source, PDF text, PDF metadata) if and only if the
policy allows that section for that audience on that date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import AS_OF, AS_OF_DATE, pdf_metadata_text, pdf_text, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import BY_RIGHT, marked_eif_sections, marked_profile, marker, write_profile

from packetgen.builder.document import render_person_document
from packetgen.builder.records import load_person
from packetgen.model.audiences import AUDIENCES
from packetgen.model.documents import BY_NAME
from packetgen.model.sharing import SECTION_NAMES
from packetgen.pipeline.pdf import PdfRenderer
from packetgen.pipeline.render import make_environment
from packetgen.project.folders import open_project

if TYPE_CHECKING:
    from packetgen.builder.document import Rendered
    from packetgen.builder.records import PersonRecord

# The policy (which classes each recipient gets without a consent record) is BY_RIGHT in profiles.py.

# What each template lays out when allowed (the rest never appears in that template at all).
TEMPLATE_SHOWS = {
    "responder-packet": {
        "communication",
        "baseline",
        "allergies",
        "medications",
        "risks",
        "decision_maker",
        "contacts",
        "behavioral_health",
        "crisis_plan",
        "avoid",
        "conditions",
        "devices",
        "care_providers",
        "baseline_vitals",
        "home_access",
    },
    "crisis-plan": {
        "crisis_plan",
        "communication",
        "baseline",
        "risks",
        "contacts",
        "health_history",
        "behavioral_health",
        "internal_notes",
        "avoid",
        "conditions",
        "devices",
        "care_providers",
        "immunizations",
    },
}


def has(word: str, text: str) -> bool:
    """The marker as a whole word: MKbaseline is not found inside MKbaselinevitals."""
    return re.search(re.escape(word) + r"(?![A-Za-z])", text) is not None


MARKERS = {name: marker(name) for name in SECTION_NAMES}
MARKERS["contact_override"] = "MKcontactoverride"
MARKERS["provider_override"] = "MKprovideroverride"


def allowed(section: str, sharing: str, audience: str, consents: list[dict[str, Any]], day: dt.date) -> bool:
    if sharing in BY_RIGHT[audience]:
        return True
    if sharing != "consent":
        return False
    return any(
        c["recipient"] == audience
        and section in c["sections"]
        and dt.date.fromisoformat(c["granted"]) <= day < dt.date.fromisoformat(c["expires"])
        for c in consents
    )


def matrix_profile() -> dict[str, Any]:
    """Every class in use, plus consents in force and expired. (A consent granted after the build date
    is an input error, see ``test_consent_granted_after_the_build_date_is_an_error``.)"""
    data = marked_profile() | marked_eif_sections()
    classes = {
        "communication": "responder",
        "baseline": "care-team",
        "allergies": "consent",
        "medications": "internal",
        "risks": "consent",
        "decision_maker": "care-team",
        "contacts": "responder",
        "crisis_plan": "consent",
        "health_history": "care-team",
        "behavioral_health": "consent",
        "internal_notes": "internal",
        "avoid": "responder",
        "conditions": "consent",
        "devices": "care-team",
        "care_providers": "internal",
        "baseline_vitals": "responder",
        "home_access": "consent",
        "immunizations": "care-team",
    }
    for name, sharing in classes.items():
        data[name]["sharing"] = sharing
    data["contacts"]["people"].append(
        {
            "role": "Sister",
            "name": f"Sis {MARKERS['contact_override']}",
            "phone": "555-0104",
            "when_to_call": "If asked",
            "sharing": "consent",
        }
    )
    data["care_providers"]["items"].append(
        {"role": "preferred-hospital", "name": f"Second {MARKERS['provider_override']}", "phone": "555-0106"}
    )
    data["consents"] = [
        {
            "id": "in-force",
            "recipient": "mobile-crisis",
            "sections": ["allergies", "behavioral_health", "contacts", "conditions"],
            "authority": "person",
            "granted": "2026-01-01",
            "expires": "2027-01-01",
            "recorded_by": "Sam",
            "document_ref": "ROI-1",
        },
        {
            "id": "expired",
            "recipient": "emergency-responders",
            "sections": ["allergies", "risks"],
            "authority": "guardian",
            "granted": "2025-01-01",
            "expires": "2026-01-01",
            "recorded_by": "Sam",
            "document_ref": "ROI-2",
        },
        {
            "id": "family",
            "recipient": "family",
            "sections": ["crisis_plan", "risks"],
            "authority": "person",
            "granted": "2026-06-01",
            "expires": "2026-12-01",
            "recorded_by": "Sam",
            "document_ref": "ROI-4",
        },
    ]
    return data


def expected_markers(data: dict[str, Any], template: str, audience: str, day: dt.date) -> dict[str, bool]:
    shows = TEMPLATE_SHOWS[template]
    out = {}
    for name in SECTION_NAMES:
        out[MARKERS[name]] = name in shows and allowed(
            name, data[name].get("sharing") or DEFAULTS[name], audience, data["consents"], day
        )
    contacts_shown = out[MARKERS["contacts"]]
    out[MARKERS["contact_override"]] = contacts_shown and allowed(
        "contacts", "consent", audience, data["consents"], day
    )
    # A second care provider with its own class: shown iff its section is and its own class allows it.
    provider = data["care_providers"]["items"][-1]
    own = provider.get("sharing")
    out[MARKERS["provider_override"]] = out[MARKERS["care_providers"]] and (
        own is None or allowed("care_providers", own, audience, data["consents"], day)
    )
    return out


DEFAULTS = {
    "communication": "responder",
    "baseline": "responder",
    "allergies": "responder",
    "medications": "responder",
    "risks": "responder",
    "decision_maker": "responder",
    "contacts": "responder",
    "crisis_plan": "care-team",
    "health_history": "care-team",
    "behavioral_health": "consent",
    "internal_notes": "internal",
    "avoid": "responder",
    "conditions": "responder",
    "devices": "responder",
    "care_providers": "responder",
    "baseline_vitals": "responder",
    "home_access": "responder",
    "immunizations": "care-team",
}


def render_for(
    project: Path, person_id: str, template: str, audience: str, day: dt.date
) -> tuple[Rendered, PersonRecord]:
    """Render a template for any audience through the real select and render stages."""
    record = load_person(open_project(project), person_id, as_of=day)
    assert record.profile is not None, record.problems
    kind = dataclasses.replace(BY_NAME[template], audience=audience, sections=SECTION_NAMES)
    env = make_environment(open_project(project).templates_dir)
    return render_person_document(env, record, kind, day, {"fingerprint": "f", "generated": "g"}), record


@pytest.fixture(scope="module")
def pdf_renderer() -> PdfRenderer:
    return PdfRenderer(open_project(Path(".")).styles_dir)


@pytest.mark.parametrize("template", sorted(TEMPLATE_SHOWS))
@pytest.mark.parametrize("audience", sorted(AUDIENCES))
def test_marker_present_iff_policy_allows(
    project: Path, tmp_path: Path, pdf_renderer: PdfRenderer, template: str, audience: str
) -> None:
    data = matrix_profile()
    write_profile(project, "testa", data)
    doc, _ = render_for(project, "testa", template, audience, AS_OF_DATE)
    pdf_path = tmp_path / "doc.pdf"
    pdf_path.write_bytes(pdf_renderer.render(doc.print_html))
    text = pdf_text(pdf_path)
    meta = pdf_metadata_text(pdf_path)
    manifest = json.dumps(doc.manifest)
    for word, should in expected_markers(data, template, audience, AS_OF_DATE).items():
        assert has(word, doc.html) is should, f"{word} in HTML for {audience}: expected {should}"
        assert has(word, doc.print_html) is should, f"{word} in print HTML for {audience}"
        assert has(word, text) is should, f"{word} in PDF text for {audience}: expected {should}"
        assert not has(word, meta), f"{word} in PDF metadata"
        assert not has(word, manifest), f"{word} in manifest"


def test_internal_and_unconsented_never_reach_the_ems_sheet(project: Path) -> None:
    """Issue 2's check, end to end through the CLI and on disk."""
    data = matrix_profile()
    write_profile(project, "testa", data)
    assert run_cli("build", "--root", str(project), "--as-of", AS_OF).exit_code == 0
    folder = project / "build" / "testa"
    html = (folder / "responder-packet.html").read_text()
    text = pdf_text(folder / "responder-packet.pdf")
    meta = pdf_metadata_text(folder / "responder-packet.pdf")
    for name in (
        "baseline",
        "medications",
        "risks",
        "decision_maker",
        "crisis_plan",
        "health_history",
        "behavioral_health",
        "internal_notes",
    ):
        for where in (html, text, meta):
            assert not has(MARKERS[name], where)
    assert MARKERS["communication"] in html and MARKERS["communication"] in text
    paths = " ".join(str(p) for p in (project / "build").rglob("*"))
    assert "MK" not in paths


def test_withheld_safety_section_says_so_instead_of_going_blank(project: Path) -> None:
    write_profile(project, "testa", matrix_profile())
    doc, _ = render_for(project, "testa", "responder-packet", "emergency-responders", AS_OF_DATE)
    from bs4 import BeautifulSoup

    box = BeautifulSoup(doc.html, "html.parser").select_one('[data-field="allergies"]')
    assert box is not None
    assert "Not on this sheet: not cleared for Emergency responders" in box.get_text(" ", strip=True)


def test_manifest_gives_reasons(project: Path) -> None:
    write_profile(project, "testa", matrix_profile())
    assert run_cli("build", "--root", str(project), "--as-of", AS_OF, "--format", "html").exit_code == 0
    manifest = json.loads((project / "build" / "testa" / "responder-packet.manifest.json").read_text())
    rows = {row["section"]: (row["included"], row["sharing"], row["reason"]) for row in manifest["sections"]}
    assert manifest["audience"] == "emergency-responders"
    assert rows["communication"] == (
        True,
        "responder",
        "class responder: shared with Emergency responders (EMS, police)",
    )
    # Expired consent, internal class, no consent record: one wording, no class, no consent id,
    # exactly what a profile without the section gets (issue 12).
    for name in ("allergies", "medications", "behavioral_health"):
        assert rows[name] == (False, None, "not shared with Emergency responders (EMS, police)")
    assert rows["health_history"] == (False, None, "not part of this document")
    # The withheld sister is neither listed nor counted.
    assert not [name for name in rows if name.startswith("contacts.")]
    mobile = json.loads((project / "build" / "testa" / "mobile-crisis-packet.manifest.json").read_text())
    row = next(r for r in mobile["sections"] if r["section"] == "allergies")
    assert row["included"] and row["consent"] == "in-force"
    sister = next(r for r in mobile["sections"] if r["section"] == "contacts.shown[1]")
    assert sister["included"] and sister["consent"] == "in-force"


@pytest.mark.parametrize("day, shown", [("2026-12-31", True), ("2027-01-01", False)])
def test_expiry_flips_exactly_the_covered_sections(project: Path, day: str, shown: bool) -> None:
    write_profile(project, "testa", matrix_profile())
    before, _ = render_for(project, "testa", "responder-packet", "mobile-crisis", dt.date(2026, 12, 31))
    doc, _ = render_for(project, "testa", "responder-packet", "mobile-crisis", dt.date.fromisoformat(day))
    covered = {MARKERS["allergies"], MARKERS["behavioral_health"], MARKERS["contact_override"], MARKERS["conditions"]}
    for word in covered:
        assert has(word, doc.html) is shown
    for word in set(MARKERS.values()) - covered:
        assert has(word, doc.html) is has(word, before.html)
    changed = {(a["section"], a["included"]) for a in before.manifest["sections"]} ^ {
        (b["section"], b["included"]) for b in doc.manifest["sections"]
    }
    assert {name for name, _ in changed} <= {"allergies", "behavioral_health", "contacts.shown[1]", "conditions"}
    # allergies, conditions and behavioral health flip (each row in and out: 6); the sister's own row
    # goes (a withheld contact has none).
    assert len(changed) == (0 if shown else 7)


def test_explain_prints_the_decision_table(project: Path) -> None:
    write_profile(project, "testa", matrix_profile())
    result = run_cli("explain", "--root", str(project), "--as-of", AS_OF, "testa", "responder-packet")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("responder-packet for testa: audience Emergency responders")
    row = next(line for line in lines if " allergies " in line)
    assert row.split() == [
        "withheld",
        "allergies",
        "-",
        "not",
        "shared",
        "with",
        "Emergency",
        "responders",
        "(EMS,",
        "police)",
    ]
    assert "Sister" not in result.output and "contacts." not in result.output
    mobile = run_cli("explain", "--root", str(project), "--as-of", AS_OF, "testa", "mobile-crisis-packet")
    row = next(line for line in mobile.output.splitlines() if "contacts.shown[1]" in line)
    assert "SHOWN" in row and "Sister" in row and "consent in-force" in row


# --- generated profiles -----------------------------------------------------------------------

CLASSES = st.sampled_from(["responder", "care-team", "consent", "internal"])
DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))
BUILD_DAYS = st.dates(min_value=dt.date(2026, 1, 5), max_value=dt.date(2027, 12, 31))
"""Build dates on or after the marked profile's review date (a review after the build date is an error)."""


@st.composite
def consent_records(draw: st.DrawFn) -> dict[str, Any]:
    granted = draw(DAYS)
    length = draw(st.integers(min_value=1, max_value=400))
    return {
        "id": f"c{draw(st.integers(0, 10_000))}",
        "recipient": draw(st.sampled_from(sorted(AUDIENCES))),
        "sections": draw(st.lists(st.sampled_from(SECTION_NAMES), min_size=1, max_size=4, unique=True)),
        "authority": "person",
        "granted": granted.isoformat(),
        "expires": (granted + dt.timedelta(days=length)).isoformat(),
        "recorded_by": "x",
        "document_ref": "y",
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    classes=st.fixed_dictionaries({name: CLASSES for name in SECTION_NAMES}),
    override=st.one_of(st.none(), CLASSES),
    consents=st.lists(consent_records(), max_size=4, unique_by=lambda c: c["id"]),
    audience=st.sampled_from(sorted(AUDIENCES)),
    template=st.sampled_from(sorted(TEMPLATE_SHOWS)),
    day=BUILD_DAYS,
)
def test_generated_profiles_respect_the_boundary(
    tmp_path_factory: pytest.TempPathFactory,
    classes: dict[str, str],
    override: str | None,
    consents: list[dict[str, Any]],
    audience: str,
    template: str,
    day: dt.date,
) -> None:
    project = tmp_path_factory.mktemp("gen")
    data = marked_profile() | marked_eif_sections()
    for name, sharing in classes.items():
        data[name]["sharing"] = sharing
    extra: dict[str, Any] = {
        "role": "Sister",
        "name": f"Sis {MARKERS['contact_override']}",
        "phone": "555-0104",
        "when_to_call": "If asked",
    }
    if override:
        extra["sharing"] = override
    data["contacts"]["people"].append(extra)
    hospital = {"role": "preferred-hospital", "name": f"Second {MARKERS['provider_override']}", "phone": "555-0106"}
    data["care_providers"]["items"].append(hospital | ({"sharing": override} if override else {}))
    # A consent granted after the build date is an input error, not a "not yet in force" record.
    consents = [c for c in consents if dt.date.fromisoformat(c["granted"]) <= day]
    data["consents"] = consents
    write_profile(project, "gen", data)
    doc, _ = render_for(project, "gen", template, audience, day)
    expected = expected_markers(data, template, audience, day)
    contacts_shown = expected[MARKERS["contacts"]]
    expected[MARKERS["contact_override"]] = contacts_shown and allowed(
        "contacts", override or classes["contacts"], audience, consents, day
    )
    for word, should in expected.items():
        assert has(word, doc.html) is should, (word, audience, template)


# --- consent records are validated -------------------------------------------------------------


def consent_problem_output(project: Path, **changes: Any) -> str:
    data = matrix_profile()
    data["consents"][0].update(changes)
    write_profile(project, "testa", data)
    result = run_cli("check", "--root", str(project), "--as-of", AS_OF)
    assert result.exit_code == 1
    return result.output


def test_consent_expiring_before_grant_is_an_error_with_line(project: Path) -> None:
    out = consent_problem_output(project, granted="2026-05-01", expires="2026-04-01")
    text = (project / "people" / "testa" / "profile.yaml").read_text()
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "expires: '2026-04-01'" in row)
    assert f"people/testa/profile.yaml:{line}: consents[0].expires: expires is on or before granted" in out


def test_unknown_section_in_consent_is_an_error(project: Path) -> None:
    out = consent_problem_output(project, sections=["allergies", "diagnosis"])
    assert "consents[0].sections[1]: must be one of 'communication', 'baseline', " in out


def test_unknown_recipient_in_consent_is_an_error(project: Path) -> None:
    out = consent_problem_output(project, recipient="neighbours")
    assert "consents[0].recipient: must be one of 'emergency-responders', " in out


def test_consent_expiring_within_30_days_warns_in_check_and_index(project: Path) -> None:
    data = matrix_profile()
    data["consents"][0]["expires"] = "2026-12-20"
    write_profile(project, "testa", data)
    result = run_cli("check", "--root", str(project), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "consents[0]: warning: consent in-force for mobile-crisis expires on 2026-12-20" in result.output
    far = run_cli("check", "--root", str(project), "--as-of", "2026-11-19")
    assert "in-force" not in far.output
    run_cli("build", "--root", str(project), "--as-of", AS_OF, "--format", "html")
    from conftest import visible_text

    assert "Consent in-force for mobile-crisis expires 20 Dec 2026" in visible_text(project / "build" / "index.html")
