"""Drills without a browser: question choice and consent, the page's self-containment, paper drills,
import validation and atomic append, report statistics on fixed data, and the report's figures."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import AS_OF, REPO, attr, copy_demo, html_soup, one, pdf_pages, pdf_text, run_cli, visible_text
from profiles import marked_profile, write_profile

from packetgen.drill.page import answer_pages, drill_packet
from packetgen.drill.report import AnswerRow, Summary, by_field, by_role, by_version, chart, summarize
from packetgen.drill.results import PAPER_COLUMNS, DrillRun

UTC = dt.UTC


def drill_config(page: Path) -> dict:
    config = one(html_soup(page), "#drill-config").string
    assert config is not None
    return json.loads(config)


# --- the drill page ---------------------------------------------------------------------------


def test_drill_page_is_self_contained_and_asks_only_what_the_packet_holds(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    result = run_cli("drill", "testa", "--root", str(project), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    page = project / "build" / "drills" / "testa.html"
    assert "wrote build/drills/testa.html: 15 questions" in result.output
    soup = html_soup(page)
    assert attr(one(soup, "html"), "lang") == "en"
    # Offline: no external stylesheet, script or font; everything is inline.
    assert not soup.select("link[href], script[src], img[src^='http']")
    assert "url(fonts/" not in page.read_text() and "url(data:font/ttf;base64," in page.read_text()
    assert soup.select_one("main") and soup.select_one("aside")
    config = drill_config(page)
    fields = [q["field"] for q in config["questions"]]
    # The marked profile has no how_i_say_no and no how_i_show_pain: those questions are not asked.
    assert "how_i_say_no" not in fields and "how_i_show_pain" not in fields
    assert {"allergies", "code_status", "decision_maker", "mobility", "medications", "contacts"} <= set(fields)
    # Every question's answer key is a marked place in the embedded packet.
    packet = one(soup, "#packet")
    for field in fields:
        assert packet.select_one(f'[data-field="{field}"]') is not None, field
    assert config["plan_version"] == 2 and re.fullmatch(r"[0-9a-f]{10}", config["fingerprint"])
    assert config["fingerprint"] in visible_text(page)


def test_drill_page_keeps_the_consent_boundary(project: Path) -> None:
    """The page embeds the EMS sheet: nothing an emergency responder may not see reaches it,
    and a withheld section's questions are not asked."""
    data = marked_profile()
    data["communication"]["sharing"] = "consent"
    data["communication"]["how_i_say_no"] = "Shakes head"
    data["consents"] = [
        {
            "id": "roi-1",
            "recipient": "mobile-crisis",
            "sections": ["behavioral_health", "communication"],
            "authority": "person",
            "granted": "2026-01-01",
            "expires": "2027-01-01",
            "recorded_by": "Sam Super",
            "document_ref": "ROI form",
        }
    ]
    write_profile(project, "testa", data)
    assert run_cli("drill", "testa", "--root", str(project), "--as-of", AS_OF).exit_code == 0
    page = project / "build" / "drills" / "testa.html"
    raw = page.read_text()
    for section in ("communication", "behavioralhealth", "internalnotes", "healthhistory", "crisisplan"):
        assert f"MK{section}" not in raw, section
    assert "Shakes head" not in raw
    fields = [q["field"] for q in drill_config(page)["questions"]]
    assert "communication" not in fields and "how_i_say_no" not in fields
    assert "allergies" in fields


def test_drill_all_and_bad_arguments(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    result = run_cli("drill", "--all", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (root / "build" / "drills").glob("*.html")) == [
        "dana-k.html",
        "jay-t.html",
        "rosa-m.html",
    ]
    assert run_cli("drill", "--root", str(root)).exit_code == 2
    missing = run_cli("drill", "nobody", "--root", str(root))
    assert missing.exit_code == 2 and "no profile at people/nobody/profile.yaml" in missing.output


def test_dana_drill_does_not_show_the_consent_only_sister(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    assert run_cli("drill", "dana-k", "--root", str(root), "--as-of", AS_OF).exit_code == 0
    raw = (root / "build" / "drills" / "dana-k.html").read_text()
    assert "555-0190" not in raw and "Eva" not in raw and "Bipolar" not in raw
    assert "Haloperidol" in raw


# --- paper drills -------------------------------------------------------------------------------


def paper_questions(pdf: Path) -> list[str]:
    first = " ".join(pdf_pages(pdf)[0].split())
    return re.findall(r"\d+\. (.+?\?)", first)


def test_paper_drill_has_sheet_key_grid_and_packet_in_seeded_order(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    result = run_cli("drill", "jay-t", "--paper", "--seed", "11", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "seed 11" in result.output
    pdf = root / "build" / "drills" / "jay-t-paper.pdf"
    pages = [" ".join(p.split()) for p in pdf_pages(pdf)]
    assert pages[0].startswith("Drill questions") and "seed 11" in pages[0]
    key = next(p for p in pages if p.startswith("Coordinator answer key"))
    grid = next(p for p in pages if p.startswith("Timing grid"))
    assert "Allergies box, top left (allergies) 1" in key
    assert "Risks: seizures, right column (seizures) 1" in key
    assert ",".join(PAPER_COLUMNS) in "".join(grid.split())
    assert "Responder packet" in pages[-1] and "Levetiracetam" in pages[-1]
    first = paper_questions(pdf)
    assert len(first) == len(drill_questions_for(root, "jay-t"))
    # The same seed gives the same order; another seed another order.
    run_cli("drill", "jay-t", "--paper", "--seed", "11", "--root", str(root), "--as-of", AS_OF)
    assert paper_questions(pdf) == first
    run_cli("drill", "jay-t", "--paper", "--seed", "12", "--root", str(root), "--as-of", AS_OF)
    assert paper_questions(pdf) != first and sorted(paper_questions(pdf)) == sorted(first)


def drill_questions_for(root: Path, person_id: str) -> list[dict]:
    run_cli("drill", person_id, "--root", str(root), "--as-of", AS_OF)
    return drill_config(root / "build" / "drills" / f"{person_id}.html")["questions"]


def test_answer_key_page_follows_the_layout_when_medications_continue(project: Path) -> None:
    data = marked_profile()
    data["medications"]["items"] = [
        {
            "name": f"Med{i}",
            "dose": "1 mg",
            "route": "by mouth",
            "schedule": "8 am",
            "purpose": "a purpose long enough to take two lines in a column",
        }
        for i in range(40)
    ]  # more than page 1 holds
    write_profile(project, "testa", data)
    from packetgen.builder.records import load_person
    from packetgen.pipeline.pdf import PdfRenderer
    from packetgen.pipeline.render import make_environment
    from packetgen.project.folders import open_project

    proj = open_project(project)
    day = dt.date(2026, 11, 23)
    packet = drill_packet(make_environment(proj.templates_dir), proj, load_person(proj, "testa", as_of=day), day)
    pages = answer_pages(
        PdfRenderer(proj.styles_dir), packet.print_html, ["allergies", "medications", "medications_continued"]
    )
    assert pages == {"allergies": 1, "medications": 1, "medications_continued": 2}


# --- import: validate first, append atomically --------------------------------------------------


def run_record(
    drill_id: str = "d-1",
    person_id: str = "testa",
    role: str = "EMT",
    answers: list[dict] | None = None,
    version: int = 2,
    fingerprint: str = "abcdef1234",
) -> dict:
    return {
        "drill_id": drill_id,
        "mode": "browser",
        "person_id": person_id,
        "plan_version": version,
        "fingerprint": fingerprint,
        "participant_role": role,
        "started_at": "2026-11-20T10:00:00Z",
        "finished_at": "2026-11-20T10:05:00Z",
        "answers": answers
        or [
            {
                "field": "allergies",
                "question": "What is this person allergic to?",
                "clicked_field": "allergies",
                "ms": 4200,
                "correct": True,
                "shown_at": "2026-11-20T10:00:01Z",
                "answered_at": "2026-11-20T10:00:05Z",
            }
        ],
    }


def results_file(path: Path, *runs: dict) -> Path:
    path.write_text(
        json.dumps({"format": "packetgen-drill-results", "format_version": 1, "runs": list(runs)}, indent=2)
    )
    return path


def test_import_appends_and_refuses_the_same_drill_twice(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    good = results_file(project / "r.json", run_record("d-1"), run_record("d-2", role="Police officer"))
    result = run_cli("drill", "import", str(good), "--root", str(project))
    assert result.exit_code == 0, result.output
    assert "appended 2 drill(s) to people/testa/drills.jsonl" in result.output
    log = project / "people" / "testa" / "drills.jsonl"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["drill_id"] for e in lines] == ["d-1", "d-2"] and lines[1]["participant_role"] == "Police officer"
    assert lines[0]["source"] == "r.json" and lines[0]["answers"][0]["ms"] == 4200
    before = log.read_bytes()
    again = run_cli("drill", "import", str(good), "--root", str(project))
    assert again.exit_code == 0, "importing the same file again is a no-op, not an error"
    assert "already in the drill log, nothing to do: d-1, d-2" in again.output
    assert log.read_bytes() == before
    # The same drill id with other answers is a conflict: refused, log unchanged.
    other = results_file(project / "other.json", run_record("d-1", role="Nurse"))
    clash = run_cli("drill", "import", str(other), "--root", str(project))
    assert clash.exit_code == 1
    assert "drill d-1 is already in the drill log with other answers: give this run another drill_id" in clash.output
    assert log.read_bytes() == before


def test_import_takes_json_numbers_and_refuses_deep_nesting_without_a_traceback(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    record = run_record("d-1")
    record["answers"][0]["ms"] = 1000.0
    path = results_file(project / "r.json", record)
    path.write_text(path.read_text().replace('"ms": 1000.0', '"ms": 1e3'))
    result = run_cli("drill", "import", str(path), "--root", str(project))
    assert result.exit_code == 0, result.output
    logged = json.loads((project / "people" / "testa" / "drills.jsonl").read_text())
    assert logged["answers"][0]["ms"] == 1000
    deep = project / "deep.json"
    deep.write_text("[" * 100_000)
    result = run_cli("drill", "import", str(deep), "--root", str(project))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), "a message, not a crash"
    assert "deep.json:1: not a drill results file (brackets nested too deeply)" in result.output
    assert "Traceback" not in result.output


def test_malformed_import_changes_nothing_and_names_file_line_field(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    log = project / "people" / "testa" / "drills.jsonl"
    assert (
        run_cli(
            "drill", "import", str(results_file(project / "ok.json", run_record("d-1"))), "--root", str(project)
        ).exit_code
        == 0
    )
    before = log.read_bytes()
    bad_answer = run_record(
        "d-2",
        answers=[
            {"field": "allergies", "ms": 3000, "correct": True},
            {"field": "shoe_size", "ms": -5, "correct": "maybe"},
        ],
    )
    bad = results_file(project / "bad.json", run_record("d-3"), bad_answer)
    result = run_cli("drill", "import", str(bad), "--root", str(project))
    assert result.exit_code == 1
    text = bad.read_text().splitlines()
    ms_line = next(i for i, line in enumerate(text, 1) if '"ms": -5' in line)
    correct_line = next(i for i, line in enumerate(text, 1) if '"correct": "maybe"' in line)
    assert f"bad.json:{ms_line}: runs[1].answers[1].ms:" in result.output
    assert f"bad.json:{correct_line}: runs[1].answers[1].correct:" in result.output
    assert "nothing imported" in result.output
    assert log.read_bytes() == before  # byte-identical: the good run d-3 in the same file was not appended

    # A field that is not an answer key, a person with no profile, broken JSON: each refused, log unchanged.
    unknown = results_file(
        project / "unknown.json", run_record("d-4", answers=[{"field": "shoe_size", "ms": 1, "correct": True}])
    )
    nobody = results_file(project / "nobody.json", run_record("d-5", person_id="nobody"))
    broken = project / "broken.json"
    broken.write_text('{"format": "packetgen-drill-results",\n "runs": [\n')
    for path, message in (
        (unknown, "unknown field 'shoe_size'"),
        (nobody, "no profile for 'nobody'"),
        (broken, "broken.json:3: not valid JSON"),
    ):
        result = run_cli("drill", "import", str(path), "--root", str(project))
        assert result.exit_code == 1 and message in result.output, result.output
        assert log.read_bytes() == before
    # Several files at once: one bad file stops the good one too.
    other = results_file(project / "other.json", run_record("d-6"))
    assert run_cli("drill", "import", str(other), str(unknown), "--root", str(project)).exit_code == 1
    assert log.read_bytes() == before


def test_import_paper_csv(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    header = ",".join(PAPER_COLUMNS)
    csv_path = project / "paper.csv"
    csv_path.write_text(
        "\n".join(
            [
                header,
                "p1,testa,2,abcdef1234,Support staff,2026-11-21,1,allergies,6.5,yes",
                "p1,testa,2,abcdef1234,Support staff,2026-11-21,2,mobility,14,no",
                "p2,testa,2,abcdef1234,EMT,2026-11-21,1,allergies,3.25,Y",
            ]
        )
        + "\n"
    )
    result = run_cli("drill", "import", str(csv_path), "--root", str(project))
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in (project / "people" / "testa" / "drills.jsonl").read_text().splitlines()]
    assert [(e["drill_id"], e["mode"], e["participant_role"]) for e in entries] == [
        ("p1", "paper", "Support staff"),
        ("p2", "paper", "EMT"),
    ]
    assert [(a["field"], a["ms"], a["correct"]) for a in entries[0]["answers"]] == [
        ("allergies", 6500, True),
        ("mobility", 14000, False),
    ]


def test_malformed_paper_csv_names_line_and_column(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    bad = project / "paper.csv"
    bad.write_text(
        "\n".join(
            [
                ",".join(PAPER_COLUMNS),
                "p1,testa,2,abcdef1234,EMT,2026-11-21,1,allergies,6.5,yes",
                "p1,testa,2,abcdef1234,EMT,21/11/2026,2,mobility,fast,perhaps",
                "p1,testa,3,abcdef1234,EMT,2026-11-21,3,contacts,4,no",
                "p1,testa,2,abcdef1234,EMT,2026-11-21,4,falls,nan,no",
            ]
        )
        + "\n"
    )
    result = run_cli("drill", "import", str(bad), "--root", str(project))
    assert result.exit_code == 1
    for expected in (
        "paper.csv:3: seconds: 'fast' is not a number",
        "paper.csv:3: correct: 'perhaps' is not yes or no",
        "paper.csv:3: drill_date: '21/11/2026' is not a date",
        "paper.csv:4: plan_version: '3' differs from line 2",
        "paper.csv:5: seconds: 'nan' is not a number",
    ):
        assert expected in result.output, result.output
    assert not (project / "people" / "testa" / "drills.jsonl").exists()
    bad.write_text("drill_id,person,seconds\n")
    result = run_cli("drill", "import", str(bad), "--root", str(project))
    assert "paper.csv:1: header: missing person_id" in result.output and "unknown person" in result.output


def test_damaged_log_line_is_reported_and_no_report_written(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    assert (
        run_cli(
            "drill", "import", str(results_file(project / "ok.json", run_record("d-1"))), "--root", str(project)
        ).exit_code
        == 0
    )
    log = project / "people" / "testa" / "drills.jsonl"
    log.write_text(log.read_text() + '{"drill_id": "x"}\n')
    result = run_cli("drill", "report", "--root", str(project))
    assert result.exit_code == 1 and "people/testa/drills.jsonl:2:" in result.output
    assert not (project / "build" / "drills" / "report.html").exists()


# --- statistics on fixed data ---------------------------------------------------------------


def row(
    field: str, ms: int, correct: bool = True, role: str = "EMT", version: int = 1, fp: str = "aaaaaa"
) -> AnswerRow:
    return AnswerRow("d", "p", version, fp, role, "browser", dt.datetime(2026, 11, 1, tzinfo=UTC), field, ms, correct)


FIXED = [
    row("allergies", 2000),
    row("allergies", 4000),
    row("allergies", 30000, role="Police officer"),
    row("mobility", 9000),
    row("mobility", 12000),
    row("mobility", 15000, version=2, fp="bbbbbb"),
    row("mobility", 1000, correct=False),
    row("contacts", 500, correct=False, role="Police officer"),
]


def test_summary_per_field_median_worst_and_flags() -> None:
    got = {s.key[0]: s for s in summarize(FIXED, by_field, target_ms=10_000)}
    # allergies: right times 2, 4, 30 s -> median 4 s, worst 30 s: under a 10 s target.
    assert got["allergies"] == Summary(("allergies",), 3, 3, 0, 4000, 30000, False)
    # mobility: right 9, 12, 15 s (the wrong 1 s click does not count as finding it) -> median 12 s: flagged.
    assert got["mobility"] == Summary(("mobility",), 4, 3, 1, 12000, 15000, True)
    # contacts: never found -> no median, flagged.
    assert got["contacts"] == Summary(("contacts",), 1, 0, 1, None, None, True)
    assert list(got) == ["allergies", "contacts", "mobility"]


def test_summary_even_count_median_and_other_groupings() -> None:
    roles = {s.key[0]: s for s in summarize(FIXED, by_role, target_ms=10_000)}
    # EMT right answers: 2, 4, 9, 12, 15 s -> median 9 s; Police officer: 30 s only.
    assert (roles["EMT"].median_ms, roles["EMT"].worst_ms, roles["EMT"].wrong) == (9000, 15000, 1)
    assert (roles["Police officer"].median_ms, roles["Police officer"].attempts) == (30000, 2)
    versions = {s.key[0]: s for s in summarize(FIXED, by_version, target_ms=10_000)}
    # v1 right answers: 2, 4, 9, 12, 30 s -> median 9 s.
    assert versions["p v1 (aaaaaa)"].median_ms == 9000
    assert versions["p v2 (bbbbbb)"] == Summary(("p v2 (bbbbbb)",), 1, 1, 0, 15000, 15000, True)
    # An even number of right answers: the median is the mean of the middle two.
    (even,) = summarize([row("x", 1000), row("x", 4000), row("x", 9000, correct=False)], by_field, 10_000)
    assert (even.median_ms, even.worst_ms, even.flagged) == (2500, 4000, False)


def test_chart_points_scale_to_the_slowest_answer() -> None:
    runs = [
        DrillRun.model_validate(
            run_record(f"d-{i}", answers=[{"field": "allergies", "ms": ms, "correct": ok} for ms, ok in answers])
        )
        for i, answers in enumerate([[(2000, True), (6000, True)], [(20000, False), (1000, True)]])
    ]
    c = chart(runs, target_ms=10_000, width=640, height=260, margin=44)
    top = c["margin"]
    bottom = c["bottom"]
    assert len(c["runs"]) == 2 and [len(r.points) for r in c["runs"]] == [2, 2]
    # 20 s is the top answer; the axis runs to 22 s, so 20 s sits 10 % below the top.
    slow_y = c["runs"][1].points[0][0]
    assert slow_y == pytest.approx(top + (bottom - top) * (1 - 20 / 22), abs=0.2)
    assert c["runs"][1].points[0][1] is False
    # Drill 1's median is 4 s; drill 2's is 1 s (its wrong answer does not count).
    assert c["runs"][0].median_y == pytest.approx(top + (bottom - top) * (1 - 4 / 22), abs=0.2)
    assert c["target_y"] == pytest.approx(top + (bottom - top) * (1 - 10 / 22), abs=0.2)


# --- the report -------------------------------------------------------------------------------


def test_report_figures_in_html_and_pdf(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    runs = [
        run_record(
            "d-1",
            answers=[
                {"field": "allergies", "ms": 2000, "correct": True},
                {"field": "mobility", "ms": 12000, "correct": True},
                {"field": "contacts", "ms": 800, "correct": False},
            ],
        ),
        run_record(
            "d-2",
            role="Police officer",
            version=3,
            fingerprint="ffffff0000",
            answers=[
                {"field": "allergies", "ms": 4000, "correct": True},
                {"field": "mobility", "ms": 8000, "correct": True},
            ],
        ),
    ]
    assert (
        run_cli("drill", "import", str(results_file(project / "r.json", *runs)), "--root", str(project)).exit_code == 0
    )
    result = run_cli("drill", "report", "--root", str(project), "--target-seconds", "9")
    assert result.exit_code == 0, result.output
    assert "2 drills, 5 answers (4 right, 1 wrong); over 9 s: contacts, mobility" in result.output
    report = project / "build" / "drills" / "report.html"
    soup = html_soup(report)
    figures = {s["data-figure"]: s.get_text() for s in soup.select("[data-figure]")}
    assert figures == {"runs": "2", "answers": "5", "right": "4", "wrong": "1", "target": "9.0"}
    assert [li["data-field"] for li in soup.select("ul.flagged li")] == ["contacts", "mobility"]
    fields = {
        tr["data-key"]: [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in soup.select("#fields-heading ~ table tbody tr")
    }
    assert fields["mobility"] == ["2", "2", "0", "10.0", "12.0", "hard to find: consider moving up"]
    assert fields["allergies"] == ["2", "2", "0", "3.0", "4.0", "no"]
    assert fields["contacts"][:5] == ["1", "0", "1", "never found", "-"]
    versions = [tr["data-key"] for tr in soup.select("#versions-heading ~ table")[0].select("tbody tr")]
    assert versions == ["testa v2 (abcdef1234)", "testa v3 (ffffff0000)"]
    roles = {tr["data-key"]: tr.select("td")[0].get_text() for tr in soup.select("#roles-heading ~ table tbody tr")}
    assert roles == {"EMT": "3", "Police officer": "2"}
    assert len(soup.select("svg.chart circle")) == 4 and len(soup.select("svg.chart rect")) == 1
    assert not soup.select("link[href], script[src]")
    pdf = " ".join(pdf_text(report.with_suffix(".pdf")).split())
    assert "2 drills, 5 answers: 4 right, 1 wrong" in pdf
    assert "mobility 2 2 0 10.0 12.0 hard to find: consider moving up" in pdf
    assert "contacts 1 0 1 never found" in pdf


def test_report_without_drills_says_what_to_do(project: Path) -> None:
    write_profile(project, "testa", marked_profile())
    result = run_cli("drill", "report", "--root", str(project))
    assert result.exit_code == 1 and "no drills recorded yet" in result.output


def test_demo_drill_logs_are_valid_and_hold_roles_not_names() -> None:
    """The demo ships one fictional paper drill (for the audit's evidence list); it must read back."""
    from packetgen.drill.log import read_all_logs
    from packetgen.project.folders import open_project

    entries, problems = read_all_logs(open_project(REPO))
    assert problems == [] and entries
    names = {"Rosa", "Marquez", "Jay", "Tate", "Dana", "Kowalski"}
    for log in (REPO / "people").glob("*/drills.jsonl"):
        assert not names & set(log.read_text().replace('"', " ").split())


def test_drill_fingerprint_matches_the_built_packet_and_survives_an_import(tmp_path: Path) -> None:
    """Drill results are tied to the packet version printed in the footer; logging a drill must
    not make the same packet look like a new version."""
    import json

    from conftest import copy_demo

    root = copy_demo(tmp_path)
    assert run_cli("build", "--root", str(root), "--as-of", AS_OF, "--person", "jay-t").exit_code == 0
    manifest = json.loads((root / "build" / "jay-t" / "responder-packet.manifest.json").read_text())
    assert run_cli("drill", "jay-t", "--root", str(root), "--as-of", AS_OF).exit_code == 0
    page = (root / "build" / "drills" / "jay-t.html").read_text()
    assert f'"fingerprint": "{manifest["fingerprint"]}"' in page or f'"fingerprint":"{manifest["fingerprint"]}"' in page
    csv = tmp_path / "paper.csv"
    csv.write_text(
        "drill_id,person_id,plan_version,fingerprint,participant_role,drill_date,question_no,field,"
        f"seconds,correct\njay-x,jay-t,5,{manifest['fingerprint']},EMT,2026-11-20,1,allergies,3,yes\n"
    )
    assert run_cli("drill", "import", str(csv), "--root", str(root)).exit_code == 0
    rebuilt = run_cli("build", "--root", str(root), "--as-of", AS_OF, "--person", "jay-t")
    assert rebuilt.exit_code == 0 and "0 documents rebuilt" in rebuilt.output
