"""Rendering a build's documents on this machine: HTML in this process, PDFs in this process for one
or two documents, else across the PDF session's worker processes. ``dask_runner`` is the same step
on a Dask cluster; ``runner`` picks one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment

from packetgen.builder.cache import BuildCache
from packetgen.builder.document import manifest_bytes, output_path, render_person_document, write_page
from packetgen.builder.jobs import BuildResult, Job
from packetgen.builder.pdf_session import PdfSession
from packetgen.pipeline.output import write_atomic
from packetgen.project.folders import Project

PROGRESS_MIN = 6


"""A progress bar only for builds of more than a handful of documents."""


def render_jobs(
    project: Project,
    env: Environment,
    todo: list[tuple[Job, str]],
    formats: tuple[str, ...],
    suffixes: tuple[str, ...],
    as_of: dt.date,
    stamp_time: str,
    session: PdfSession | None,
    cache: BuildCache,
    result: BuildResult,
    progress: bool,
) -> None:
    """Render HTML here; PDFs here for one or two, else across the session's worker processes."""
    from concurrent.futures import Future, as_completed

    from tqdm import tqdm

    def wrote(path: Path, changed: bool) -> None:
        (result.written if changed else result.unchanged).append(path)

    def finish(
        stem: str, key: str, job_stem: Path, facts: dict[str, Any], changed: bool, layout: dict[str, Any]
    ) -> None:
        """A PDF is written: its manifest now records the page count and what continued."""
        wrote(output_path(project.build_dir, job_stem, ".pdf"), changed)
        path = output_path(project.build_dir, job_stem, ".manifest.json")
        layout = {k: v for k, v in layout.items() if k != "renders"}
        wrote(path, write_atomic(path, manifest_bytes(facts | layout), durable=False))
        cache.record_job(stem, key, suffixes)
        bar.update()

    pooled = session is not None and session.use_pool(len(todo))
    futures: dict[Future[tuple[bool, dict[str, Any]]], tuple[str, str, Path, dict[str, Any]]] = {}
    with tqdm(total=len(todo), unit="doc", disable=not progress or len(todo) < PROGRESS_MIN, leave=False) as bar:
        for job, key in todo:
            stamp = {"fingerprint": key[:10], "generated": stamp_time}
            doc = render_person_document(
                env, job.record, job.kind, as_of, stamp, job.extra, want_print=session is not None
            )
            stem = job.stem.as_posix()
            write_page(project, job.stem, doc, formats, session is not None, wrote)
            result.rebuilt.append(stem)
            if session is None:
                cache.record_job(stem, key, suffixes)
                bar.update()
                continue
            path = output_path(project.build_dir, job.stem, ".pdf")
            args = (path, doc.print_html, job.kind.stylesheets, job.kind.forms, doc.source, doc.plan())
            if not pooled:
                finish(stem, key, job.stem, doc.manifest, *session.render_to(*args))
            else:
                futures[session.submit(*args)] = (stem, key, job.stem, doc.manifest)
        for future in as_completed(futures):
            finish(*futures[future], *future.result())
