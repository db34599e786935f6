"""The benchmark's "past one machine" phases (issue 19), run from bench.py on the PDF project:

- the bare layout time of the cold build's own documents (WeasyPrint layout and write, warm fonts
  and CSS, nothing of ours), divided by the cores: the limit a cold build can approach;
- the sharded build (N shards as N concurrent ``packetgen build --shard K/N --jobs 1`` processes,
  then ``--index-only``) against the unsharded one;
- a build on a Dask ``LocalCluster`` (one single-threaded worker process per core) against the pool;
- whether every document (HTML, PDF, manifest) is byte-identical whichever way it was built.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

Row = tuple[str, str, str, str]


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


def bare_layout_seconds(root: Path, as_of: Any) -> tuple[float, int]:
    """WeasyPrint alone on the print HTML of every PDF the build makes: one layout and write_pdf
    each, fonts and CSS set up once, in this process (no page-1 measuring, no pikepdf pass)."""
    from packetgen.builder.document import render_person_document
    from packetgen.builder.jobs import plan_jobs
    from packetgen.builder.records import load_people
    from packetgen.pipeline.pdf import PdfRenderer
    from packetgen.pipeline.render import make_environment
    from packetgen.project.folders import open_project

    project = open_project(root)
    env = make_environment(project.look)
    renderer = PdfRenderer(project.styles_dir, project.paper)
    total, count = 0.0, 0
    for job in plan_jobs(load_people(project, as_of=as_of), as_of):
        doc = render_person_document(
            env,
            job.record,
            job.kind,
            as_of,
            {"fingerprint": "x", "generated": "x"},
            {"changes": None, "previous": None} | job.extra,
        )
        started = time.perf_counter()
        document = renderer.layout(doc.print_html, job.kind.forms, job.kind.stylesheets)
        document.write_pdf(pdf_variant="pdf/ua-1", pdf_forms=job.kind.forms)
        total += time.perf_counter() - started
        count += 1
    return total, count


def sharded_seconds(root: Path, out: Path, shards: int, as_of: str) -> float:
    """``shards`` concurrent shard builds (one process each, as separate machines would be), then the index."""
    packetgen = str(Path(sys.executable).parent / "packetgen")
    command = [packetgen, "build", "--root", str(root), "--out", str(out), "--as-of", as_of, "--quiet", "--jobs", "1"]
    started = time.perf_counter()
    running = [
        subprocess.Popen([*command, "--shard", f"{k}/{shards}"], stdout=subprocess.DEVNULL)
        for k in range(1, shards + 1)
    ]
    codes = [p.wait() for p in running]
    index = subprocess.run(
        [packetgen, "build", "--root", str(root), "--out", str(out), "--as-of", as_of, "--index-only"],
        stdout=subprocess.DEVNULL,
    )
    if any(codes) or index.returncode:
        raise SystemExit(f"sharded build failed: {codes} {index.returncode}")
    return time.perf_counter() - started


def dask_seconds(root: Path, out: Path, workers: int, as_of: Any) -> float:
    """A build on a LocalCluster bound to 127.0.0.1 (cluster start-up not counted: it exists already)."""
    from distributed import LocalCluster

    from packetgen.builder.runner import build
    from packetgen.project.folders import open_project

    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        started = time.perf_counter()
        build(open_project(root, out), as_of=as_of, dask=cluster.scheduler_address)
        return time.perf_counter() - started


def scale_rows(
    root: Path, tmp: Path, cold: float, cold_out: Path, as_of: Any, cores: int, shards: int, dask: bool
) -> list[Row]:
    """The rows for the cold build just made from ``root`` into ``cold_out`` in ``cold`` seconds."""
    rows: list[Row] = []
    bare, count = bare_layout_seconds(root, as_of)
    limit = bare / cores
    rows.append(
        (
            f"bare WeasyPrint layout of the same {count} PDFs, over {cores} cores",
            f"{bare:.1f} s / {cores} = {limit:.1f} s",
            "",
            "",
        )
    )
    rows.append(
        (
            "cold build vs bare layout over the same cores",
            f"{cold / limit:.2f}x",
            "<= 1.15x",
            "met" if cold / limit <= 1.15 else "**missed**",
        )
    )
    reference = documents(cold_out)
    same = []
    if shards > 1:
        out = tmp / "sharded-out"
        seconds = sharded_seconds(root, out, shards, str(as_of))
        same.append(documents(out) == reference)
        rows.append(
            (
                f"sharded build, N = {shards} concurrent shards + index, vs unsharded",
                f"{seconds:.1f} s = {seconds / cold:.2f}x",
                "<= 1.2x",
                "met" if seconds / cold <= 1.2 else "**missed**",
            )
        )
    if dask:
        out = tmp / "dask-out"
        seconds = dask_seconds(root, out, cores, as_of)
        same.append(documents(out) == reference)
        rows.append(
            (
                f"Dask LocalCluster ({cores} worker processes) vs the process pool",
                f"{seconds:.1f} s = {seconds / cold:.2f}x",
                "<= 1.2x",
                "met" if seconds / cold <= 1.2 else "**missed**",
            )
        )
    if same:
        rows.append(
            (
                f"documents byte-identical whichever way built ({len(reference)} files)",
                "yes" if all(same) else "**no**",
                "yes",
                "met" if all(same) else "**missed**",
            )
        )
    return rows


os.environ.setdefault("SOURCE_DATE_EPOCH", "1795000000")
