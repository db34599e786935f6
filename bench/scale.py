"""The benchmark's "past one machine" phases (issue 19), run from bench.py on the PDF project:

- the sharded build (N shards as N concurrent ``packetgen build --shard K/N --jobs 1`` processes,
  then ``--index-only``) against one unsharded ``packetgen build``, both timed from the command line;
- a build on a Dask ``LocalCluster`` (one single-threaded worker process per core, in a fresh
  process: ``runs.py dask``) against a pool build made just before it;
- whether every document (HTML, PDF, manifest) is byte-identical whichever way it was built.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from measure import Row, measured, verdict

from packetgen.builder.shard import shard_of


def documents(build_dir: Path) -> dict[str, bytes]:
    """Every document and manifest by path (not the cache, history or index: how a build keeps its
    books may differ between ways of building; what a reader gets may not)."""
    return {
        p.relative_to(build_dir).as_posix(): p.read_bytes()
        for p in sorted(build_dir.rglob("*"))
        if p.is_file()
        and p.suffix in (".html", ".pdf", ".json")
        and not p.name.startswith(".")
        and p.relative_to(build_dir).parts[0] not in (".history", "assets")
    }


def cli_seconds(root: Path, out: Path, as_of: str, shards: int = 1) -> float:
    """``packetgen build`` as a user runs it, start-up included: one process (``shards`` = 1, PDF
    workers over the cores), or ``shards`` concurrent shard builds of one process each (as separate
    machines would run them), then the index."""
    packetgen = str(Path(sys.executable).parent / "packetgen")
    command = [packetgen, "build", "--root", str(root), "--out", str(out), "--as-of", as_of, "--quiet"]
    started = time.perf_counter()
    if shards == 1:
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - started
    running = [
        subprocess.Popen([*command, "--jobs", "1", "--shard", f"{k}/{shards}"], stdout=subprocess.DEVNULL)
        for k in range(1, shards + 1)
    ]
    codes = [p.wait() for p in running]
    index = subprocess.run([*command, "--index-only"], stdout=subprocess.DEVNULL)
    if any(codes) or index.returncode:
        raise SystemExit(f"sharded build failed: {codes} {index.returncode}")
    return time.perf_counter() - started


def scale_rows(root: Path, tmp: Path, cold_out: Path, as_of: Any, cores: int, shards: int, dask: bool) -> list[Row]:
    """The rows comparing ways of building ``root``, each checked against the cold build in ``cold_out``."""
    rows: list[Row] = []
    reference = documents(cold_out)
    same = []
    if shards > 1:
        # Both through the command line, so both pay the interpreter's start-up (the shards twice:
        # their own, then the index's).
        whole = cli_seconds(root, tmp / "unsharded-out", str(as_of))
        # A person's shard is a hash of their id: a few dozen people split unevenly, and the
        # biggest shard sets the time (a roster of thousands splits nearly evenly).
        sizes = Counter(shard_of(p.name, shards) for p in (root / "people").iterdir())
        split = " / ".join(str(sizes[k]) for k in range(1, shards + 1))
        out = tmp / "sharded-out"
        seconds = cli_seconds(root, out, str(as_of), shards)
        same.append(documents(out) == reference)
        rows.append(
            (
                f"sharded build, N = {shards} concurrent shards of {split} people + index,"
                f" vs one `packetgen build` ({whole:.1f} s)",
                f"{seconds:.1f} s = {seconds / whole:.2f}x",
                "<= 1.2x",
                verdict(seconds / whole <= 1.2),
            )
        )
    if dask:
        # Against a pool build made just before it: this machine's speed drifts over minutes.
        pool = measured("build", str(root), str(tmp / "pool-beside-dask"))["seconds"]
        out = tmp / "dask-out"
        seconds = measured("dask", str(root), str(out), str(cores))["seconds"]
        same.append(documents(out) == reference)
        rows.append(
            (
                f"Dask LocalCluster ({cores} worker processes) vs the process pool ({pool:.1f} s, just before)",
                f"{seconds:.1f} s = {seconds / pool:.2f}x",
                "<= 1.2x",
                verdict(seconds / pool <= 1.2),
            )
        )
    if same:
        rows.append(
            (
                f"documents byte-identical whichever way built ({len(reference)} files)",
                "yes" if all(same) else "**no**",
                "yes",
                verdict(all(same)),
            )
        )
    return rows
