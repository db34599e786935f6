"""The output lifecycle: a build leaves no document in build/ that its current inputs, decisions and
options would not produce, and never loses good output it should keep.

Every expected file is restated from the rules in the README ("What a build keeps and removes"),
never read back from what the build wrote. Markers come from the demo profiles: Dana's behavioral
health section ("Bipolar I disorder") and their sister's contact ("Eva Kowalski") reach the mobile
crisis packet only under consent roi-2026-mc (granted 2026-03-09, first day no longer in force
2027-03-09); Rosa's son ("Luis Marquez") is a responder-class contact on every packet.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, REPO, attr, html_soup, one, pdf_text, run_cli, visible_text

from packetgen.builder.cache import CACHE_NAME

BEHAVIORAL = "Bipolar I disorder"
SISTER = "Eva Kowalski"
SON = "Luis Marquez"
EXPIRY = "2027-03-09"
PERSON_DOCS = ("responder-packet", "mobile-crisis-packet", "crisis-plan", "return-checklist-blank")
TWINS = ("responder-packet-large-print", "crisis-plan-large-print")
DANA_EVENT_DOCS = (
    "events/2026-10-03-escalation/case-manager-update",
    "events/2026-10-03-escalation/governance-update",
    "events/2026-11-16-mobile-crisis/case-manager-update",
    "events/2026-11-16-mobile-crisis/governance-update",
    "events/2026-11-16-mobile-crisis/partnership-review",
    "events/2026-11-16-mobile-crisis/return-checklist",
    "events/2026-11-16-mobile-crisis/support-request",
    "events/2026-11-22-medication-disruption/case-manager-update",
    "events/2026-11-22-medication-disruption/governance-update",
)
SUFFIXES = (".html", ".pdf", ".manifest.json")
HTML_ONLY = (".html", ".manifest.json")


def copy_people(root: Path, *ids: str) -> Path:
    for pid in ids:
        shutil.copytree(REPO / "people" / pid, root / "people" / pid)
    return root


def build(root: Path, *args: str, code: int = 0) -> str:
    result = run_cli("build", "--root", str(root), "--quiet", *args)
    assert result.exit_code == code, result.output
    return result.output


def files(build_dir: Path, pid: str) -> set[str]:
    """Every file under build/<pid>/, relative to it."""
    return {p.relative_to(build_dir / pid).as_posix() for p in (build_dir / pid).rglob("*") if p.is_file()}


def expect(docs: tuple[str, ...] | list[str], suffixes: tuple[str, ...]) -> set[str]:
    return {f"{doc}{suffix}" for doc in docs for suffix in suffixes}


def state(build_dir: Path, pid: str) -> dict[str, tuple[bytes, int]]:
    return {
        name: ((build_dir / pid / name).read_bytes(), (build_dir / pid / name).stat().st_mtime_ns)
        for name in files(build_dir, pid)
    }


def text(path: Path) -> str:
    return " ".join((visible_text(path) if path.suffix == ".html" else pdf_text(path)).split())


def index_links(build_dir: Path) -> set[str]:
    return {attr(a, "href") for a in html_soup(build_dir / "index.html").select("a[href]")}


def assert_index_links_only_current_files(build_dir: Path) -> None:
    """Every link resolves to a file, and each linked document's HTML and PDF carry its manifest's
    source fingerprint: they were made from the same inputs."""
    for href in index_links(build_dir):
        path = build_dir / href
        assert path.is_file(), href
        manifest = path.parent / (path.name.rsplit(".", 1)[0] + ".manifest.json")
        fingerprint = json.loads(manifest.read_text())["fingerprint"]
        assert fingerprint in text(path), f"{href} is not from the inputs its manifest describes"


def assert_not_shown(build_dir: Path, stem: str, *markers: str) -> None:
    """No file of this document, in any format, shows the markers."""
    for suffix in (".html", ".pdf"):
        path = build_dir / f"{stem}{suffix}"
        if path.exists():
            for marker in markers:
                assert marker not in text(path), (path, marker)


def edit(path: Path, old: str, new: str) -> None:
    source = path.read_text()
    assert old in source, old
    path.write_text(source.replace(old, new, 1))


def cache(build_dir: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((build_dir / CACHE_NAME).read_text())


# --- consent lapses or is withdrawn; sharing narrows ------------------------------------------


def test_expired_consent_leaves_no_old_copy_in_any_format(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "dana-k")
    out = root / "build"
    build(root, "--as-of", AS_OF)
    packet = out / "dana-k" / "mobile-crisis-packet"
    for suffix in (".html", ".pdf"):
        assert BEHAVIORAL in text(packet.with_name(packet.name + suffix))  # in force today

    # The first day the consent no longer applies, HTML only: the old PDF may not stay behind.
    build(root, "--as-of", EXPIRY, "--format", "html")
    assert_not_shown(out, "dana-k/mobile-crisis-packet", BEHAVIORAL, SISTER)
    assert not (out / "dana-k" / "mobile-crisis-packet.pdf").exists()
    assert "dana-k/mobile-crisis-packet.pdf" not in index_links(out)
    assert "dana-k/mobile-crisis-packet.html" in index_links(out)
    assert_index_links_only_current_files(out)

    build(root, "--as-of", EXPIRY)
    assert files(out, "dana-k") == expect(PERSON_DOCS, SUFFIXES) | expect(DANA_EVENT_DOCS, SUFFIXES)
    assert_not_shown(out, "dana-k/mobile-crisis-packet", BEHAVIORAL, SISTER)
    assert "dana-k/mobile-crisis-packet.pdf" in index_links(out)
    assert_index_links_only_current_files(out)
    decisions = {
        d["section"]: d["included"]
        for d in json.loads((out / "dana-k" / "mobile-crisis-packet.manifest.json").read_text())["sections"]
    }
    assert decisions["behavioral_health"] is False


def test_deleted_consent_record_is_withdrawn_from_every_format(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "dana-k")
    out = root / "build"
    build(root, "--as-of", AS_OF)
    profile = root / "people" / "dana-k" / "profile.yaml"
    source = profile.read_text()
    block = re.search(r"  - id: roi-2026-mc\n(    .*\n)+", source)
    assert block is not None
    profile.write_text(source.replace(block.group(0), ""))
    build(root, "--as-of", AS_OF, "--format", "html")
    assert_not_shown(out, "dana-k/mobile-crisis-packet", BEHAVIORAL, SISTER)
    assert not list((out / "dana-k").rglob("*.pdf"))  # every document's inputs changed
    assert_index_links_only_current_files(out)


def test_contact_made_internal_leaves_no_copy_not_even_large_print(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "rosa-m")
    out = root / "build"
    build(root, "--as-of", AS_OF, "--large-print")
    for doc in ("responder-packet", "mobile-crisis-packet", "crisis-plan", *TWINS):
        assert SON in text(out / "rosa-m" / f"{doc}.pdf"), doc
    edit(
        root / "people" / "rosa-m" / "profile.yaml",
        "when_to_call: Hospital transfer or any change in condition}",
        "when_to_call: Hospital transfer or any change in condition, sharing: internal}",
    )
    build(root, "--as-of", AS_OF, "--format", "html")
    # (The crisis plan's "what changed" list is issue 12 item 3, tested with the history.)
    for doc in ("responder-packet", "mobile-crisis-packet", "responder-packet-large-print"):
        assert_not_shown(out, f"rosa-m/{doc}", SON)
    person = files(out, "rosa-m")
    assert {name for name in person if not name.startswith("events/")} == expect(PERSON_DOCS, HTML_ONLY)
    assert_index_links_only_current_files(out)


# --- siblings: HTML, PDF, large print and manifest from the same source -----------------------


def test_format_html_removes_the_stale_pdf_and_a_full_build_brings_it_back(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "dana-k")
    out = root / "build"
    build(root, "--as-of", AS_OF)
    build(root, "--as-of", AS_OF, "--format", "html")  # nothing changed: the PDFs are still current
    assert files(out, "dana-k") == expect(PERSON_DOCS, SUFFIXES) | expect(DANA_EVENT_DOCS, SUFFIXES)

    edit(root / "people" / "dana-k" / "profile.yaml", "date_of_birth: 1981-05-30", "date_of_birth: 1941-05-30")
    build(root, "--as-of", AS_OF, "--format", "html")
    assert "30 May 1941" in text(out / "dana-k" / "responder-packet.html")
    assert files(out, "dana-k") == expect(PERSON_DOCS, HTML_ONLY) | expect(DANA_EVENT_DOCS, HTML_ONLY)
    assert not {href for href in index_links(out) if href.endswith(".pdf")}
    assert_index_links_only_current_files(out)

    build(root, "--as-of", AS_OF)
    assert files(out, "dana-k") == expect(PERSON_DOCS, SUFFIXES) | expect(DANA_EVENT_DOCS, SUFFIXES)
    assert "30 May 1941" in text(out / "dana-k" / "responder-packet.pdf")
    assert_index_links_only_current_files(out)

    # The other way round: --format pdf after an edit removes the stale HTML; the index links the PDF.
    edit(root / "people" / "dana-k" / "profile.yaml", "date_of_birth: 1941-05-30", "date_of_birth: 1951-05-30")
    build(root, "--as-of", AS_OF, "--format", "pdf")
    pdf_only = (".pdf", ".manifest.json")
    assert files(out, "dana-k") == expect(PERSON_DOCS, pdf_only) | expect(DANA_EVENT_DOCS, pdf_only)
    assert "30 May 1951" in text(out / "dana-k" / "responder-packet.pdf")
    assert {
        "dana-k/responder-packet.pdf",
        "dana-k/events/2026-10-03-escalation/case-manager-update.pdf",
    } <= index_links(out)
    assert_index_links_only_current_files(out)


def test_plain_build_after_large_print_removes_the_twins_and_unlinks_them(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "rosa-m")
    out = root / "build"
    build(root, "--as-of", AS_OF, "--format", "html", "--large-print")
    assert {f"rosa-m/{twin}.html" for twin in TWINS} <= index_links(out)
    output = build(root, "--as-of", AS_OF, "--format", "html")
    assert not any((out / "rosa-m" / f"{twin}{suffix}").exists() for twin in TWINS for suffix in SUFFIXES)
    assert not {href for href in index_links(out) if "large-print" in href}
    assert not [stem for stem in cache(out)["jobs"] if "large-print" in stem]
    assert ", 4 removed," in output  # two twins, HTML and manifest each
    assert " 0 files written" in build(root, "--as-of", AS_OF, "--format", "html")  # and then a no-op


# --- people and events that are gone -----------------------------------------------------------


def test_removed_person_loses_folder_drills_history_cache_and_index_row(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "dana-k", "jay-t", "rosa-m")
    out = root / "build"
    build(root, "--as-of", AS_OF, "--format", "html", "--large-print")
    assert run_cli("drill", "jay-t", "--root", str(root), "--as-of", AS_OF).exit_code == 0
    (out / "jay-t" / "my-notes.txt").write_text("not packetgen's")  # someone else's file stays
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "case-manager-update.html").write_text("not packetgen's either")
    (out / "jay-t" / "events" / "2026-12-01-escalation").symlink_to(outside)  # never followed
    others = {pid: state(out, pid) for pid in ("dana-k", "rosa-m")}

    shutil.rmtree(root / "people" / "jay-t")
    output = build(root, "--as-of", AS_OF, "--format", "html", "--large-print")
    assert "removed the output of people no longer in people/: jay-t" in output
    assert sorted(p.relative_to(out / "jay-t").as_posix() for p in (out / "jay-t").rglob("*")) == [
        "events",
        "events/2026-12-01-escalation",
        "my-notes.txt",
    ]
    assert (outside / "case-manager-update.html").read_text() == "not packetgen's either"
    assert not (out / "drills" / "jay-t.html").exists()
    assert not (out / ".history" / "jay-t.json").exists()
    assert html_soup(out / "index.html").select_one('tr[data-person="jay-t"]') is None
    assert not [href for href in index_links(out) if href.startswith("jay-t/")]
    data = cache(out)
    assert not [s for s in data["jobs"] if s.startswith("jay-t/")] and "jay-t" not in data["people"]
    assert json.loads((out / "drills" / ".sources.json").read_text()) == {}
    assert {pid: state(out, pid) for pid in ("dana-k", "rosa-m")} == others
    assert " 0 documents rebuilt" in (again := build(root, "--as-of", AS_OF, "--format", "html", "--large-print"))
    assert " 0 files written" in again and "removed" not in again


def test_deleted_event_removes_its_forms_and_their_links(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "jay-t")
    out = root / "build"
    build(root, "--as-of", AS_OF, "--format", "html")
    assert (out / "jay-t" / "events" / "2026-09-02-police").is_dir()
    (root / "people" / "jay-t" / "events" / "2026-09-02-police.yaml").unlink()
    build(root, "--as-of", AS_OF, "--format", "html")
    assert not (out / "jay-t" / "events" / "2026-09-02-police").exists()
    assert not [href for href in index_links(out) if "2026-09-02-police" in href]
    assert sorted(p.name for p in (out / "jay-t" / "events").iterdir()) == [
        "2026-11-02-escalation",
        "2026-11-10-escalation",
        "2026-11-21-escalation",
    ]
    assert_index_links_only_current_files(out)


# --- a person whose sources have errors ----------------------------------------------------------


def test_broken_consent_withdraws_only_what_relies_on_consent_and_keeps_the_rest_untouched(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "dana-k")
    out = root / "build"
    build(root, "--as-of", AS_OF)
    before = state(out, "dana-k")
    profile = root / "people" / "dana-k" / "profile.yaml"
    edit(profile, "recipient: mobile-crisis\n", "recipient: mobile-crisis-team\n")

    output = build(root, "--as-of", AS_OF, code=1)
    # Only the mobile crisis packet shows something under a consent (roi-2026-mc).
    kept = [*(d for d in PERSON_DOCS if d != "mobile-crisis-packet"), *DANA_EVENT_DOCS]
    assert files(out, "dana-k") == expect(kept, SUFFIXES)
    assert {name: before[name] for name in files(out, "dana-k")} == state(out, "dana-k")  # bytes and mtimes
    assert (
        "  dana-k: 1 document withdrawn until fixed (what consent or sharing allows may have changed); "
        f"{len(kept)} kept, showing version 7\n"
    ) in output
    row = html_soup(out / "index.html").select_one('tr[data-person="dana-k"]')
    assert row is not None and "1 document withdrawn until fixed" in row.get_text(" ")
    assert not [href for href in index_links(out) if "mobile-crisis-packet" in href]
    assert_index_links_only_current_files(out)

    # Still broken on the next build: the index still says so.
    build(root, "--as-of", AS_OF, code=1)
    assert "1 document withdrawn" in one(html_soup(out / "index.html"), 'tr[data-person="dana-k"]').get_text()

    edit(profile, "recipient: mobile-crisis-team\n", "recipient: mobile-crisis\n")
    build(root, "--as-of", AS_OF)
    assert files(out, "dana-k") == expect(PERSON_DOCS, SUFFIXES) | expect(DANA_EVENT_DOCS, SUFFIXES)
    assert BEHAVIORAL in text(out / "dana-k" / "mobile-crisis-packet.pdf")
    assert "Source has errors" not in (out / "index.html").read_text()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("      sharing: consent\n", "      sharing: consnet\n"),  # not a sharing class
        ("      sharing: consent\n", "      sharng: internal\n"),  # a misspelt sharing key
    ],
    ids=["bad-sharing-class", "misspelt-sharing-key"],
)
def test_error_that_may_hide_a_sharing_change_withdraws_all_but_internal_documents(
    tmp_path: Path, old: str, new: str
) -> None:
    root = copy_people(tmp_path, "dana-k")
    out = root / "build"
    build(root, "--as-of", AS_OF, "--format", "html")
    before = state(out, "dana-k")
    edit(root / "people" / "dana-k" / "profile.yaml", old, new)
    output = build(root, "--as-of", AS_OF, "--format", "html", code=1)
    # The partnership review is for internal staff, who see every sharing class by right.
    review = "events/2026-11-16-mobile-crisis/partnership-review"
    assert files(out, "dana-k") == expect([review], HTML_ONLY)
    assert state(out, "dana-k") == {name: before[name] for name in expect([review], HTML_ONLY)}
    assert "  dana-k: 12 documents withdrawn until fixed" in output
    assert_index_links_only_current_files(out)


def test_a_typo_that_breaks_the_yaml_keeps_what_needs_no_consent_unless_sharing_lines_changed(tmp_path: Path) -> None:
    """README: a file that does not parse keeps the documents that show nothing under a consent when
    the consents block and every line mentioning sharing are those of the last good build."""
    root = copy_people(tmp_path, "dana-k")
    out = root / "build"
    build(root, "--as-of", AS_OF, "--format", "html")
    before = state(out, "dana-k")
    profile = root / "people" / "dana-k" / "profile.yaml"
    edit(profile, "  version: 7\n", "  version: [7\n")  # an unclosed bracket: nothing parses
    output = build(root, "--as-of", AS_OF, "--format", "html", code=1)
    kept = expect([*(d for d in PERSON_DOCS if d != "mobile-crisis-packet"), *DANA_EVENT_DOCS], HTML_ONLY)
    assert files(out, "dana-k") == kept, "the EMS sheet stays; the packet shown under a consent goes"
    assert state(out, "dana-k") == {name: before[name] for name in kept}
    assert "dana-k: 1 document withdrawn until fixed" in output
    # Still broken, and now a sharing line changed too: nothing but the internal review is kept.
    edit(profile, "      sharing: consent\n", "      sharing: internal\n")
    build(root, "--as-of", AS_OF, "--format", "html", code=1)
    assert files(out, "dana-k") == expect(["events/2026-11-16-mobile-crisis/partnership-review"], HTML_ONLY)


def test_harmless_error_keeps_output_but_not_past_the_consent_nor_a_sharing_change(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "dana-k")
    out = root / "build"
    build(root, "--as-of", AS_OF, "--format", "html")
    before = state(out, "dana-k")
    profile = root / "people" / "dana-k" / "profile.yaml"
    edit(profile, "dose: 600 mg, ", "")  # a missing dose cannot change what a document may show

    output = build(root, "--as-of", AS_OF, "--format", "html", code=1)
    assert "  dana-k: showing version 7 (last good output kept)\n" in output
    assert state(out, "dana-k") == before

    output = build(root, "--as-of", EXPIRY, "--format", "html", code=1)
    kept = [*(d for d in PERSON_DOCS if d != "mobile-crisis-packet"), *DANA_EVENT_DOCS]
    assert files(out, "dana-k") == expect(kept, HTML_ONLY)
    assert f"withdrawn until fixed (a consent it relies on is not in force on {EXPIRY})" in output

    edit(profile, "      sharing: consent\n", "      sharing: internal\n")  # narrowed while still broken
    build(root, "--as-of", AS_OF, "--format", "html", code=1)
    assert files(out, "dana-k") == expect(["events/2026-11-16-mobile-crisis/partnership-review"], HTML_ONLY)


def test_a_person_never_built_is_not_said_to_keep_output(project: Path) -> None:
    from profiles import marked_profile, write_profile

    data = marked_profile()
    data["plan"]["version"] = "two"
    write_profile(project, "testa", data)
    output = build(project, "--as-of", AS_OF, "--format", "html", code=1)
    assert "not built (errors above):\n  testa: not built yet\n" in output
    assert "last good output" not in output
    row = html_soup(project / "build" / "index.html").select_one('tr[data-person="testa"]')
    assert row is not None and "Source has errors: not built yet." in row.get_text(" ")


# --- drills, watch -------------------------------------------------------------------------------


def test_drill_page_goes_when_its_packet_is_no_longer_current(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "rosa-m")
    out = root / "build"
    build(root, "--as-of", AS_OF, "--format", "html")
    assert run_cli("drill", "rosa-m", "--root", str(root), "--as-of", AS_OF).exit_code == 0
    assert SON in text(out / "drills" / "rosa-m.html")
    build(root, "--as-of", AS_OF, "--format", "html", "--force")  # same inputs: the drill stays
    assert (out / "drills" / "rosa-m.html").is_file()
    edit(
        root / "people" / "rosa-m" / "profile.yaml",
        "when_to_call: Hospital transfer or any change in condition}",
        "when_to_call: Hospital transfer or any change in condition, sharing: internal}",
    )
    build(root, "--as-of", AS_OF, "--format", "html")
    assert not (out / "drills" / "rosa-m.html").exists()


def test_watch_keeps_large_print_current_and_says_what_it_kept(tmp_path: Path) -> None:
    import datetime as dt

    from test_watch import run_watcher, wait_for

    with run_watcher(tmp_path, formats=("html",), as_of=dt.date(2026, 11, 23), large_print=True, quiet=0.1) as w:
        out = w.build
        assert all((out / "rosa-m" / f"{twin}.html").is_file() for twin in TWINS)
        profile = tmp_path / "people" / "rosa-m" / "profile.yaml"
        count = w.watcher.rebuilds
        edit(profile, "phone: 555-0177", "phone: 555-0178")
        wait_for(lambda: w.rebuilt_since(count))
        for twin in TWINS:
            assert "555-0178" in text(out / "rosa-m" / f"{twin}.html"), twin

        new = tmp_path / "people" / "sam-k" / "profile.yaml"
        new.parent.mkdir()
        count = w.watcher.rebuilds
        new.write_text("identity: [\n")
        wait_for(lambda: w.rebuilt_since(count))
        assert any(line.endswith("sam-k: source has errors, not built yet:") for line in w.lines), w.lines

        # 4 person documents, 2 twins, and the event forms but the partnership review (internal):
        # 2026-08-19-fall 2, 2026-10-14-ed-visit 4.
        count = w.watcher.rebuilds
        # A broken file whose lines about sharing changed too (README: then nothing can be kept).
        edit(profile, "  version: 3\n", "  version: [3\n  sharing: internal\n")
        wait_for(lambda: w.rebuilt_since(count))
        assert any("rosa-m: source has errors, 12 documents withdrawn until fixed" in line for line in w.lines), w.lines
        assert not (out / "rosa-m" / "responder-packet-large-print.html").exists()


def test_watch_without_a_date_rebuilds_everyone_when_the_day_changes(tmp_path: Path) -> None:
    import datetime as dt

    from packetgen.project.folders import open_project
    from packetgen.watch.watch import Watcher

    copy_people(tmp_path, "dana-k")
    day = [dt.date(2027, 3, 8)]
    lines: list[str] = []
    watcher = Watcher(open_project(tmp_path), report=lines.append, formats=("html",), today=lambda: day[0])
    watcher.build_all()
    packet = tmp_path / "build" / "dana-k" / "mobile-crisis-packet.html"
    assert BEHAVIORAL in text(packet)
    assert not watcher.new_day()
    day[0] = dt.date(2027, 3, 9)
    assert watcher.new_day()
    assert BEHAVIORAL not in text(packet)
    assert "rebuilt everyone (the date is now 2027-03-09)" in lines[-1]


def test_removal_never_follows_a_symlinked_person_folder(tmp_path: Path) -> None:
    root = copy_people(tmp_path, "rosa-m")
    out = root / "build"
    build(root, "--as-of", AS_OF, "--format", "html")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "responder-packet.html").write_text("someone else's")
    os.symlink(outside, out / "ghost-p")
    build(root, "--as-of", AS_OF, "--format", "html", "--force")
    assert (outside / "responder-packet.html").read_text() == "someone else's"
    assert (out / "ghost-p").is_symlink()
