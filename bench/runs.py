"""The benchmark's timed runs, each in a fresh process, as a user's ``packetgen build`` runs.

    python bench/runs.py naive ROOT OUT          # the naive loop; prints its seconds and PDF count
    python bench/runs.py build ROOT OUT [--html] [--workers N] [--again]   # a build (and a no-op one)
    python bench/runs.py bare ROOT WORKERS       # bare WeasyPrint layout of the build's PDFs
    python bench/runs.py dask ROOT OUT WORKERS   # a build on a LocalCluster of WORKERS processes
    python bench/runs.py watch ROOT ROUNDS       # save -> new PDF under watch, ROUNDS saves

Why a fresh process each: a benchmark process that has already rendered hundreds of PDFs carries
WeasyPrint's caches and a large heap; build workers forked from it inherit that heap and run
slower (measured: the same 40-person cold build took 38 s after the naive loop in one process and
26 s in a fresh one), and its memory would count in the build's peak. Each run times its own work
(not the interpreter's start-up) and prints one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from roster import AS_OF  # noqa: E402

from packetgen.builder.document import render_person_document  # noqa: E402
from packetgen.builder.jobs import plan_jobs  # noqa: E402
from packetgen.builder.records import load_people  # noqa: E402
from packetgen.pipeline.render import make_environment  # noqa: E402
from packetgen.project.folders import open_project  # noqa: E402

STAMP = {"fingerprint": "bench", "generated": "bench"}


def naive_pdf(html: str, styles: Path, out: Path, forms: bool = False) -> None:
    """What a first implementation does: one WeasyPrint call per document, fonts and CSS each time."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(filename=str(styles / "packet.css"), font_config=fonts)
    out.write_bytes(
        HTML(string=html, base_url=str(styles) + "/").write_pdf(
            stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1", pdf_forms=forms
        )
    )


def print_documents(root: Path) -> list[tuple[str, bool, tuple[str, ...]]]:
    """The print HTML of every PDF a build of ``root`` makes (plain: no page-1 measuring), with
    whether it has form fields and its extra stylesheets."""
    project = open_project(root)
    env = make_environment(project.look)
    found = []
    for job in plan_jobs(load_people(project, as_of=AS_OF), AS_OF):
        doc = render_person_document(
            env, job.record, job.kind, AS_OF, STAMP, {"changes": None, "previous": None} | job.extra
        )
        found.append((doc.print_html, job.kind.forms, job.kind.stylesheets))
    return found


def naive(root: Path, out: Path) -> dict[str, Any]:
    """Sequential: load, Jinja render, one ``write_pdf`` per document, fonts and CSS set up each time."""
    styles = open_project(root).styles_dir
    started = time.perf_counter()
    documents = print_documents(root)
    for number, (html, forms, _) in enumerate(documents):
        naive_pdf(html, styles, out / f"{number:05d}.pdf", forms)
    return {"seconds": time.perf_counter() - started, "pdfs": len(documents)}


def run_build(root: Path, out: Path, html_only: bool, workers: int | None, again: bool) -> dict[str, Any]:
    """One build as ``packetgen build`` makes it (and, with ``again``, the no-op rebuild after it)."""
    from packetgen.builder.runner import build

    formats = ("html",) if html_only else ("html", "pdf")
    started = time.perf_counter()
    result = build(open_project(root, out), formats=formats, as_of=AS_OF, workers=workers)
    seconds = time.perf_counter() - started
    pdfs = sum(1 for path in result.written + result.unchanged if path.suffix == ".pdf")
    facts: dict[str, Any] = {"seconds": seconds, "documents": len(result.rebuilt), "pdfs": pdfs}
    if again:
        started = time.perf_counter()
        build(open_project(root, out), formats=formats, as_of=AS_OF, workers=workers)
        facts["again"] = time.perf_counter() - started
    return facts


_bare: list[tuple[str, bool, tuple[str, ...]]] = []
_renderer: Any = None


def _bare_init(styles: Path, paper: str) -> None:
    global _renderer
    from packetgen.pipeline.pdf import PdfRenderer

    _renderer = PdfRenderer(styles, paper)


def _bare_one(number: int) -> float:
    """Lay out and write one document, nothing of packetgen's around it (no page-1 measuring, no
    footer pass); returns its own seconds."""
    html, forms, stylesheets = _bare[number]
    started = time.perf_counter()
    document = _renderer.layout(html, forms, stylesheets)
    document.write_pdf(pdf_variant="pdf/ua-1", pdf_forms=forms)
    return time.perf_counter() - started


def bare(root: Path, workers: int) -> dict[str, Any]:
    """The limit a cold build can approach: every PDF's bare layout, spread over ``workers`` warm
    processes that take the next document as soon as they finish one, largest first (so the
    cores end together). The wall time is the limit; the sum of the documents' own times says what
    running side by side costs each."""
    import multiprocessing

    project = open_project(root)
    _bare[:] = sorted(print_documents(root), key=lambda d: -len(d[0]))
    with multiprocessing.get_context("fork").Pool(
        workers, initializer=_bare_init, initargs=(project.styles_dir, project.paper)
    ) as pool:
        pool.map(time.sleep, [0.2] * workers, chunksize=1)  # every worker started and set up
        started = time.perf_counter()
        each = pool.map(_bare_one, range(len(_bare)), chunksize=1)
        wall = time.perf_counter() - started
    return {"seconds": wall, "sum": sum(each), "pdfs": len(each)}


def dask(root: Path, out: Path, workers: int) -> dict[str, Any]:
    """A build on a LocalCluster bound to 127.0.0.1 (its start-up not counted: it exists already),
    its workers started as the README says to start them: without Dask's sampling profiler, which
    walks WeasyPrint's deep layout stacks every 10 ms (on, the same build took 37-44 s against 31-37 s
    off; the workers' CPU 81 s against 60-70 s), and with the preload that imports the PDF engine
    as a worker starts (without it, each worker's first task imported it: about 1 s of the build)."""
    import dask.config
    from distributed import LocalCluster

    from packetgen.builder.runner import build

    with (
        dask.config.set({"distributed.worker.profile.enabled": False}),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            preload=["packetgen.builder.dask_worker"],
        ) as cluster,
    ):
        started = time.perf_counter()
        build(open_project(root, out), as_of=AS_OF, dask=cluster.scheduler_address)
        return {"seconds": time.perf_counter() - started}


def watch(root: Path, rounds: int, workers: int | None) -> dict[str, Any]:
    """``latency.watch_latency`` in a process of its own (no other phase's threads or heap)."""
    from latency import watch_latency

    people = sorted(p.name for p in (root / "people").iterdir())
    first, every, bare = watch_latency(root, people, workers, rounds)
    return {"first": first, "every": every, "bare": bare}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="run", required=True)
    one = sub.add_parser("naive")
    one.add_argument("root", type=Path)
    one.add_argument("out", type=Path)
    one = sub.add_parser("build")
    one.add_argument("root", type=Path)
    one.add_argument("out", type=Path)
    one.add_argument("--html", action="store_true")
    one.add_argument("--workers", type=int, default=None)
    one.add_argument("--again", action="store_true")
    one = sub.add_parser("bare")
    one.add_argument("root", type=Path)
    one.add_argument("workers", type=int)
    one = sub.add_parser("dask")
    one.add_argument("root", type=Path)
    one.add_argument("out", type=Path)
    one.add_argument("workers", type=int)
    one = sub.add_parser("watch")
    one.add_argument("root", type=Path)
    one.add_argument("rounds", type=int)
    one.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795000000")
    if args.run == "naive":
        args.out.mkdir(parents=True, exist_ok=True)
        facts = naive(args.root, args.out)
    elif args.run == "build":
        facts = run_build(args.root, args.out, args.html, args.workers, args.again)
    elif args.run == "bare":
        facts = bare(args.root, args.workers)
    elif args.run == "dask":
        facts = dask(args.root, args.out, args.workers)
    else:
        facts = watch(args.root, args.rounds, args.workers)
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
