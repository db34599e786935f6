"""Recycled worker pools: a build spread over many short-lived pools writes what one process writes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
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


def test_pdf_builds_start_with_the_biggest_profiles(tmp_path: Path) -> None:
    """The rule (builder/parts.largest_first): people by profile size, largest first, ties by id, so
    no worker is left with a big person at the end while the other waits."""
    from packetgen.builder.parts import largest_first
    from packetgen.project.folders import open_project

    copy_demo(tmp_path)
    for person_id, padding in (("p-small", 0), ("p-big", 4000), ("p-mid", 2000), ("p-mid2", 2000)):
        write_profile(tmp_path, person_id, yaml.safe_dump(marked_profile()) + "# " + "x" * padding + "\n")
    order = largest_first(open_project(tmp_path), ["p-small", "p-mid2", "p-big", "p-mid"])
    assert order == ["p-big", "p-mid", "p-mid2", "p-small"]


def test_templates_are_compiled_once_before_workers_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``render.compile_all`` compiles every template, so a forked worker renders without compiling
    (each recycled pool used to compile them all again in every worker); one broken template is
    left for its render to report, not raised here."""
    import shutil

    from packetgen.pipeline.render import compile_all, make_environment
    from packetgen.project.shipped import shipped

    folder = tmp_path / "templates"
    shutil.copytree(shipped("templates"), folder)
    (folder / "broken.html.j2").write_text("{% if %}\n")
    env = make_environment(folder)
    compile_all(env)
    names = [n for n in env.list_templates(extensions=["j2"]) if n != "broken.html.j2"]
    assert "responder_packet.html.j2" in names and "partials/macros.html.j2" in names

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(env, "compile", no_compiling)
    for name in names:
        env.get_template(name)
