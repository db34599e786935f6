"""Latency phases of the benchmark, run in the benchmark's own process: the time from a profile save
to its new PDF under ``watch``, and what measuring page 1 costs per responder packet."""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from roster import AS_OF, generate
from runs import naive_pdf

from packetgen.builder.document import render_person_document
from packetgen.builder.jobs import plan_jobs
from packetgen.builder.records import load_people
from packetgen.pipeline.render import make_environment
from packetgen.project.folders import open_project
from packetgen.watch.watch import Watcher


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def watch_latency(
    root: Path, people: list[str], workers: int | None, rounds: int
) -> tuple[list[float], list[float], list[float]]:
    """Save a profile, time until its responder packet PDF (and all its PDFs) are replaced."""
    project = open_project(root)
    watcher = Watcher(project, report=lambda line: None, as_of=AS_OF, workers=workers)
    watcher.warm_up()
    watcher.build_all()
    watcher.start()
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    first, every, bare = [], [], []
    env = make_environment(project.look)
    try:
        time.sleep(0.5)
        for person_id in people[:rounds]:
            folder = project.build_dir / person_id
            pdfs = [folder / "responder-packet.pdf"] + sorted(
                p for p in folder.glob("**/*.pdf") if p.name != "responder-packet.pdf"
            )
            before = {p: p.stat().st_mtime_ns for p in pdfs}
            profile = project.profile_path(person_id)
            text = profile.read_text().replace("version: ", "version: 1", 1)
            written = time.perf_counter()
            profile.write_text(text)
            seen: dict[Path, float] = {}
            deadline = written + 60
            while len(seen) < len(pdfs) and time.perf_counter() < deadline:
                for p in pdfs:
                    if p not in seen and p.stat().st_mtime_ns != before[p]:
                        seen[p] = time.perf_counter() - written
                time.sleep(0.002)
            first.append(seen[pdfs[0]])
            every.append(max(seen.values()))
            time.sleep(0.3)
            (record,) = load_people(project, [person_id], as_of=AS_OF)
            job = plan_jobs([record], AS_OF)[0]
            doc = render_person_document(
                env,
                record,
                job.kind,
                AS_OF,
                {"fingerprint": "x", "generated": "x"},
                {"changes": None, "previous": None},
            )
            bare.append(timed(lambda doc=doc: naive_pdf(doc.print_html, project.styles_dir, Path(os.devnull))))
    finally:
        stop.set()
        thread.join()
        watcher.stop()
    return first, every, bare


def pagination_cost(root: Path, people: list[str]) -> dict[str, float]:
    """What measuring page 1 costs (packetgen/pipeline/paginate.py), per responder packet, in one process:
    the plain render (one layout, written) against the paginated one, which renders again only for
    a packet whose page 1 spills (a tall measuring layout, the real page again, sometimes one more
    for a moved block or a pointer's page)."""
    from packetgen.pipeline.pdf import PdfRenderer

    project = open_project(root)
    env = make_environment(project.look)
    renderer = PdfRenderer(project.styles_dir, project.paper)
    plain, paged, extra, renders = [], [], [], []
    for record in load_people(project, people, as_of=AS_OF):
        job = plan_jobs([record], AS_OF)[0]
        doc = render_person_document(env, record, job.kind, AS_OF, {"fingerprint": "x", "generated": "x"})
        plain.append(timed(lambda doc=doc: renderer.render(doc.print_html)))
        facts: dict[str, Any] = {}

        def paginated(doc: Any = doc, facts: dict[str, Any] = facts) -> None:
            facts.update(renderer.render_paginated(doc.source, doc.plan())[1])

        paged.append(timed(paginated))
        renders.append(facts["renders"])
        if facts["renders"] > 1:
            extra.append(paged[-1] - plain[-1])
    return {
        "packets": len(plain),
        "plain": statistics.median(plain),
        "spilled": sum(r > 1 for r in renders),
        "renders": statistics.mean(r for r in renders if r > 1) if extra else 1.0,
        "extra": statistics.median(extra) if extra else 0.0,
        "overhead": sum(paged) / sum(plain) - 1,
    }


def pagination_rows(root: Path, count: int, seed: int) -> list[tuple[str, str, str, str]]:
    cost = pagination_cost(root, generate(root, count, seed, full_every=3))
    return [
        (
            f"page 1 measured: responder packets that spill and render again, of {cost['packets']:.0f}",
            f"{cost['spilled']:.0f} ({cost['renders']:.1f} renders each on average)",
            "",
            "",
        ),
        ("page 1 measured: one plain packet render (median)", f"{cost['plain']:.2f} s", "", ""),
        ("page 1 measured: extra time for a packet that renders again (median)", f"{cost['extra']:.2f} s", "", ""),
        ("page 1 measured: all responder packets, against plain renders", f"{cost['overhead']:+.0%}", "", ""),
    ]
