"""``build --dask``: PDFs rendered on a Dask cluster (a LocalCluster on 127.0.0.1 here) are the local
build's bytes, and a worker killed mid-task leaves no partial file: Dask runs the task again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, run_cli
from profiles import marked_profile, write_profile

distributed = pytest.importorskip("distributed")
from distributed import WorkerPlugin  # noqa: E402  (after the skip: only there with the dask extra)

PEOPLE = ("ana-d", "ben-d")


PRELOAD = "packetgen.builder.dask_worker"
"""The worker preload the README's `dask worker` line names."""


def local_cluster(**extra: object) -> Any:
    """Two worker processes, bound to localhost, no dashboard."""
    return distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, **extra
    )


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """Workers started as the README says: with the preload."""
    with local_cluster(preload=[PRELOAD]) as local:
        yield local.scheduler_address


def engine_loaded() -> bool:
    import sys

    return "weasyprint" in sys.modules


def test_the_preload_loads_the_pdf_engine_before_any_task() -> None:
    """A worker started with the preload has WeasyPrint imported before its first task; one
    started without it has not (the control: the check can tell the two apart)."""
    with local_cluster(preload=[PRELOAD]) as preloaded, distributed.Client(preloaded) as client:
        assert set(client.run(engine_loaded).values()) == {True}
    with local_cluster() as plain, distributed.Client(plain) as client:
        assert set(client.run(engine_loaded).values()) == {False}


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Two fictional people, built once locally (HTML + PDF) into local/ to compare against."""
    root = tmp_path_factory.mktemp("dask-project")
    (root / "people").mkdir()
    for pid in PEOPLE:
        write_profile(root, pid, marked_profile())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1795000000")
        build(root, "--out", str(root / "local"))
        yield root


def build(root: Path, *args: str) -> str:
    result = run_cli("build", "--root", str(root), "--as-of", AS_OF, "--quiet", *args)
    assert result.exit_code == 0, result.output
    return result.output


def outputs(build_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(build_dir).as_posix(): p.read_bytes()
        for p in sorted(build_dir.rglob("*"))
        if p.is_file() and not p.name.startswith(".packetgen-cache")
    }


def test_dask_build_equals_the_local_build(people: Path, cluster: str) -> None:
    local, remote = people / "local", people / "remote"
    out = build(people, "--out", str(remote), "--dask", cluster)
    assert "built 2 of 2 people" in out
    pdfs = sorted(p.relative_to(remote).as_posix() for p in remote.rglob("*.pdf"))
    assert len(pdfs) >= 2 * len(PEOPLE)
    assert outputs(remote) == outputs(local)
    # The cache records what the cluster built: nothing to do the second time.
    assert " 0 documents rebuilt" in build(people, "--out", str(remote), "--dask", cluster)


class DieOnce(WorkerPlugin):
    """In each worker: the first PDF task to run (across workers: a marker file decides) renders,
    then the worker process dies before returning, as one killed mid-task would."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def setup(self, worker: object) -> None:
        import packetgen.builder.dask_runner as runner

        original, marker = runner.render_pdfs, self.marker

        def dying(*args: object) -> object:
            done = original(*args)  # type: ignore[arg-type]
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return done
            os.close(fd)
            os._exit(1)

        runner.render_pdfs = dying  # type: ignore[assignment]


def test_a_killed_worker_leaves_no_partial_file(people: Path, cluster: str) -> None:
    import cloudpickle

    cloudpickle.register_pickle_by_value(__import__(__name__))
    local, remote, marker = people / "local", people / "killed-out", people / "killed"
    with distributed.Client(cluster) as client:
        client.register_plugin(DieOnce(str(marker)), name="die-once")
        try:
            build(people, "--out", str(remote), "--dask", cluster)
        finally:
            client.unregister_worker_plugin("die-once")
    assert marker.exists()  # a worker did die mid-task
    assert not [p for p in remote.rglob("*") if p.name.endswith(".tmp")]
    assert outputs(remote) == outputs(local)  # every PDF whole, none missing


def test_no_scheduler_there_is_said_plainly(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("packetgen.builder.dask_runner.CONNECT_TIMEOUT", "2s")
    result = run_cli("build", "--root", str(people), "--as-of", AS_OF, "--dask", "tcp://127.0.0.1:9")
    assert result.exit_code != 0
    assert "--dask: tcp://127.0.0.1:9: no Dask scheduler answered there" in result.output
    assert "Traceback" not in result.output
