"""Issue 13 (and issue 12 items 4, 9, 10): any input gets a clear answer at file:line, never a traceback,
and one bad file never stops the other people. Every example from the issues has its own test with
the exact message; the messages are restated from the rules, not read back from the code."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest
from conftest import AS_OF, html_soup, run_cli
from input_edits import DANA, ROSA, check, demo_copy, line_of, problems_in, replace

PHONE_HOW = (
    "not a phone number that can be dialled: write the digits, with spaces, dashes, dots or brackets if "
    "you like (555-0101, (413) 555-0101, +1 413 555 0101), and 'ext. 12' for an extension"
)
FUTURE = "is after the build date: it cannot have happened yet, so check the date (or build with a later --as-of)"
ALIASES = "anchors and aliases ('&name', '*name') are not used in packetgen files: write the value out in full"
TODO = "not filled in yet: replace the TODO with the real text"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return demo_copy(tmp_path)


def rosa_problems(root: Path, *args: str) -> list[str]:
    code, lines = check(root, *args)
    assert code == 1
    return problems_in(lines, ROSA)


# --- 1. one impossible date stops nobody else -------------------------------------------------

IMPOSSIBLE = f"{ROSA}:17: plan.last_reviewed: no such day in that month: check the date"


def impossible_date(root: Path) -> None:
    replace(root, ROSA, "  last_reviewed: 2026-06-02", "  last_reviewed: 2026-02-30")


def test_impossible_date_check_names_the_field_and_checks_everyone(demo: Path) -> None:
    impossible_date(demo)
    code, lines = check(demo)
    assert code == 1
    assert problems_in(lines, ROSA) == [IMPOSSIBLE]
    assert problems_in(lines, "people/jay-t/events/2026-11-02-escalation.yaml"), "jay-t is still checked"


def test_impossible_date_build_builds_the_others(demo: Path) -> None:
    impossible_date(demo)
    result = run_cli("build", "--root", str(demo), "--as-of", AS_OF, "--format", "html")
    assert result.exit_code == 1
    assert IMPOSSIBLE in result.output.splitlines()
    assert "built 2 of 3 people" in result.output
    for person in ("dana-k", "jay-t"):
        assert (demo / "build" / person / "responder-packet.html").is_file()
    assert not (demo / "build" / "rosa-m" / "responder-packet.html").exists()


def test_impossible_date_status_lists_the_others(demo: Path) -> None:
    impossible_date(demo)
    out = run_cli("status", "--root", str(demo), "--as-of", AS_OF).output
    assert "rosa-m: NOT CHECKED, 1 error(s) in the records: run `packetgen check`" in out
    assert "jay-t (Jay)\n  notifications overdue: 1" in out and "dana-k (Dana)" in out


def test_impossible_date_audit_reports_it_and_audits_the_others(demo: Path) -> None:
    impossible_date(demo)
    result = run_cli("audit", "--root", str(demo), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Audit as of 2026-11-23 (first record to 2026-11-23): 2 people, all 7 events" in result.output
    assert "  records with errors: 1 problem(s) (listed in the report)" in result.output


# --- 2. hostile sizes: refused quickly, with file:line ---------------------------------------


def laughs(levels: int) -> str:
    """The billion laughs: each level lists the one before nine times."""
    rows = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(rows) + "\n"


def timed_rosa(root: Path) -> tuple[list[str], float]:
    """Rosa's problems, and how much longer `check` took than on the same demo before the edit.

    The rule is "refused within 2 seconds": the extra time the hostile file costs. `check` of the
    whole demo is the baseline, measured in the same test (it also renders packets to see which
    run past one page, and takes longer on a loaded machine), so the bound holds whatever else runs."""
    started = time.perf_counter()
    problems = rosa_problems(root)
    return problems, time.perf_counter() - started - BASELINE.get(root, 0.0)


BASELINE: dict[Path, float] = {}


@pytest.fixture
def timed_demo(demo: Path) -> Path:
    """The demo, with the time of one `check` of it as it is (the faster of two) in ``BASELINE``."""
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        check(demo)
        runs.append(time.perf_counter() - started)
    BASELINE[demo] = min(runs)
    return demo


def test_nested_aliases_are_refused_fast(timed_demo: Path) -> None:
    demo = timed_demo
    bomb = laughs(6)
    assert len(bomb) < 4096
    path = demo / ROSA
    lines = path.read_text().count("\n")
    path.write_text(path.read_text() + bomb)
    problems, seconds = timed_rosa(demo)
    assert problems == [f"{ROSA}:{lines + 1}: lol0: {ALIASES}"]
    assert seconds < 2


def test_self_referencing_alias_is_refused(timed_demo: Path) -> None:
    demo = timed_demo
    replace(demo, ROSA, "  pronouns: she/her", "  pronouns: &a [*a]")
    problems, seconds = timed_rosa(demo)
    assert problems == [f"{ROSA}:10: identity.pronouns: {ALIASES}"]
    assert seconds < 2


def test_500_nested_brackets_are_refused(timed_demo: Path) -> None:
    demo = timed_demo
    replace(demo, ROSA, "  pronouns: she/her", "  pronouns: " + "[" * 500 + "]" * 500)
    problems, seconds = timed_rosa(demo)
    assert problems == [
        f"{ROSA}:10: identity.pronouns: nested more than 24 levels deep (a profile needs about 5): "
        "check the brackets and indentation"
    ]
    assert seconds < 2


def test_a_5_mb_profile_is_refused_without_reading_it(timed_demo: Path) -> None:
    demo = timed_demo
    path = demo / ROSA
    path.write_text(path.read_text() + "# " + "x" * 5_000_000 + "\n")
    size = path.stat().st_size
    problems, seconds = timed_rosa(demo)
    assert problems == [
        f"{ROSA}:1: file is {size:,} bytes, more than the 1,048,576 a packetgen file may have "
        "(a large profile is about 20,000): check that this is the right file"
    ]
    assert seconds < 2


def test_a_huge_value_is_refused(demo: Path) -> None:
    replace(demo, ROSA, "  pronouns: she/her", "  pronouns: " + "y" * 30_000)
    assert rosa_problems(demo) == [
        f"{ROSA}:10: identity.pronouns: 30,000 characters long, more than the 20,000 a value may have: shorten it"
    ]


def test_too_many_values_are_refused(demo: Path) -> None:
    replace(demo, ROSA, "  pronouns: she/her", "  pronouns: [" + ", ".join(["1"] * 25_000) + "]")
    assert rosa_problems(demo) == [
        f"{ROSA}:10: more than 20,000 values in one file (a large profile has about 600): "
        "check that this is the right file"
    ]


def test_two_documents_in_one_file_are_refused(demo: Path) -> None:
    path = demo / ROSA
    lines = path.read_text().count("\n")
    path.write_text(path.read_text() + "---\nfictional: true\n")
    assert rosa_problems(demo) == [
        f"{ROSA}:{lines + 1}: a second YAML document starts here ('---'): keep one document per file"
    ]


# --- 3. encodings and characters: line and column ---------------------------------------------


def test_nul_byte_has_line_and_column(demo: Path) -> None:
    replace(demo, ROSA, "  legal_name: Rosa Elena", "  legal_name: Rosa\x00 Elena")
    assert rosa_problems(demo) == [
        f"{ROSA}:8: control character U+0000 (nul byte) at column 19: delete it (it often "
        "comes from pasting out of another program)"
    ]


def test_latin1_text_has_line_and_column(demo: Path) -> None:
    path = replace(demo, ROSA, "  legal_name: Rosa Elena Marquez", "  legal_name: Rosa Elena Márquez")
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    assert rosa_problems(demo) == [
        f"{ROSA}:8: not UTF-8 text at column 27 (byte 0xE1): the file looks like Latin-1 "
        "or Windows-1252 text (accented letters from an older editor or a pasted document): "
        "save it as UTF-8"
    ]


def test_a_utf8_byte_order_mark_is_accepted(demo: Path) -> None:
    path = demo / ROSA
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    code, lines = check(demo)
    assert problems_in(lines, ROSA) == []
    result = run_cli("build", "--root", str(demo), "--as-of", AS_OF, "--format", "html", "--person", "rosa-m")
    assert result.exit_code == 0, result.output


def test_utf16_is_named(demo: Path) -> None:
    path = demo / ROSA
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert rosa_problems(demo) == [f'{ROSA}:1: saved as UTF-16 text (Notepad\'s "Unicode"): save it as UTF-8']


def test_tab_indentation_says_tab(demo: Path) -> None:
    replace(demo, ROSA, "  language: Spanish", "\tlanguage: Spanish")
    assert rosa_problems(demo) == [
        f"{ROSA}:11: invalid YAML: a tab is used for indentation: indent with spaces only "
        "(YAML does not allow tabs there)"
    ]


# --- 4. merge keys, invisible characters, tags, TODO ------------------------------------------


def test_merge_key_is_refused_instead_of_silently_overriding(demo: Path) -> None:
    path = demo / ROSA
    text = path.read_text()
    start, end = text.index("allergies:\n"), text.index("medications:\n")
    path.write_text(text[:start] + "allergies: {<<: {items: [Penicillin]}, items: [Latex]}\n\n" + text[end:])
    assert rosa_problems(demo) == [
        f"{ROSA}:32: allergies: merge keys ('<<:') are not used in packetgen files: write "
        "each field out in full (a merge silently overrides fields)"
    ]


@pytest.mark.parametrize(
    "char, name",
    [
        ("\u202e", "U+202E (right-to-left override)"),
        ("\u2067", "U+2067 (right-to-left isolate)"),
        ("\u200b", "U+200B (zero width space)"),
        ("\u200d", "U+200D (zero width joiner)"),
        ("\u2060", "U+2060 (word joiner)"),
        ("\ufeff", "U+FEFF (zero width no-break space)"),
        ("\u00ad", "U+00AD (soft hyphen)"),
        ("\u061c", "U+061C (arabic letter mark)"),
    ],
)
def test_invisible_formatting_characters_are_refused_with_line_and_column(demo: Path, char: str, name: str) -> None:
    replace(demo, ROSA, "  preferred_name: Rosa", f"  preferred_name: Ro{char}sa")
    assert rosa_problems(demo) == [
        f"{ROSA}:7: identity.preferred_name: invisible formatting character {name} at "
        "column 21: delete it (it makes the printed sheet read differently from the file)"
    ]


def test_bidi_override_in_a_dose_is_refused(demo: Path) -> None:
    replace(demo, ROSA, "dose: 18 units", "dose: \u202e18 units")
    assert rosa_problems(demo) == [
        f"{ROSA}:44: medications.items[0].dose: invisible formatting character U+202E "
        "(right-to-left override) at column 38: delete it (it makes the printed sheet "
        "read differently from the file)"
    ]


def test_joiners_inside_non_latin_words_and_emoji_are_allowed(demo: Path) -> None:
    # Persian needs the zero-width non-joiner; emoji sequences and Devanagari conjuncts use the joiner.
    replace(
        demo,
        ROSA,
        "  pronouns: she/her",
        '  pronouns: "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 '
        '\U0001f469\u200d\u2695\ufe0f \u0915\u094d\u200d\u0937"',
    )
    code, lines = check(demo)
    assert problems_in(lines, ROSA) == []


def test_invisible_character_in_a_comment_is_refused_too(demo: Path) -> None:
    replace(demo, ROSA, "# coincidence.", "# coinci\u202edence.")
    assert rosa_problems(demo) == [
        f"{ROSA}:3: invisible formatting character U+202E (right-to-left override) at "
        "column 9: delete it (it makes the file read differently in an editor)"
    ]


def test_zero_width_space_before_todo_does_not_hide_it(demo: Path) -> None:
    replace(demo, ROSA, "  how_i_show_pain: Rubs her hip", "  how_i_show_pain: \u200bTODO Rubs her hip")
    assert rosa_problems(demo) == [
        f"{ROSA}:26: communication.how_i_show_pain: invisible formatting character U+200B (zero width space) at "
        "column 20: delete it (it makes the printed sheet read differently from the file)",
        f"{ROSA}:26: communication.how_i_show_pain: {TODO}",
    ]


def test_full_width_todo_is_found(demo: Path) -> None:
    replace(demo, ROSA, "  how_i_show_pain: Rubs her hip", "  how_i_show_pain: \uff34\uff2f\uff24\uff2f Rubs her hip")
    assert rosa_problems(demo) == [f"{ROSA}:26: communication.how_i_show_pain: {TODO}"]


@pytest.mark.parametrize(
    "tag", ["!!binary VE9ETyBhc2sgaGVy", "!!python/object:os.system x", "!!set {a, b}", "!custom text"]
)
def test_non_plain_tags_are_refused(demo: Path, tag: str) -> None:
    replace(demo, ROSA, "  how_i_show_pain: Rubs her hip or knee and goes quiet.", f"  how_i_show_pain: {tag}")
    assert rosa_problems(demo) == [
        f"{ROSA}:26: communication.how_i_show_pain: YAML tags (a word starting with '!', "
        "such as '!!binary') are not used in packetgen files: remove the tag and write the "
        "value as plain text"
    ]


def test_str_tag_is_plain_text(demo: Path) -> None:
    replace(demo, ROSA, "  pronouns: she/her", "  pronouns: !!str she/her")
    code, lines = check(demo)
    assert problems_in(lines, ROSA) == []


def test_todo_message_names_the_field_not_its_text(demo: Path) -> None:
    secret = "TODO - follow up: Staff are reviewing a complaint about the son"
    replace(
        demo,
        ROSA,
        "  text: Family disagreement about moving her to assisted living; staff should not discuss it with her.",
        f"  text: '{secret}'",
    )
    code, lines = check(demo)
    assert problems_in(lines, ROSA) == [f"{ROSA}:{line_of(demo, ROSA, secret)}: internal_notes.text: {TODO}"]
    assert not any("Staff are reviewing" in line for line in lines)


# --- 5. nonsense values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "call her cell",
        "555-01x7",
        "911",
        "555",
        "+",
        "555-0142 ext. 1234567",
        "1-800-FLOWERS",
        "(555-0142",
        "555 0142 99999 12345 6",
    ],
)
def test_supervisor_phone_must_be_dialable(demo: Path, phone: str) -> None:
    replace(demo, ROSA, "    phone: 555-0142", f"    phone: {phone}")
    assert rosa_problems(demo) == [f"{ROSA}:20: plan.supervisor.phone: {PHONE_HOW}"]


@pytest.mark.parametrize(
    "phone",
    [
        "555-0142",
        "(413) 555-0142",
        "+1 413 555 0142",
        "413.555.0142",
        "555-0142 ext. 12",
        "555-0142 x7",
        "+44 20 7946 0958",
        "5550142",
    ],
)
def test_dialable_phones_pass(demo: Path, phone: str) -> None:
    replace(demo, ROSA, "    phone: 555-0142", f"    phone: '{phone}'")
    code, lines = check(demo)
    assert problems_in(lines, ROSA) == []


def test_contacts_may_use_a_short_code_but_not_words(demo: Path) -> None:
    replace(demo, ROSA, "name: Amara Obi, phone: 555-0153", "name: Amara Obi, phone: 988")
    code, lines = check(demo)
    assert problems_in(lines, ROSA) == []
    replace(demo, ROSA, "name: Amara Obi, phone: 988", "name: Amara Obi, phone: call her cell")
    assert rosa_problems(demo) == [f"{ROSA}:73: contacts.people[2].phone: {PHONE_HOW}, or a short code such as 988"]


def test_decision_maker_phone_must_be_dialable(demo: Path) -> None:
    replace(demo, DANA, "  phone: 555-0166", "  phone: ask the office")
    code, lines = check(demo)
    assert (
        problems_in(lines, DANA)[0] == f"{DANA}:{line_of(demo, DANA, 'ask the office')}: decision_maker.phone: "
        f"{PHONE_HOW}"
    )


def test_date_of_birth_in_the_future_is_refused_and_no_negative_age_is_printed(demo: Path) -> None:
    replace(demo, ROSA, "  date_of_birth: 1944-08-19", "  date_of_birth: 2041-03-14")
    assert rosa_problems(demo) == [f"{ROSA}:9: identity.date_of_birth: is in the future: check the year"]
    run_cli("build", "--root", str(demo), "--as-of", AS_OF, "--format", "html")
    for page in (demo / "build").rglob("*.html"):
        assert "(age -" not in page.read_text(encoding="utf-8"), page


def test_date_of_birth_more_than_120_years_ago_is_refused(demo: Path) -> None:
    replace(demo, ROSA, "  date_of_birth: 1944-08-19", "  date_of_birth: 1894-08-19")
    assert rosa_problems(demo) == [f"{ROSA}:9: identity.date_of_birth: is more than 120 years ago: check the year"]


def test_last_reviewed_after_the_build_date_is_refused(demo: Path) -> None:
    replace(demo, ROSA, "  last_reviewed: 2026-06-02", "  last_reviewed: 2026-11-24")
    assert rosa_problems(demo) == [f"{ROSA}:17: plan.last_reviewed: {FUTURE}"]
    code, lines = check(demo, "--as-of", "2026-11-24")
    assert problems_in(lines, ROSA) == [], "the same date is fine on a later build date"


def test_plan_effective_must_be_in_force_and_after_birth(demo: Path) -> None:
    replace(demo, ROSA, "  effective: 2026-06-02", "  effective: 2027-01-01")
    assert rosa_problems(demo) == [f"{ROSA}:16: plan.effective: {FUTURE}"]
    replace(demo, ROSA, "  effective: 2027-01-01", "  effective: 1940-01-01")
    assert rosa_problems(demo) == [f"{ROSA}:16: plan.effective: is before the person's date of birth: check both dates"]


def test_verified_on_after_the_build_date_is_refused(demo: Path) -> None:
    replace(
        demo,
        ROSA,
        "  swallowing:\n    none_known: {verified_on: 2026-06-02",
        "  swallowing:\n    none_known: {verified_on: 2026-12-01",
    )
    assert rosa_problems(demo) == [f"{ROSA}:56: risks.swallowing.none_known.verified_on: {FUTURE}"]


def test_consent_granted_after_the_build_date_is_accepted_and_not_yet_in_force(demo: Path) -> None:
    """README: a consent signed to start later is valid; it is not in force before its start."""
    section = 'section[data-field="behavioral_health"]'
    packet = demo / "build" / "dana-k" / "mobile-crisis-packet.html"
    run_cli("build", "--root", str(demo), "--as-of", AS_OF, "--format", "html", "--person", "dana-k")
    assert html_soup(packet).select(section), "control: shown under the consent in force"
    replace(
        demo,
        DANA,
        "    granted: 2026-03-09\n    expires: 2027-03-09",
        "    granted: 2026-12-09\n    expires: 2027-03-09",
    )
    code, lines = check(demo)
    assert not any("consents[0].granted" in line for line in lines), lines
    result = run_cli("build", "--root", str(demo), "--as-of", AS_OF, "--format", "html", "--person", "dana-k")
    assert result.exit_code == 0, result.output
    assert not html_soup(packet).select(section), "the consent is not in force until 9 Dec"


def test_empty_verified_by_is_not_a_verification(demo: Path) -> None:
    replace(
        demo,
        ROSA,
        "  swallowing:\n    none_known: {verified_on: 2026-06-02, verified_by: home care RN}",
        '  swallowing:\n    none_known: {verified_on: 2026-06-02, verified_by: ""}',
    )
    assert rosa_problems(demo) == [f"{ROSA}:56: risks.swallowing.none_known.verified_by: is empty: write the fact here"]


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("  language: Spanish", "  language: '   '", "11: identity.language: is empty: write the fact here"),
        ("  pronouns: she/her", "  pronouns: ''", "10: identity.pronouns: is empty: write it, or remove the line"),
        (
            "    - Low blood sugar, often after a skipped meal",
            "    - ''",
            "77: crisis_plan.triggers[0]: an empty entry: fill it in or remove it",
        ),
        ("  version: 3", "  version: true", "15: plan.version: not a whole number: write it as digits, e.g. 3"),
        ("  version: 3", "  version: 1e3", "15: plan.version: not a whole number: write it as digits, e.g. 3"),
        ("  version: 3", "  version: 0", "15: plan.version: must be 1 or more"),
        (
            "  pronouns: she/her",
            "  pronouns: she/her\n  photo: " + "p" * 300,
            "11: identity.photo: too long: at most 255 characters",
        ),
        (
            "  date_of_birth: 1944-08-19",
            "  date_of_birth: 19440819",
            "9: identity.date_of_birth: not a date: write the date as YYYY-MM-DD (year first)",
        ),
    ],
)
def test_blank_and_nonsense_values(demo: Path, old: str, new: str, expected: str) -> None:
    replace(demo, ROSA, old, new)
    assert rosa_problems(demo) == [f"{ROSA}:{expected}"]


# --- 6. files packetgen would not read ----------------------------------------------------------


def test_yml_event_is_read(demo: Path) -> None:
    from events import event_data, write_event

    data = event_data("2026-11-20 19:40", "ed-visit", family_contact={"contacted": False, "summary": "Not yet"})
    path = write_event(demo, "rosa-m", "2026-11-20-ed-visit", data)
    path.rename(path.with_suffix(".yml"))
    out = run_cli("status", "--root", str(demo), "--as-of", AS_OF, "--person", "rosa-m").output
    assert "2026-11-20-ed-visit (emergency department visit): due 21 Nov 2026, 19:40, because threshold event" in out
    _, lines = check(demo)
    assert lines[-2].endswith("of 3 profiles (10 events)")


def test_profile_yml_is_read_and_both_spellings_are_an_error(demo: Path) -> None:
    folder = demo / "people" / "rosa-m"
    (folder / "profile.yaml").rename(folder / "profile.yml")
    result = run_cli("build", "--root", str(demo), "--as-of", AS_OF, "--format", "html", "--person", "rosa-m")
    assert result.exit_code == 0, result.output
    assert (demo / "build" / "rosa-m" / "responder-packet.html").is_file()
    (folder / "profile.yaml").write_text((folder / "profile.yml").read_text())
    code, lines = check(demo)
    assert (
        "people/rosa-m/profile.yml: both profile.yaml and profile.yml exist: keep one (they would be the same "
        "file)" in lines
    )


def test_files_that_are_not_read_are_named_in_cli_output_only(demo: Path) -> None:
    people = demo / "people"
    (people / "README.md").write_text("notes")
    (people / "sam-k").mkdir()
    (people / "sam-k" / "notes.txt").write_text("x")
    (people / "rosa-m" / "events" / "2026-11-29-ed-visit.txt").write_text("x")
    (people / "rosa-m" / "Profile.YAML.bak").write_text("x")
    for litter in (".profile.yaml.swp", "profile.yaml~", "4913"):
        (people / "rosa-m" / litter).write_text("x")
    expected = [
        "people/README.md: warning: packetgen reads profile.yaml, events/*.yaml, the photo the profile names and "
        "drills.jsonl, each inside a person's folder: move this file out of people/",
        "people/rosa-m/Profile.YAML.bak: warning: not read: the profile must be named exactly profile.yaml (or "
        "profile.yml): rename it or remove it",
        "people/rosa-m/events/2026-11-29-ed-visit.txt: warning: not read: an event file's name must end in .yaml "
        "(or .yml), e.g. 2026-11-02-escalation.yaml; rename it, or move it out of people/",
        "people/sam-k: warning: no profile.yaml in this folder, so nothing in it is read: add one "
        "(`packetgen new sam-k`) or move the folder out of people/",
    ]
    _, lines = check(demo)
    assert [
        line
        for line in lines
        if line.split(": warning: ")[0] in ("people/README.md", "people/sam-k") or "warning: not read" in line
    ] == expected
    result = run_cli("build", "--root", str(demo), "--as-of", AS_OF, "--format", "html")
    assert all(line in result.output.splitlines() for line in expected)
    for page in (demo / "build").rglob("*"):
        if page.is_file():
            assert b"2026-11-29-ed-visit.txt" not in page.read_bytes() and b"sam-k" not in page.read_bytes()


def test_the_photo_and_drill_log_are_not_reported(demo: Path) -> None:
    _, lines = check(demo)
    assert not [line for line in lines if "warning: not read" in line or "no profile.yaml" in line]


# --- 7. messages in the user's words ----------------------------------------------------------


def replace_block(root: Path, section: str, next_section: str, new: str) -> None:
    path = root / ROSA
    text = path.read_text()
    start, end = text.index(f"{section}:\n"), text.index(f"{next_section}:\n")
    path.write_text(text[:start] + new + text[end:])


def test_allergies_none_says_how_to_record_none(demo: Path) -> None:
    replace_block(demo, "allergies", "medications", "allergies: none\n\n")
    assert rosa_problems(demo) == [
        f"{ROSA}:32: allergies: not recorded: list the entries under 'items:', or, if there are none, write "
        "none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE} (a single word cannot say who checked, or when)"
    ]


def test_bare_empty_medications_list_reads_as_none(demo: Path) -> None:
    replace_block(demo, "medications", "risks", "medications: []\n\n")
    assert rosa_problems(demo) == [
        f"{ROSA}:42: medications: empty list: an empty list reads as 'none' on a responder sheet. List the entries "
        "under 'items:', or write none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE}"
    ]


def test_us_style_date_says_year_first(demo: Path) -> None:
    replace(demo, ROSA, "  date_of_birth: 1944-08-19", "  date_of_birth: 03/14/1941")
    assert rosa_problems(demo) == [
        f"{ROSA}:9: identity.date_of_birth: not a date: write the date as YYYY-MM-DD (year first)"
    ]


def test_missing_section_points_where_it_belongs(demo: Path) -> None:
    replace_block(demo, "medications", "risks", "")
    assert rosa_problems(demo) == [
        f"{ROSA}:{line_of(demo, ROSA, 'risks:')}: medications: required section is "
        "missing: add a 'medications:' section before 'risks:'"
    ]


def test_missing_last_section_points_at_the_end_of_the_file(demo: Path) -> None:
    path = demo / ROSA
    text = path.read_text()
    path.write_text(text[: text.index("crisis_plan:\n")])
    lines = path.read_text().count("\n")
    assert rosa_problems(demo) == [
        f"{ROSA}:{lines}: crisis_plan: required section is missing: add a 'crisis_plan:' section at the end of the file"
    ]


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "  interpreter_needed: true",
            "  interpreter_needed: maybe",
            "12: identity.interpreter_needed: write true or false",
        ),
        (
            "      severity: severe",
            "      severity: sever",
            "36: allergies.items[0].severity: must be one of 'mild', 'moderate', 'severe' or 'unknown' (did you mean "
            "'severe'?)",
        ),
        (
            "  language: Spanish",
            "  language: [Spanish, English]",
            "11: identity.language: expected one value here, not a list or a block of lines: write it on the same line "
            "as the key",
        ),
        (
            "  language: Spanish",
            "  language: 12",
            "11: identity.language: write text (put it in quotes if it looks like a number, a date or true/false)",
        ),
        (
            "  triggers:\n",
            "  triggers: Low blood sugar\n  old_triggers:\n",
            "76: crisis_plan.triggers: expected a list here, not a single value: write a list, one '- entry' "
            "per line (or [first, second] on one line)",
        ),
    ],
)
def test_type_errors_are_in_plain_words(demo: Path, old: str, new: str, expected: str) -> None:
    replace(demo, ROSA, old, new)
    assert rosa_problems(demo)[0] == f"{ROSA}:{expected}"


def test_identity_as_a_list_says_block(demo: Path) -> None:
    replace_block(demo, "identity", "plan", "identity: [Rosa]\n\n")
    assert rosa_problems(demo) == [
        f"{ROSA}:6: identity: expected a block of 'key: value' lines here, not a list: "
        "write a block of 'key: value' lines indented under this field"
    ]


def test_a_sentence_as_a_key_is_not_quoted(demo: Path) -> None:
    replace(demo, ROSA, "  pronouns: she/her", "  Rosa is allergic to latex too: true")
    assert rosa_problems(demo) == [
        f"{ROSA}:10: identity.<key>: unknown field: this key is not a field name: fix it or remove it"
    ]


# --- 8. all problems at once -----------------------------------------------------------------


def test_cross_checks_are_not_hidden_behind_type_errors(demo: Path) -> None:
    replace(demo, DANA, "  date_of_birth: 1981-05-30", "  date_of_birth: soon")
    replace(demo, DANA, "  - id: roi-2026-cm", "  - id: roi-2026-mc")
    code, lines = check(demo)
    second = [i for i, row in enumerate((demo / DANA).read_text().splitlines(), 1) if "id: roi-2026-mc" in row][1]
    assert problems_in(lines, DANA) == [
        f"{DANA}:9: identity.date_of_birth: not a date: write the date as YYYY-MM-DD (year first)",
        f"{DANA}:{second}: consents[1].id: consent id 'roi-2026-mc' is used twice: give each record its own id",
    ]


def test_event_cross_checks_are_not_hidden_behind_type_errors(demo: Path) -> None:
    event = "people/jay-t/events/2026-11-02-escalation.yaml"
    replace(demo, event, "type: escalation", "type: temporary-support-increase")
    replace(demo, event, 'current_risk: "Low: back to baseline the next morning."', "current_risk: [Low]")
    _, lines = check(demo)
    assert problems_in(lines, event)[:2] == [
        f"{event}:13: current_risk: expected one value here, not a list or a block of lines: write it on the same "
        "line as the key",
        f"{event}:4: temporary_support: type is temporary-support-increase but there is no temporary_support block: "
        "add it",
    ]


# --- 9. events: times, blanks, bounds -----------------------------------------------------------

EVENT = "people/jay-t/events/2026-11-10-escalation.yaml"


@pytest.mark.parametrize(
    "field, new, message",
    [
        ("occurred_at", "2026-11-30 19:40", FUTURE),
        ("occurred_at", "2026-11-10 25:40", "not a date and time: write the date and time as YYYY-MM-DD HH:MM"),
        ("occurred_at", "1730000000", "not a date and time: write the date and time as YYYY-MM-DD HH:MM"),
        ("occurred_at", "0026-11-10 19:40", "is before 1900: check the year"),
        ("presenting_risk", "''", "is empty: write the fact here"),
    ],
)
def test_event_values(demo: Path, field: str, new: str, message: str) -> None:
    path = demo / EVENT
    rows = path.read_text().splitlines()
    index = next(i for i, row in enumerate(rows) if row.startswith(f"{field}:"))
    rows[index] = f"{field}: {new}"
    path.write_text("\n".join(rows) + "\n")
    _, lines = check(demo)
    assert problems_in(lines, EVENT)[0] == f"{EVENT}:{index + 1}: {field}: {message}"


def test_event_notified_after_the_build_date_is_refused(demo: Path) -> None:
    path = demo / "people/dana-k/events/2026-11-16-mobile-crisis.yaml"
    text = path.read_text()
    assert "  notified_at: 2026-11-17 09:15" in text
    path.write_text(text.replace("  notified_at: 2026-11-17 09:15", "  notified_at: 2026-12-17 09:15"))
    _, lines = check(demo)
    line = line_of(demo, "people/dana-k/events/2026-11-16-mobile-crisis.yaml", "notified_at: 2026-12-17")
    assert f"people/dana-k/events/2026-11-16-mobile-crisis.yaml:{line}: case_manager.notified_at: {FUTURE}" in lines


def test_event_bounds(demo: Path) -> None:
    path = demo / EVENT
    path.write_text(path.read_text() + "internal_notes: " + "{a: " * 200 + "b" + "}" * 200 + "\n")
    lines = path.read_text().count("\n")
    _, out = check(demo)
    assert problems_in(out, EVENT) == [
        f"{EVENT}:{lines}: internal_notes.a: nested more than 24 levels deep (a "
        "profile needs about 5): check the brackets and indentation"
    ]


def test_the_starter_profile_is_valid_once_every_todo_is_filled(project: Path) -> None:
    import re

    run_cli("new", "--root", str(project), "sam-k")
    path = project / "people" / "sam-k" / "profile.yaml"
    text = re.sub(r'"TODO: YYYY-MM-DD[^"]*"', "2026-01-05", path.read_text())
    text = re.sub(r'"TODO:[^"]*phone[^"]*"', "555-0101", text)
    text = re.sub(r'"TODO[^"]*"', "Filled in", text)
    assert "TODO" not in text.replace("Fill in every TODO", "")
    path.write_text(text)
    result = run_cli("check", "--root", str(project), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
