"""Printed copies: the copies section, the ledger, stale copies in status and on the index.

Expected values are restated from the rules in the README ("Printed copies"): a copy is stale when
what its document shows differs from the copy placed, or missing when none was recorded; a new plan
version alone, or a change only another document shows, stales nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from buildscan import where
from conftest import REPO, copy_demo, html_soup, one, run_cli
from profiles import marked_profile, write_profile

AS_OF = "2026-11-23"
SHIPPED_LEDGER = REPO / "people" / "dana-k" / "copies.jsonl"


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18 11:06 UTC


def cli(*args: str, root: Path, code: int | None = 0) -> str:
    """Run a packetgen command on ``root``; ``--root`` goes after the (sub)command words."""
    words = 2 if args[0] == "copies" else 1
    result = run_cli(*args[:words], "--root", str(root), *args[words:])
    if code is not None:
        assert result.exit_code == code, result.output
    return result.output


def edit(root: Path, person_id: str, change: Any) -> None:
    path = root / "people" / person_id / "profile.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def copies_lines(status: str, person: str) -> list[str]:
    """The person's printed-copies block of `packetgen status` (empty if none)."""
    block = status[status.index(f"\n{person} (") :]
    block = block[: block.find("\n\n")] if "\n\n" in block[1:] else block
    lines = block.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("  printed copies:")), None)
    return [] if start is None else lines[start:]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path)


# --- the demo person ---------------------------------------------------------------------------


def test_a_demo_person_keeps_copies_in_three_places() -> None:
    data = yaml.safe_load((REPO / "people" / "dana-k" / "profile.yaml").read_text())
    places = data["copies"]["places"]
    assert [p["location"] for p in places] == ["fridge", "go-bag", "peer-group"]
    assert all(p["kept_by"] and p["documents"] for p in places)
    assert SHIPPED_LEDGER.is_file()


def test_demo_status_lists_the_stale_and_missing_copies() -> None:
    # The shipped ledger: the fridge and the go-bag got the responder packet of plan 7 (current);
    # the go-bag's crisis plan is from plan 6 (the plan has changed since); nothing is recorded at
    # the peer group, which keeps 2 copies. No revision history: "since" is plan 7's effective date.
    out = cli("status", "--as-of", AS_OF, "--person", "dana-k", root=REPO, code=1)  # 1: Dana's review is overdue
    assert copies_lines(out, "dana-k") == [
        "  printed copies: 2 current, 3 stale",
        "    go-bag: crisis plan v6 placed 20 Nov 2025, current v7 since 9 Mar 2026",
        "    peer-group: responder packet (2 copies): none placed yet, current v7 since 9 Mar 2026",
    ]
    assert out.splitlines()[0].endswith(", 3 printed copies stale")


# --- staleness follows what each document shows --------------------------------------------------


def confirm_everything(root: Path) -> None:
    for place in ("fridge", "go-bag", "peer-group"):
        cli(
            "copies",
            "confirm",
            "dana-k",
            place,
            "--by",
            "shift lead",
            "--on",
            "2026-11-20",
            "--as-of",
            AS_OF,
            root=root,
        )


def test_a_plan_change_stales_exactly_the_copies_whose_document_shows_it(demo: Path) -> None:
    confirm_everything(demo)
    assert copies_lines(cli("status", "--as-of", AS_OF, "--person", "dana-k", root=demo, code=1), "dana-k") == [
        "  printed copies: 5 current, 0 stale"
    ]

    # A new trigger: only the crisis plan shows triggers (the EMS sheet's audience does not get the
    # care-team crisis plan), so only the go-bag's crisis plan is stale, not the fridge's packet.
    def add_trigger(data: dict[str, Any]) -> None:
        data["crisis_plan"]["triggers"].append("Loud music at night")
        data["plan"]["version"] = 8

    edit(demo, "dana-k", add_trigger)
    assert copies_lines(cli("status", "--as-of", AS_OF, "--person", "dana-k", root=demo, code=1), "dana-k") == [
        "  printed copies: 4 current, 1 stale",
        "    go-bag: crisis plan v7 placed 20 Nov 2026, current v8 since 18 Nov 2026",
    ]

    # A dose: every responder packet shows medications, the crisis plan does not.
    def change_dose(data: dict[str, Any]) -> None:
        data["medications"]["items"][0]["dose"] = "450 mg"
        data["plan"]["version"] = 9

    edit(demo, "dana-k", change_dose)
    assert copies_lines(cli("status", "--as-of", AS_OF, "--person", "dana-k", root=demo, code=1), "dana-k") == [
        "  printed copies: 0 current, 5 stale",
        "    fridge: responder packet v7 placed 20 Nov 2026, current v9 since 18 Nov 2026",
        "    go-bag: responder packet v7 placed 20 Nov 2026, current v9 since 18 Nov 2026",
        "    go-bag: crisis plan v7 placed 20 Nov 2026, current v9 since 18 Nov 2026",
        "    peer-group: responder packet (2 copies) v7 placed 20 Nov 2026, current v9 since 18 Nov 2026",
    ]


def test_a_version_bump_alone_or_a_hidden_change_stales_nothing(demo: Path) -> None:
    confirm_everything(demo)

    def bump_and_hide(data: dict[str, Any]) -> None:
        data["plan"]["version"] = 8
        data["plan"]["effective"] = "2026-11-21"
        data["internal_notes"]["text"] = "Another internal note"  # internal: no copied document shows it
        data["behavioral_health"]["text"] = "Changed, consent-only"  # consent for mobile crisis only

    edit(demo, "dana-k", bump_and_hide)
    assert copies_lines(cli("status", "--as-of", AS_OF, "--person", "dana-k", root=demo, code=1), "dana-k") == [
        "  printed copies: 5 current, 0 stale"
    ]


def test_status_exit_code_4_when_only_copies_are_stale(demo: Path) -> None:
    # Rosa has nothing overdue (exit 0, README "The morning list"); a place with no copy recorded makes it 4.
    assert cli("status", "--as-of", AS_OF, "--person", "rosa-m", root=demo, code=0)

    def keep_copies(data: dict[str, Any]) -> None:
        data["copies"] = {
            "places": [{"location": "fridge", "kept_by": "House staff", "documents": ["responder-packet"]}]
        }

    edit(demo, "rosa-m", keep_copies)
    out = cli("status", "--as-of", AS_OF, "--person", "rosa-m", root=demo, code=4)
    assert "    fridge: responder packet: none placed yet, current v3 since" in out
    cli("copies", "confirm", "rosa-m", "fridge", "--by", "house lead", "--as-of", AS_OF, root=demo)
    assert copies_lines(cli("status", "--as-of", AS_OF, "--person", "rosa-m", root=demo, code=0), "rosa-m") == [
        "  printed copies: 1 current, 0 stale"
    ]


# --- the ledger ----------------------------------------------------------------------------------


def test_confirm_appends_one_line_per_document_and_rebuilds_nothing(demo: Path) -> None:
    cli("build", "--as-of", AS_OF, "--format", "html", "--quiet", root=demo, code=0)
    before = (demo / "people/dana-k/copies.jsonl").read_bytes()
    out = cli(
        "copies", "confirm", "dana-k", "go-bag", "--by", "shift lead", "--on", "2026-11-21", "--as-of", AS_OF, root=demo
    )
    assert out.startswith("recorded in people/dana-k/copies.jsonl: go-bag responder-packet x1 (plan v7, check ")
    after = (demo / "people/dana-k/copies.jsonl").read_bytes()
    assert after.startswith(before)
    new = [json.loads(line) for line in after[len(before) :].decode().splitlines()]
    assert [(n["location"], n["document"], n["count"], n["plan_version"], n["placed_on"], n["by"]) for n in new] == [
        ("go-bag", "responder-packet", 1, 7, "2026-11-21", "shift lead"),
        ("go-bag", "crisis-plan", 1, 7, "2026-11-21", "shift lead"),
    ]
    # Not a document input: nothing is rebuilt, the source fingerprints stay, the index counts move.
    rebuilt = cli("build", "--as-of", AS_OF, "--format", "html", "--quiet", root=demo, code=0)
    assert ": 0 documents rebuilt" in rebuilt
    cell = one(html_soup(demo / "build/index.html"), 'tr[data-person="dana-k"] td[data-field="copies"]')
    assert cell.get_text(" ", strip=True) == "3 current, 2 stale"


def test_confirm_refuses_an_unknown_place_or_a_bad_name(demo: Path) -> None:
    before = (demo / "people/dana-k/copies.jsonl").read_bytes()
    out = cli("copies", "confirm", "dana-k", "garage", "--by", "me", root=demo, code=1)
    line = next(
        i
        for i, text in enumerate((demo / "people/dana-k/profile.yaml").read_text().splitlines(), 1)
        if text.startswith("  places:")
    )
    assert (
        f"people/dana-k/profile.yaml:{line}: copies.places: no place with that location name: add it under "
        "copies.places, or check the spelling"
    ) in out
    assert "garage" not in out
    bad = run_cli("copies", "confirm", "--root", str(demo), "dana-k", "Dad's House", "--by", "me")
    assert bad.exit_code == 2 and "Dad" not in bad.output
    assert run_cli("copies", "confirm", "--root", str(demo), "--run", "../../etc", "--by", "me").exit_code == 2
    assert (demo / "people/dana-k/copies.jsonl").read_bytes() == before


def test_a_bad_ledger_line_gets_file_and_line_and_loses_nothing(demo: Path) -> None:
    ledger = demo / "people/dana-k/copies.jsonl"
    good = SHIPPED_LEDGER.read_text().splitlines()
    damaged = json.loads(good[1])
    damaged["placed_on"] = "next tuesday"
    lines = [good[0], json.dumps(damaged), '{"location": "fridge", "docu', good[2]]
    ledger.write_text("\n".join(lines) + "\n")
    original = ledger.read_bytes()
    out = cli("status", "--as-of", AS_OF, "--person", "dana-k", root=demo, code=1)
    assert (
        "    people/dana-k/copies.jsonl:2: placed_on: not a date, YYYY-MM-DD: restore the line from version "
        "control, or delete it and confirm those copies again"
    ) in out
    assert (
        "    people/dana-k/copies.jsonl:3: damaged line: not a complete JSON record: restore the line from "
        "version control, or delete it and confirm those copies again"
    ) in out
    assert "next tuesday" not in out
    # The other lines still count: the fridge (line 4) is current; the go-bag's packet (line 2) is lost.
    assert "  printed copies: 1 current, 4 stale" in out
    # Without the overdue review, a damaged ledger means "could not be checked": exit 3.
    edit(demo, "dana-k", lambda data: data["plan"].update(last_reviewed="2026-11-01"))
    cli("status", "--as-of", AS_OF, "--person", "dana-k", root=demo, code=3)
    # Recording more keeps every old byte, the damaged lines included.
    cli("copies", "confirm", "dana-k", "fridge", "--by", "house lead", "--as-of", AS_OF, root=demo)
    assert ledger.read_bytes().startswith(original)
    assert len(ledger.read_text().splitlines()) == 5


# --- the copies section ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "at", "message"),
    [
        (
            {"location": "Dad's house"},
            "copies.places[0].location",
            "- location:",
            "not a place name: use a short name of lower-case letters, digits and dashes, e.g. 'fridge' or 'go-bag' "
            "(you type it in `packetgen copies confirm`); say where exactly under 'where'",
        ),
        (
            {"documents": ["responder-packet", "fridge-magnet"]},
            "copies.places[0].documents[1]",
            "- fridge-magnet",
            "not a document packetgen makes: use one of responder-packet, mobile-crisis-packet, crisis-plan, "
            "return-checklist-blank, responder-packet-large-print, crisis-plan-large-print",
        ),
        (
            {"documents": ["responder-packet", "responder-packet"]},
            "copies.places[0].documents",
            "documents:",
            "a document is listed twice: list each once and set 'count' for more copies",
        ),
        ({"count": 0}, "copies.places[0].count", "count:", "write a whole number from 1 to 20"),
    ],
)
def test_copies_section_errors_name_file_line_and_field(
    project: Path, change: dict[str, Any], field: str, at: str, message: str
) -> None:
    data = marked_profile()
    data["copies"] = {
        "places": [{"location": "fridge", "kept_by": "House staff", "documents": ["responder-packet"], **change}]
    }
    path = write_profile(project, "testa", data)
    out = cli("check", root=project, code=1)
    lines = path.read_text().splitlines()
    start = next(i for i, text in enumerate(lines) if text.startswith("copies:"))
    line = next(i for i, text in enumerate(lines[start:], start + 1) if text.strip().startswith(at))
    assert f"people/testa/profile.yaml:{line}: {field}: {message}" in out, out
    assert "Dad's" not in out and "fridge-magnet" not in out


def test_copies_cannot_be_shared_and_places_are_unique(project: Path) -> None:
    data = marked_profile()
    place = {"location": "fridge", "kept_by": "House staff", "documents": ["responder-packet"]}
    data["copies"] = {"sharing": "responder", "places": [place, dict(place)]}
    write_profile(project, "testa", data)
    out = cli("check", root=project, code=1)
    assert (
        "copies.sharing: where printed copies are kept stays inside the provider: remove 'sharing' (or write internal)"
    ) in out
    assert "copies.places: two places have the same location name: give each place its own" in out


def test_where_copies_are_kept_never_reaches_a_document_or_rests_in_build(project: Path) -> None:
    data = marked_profile()
    data["copies"] = {
        "places": [
            {
                "location": "mkplace",
                "where": "Shelf MKwherecopies",
                "kept_by": "Neighbour MKkeptby",
                "documents": ["responder-packet", "crisis-plan"],
            }
        ]
    }
    write_profile(project, "testa", data)
    cli("build", "--as-of", AS_OF, "--quiet", root=project, code=0)
    # Not in any document, manifest, the index, the cache or the revision history.
    assert where(project / "build", ["MKwherecopies", "MKkeptby", "mkplace"]) == []
    row = one(html_soup(project / "build/index.html"), 'tr[data-person="testa"] td[data-field="copies"]')
    assert row.get_text(" ", strip=True) == "0 current, 2 stale"
    # A print run's separator sheet names its own place (it is the staff's sheet to place them).
    cli("print", "--as-of", AS_OF, root=project, code=0)
    found = where(project / "build", ["MKwherecopies", "MKkeptby"])
    assert found and all(hit.startswith("print/") for hit in found), found


def test_new_profiles_show_the_copies_section_and_the_schema_has_it(project: Path) -> None:
    cli("new", "sam-k", root=project)
    text = (project / "people/sam-k/profile.yaml").read_text()
    assert "# copies:" in text and "#       documents: [responder-packet]" in text
    schema = json.loads((REPO / "schema/profile.schema.json").read_text())
    assert "copies" in schema["properties"]
    assert set(schema["$defs"]["CopyPlace"]["required"]) == {"location", "kept_by", "documents"}
