"""Any signal that ends `build` or `watch` ends its worker processes too (issue: SIGTERM left two
orphaned workers behind; Ctrl-C was clean)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_demo, cores_to_myself
from profiles import marked_profile, write_profile


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (workers, a forkserver and its workers)."""
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent and fields[0] != "Z" and int(entry.name) not in found:
                found.add(int(entry.name))
                frontier.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def start(args: list[str], root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "packetgen.cli", *args, "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_watch_ended_by_a_signal_leaves_no_worker(tmp_path: Path, signum: int) -> None:
    root = copy_demo(tmp_path / "demo")
    proc = start(["watch", "--jobs", "2"], root)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(b"watching "):
                break
        workers = children(proc.pid)
        assert len(workers) >= 2, "watch keeps a warm pool of two PDF workers"
        proc.send_signal(signum)
        proc.wait(timeout=30)
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), [p for p in workers if alive(p)]
    finally:
        proc.kill()


def test_build_ended_by_sigterm_stops_promptly_and_leaves_no_worker(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with cores_to_myself(tmp_path_factory):  # "promptly" is timed: not beside the one-page corpus
        sigterm_stops_promptly(tmp_path)


def sigterm_stops_promptly(tmp_path: Path) -> None:
    root = tmp_path / "many"
    for i in range(16):  # 8 or more people go to worker processes
        write_profile(root, f"test{i:02d}", marked_profile())
    proc = start(["build", "--jobs", "2", "--quiet"], root)
    try:
        assert wait_for(lambda: len(children(proc.pid)) >= 2, 30), "the build started its workers"
        time.sleep(1.0)
        workers = children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        # The chunks not yet started are dropped: well under the 10-12 s the whole build takes here.
        proc.wait(timeout=15)
        assert proc.returncode != 0
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), [p for p in workers if alive(p)]
    finally:
        proc.kill()


def test_a_signal_whose_exit_was_swallowed_still_ends_in_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal handled while Python runs a finaliser or a callback has its exit dropped ("Exception
    ignored in ..."), and the command runs on: it must still not exit 0 (128 + the signal's number)."""
    import click
    from click.testing import CliRunner

    from packetgen import cli

    monkeypatch.setattr(cli, "_signalled", [])
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # leave this process's own handlers alone

    @click.command("swallowed")
    def swallowed() -> None:
        try:
            cli._stop_on_signal(signal.SIGTERM, None)
        except SystemExit:
            pass  # what Python does with an exception raised in a __del__ or a weakref callback

    cli.main.add_command(swallowed)
    try:
        result = CliRunner().invoke(cli.main, ["swallowed"])
    finally:
        cli.main.commands.pop("swallowed")
    assert result.exit_code == 128 + 15
