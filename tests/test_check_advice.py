"""`packetgen check` advice (high-alert suggestions, font coverage, packets past one page), the
manifest's page facts, and scripts beyond Latin printed in a real, embedded font."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pikepdf
from conftest import run_cli
from profiles import marked_profile, write_profile

KHITAN = "\U00018b00"  # Khitan small script: no Debian font covers it
NAMES = {"Chinese": "王秀英", "Arabic": "فاطمة", "Hebrew": "אברהם"}


def medications(count: int, **extra: object) -> list[dict]:
    return [
        {
            "name": f"Medicine{i}",
            "dose": "5 mg",
            "route": "by mouth",
            "schedule": "8 am and 8 pm",
            "purpose": "a condition that needs a longer description here",
            **extra,
        }
        for i in range(1, count + 1)
    ]


def test_check_suggests_high_alert_for_a_listed_drug_class_and_names_no_text(project: Path) -> None:
    data = marked_profile()
    data["medications"]["items"] = [
        {"name": "Warfarin sodium", "dose": "5 mg", "route": "by mouth", "schedule": "6 pm", "purpose": "clots"},
        {
            "name": "Insulin lispro",
            "dose": "4 units",
            "route": "injection",
            "schedule": "meals",
            "purpose": "diabetes",
            "high_alert": True,
        },
        {"name": "Metformin", "dose": "500 mg", "route": "by mouth", "schedule": "8 am", "purpose": "diabetes"},
    ]
    write_profile(project, "testa", data)
    out = run_cli("check", "--root", str(project), "--as-of", "2026-02-01").output
    lines = [line for line in out.splitlines() if "high_alert" in line]
    assert len(lines) == 1, out  # the marked insulin and the metformin get none
    assert lines[0].startswith("people/testa/profile.yaml:")
    assert lines[0].endswith(
        ": medications.items[0].name: warning: looks like a blood thinner (anticoagulant) "
        "(bleeding risk after a fall or injury): if it is, add high_alert: true so responders "
        "see it first on page 1"
    )
    assert "Warfarin" not in out and "Metformin" not in out


def test_check_warns_about_characters_no_installed_font_covers(project: Path) -> None:
    data = marked_profile()
    data["contacts"]["people"][0]["name"] = f"Ana {KHITAN}"
    data["contacts"]["people"].append(
        {"role": "Sister", "name": NAMES["Chinese"], "phone": "555-0104", "when_to_call": "Evenings"}
    )
    write_profile(project, "testa", data)
    out = run_cli("check", "--root", str(project), "--as-of", "2026-02-01").output
    lines = [line for line in out.splitlines() if "no installed font" in line]
    assert len(lines) == 1, out
    assert "contacts.people[0].name: warning: 1 character(s) (KHITAN) that no installed font can print" in lines[0]
    assert KHITAN not in out


def test_a_long_packet_is_a_note_and_its_manifest_says_what_continued(project: Path) -> None:
    data = marked_profile()
    data["medications"]["items"] = medications(12)
    data["contacts"]["people"] += [
        {
            "role": f"Helper {i}",
            "name": f"Person {i}",
            "phone": f"555-011{i}",
            "when_to_call": "When the person asks for them by name, day or night",
        }
        for i in range(5)
    ]
    write_profile(project, "testa", data)
    result = run_cli("check", "--root", str(project), "--as-of", "2026-02-01")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if ": note: " in line]
    assert notes and notes[0].startswith(
        "people/testa/profile.yaml: note: responder-packet runs to 2 pages; page 1 holds the page-1 list; continued: "
    ), result.output
    quick = run_cli("check", "--quick", "--root", str(project), "--as-of", "2026-02-01")
    assert quick.exit_code == 0 and ": note: " not in quick.output  # --quick lays nothing out
    built = run_cli("build", "--root", str(project), "--as-of", "2026-02-01", "--person", "testa")
    assert built.exit_code == 0, built.output
    facts = json.loads((project / "build" / "testa" / "responder-packet.manifest.json").read_text())
    assert facts["pages"] == 2 and facts["page_one_complete"] is True
    assert facts["continued"] and all(item["page"] == 2 for item in facts["continued"])
    with pdfplumber.open(project / "build" / "testa" / "responder-packet.pdf") as pdf:
        assert len(pdf.pages) == 2
        second = pdf.pages[1].extract_text()
    for item in facts["continued"]:
        assert item["what"] in notes[0], item
    assert notes[0].endswith(": page 2")
    assert "Testa Example" in second and "page 2 of 2" in second  # the running head, the page number
    # After the build the note comes from the manifest, and says the same.
    again = run_cli("check", "--root", str(project), "--as-of", "2026-02-01").output
    assert [line for line in again.splitlines() if ": note: " in line] == notes


def test_non_latin_names_print_in_an_embedded_noto_font(project: Path) -> None:
    data = marked_profile()
    data["contacts"]["people"] += [
        {"role": f"Contact {script}", "name": name, "phone": f"555-012{i}", "when_to_call": "Any time"}
        for i, (script, name) in enumerate(NAMES.items())
    ]
    write_profile(project, "testa", data)
    result = run_cli("build", "--root", str(project), "--as-of", "2026-02-01", "--person", "testa")
    assert result.exit_code == 0, result.output
    path = project / "build" / "testa" / "responder-packet.pdf"
    with pdfplumber.open(path) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    for script, name in NAMES.items():
        printed = [c for c in chars if c["text"] in name]
        assert printed, script
        assert all("Noto" in c["fontname"] for c in printed), (script, {c["fontname"] for c in printed})
    with pikepdf.open(path) as pdf:
        noto = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor" and "Noto" in str(o.FontName)
        ]
        assert noto and all(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in noto)
