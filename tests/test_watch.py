"""Watch mode on a temp copy of the demo project, driven by a real watchdog observer."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF_DATE, copy_demo, html_soup, pdf_text

from packetgen.project.folders import open_project
from packetgen.watch.watch import ChangeQueue, Watcher, classify

DOCS = ("responder-packet", "mobile-crisis-packet", "crisis-plan")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_events_gives_one_rebuild_after_the_quiet_period() -> None:
    clock = FakeClock()
    queue = ChangeQueue(quiet=0.1, max_wait=2.0, clock=clock)
    assert not queue.ready()
    for step, name in enumerate(["profile.yaml~", "4913", "profile.yaml", "profile.yaml"]):
        clock.now = 100.0 + step * 0.04
        queue.add(Path(name))
        assert not queue.ready()
    clock.now = 100.2
    assert not queue.ready()  # 0.08 s since the last event
    clock.now = 100.25
    assert queue.ready()
    assert queue.take() == {Path("profile.yaml~"), Path("4913"), Path("profile.yaml")}
    assert not queue.ready() and queue.take() == set()


def test_a_finished_write_needs_no_quiet_period_but_a_later_event_does() -> None:
    clock = FakeClock()
    queue = ChangeQueue(quiet=0.1, clock=clock)
    queue.add(Path("profile.yaml~"))  # vim moves the original away...
    assert not queue.ready()
    queue.add(Path("profile.yaml"), finished=True)  # ...writes and closes the new file
    assert queue.ready()
    queue.add(Path("profile.yaml~"))  # ...and deletes the backup: wait again
    assert not queue.ready()
    clock.now += 0.15
    assert queue.ready()


def test_a_file_written_continuously_still_rebuilds_after_max_wait() -> None:
    clock = FakeClock()
    queue = ChangeQueue(quiet=0.1, max_wait=2.0, clock=clock)
    ready_at = None
    for i in range(60):
        clock.now = 100.0 + i * 0.05
        queue.add(Path("profile.yaml"))
        if queue.ready():
            ready_at = clock.now
            break
    assert ready_at is not None and 101.9 < ready_at < 102.1


def test_classify_maps_paths_and_ignores_build_output_and_editor_litter(tmp_path: Path) -> None:
    project = open_project(tmp_path)
    people = project.people_dir
    affected = classify(
        project,
        {
            people / "rosa-m" / "profile.yaml",
            people / "jay-t" / "events" / "2026-11-01.yaml",
            people / "dana-k" / ".profile.yaml.swp",
            people / "dana-k" / "profile.yaml~",
            people / "dana-k" / "4913",
            project.build_dir / "rosa-m" / "crisis-plan.pdf",
            project.build_dir / ".packetgen-cache.json",
            tmp_path / "README.md",
        },
    )
    assert affected.people == {"rosa-m", "jay-t"} and not affected.shared
    shared = classify(
        project, {project.templates_dir / "partials" / "macros.html.j2", project.styles_dir / "packet.css"}
    )
    assert shared.shared == {"templates/partials/macros.html.j2", "styles/packet.css"}


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the watcher")


def snapshot(build: Path) -> dict[str, int]:
    return {
        p.relative_to(build).as_posix(): p.stat().st_mtime_ns
        for p in build.rglob("*")
        if p.is_file() and p.suffix in (".pdf", ".html")
    }


class Running:
    def __init__(self, watcher: Watcher, lines: list[str]) -> None:
        self.watcher = watcher
        self.lines = lines
        self.build = watcher.project.build_dir

    def rebuilt_since(self, count: int) -> bool:
        return self.watcher.rebuilds > count


@contextlib.contextmanager
def run_watcher(root: Path, **options: Any) -> Iterator[Running]:
    """Copy the demo into ``root``, build, and run a real watcher in a thread until the block ends."""
    copy_demo(root)
    lines: list[str] = []
    watcher = Watcher(open_project(root), report=lines.append, **options)
    watcher.build_all()
    watcher.start()
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield Running(watcher, lines)
    finally:
        stop.set()
        thread.join(timeout=10)
        watcher.stop()


@pytest.fixture
def watching(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    with run_watcher(tmp_path, as_of=AS_OF_DATE, quiet=0.2) as running:
        yield running


def bump(monkeypatch: pytest.MonkeyPatch, minutes: int) -> None:
    """A later generation time, so a rebuilt file differs from the old one."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1795000000 + 60 * minutes))


def test_edit_rebuilds_that_person_only_bad_edit_keeps_output_fix_rebuilds(
    watching: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = watching.build
    profile = watching.watcher.project.profile_path("rosa-m")
    good = profile.read_text()
    before = snapshot(build)
    count = watching.watcher.rebuilds

    bump(monkeypatch, 5)
    profile.write_text(good.replace("phone: 555-0142", "phone: 555-0199"))
    wait_for(lambda: watching.rebuilt_since(count))
    after = snapshot(build)
    touched = {p for p in after if after[p] != before.get(p)}
    assert {f"rosa-m/{doc}.{ext}" for doc in DOCS for ext in ("html", "pdf")} <= touched
    assert all(p.startswith("rosa-m/") for p in touched)  # nobody else's files, not even the index
    plan = " ".join(pdf_text(build / "rosa-m" / "crisis-plan.pdf").split())
    assert "Supervisor phone changed from 555-0142 to 555-0199" in plan
    rosa = len(list((build / "rosa-m").glob("**/*.manifest.json")))
    assert any(f"rebuilt rosa-m: {rosa} documents" in line for line in watching.lines)

    # A bad value that cannot change what a document may show: the error names file, line and
    # field; the last good PDF stays byte for byte. (A file that does not parse at all withdraws
    # documents instead: tests/test_output_lifecycle.py.)
    pdf_before = (build / "rosa-m" / "crisis-plan.pdf").read_bytes()
    count = watching.watcher.rebuilds
    bump(monkeypatch, 10)
    profile.write_text(good.replace("  version: 3\n", "  version: three\n"))
    wait_for(lambda: watching.rebuilt_since(count))
    errors = [line for line in watching.lines if "people/rosa-m/profile.yaml:" in line]
    assert errors and " plan.version: " in errors[-1]
    assert any("rosa-m: source has errors, showing version 3" in line for line in watching.lines)
    assert (build / "rosa-m" / "crisis-plan.pdf").read_bytes() == pdf_before
    row = html_soup(build / "index.html").select_one('tr[data-person="rosa-m"]')
    assert row is not None and "Source has errors, showing version 3" in row.get_text(" ")

    # Fix it: rebuilt, the index no longer flags the person.
    count = watching.watcher.rebuilds
    bump(monkeypatch, 15)
    profile.write_text(good.replace("version: 3", "version: 4"))
    wait_for(lambda: watching.rebuilt_since(count))
    assert (build / "rosa-m" / "crisis-plan.pdf").read_bytes() != pdf_before
    assert "Plan version changed from 3 to 4" in " ".join(pdf_text(build / "rosa-m" / "crisis-plan.pdf").split())
    row = html_soup(build / "index.html").select_one('tr[data-person="rosa-m"]')
    assert row is not None and "Source has errors" not in row.get_text(" ")


def test_vim_style_save_by_rename_is_one_rebuild(watching: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """vim: write a probe file '4913', move the original to 'profile.yaml~', write a new file, delete the backup."""
    folder = watching.watcher.project.people_dir / "jay-t"
    profile = folder / "profile.yaml"
    text = profile.read_text()
    count = watching.watcher.rebuilds
    bump(monkeypatch, 5)
    (folder / "4913").write_text("")
    (folder / "4913").unlink()
    os.rename(profile, folder / "profile.yaml~")
    profile.write_text(text.replace("555-01", "555-01", 1).replace("version: 5", "version: 6"))
    (folder / "profile.yaml~").unlink()
    wait_for(lambda: watching.rebuilt_since(count))
    time.sleep(1.0)  # no second rebuild from the rest of the burst, nor from the build's own output
    assert watching.watcher.rebuilds == count + 1
    assert "plan v6" in pdf_text(watching.build / "jay-t" / "responder-packet.pdf")


def test_serve_injects_reload_script_and_never_serves_dot_files(watching: Running) -> None:
    from packetgen.watch.serve import start_server

    server = start_server(watching.build, port=0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = urllib.request.urlopen(f"{base}/rosa-m/crisis-plan.html").read().decode()
        assert "/__packetgen__/version" in page and page.rstrip().endswith("</html>")
        on_disk = (watching.build / "rosa-m" / "crisis-plan.html").read_text()
        assert "__packetgen__" not in on_disk
        version = urllib.request.urlopen(f"{base}/__packetgen__/version?path=/rosa-m/crisis-plan.html").read()
        assert version != b"missing"
        for hidden, code in (
            ("/.packetgen-cache.json", 404),
            ("/.history/rosa-m.json", 404),
            ("/../people/rosa-m/profile.yaml", 400),
        ):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(base + hidden)
            assert err.value.code == code
    finally:
        server.shutdown()


def test_polling_observer_sees_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--poll, for network and container mounts where inotify reports nothing (HTML only: quick)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    with run_watcher(tmp_path, formats=("html",), as_of=dt.date(2026, 11, 23), poll=True) as running:
        profile = tmp_path / "people" / "dana-k" / "profile.yaml"
        profile.write_text(profile.read_text().replace("version: ", "version: 1", 1))
        wait_for(lambda: any("rebuilt dana-k" in line for line in running.lines), timeout=20)


def test_a_failing_rebuild_is_reported_and_the_watcher_carries_on(tmp_path: Path) -> None:
    """A template error raises inside the build: reported, old output kept, the next save rebuilds."""
    import shutil

    from conftest import REPO

    copy_demo(tmp_path)
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    lines: list[str] = []
    watcher = Watcher(open_project(tmp_path), report=lines.append, formats=("html",), as_of=AS_OF_DATE, quiet=0)
    watcher.build_all()
    plan = tmp_path / "templates" / "crisis_plan.html.j2"
    good = plan.read_text()
    old_html = (tmp_path / "build" / "rosa-m" / "crisis-plan.html").read_bytes()

    plan.write_text(good.replace("{{ m.what_changed(changes, previous) }}", "{{ no_such_variable }}"))
    watcher.queue.add(plan)
    assert watcher.step()
    line = next(n for n, text in enumerate(plan.read_text().splitlines(), 1) if "no_such_variable" in text)
    assert (
        f"rebuild after templates/crisis_plan.html.j2 failed: templates/crisis_plan.html.j2:{line}: template "
        "error: 'no_such_variable' is not defined here"
    ) in lines[-1]
    assert "UndefinedError" not in lines[-1]
    assert (tmp_path / "build" / "rosa-m" / "crisis-plan.html").read_bytes() == old_html

    plan.write_text(good.replace("When extra support can step down", "When support can step down"))
    watcher.queue.add(plan)
    assert watcher.step()
    assert "rebuilt templates/crisis_plan.html.j2: 3 documents (" in lines[-1]
    assert "When support can step down" in (tmp_path / "build" / "rosa-m" / "crisis-plan.html").read_text()
