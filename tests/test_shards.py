"""Sharded builds: shards partition the people exactly, and their union is the unsharded build."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, copy_demo, run_cli
from profiles import marked_profile, write_profile

EXTRA = [f"p-{i:02d}" for i in range(9)]


def expected_shard(person_id: str, count: int) -> int:
    """The rule, restated: sha256 of the id as a big-endian number, modulo N, numbered from 1."""
    return int(hashlib.sha256(person_id.encode()).hexdigest(), 16) % count + 1


def build(root: Path, *args: str) -> str:
    result = run_cli("build", "--root", str(root), "--as-of", AS_OF, "--quiet", "--format", "html", *args)
    assert result.exit_code == 0, result.output
    return result.output


def outputs(build_dir: Path) -> dict[str, bytes]:
    """Every file a reader could open (documents, manifests, index, assets, history), by path."""
    return {
        p.relative_to(build_dir).as_posix(): p.read_bytes()
        for p in sorted(build_dir.rglob("*"))
        if p.is_file() and not p.relative_to(build_dir).as_posix().startswith(".packetgen-cache")
    }


def people_built(build_dir: Path) -> set[str]:
    return {p.parent.name for p in build_dir.glob("*/responder-packet.html")}


@pytest.fixture
def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo people plus nine generated ones (fictional), so every shard of three gets some."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    copy_demo(tmp_path)
    for pid in EXTRA:
        write_profile(tmp_path, pid, marked_profile())
    return tmp_path


def everyone(root: Path) -> set[str]:
    return {p.name for p in (root / "people").iterdir() if p.is_dir()}


def test_shards_partition_the_people_by_the_hash_rule(many: Path) -> None:
    ids = everyone(many)
    seen: dict[str, int] = {}
    for k in (1, 2, 3):
        out = many / f"out-{k}"
        build(many, "--shard", f"{k}/3", "--out", str(out))
        mine = people_built(out)
        assert mine == {pid for pid in ids if expected_shard(pid, 3) == k}
        assert not (out / "index.html").exists()  # the index is the final job's
        for pid in mine:
            assert pid not in seen, f"{pid} in shards {seen[pid]} and {k}"
            seen[pid] = k
    assert set(seen) == ids  # none missing
    assert len(set(seen.values())) == 3  # these ids do reach every shard


def test_shards_into_one_folder_then_index_equal_the_unsharded_build(
    many: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    whole = tmp_path_factory.mktemp("whole") / "build"
    build(many, "--out", str(whole))
    shared = many / "build"
    for k in (1, 2, 3):
        build(many, "--shard", f"{k}/3")
    parts = sorted(p.name for p in (shared / ".packetgen-cache").iterdir())
    assert parts == ["shard-1-of-3.json", "shard-2-of-3.json", "shard-3-of-3.json"]  # none overwrote another
    result = run_cli("build", "--root", str(many), "--as-of", AS_OF, "--index-only", "--format", "html")
    assert result.exit_code == 0, result.output
    assert "wrote the index of 12 people" in result.output
    assert outputs(shared) == outputs(whole)
    assert not (shared / ".packetgen-cache").exists()  # folded into the main cache
    # The folded cache knows every document: a plain build now rebuilds nothing.
    assert " 0 documents rebuilt" in build(many)


def test_shards_on_separate_machines_copied_together(many: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """As a CI matrix does: each shard builds into its own folder, the final job downloads them all."""
    whole = tmp_path_factory.mktemp("whole") / "build"
    build(many, "--out", str(whole))
    merged = many / "build"
    for k in (1, 2):
        out = many / f"machine-{k}"
        build(many, "--shard", f"{k}/2", "--out", str(out))
        shutil.copytree(out, merged, dirs_exist_ok=True)
    assert run_cli("build", "--root", str(many), "--as-of", AS_OF, "--index-only", "--format", "html").exit_code == 0
    assert outputs(merged) == outputs(whole)
    assert " 0 documents rebuilt" in build(many)


def test_a_shard_rebuilds_only_its_own_people(many: Path) -> None:
    for k in (1, 2):
        build(many, "--shard", f"{k}/2")
    target = next(pid for pid in EXTRA if expected_shard(pid, 2) == 2)
    profile = many / "people" / target / "profile.yaml"
    profile.write_text(profile.read_text().replace("version: 2", "version: 3", 1))
    assert " 0 documents rebuilt" in build(many, "--shard", "1/2")
    assert " 0 documents rebuilt" not in build(many, "--shard", "2/2")
    assert " 0 documents rebuilt" in build(many, "--shard", "2/2")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3/2", "--shard: 3/2: K must be between 1 and N"),
        ("0/2", "--shard: 0/2: K must be between 1 and N"),
        ("1/0", "--shard: 1/0: N must be at least 1"),
        ("two", "--shard: two: write it as K/N"),
    ],
)
def test_bad_shard_is_refused_before_building(project: Path, value: str, message: str) -> None:
    result = run_cli("build", "--root", str(project), "--shard", value)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not (project / "build").exists()


def test_index_only_takes_no_shard(project: Path) -> None:
    result = run_cli("build", "--root", str(project), "--index-only", "--shard", "1/2")
    assert result.exit_code == 2 and "--index-only" in result.output
