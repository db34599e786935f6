"""Run one of bench/runs.py's runs in a fresh process and measure it: its own timing (JSON on
stdout) and the peak memory of that process and its workers.

Peak memory is the sum of their PSS (proportional set size: pages shared between forked workers
counted once, not once per process as RSS would), sampled every 20 ms by a separate process that
leaves itself and the benchmark's own process out of the sum.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
RUNS = Path(__file__).resolve().with_name("runs.py")

SAMPLER = r"""
import os, select, sys
from pathlib import Path
root, me, peak = int(sys.argv[1]), os.getpid(), 0
def pss(pid):
    if pid == me:
        return 0
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += pss(int(child))
    except (OSError, ValueError):
        pass
    return total
while not select.select([sys.stdin], [], [], 0.02)[0]:
    peak = max(peak, pss(root))
print(peak)
"""


Row = tuple[str, str, str, str]
"""One line of the benchmark's table: measure, result, target, verdict."""


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def ratio_cell(times: list[float], against: list[float]) -> tuple[str, float]:
    """The median of each round's own ratio ``times[i] / against[i]`` (rounds interleaved, so a
    machine that drifts moves both sides of a ratio together), as a table cell with the rounds'
    range, and the median itself."""
    each = sorted(t / a for t, a in zip(times, against, strict=True))
    middle = statistics.median(each)
    return f"{middle:.2f}x" + (f" (rounds {each[0]:.2f}-{each[-1]:.2f})" if len(each) > 1 else ""), middle


def worker_flags(workers: int | None) -> list[str]:
    """``runs.py build`` and ``watch`` arguments for ``--workers`` (none: one per core)."""
    return ["--workers", str(workers)] if workers else []


def measured(*args: str, memory: bool = False) -> dict[str, Any]:
    """``runs.py *args`` in a fresh process: what it printed, and with ``memory`` the ``peak``
    (bytes) of its process tree. Sampling slows the run (reading a process's memory map holds its
    lock), so timings come from runs without it."""
    child = subprocess.Popen([sys.executable, str(RUNS), *args], stdout=subprocess.PIPE, text=True)
    sampler = (
        subprocess.Popen(
            [sys.executable, "-c", SAMPLER, str(child.pid)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        if memory
        else None
    )
    out, _ = child.communicate()
    peak = sampler.communicate("")[0] if sampler else ""
    if child.returncode:
        raise SystemExit(f"bench run {' '.join(args)} failed (exit {child.returncode})")
    facts: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return facts | {"peak": int(peak.strip() or 0)}
