"""Benchmark packetgen's builds against a naive baseline and the bare layout limit, measured in the same run.

    .venv/bin/python bench/bench.py                       # N = 200, 1000, 10000, PDFs for 40 people
    .venv/bin/python bench/bench.py --people 1000 --memory-pdf-people   # the timings only (minutes)
    .venv/bin/python bench/bench.py --quick               # a few minutes: every phase, small sizes

Generates N fictional people (seeded, varied sizes; bench/roster.py) in a temp project and prints
one Markdown table. Every build and baseline runs in a fresh process of its own (bench/runs.py),
as ``packetgen build`` does, and times its own work:

- the HTML-only build of N people and its no-op rebuild;
- on the first ``--pdf-people`` people, ``--rounds`` rounds of: the naive loop (Jinja render plus
  one WeasyPrint ``HTML(...).write_pdf()`` per document, fonts and CSS set up each time,
  sequential), the cold build, and the bare WeasyPrint layout of the same documents spread over the
  same cores (bench/runs.py ``bare``: the limit); medians, each ratio from the same rounds;
- ``--rounds`` rounds of sharded against unsharded and Dask against pool builds, with their
  documents' bytes (bench/scale.py);
- peak memory (PSS of the build's process and its workers) of separate builds, because sampling
  memory slows what it samples;
- the time from a profile save to its new PDF under ``watch``, and what measuring page 1 costs
  (bench/latency.py; ``--pagination-only`` runs just that).

Not a test: timings depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from latency import pagination_rows  # noqa: E402
from measure import MIB, Row, measured, ratio_cell, verdict, worker_flags  # noqa: E402
from roster import AS_OF, generate  # noqa: E402
from scale import scale_rows  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="*", default=[200, 1000, 10000], help="HTML-only build sizes")
    parser.add_argument("--pdf-people", type=int, default=40, help="people in the cold PDF phase (4 documents each)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of naive, cold and bare builds; of shard and Dask comparisons"
    )
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--workers", type=int, default=None, help="PDF worker processes (default: one per core)")
    parser.add_argument("--watch-rounds", type=int, default=5)
    parser.add_argument(
        "--pagination-people",
        type=int,
        default=30,
        help="responder packets rendered plain and paginated to measure the second render",
    )
    parser.add_argument("--pagination-only", action="store_true", help="run only the page-1 phase")
    parser.add_argument(
        "--memory-pdf-people",
        type=int,
        nargs="*",
        default=[50, 500],
        help="people in the PDF builds whose peak memory is measured (50 and 500: 200 and 2,000 PDFs)",
    )
    parser.add_argument("--shards", type=int, default=2, help="concurrent shards to compare (1: skip)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster phase")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a few minutes: 200 HTML people, 12 PDF people in one round, memory at 12 and 40, no watch phase",
    )
    args = parser.parse_args()
    if args.quick:
        args.people, args.pdf_people, args.memory_pdf_people, args.rounds = [200], 12, [12, 40], 1
        args.watch_rounds, args.pagination_people = 0, 0
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795000000")
    cores = len(os.sched_getaffinity(0))
    table = Table(cores, os.getloadavg()[0], args.seed)
    workers = worker_flags(args.workers)

    with tempfile.TemporaryDirectory(prefix="packetgen-bench-") as tmp:
        if args.pagination_only:
            table.add(*pagination_rows(Path(tmp) / "pagination", args.pagination_people, args.seed))
            table.print()
            return
        for count in args.people:
            html_rows(table, Path(tmp) / f"n{count}", count, args.seed)
        root = Path(tmp) / "pdf"
        generate(root, args.pdf_people, args.seed)
        cold_out = cold_rows(table, root, Path(tmp), args.rounds, cores, args.workers)
        table.add(*scale_rows(root, Path(tmp), cold_out, AS_OF, cores, args.shards, not args.no_dask, args.rounds))
        for count in args.memory_pdf_people:
            big = Path(tmp) / f"memory-{count}"
            generate(big, count, args.seed)
            run = measured("build", str(big), str(big / "build"), *workers, memory=True)
            table.add(
                (
                    f"peak memory, PDF build of {count} people ({run['pdfs']} PDFs, {run['seconds']:.0f} s)",
                    f"{run['peak'] / MIB:.0f} MiB",
                    "< 500 MiB",
                    verdict(run["peak"] < 500 * MIB),
                )
            )
        if args.watch_rounds:
            run = measured("watch", str(root), str(args.watch_rounds), *workers)
            first, every, bare = run["first"], run["every"], run["bare"]
            ratio = statistics.median(first) / statistics.median(bare)
            table.add(
                (
                    "watch: save -> new responder packet PDF (median)",
                    f"{statistics.median(first):.2f} s = {ratio:.2f}x bare WeasyPrint"
                    f" ({statistics.median(bare):.2f} s)",
                    "<= 1.2x",
                    verdict(ratio <= 1.2),
                ),
                ("watch: save -> all that person's PDFs (median)", f"{statistics.median(every):.2f} s", "", ""),
            )
        if args.pagination_people:
            table.add(*pagination_rows(Path(tmp) / "pagination", args.pagination_people, args.seed))
    table.print()


def html_rows(table: Table, root: Path, count: int, seed: int) -> None:
    """HTML-only build of ``count`` people and its no-op rebuild; peak memory from a second build."""
    generate(root, count, seed)
    run = measured("build", str(root), str(root / "build"), "--html", "--again")
    memory = measured("build", str(root), str(root / "build-memory"), "--html", memory=True)
    big = count == 1000  # the time targets were set for 1000 people; other sizes show the trend
    table.add(
        (
            f"HTML-only build, {count} people ({run['documents']} documents)",
            f"{run['seconds']:.2f} s",
            "< 3 s" if big else "",
            verdict(run["seconds"] < 3) if big else "",
        ),
        (
            f"no-op rebuild, {count} people (HTML)",
            f"{run['again']:.2f} s",
            "< 1 s" if big else "",
            verdict(run["again"] < 1) if big else "",
        ),
        (
            f"peak memory, HTML build of {count}",
            f"{memory['peak'] / MIB:.0f} MiB",
            "< 500 MiB",
            verdict(memory["peak"] < 500 * MIB),
        ),
    )


def cold_rows(table: Table, root: Path, tmp: Path, rounds: int, cores: int, workers: int | None) -> Path:
    """Rounds of naive loop, cold build and bare layout over the cores, interleaved so that a machine
    that speeds up or slows down over minutes moves all three; medians and the range of the ratios.
    Returns the folder of the last cold build."""
    naive, cold, bare = [], [], []
    processes = workers or cores
    for number in range(rounds):
        naive.append(measured("naive", str(root), str(tmp / f"naive-{number}")))
        out = tmp / f"cold-{number}"
        cold.append(measured("build", str(root), str(out), *worker_flags(workers), "--again"))
        bare.append(measured("bare", str(root), str(processes)))
        print(
            f"round {number + 1} of {rounds}: naive {naive[-1]['seconds']:.1f} s, cold {cold[-1]['seconds']:.1f} s, "
            f"bare over {cores} cores {bare[-1]['seconds']:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    one_core = measured("bare", str(root), "1")
    pdfs, people = naive[0]["pdfs"], len(list((root / "people").iterdir()))

    def median(runs: list[dict[str, float]], key: str = "seconds") -> float:
        return statistics.median(run[key] for run in runs)

    def ratios(over: list[dict[str, float]]) -> tuple[str, float]:
        return ratio_cell([c["seconds"] for c in cold], [o["seconds"] for o in over])

    to_naive, naive_ratio = ratios(naive)
    to_bare, bare_ratio = ratios(bare)
    table.add(
        (
            f"naive baseline, {people} people ({pdfs} PDFs), sequential (median of {rounds})",
            f"{median(naive):.1f} s",
            "",
            "",
        ),
        (
            f"cold build, {people} people ({pdfs} PDF + HTML, median)",
            f"{median(cold):.1f} s = {to_naive} naive",
            "<= 0.6x",
            verdict(naive_ratio <= 0.6),
        ),
        (f"bare WeasyPrint layout of the same {pdfs} PDFs, one core", f"{one_core['seconds']:.1f} s", "", ""),
        (
            f"bare WeasyPrint layout of the same {pdfs} PDFs spread over {cores} cores (median)",
            f"{median(bare):.1f} s ({one_core['seconds'] / median(bare):.2f}x one core)",
            "",
            "",
        ),
        ("cold build vs bare layout over the same cores", to_bare, "<= 1.15x", verdict(bare_ratio <= 1.15)),
        (f"no-op rebuild, {pdfs} PDFs (HTML + PDF)", f"{median(cold, 'again'):.2f} s", "", ""),
    )
    return tmp / f"cold-{rounds - 1}"


class Table:
    """The benchmark's Markdown table; each row also goes to stderr as it is measured (a run takes minutes)."""

    def __init__(self, cores: int, load: float, seed: int) -> None:
        self.rows: list[Row] = []
        python = sys.version.split()[0]
        self.head = (
            f"packetgen benchmark: {cores} cores, load average {load:.1f} at start, seed {seed}, Python {python}"
        )
        print(self.head, file=sys.stderr, flush=True)

    def add(self, *rows: Row) -> None:
        for row in rows:
            print("  " + ": ".join(cell for cell in row[:2] if cell), file=sys.stderr, flush=True)
        self.rows += rows

    def print(self) -> None:
        print(f"\n{self.head}\n")
        print("| measure | result | target | |")
        print("|---|---|---|---|")
        for row in self.rows:
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
