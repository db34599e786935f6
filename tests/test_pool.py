"""Recycled worker pools: a build spread over many short-lived pools writes what one process writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AS_OF, copy_demo, run_cli
from profiles import marked_profile, write_profile

from packetgen.builder.pool import generations


def test_generations_bound_the_people_per_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("packetgen.builder.pool.RECYCLE_AFTER_PEOPLE", 12)
    chunks = [[f"p{i}", f"q{i}"] for i in range(25)]  # 2 people each
    split = generations(chunks, workers=2, people_per_chunk=2)
    assert [len(g) for g in split] == [12, 12, 1]  # 2 workers x 12 people = 24 people = 12 chunks per pool
    assert [c for g in split for c in g] == chunks


def test_recycled_pools_build_what_one_process_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.setattr("packetgen.builder.pool.RECYCLE_AFTER_PEOPLE", 2)  # a new pool every few people
    copy_demo(tmp_path)
    for i in range(7):
        write_profile(tmp_path, f"p-{i:02d}", marked_profile())
    for out, jobs in (("one", "1"), ("pools", "2")):
        result = run_cli(
            "build",
            "--root",
            str(tmp_path),
            "--as-of",
            AS_OF,
            "--format",
            "html",
            "--quiet",
            "--out",
            str(tmp_path / out),
            "--jobs",
            jobs,
        )
        assert result.exit_code == 0, result.output
        assert "built 10 of 10 people" in result.output

    def files(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".packetgen-cache.json"
        }

    assert files(tmp_path / "pools") == files(tmp_path / "one")
