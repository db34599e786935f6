"""The benchmark's "past one machine" phases (issue 19), run from bench.py on the PDF project, in
rounds interleaved as the cold phase's are (this machine's speed drifts over minutes):

- the sharded build (N shards as N concurrent ``packetgen build --shard K/N`` processes, each as
  the README's CI recipe runs it, then ``--index-only``) against one unsharded ``packetgen build``,
  both timed from the command line;
- a build on a Dask ``LocalCluster`` (one single-threaded worker process per core, in a fresh
  process: ``runs.py dask``) against a pool build made just before it;
- whether every document (HTML, PDF, manifest) is byte-identical whichever way it was built.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from measure import Row, measured, ratio_cell, verdict

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
    """``packetgen build`` as a user runs it, start-up included: one process, or ``shards``
    concurrent shard builds (as separate machines would run them, each with its default workers:
    here they share this machine's cores), then the index."""
    packetgen = str(Path(sys.executable).parent / "packetgen")
    command = [packetgen, "build", "--root", str(root), "--out", str(out), "--as-of", as_of, "--quiet"]
    started = time.perf_counter()
    if shards == 1:
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - started
    running = [
        subprocess.Popen([*command, "--shard", f"{k}/{shards}"], stdout=subprocess.DEVNULL)
        for k in range(1, shards + 1)
    ]
    codes = [p.wait() for p in running]
    index = subprocess.run([*command, "--index-only"], stdout=subprocess.DEVNULL)
    if any(codes) or index.returncode:
        raise SystemExit(f"sharded build failed: {codes} {index.returncode}")
    return time.perf_counter() - started


def scale_rows(
    root: Path, tmp: Path, cold_out: Path, as_of: Any, cores: int, shards: int, dask: bool, rounds: int
) -> list[Row]:
    """The rows comparing ways of building ``root`` over ``rounds`` interleaved rounds, every
    build's documents checked against the cold build in ``cold_out``."""
    reference = documents(cold_out)
    whole: list[float] = []
    sharded: list[float] = []
    pool: list[float] = []
    on_dask: list[float] = []
    same: list[bool] = []
    for number in range(rounds):
        line = f"scale round {number + 1} of {rounds}:"
        if shards > 1:
            # Both through the command line, so both pay the interpreter's start-up (the shards
            # twice: their own, then the index's).
            whole.append(cli_seconds(root, tmp / f"unsharded-{number}", str(as_of)))
            out = tmp / f"sharded-{number}"
            sharded.append(cli_seconds(root, out, str(as_of), shards))
            same.append(documents(out) == reference)
            line += f" unsharded {whole[-1]:.1f} s, sharded {sharded[-1]:.1f} s"
        if dask:
            pool.append(measured("build", str(root), str(tmp / f"pool-{number}"))["seconds"])
            out = tmp / f"dask-{number}"
            on_dask.append(measured("dask", str(root), str(out), str(cores))["seconds"])
            same.append(documents(out) == reference)
            line += f" pool {pool[-1]:.1f} s, Dask {on_dask[-1]:.1f} s"
        print(line, file=sys.stderr, flush=True)
    rows: list[Row] = []
    if whole:
        # A person's shard is a hash of their id: a few dozen people split unevenly (a roster of
        # thousands splits nearly evenly); on one machine a shard that ends early leaves the
        # cores to the other.
        sizes = Counter(shard_of(p.name, shards) for p in (root / "people").iterdir())
        split = " / ".join(str(sizes[k]) for k in range(1, shards + 1))
        rows.append(
            within_target(
                f"sharded build, N = {shards} concurrent shards of {split} people + index,"
                f" vs one `packetgen build` ({statistics.median(whole):.1f} s, median)",
                sharded,
                whole,
            )
        )
    if on_dask:
        rows.append(
            within_target(
                f"Dask LocalCluster ({cores} worker processes) vs the process pool"
                f" ({statistics.median(pool):.1f} s, median, each just before)",
                on_dask,
                pool,
            )
        )
    if same:
        rows.append(
            (
                f"documents byte-identical whichever way built ({len(reference)} files, {len(same)} builds)",
                "yes" if all(same) else "**no**",
                "yes",
                verdict(all(same)),
            )
        )
    return rows


def within_target(measure: str, times: list[float], against: list[float]) -> Row:
    """A way of building against the local one: its median seconds and the median of the rounds'
    ratios, whose target is 1.2x."""
    cell, middle = ratio_cell(times, against)
    return (measure, f"{statistics.median(times):.1f} s = {cell}", "<= 1.2x", verdict(middle <= 1.2))
