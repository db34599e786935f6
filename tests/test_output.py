"""Atomic writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from packetgen.pipeline import output


def test_write_replaces_whole_file_and_skips_identical_content(tmp_path: Path) -> None:
    path = tmp_path / "a" / "packet.pdf"
    assert output.write_atomic(path, b"first") is True
    mtime = path.stat().st_mtime_ns
    assert output.write_atomic(path, b"first") is False
    assert path.stat().st_mtime_ns == mtime
    assert output.write_atomic(path, b"second") is True
    assert path.read_bytes() == b"second"
    assert [p.name for p in path.parent.iterdir()] == ["packet.pdf"]


def test_failure_mid_write_keeps_the_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "packet.pdf"
    path.write_bytes(b"good old packet")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        output.write_atomic(path, b"half a new packet")
    assert path.read_bytes() == b"good old packet"
    assert [p.name for p in tmp_path.iterdir()] == ["packet.pdf"]
