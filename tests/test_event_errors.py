"""Bad event files: every problem named by file, line and field, and the person is not built."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AS_OF, run_cli
from events import event_data, write_event
from profiles import marked_profile, write_profile

GOOD = event_data()


def check(root: Path) -> list[str]:
    result = run_cli("check", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    return [line for line in result.output.splitlines() if line.startswith("people/testa/events/")]


def event_text(**replace: str) -> str:
    """The good event as YAML text, with some lines replaced, so line numbers are known."""
    lines = [
        "occurred_at: 2026-11-02 19:40",  # 1
        "type: escalation",  # 2
        "summary: Summary",  # 3
        "presenting_risk: Risk",  # 4
        "immediate_response: Response",  # 5
        "current_presentation: Settled",  # 6
        "current_risk: Low",  # 7
        "stabilization_actions: [Check-ins]",  # 8
        "family_contact:",  # 9
        "  contacted: true",  # 10
        "  summary: Told",  # 11
        "clinical_follow_up: None",  # 12
        "case_manager:",  # 13
        "  notified_at: 2026-11-03 09:00",  # 14
        "next_update: {supervisor: Sam Super}",  # 15
        "next_review:",  # 16
        "  date: 2026-11-09",  # 17
        "  what: Review",  # 18
    ]
    text = "\n".join(lines) + "\n"
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.fixture
def person(project: Path) -> Path:
    write_profile(project, "testa", marked_profile())
    return project


@pytest.mark.parametrize(
    "replace, expected",
    [
        (
            {"occurred_at: 2026-11-02 19:40": "occurred_at: 2 Nov 2026"},
            "people/testa/events/2026-11-02-x.yaml:1: occurred_at: ",
        ),
        ({"type: escalation": "type: crisis"}, "people/testa/events/2026-11-02-x.yaml:2: type: "),
        (
            {"  contacted: true": "  contacted: maybe"},
            "people/testa/events/2026-11-02-x.yaml:10: family_contact.contacted: ",
        ),
        ({"  date: 2026-11-09": "  date: next week"}, "people/testa/events/2026-11-02-x.yaml:17: next_review.date: "),
        (
            {"  notified_at: 2026-11-03 09:00": "  notifed_at: 2026-11-03 09:00"},
            "people/testa/events/2026-11-02-x.yaml:14: case_manager.notifed_at: unknown field 'notifed_at' "
            "(did you mean 'notified_at'?)",
        ),
        # A missing top-level field points at where it belongs: the line of the field that follows it.
        (
            {"presenting_risk: Risk\n": ""},
            "people/testa/events/2026-11-02-x.yaml:4: presenting_risk: required field "
            "is missing: add 'presenting_risk:' before 'immediate_response:'",
        ),
        (
            {"  notified_at: 2026-11-03 09:00": "  notified_at: 2026-11-01 09:00"},
            "people/testa/events/2026-11-02-x.yaml:14: case_manager.notified_at: notified before the event happened",
        ),
        (
            {"  notified_at: 2026-11-03 09:00": "  notified_at: 2026-11-03T09:00:00Z"},
            "people/testa/events/2026-11-02-x.yaml:14: case_manager.notified_at: has a time zone",
        ),
        (
            {"stabilization_actions: [Check-ins]": "stabilization_actions: []"},
            "people/testa/events/2026-11-02-x.yaml:8: stabilization_actions: ",
        ),
        (
            {"clinical_follow_up: None": "clinical_follow_up: TODO who follows up"},
            "people/testa/events/2026-11-02-x.yaml:12: clinical_follow_up: not filled in yet",
        ),
    ],
)
def test_event_errors_name_file_line_and_field(person: Path, replace: dict[str, str], expected: str) -> None:
    write_event(person, "testa", "2026-11-02-x", event_text(**replace))
    lines = check(person)
    assert any(line.startswith(expected) for line in lines), lines


def test_date_errors_say_how_to_write_a_time(person: Path) -> None:
    write_event(person, "testa", "2026-11-02-x", event_text(**{"occurred_at: 2026-11-02 19:40": "occurred_at: soon"}))
    (line,) = check(person)
    assert line.endswith("write the date and time as YYYY-MM-DD HH:MM")


def test_invalid_yaml_in_an_event_names_the_line(person: Path) -> None:
    write_event(person, "testa", "2026-11-02-x", event_text(**{"type: escalation": "type: [escalation"}))
    (line,) = check(person)
    assert line.startswith("people/testa/events/2026-11-02-x.yaml:") and "invalid YAML" in line


@pytest.mark.parametrize("name", ["Jay Tate crisis", "2026_11_02", "UPPER"])
def test_event_file_names_must_be_safe_ids(person: Path, name: str) -> None:
    write_event(person, "testa", name, event_text())
    (line,) = check(person)
    assert f"people/testa/events/{name}.yaml:" in line and "is not a valid event id" in line


def test_a_person_with_a_bad_event_is_not_built_and_keeps_the_last_good_output(person: Path) -> None:
    write_event(person, "testa", "2026-11-02-x", event_text())
    assert run_cli("build", "--root", str(person), "--as-of", AS_OF, "--format", "html").exit_code == 0
    update = person / "build" / "testa" / "events" / "2026-11-02-x" / "case-manager-update.html"
    before = update.read_bytes()
    write_event(
        person,
        "testa",
        "2026-11-02-x",
        event_text(**{"summary: Summary": "summary: Changed", "type: escalation": "type: crisis"}),
    )
    result = run_cli("build", "--root", str(person), "--as-of", AS_OF, "--format", "html")
    assert result.exit_code == 1
    assert "people/testa/events/2026-11-02-x.yaml:2: type:" in result.output
    assert "not built" in result.output and "testa" in result.output
    assert update.read_bytes() == before
    assert "Changed" not in (person / "build" / "testa" / "responder-packet.html").read_text()


def test_a_good_event_passes_check(person: Path) -> None:
    write_event(person, "testa", "2026-11-02-x", GOOD)
    result = run_cli("check", "--root", str(person), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "checked 1 profiles: all valid (1 events, " in result.output


def test_status_says_when_a_person_cannot_be_checked(person: Path) -> None:
    write_event(person, "testa", "2026-11-02-x", event_text(**{"type: escalation": "type: crisis"}))
    result = run_cli("status", "--root", str(person), "--as-of", AS_OF)
    assert result.exit_code == 3, "nothing overdue among those checked, but one person could not be checked"
    assert "testa: NOT CHECKED, 1 error(s) in the records: run `packetgen check`" in result.output


def test_status_exit_code_says_whether_anything_is_overdue(tmp_path: Path) -> None:
    """README: 0 nothing overdue; 1 a notification or a plan review is overdue; 3 someone not checked."""
    root = tmp_path / "p"
    data = marked_profile()
    data["plan"]["last_reviewed"] = "2026-10-01"  # next review 1 Apr 2027: not overdue on AS_OF
    write_profile(root, "testa", data)
    calm = event_data(occurred_at="2026-11-20 19:40", case_manager={"notified_at": "2026-11-20 21:00"})
    write_event(root, "testa", "2026-11-20-escalation", calm)
    assert run_cli("status", "--root", str(root), "--as-of", AS_OF).exit_code == 0
    # A threshold event (ED visit) 3 days before AS_OF with no notification: overdue after 24 hours.
    write_event(root, "testa", "2026-11-20-ed-visit", event_data(occurred_at="2026-11-20 10:00", type="ed-visit"))
    assert run_cli("status", "--root", str(root), "--as-of", AS_OF).exit_code == 1
    assert run_cli("status", "--root", str(root), "--as-of", "2026-11-20").exit_code == 0, "due, not yet overdue"


def test_check_takes_person(tmp_path: Path) -> None:
    root = tmp_path / "p"
    write_profile(root, "testa", marked_profile())
    broken = marked_profile()
    del broken["allergies"]
    write_profile(root, "testc", broken)
    only = run_cli("check", "--root", str(root), "--as-of", AS_OF, "--person", "testa")
    assert only.exit_code == 0, only.output
    assert "checked 1 profiles: all valid" in only.output and "testc" not in only.output
    assert run_cli("check", "--root", str(root), "--as-of", AS_OF).exit_code == 1
    assert run_cli("check", "--root", str(root), "--person", "nobody").exit_code == 2


def test_build_of_one_person_does_not_call_the_others_folders_unread(tmp_path: Path) -> None:
    root = tmp_path / "p"
    write_profile(root, "testa", marked_profile())
    write_profile(root, "testc", marked_profile())
    result = run_cli("build", "--root", str(root), "--as-of", AS_OF, "--format", "html", "--person", "testa")
    assert result.exit_code == 0, result.output
    assert "people/testc" not in result.output
