"""``packetgen build --dask ADDRESS``: PDFs rendered on an existing Dask distributed cluster.

packetgen runs no scheduler of its own: it connects to one (``dask scheduler`` plus ``dask worker``
on each machine, or a cluster manager's) as a client. The client does what is cheap and touches
the build folder: loading and validating people (a batch at a time, so it never holds the whole
roster), revision history, cache keys, HTML and manifests. The workers do WeasyPrint layout, the
expensive part: one task renders the PDFs of a few people and *returns their bytes*; the client
writes each file atomically (``output.write_atomic``, fsynced as every PDF is), records it in the
cache and settles the person exactly as a local build does.

So a worker never writes into the build folder, and a worker lost mid-task (killed, out of memory,
its machine gone) leaves nothing half-written: Dask runs the task again elsewhere (``retries`` for
a task that raised; the scheduler's ``allowed-failures`` for a worker that died), and only a
finished task's bytes are written. Workers need packetgen installed (same version) and the
project's templates and styles at the same paths as on the client (a shared folder, or the same
checkout), because pagination renders the print HTML again there; they read no profile.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packetgen.pipeline.output import write_atomic

if TYPE_CHECKING:
    from jinja2 import Environment

    from packetgen.builder.cache import BuildCache
    from packetgen.builder.jobs import BuildResult, Job
    from packetgen.builder.parts import BuildContext
    from packetgen.builder.pdf_session import PdfSession
    from packetgen.pipeline.paginate import Plan, PrintRenderer
    from packetgen.pipeline.pdf import PdfRenderer
    from packetgen.project.folders import Project

log = logging.getLogger(__name__)

PEOPLE_PER_TASK = 2
"""People whose PDFs one Dask task renders: enough to amortise a task's overhead (a few ms), few
enough that two workers stay evenly busy and a lost worker costs little to redo."""

STREAM_PEOPLE = 48
"""People the client loads, renders HTML for and sends out at a time (flat memory on the client)."""

RETRIES = 2
"""Times Dask runs a task again after it raised (a lost worker is rescheduled by the scheduler)."""

CONNECT_TIMEOUT = "20s"
"""How long to wait for the scheduler before saying it did not answer."""

PdfSpec = tuple[str, tuple[str, ...], bool, "PrintRenderer | None", "Plan | None"]
"""What a worker needs for one PDF: print HTML, extra stylesheets, forms, print source, page-1 plan."""

_renderers: dict[tuple[str, str], PdfRenderer] = {}


def render_pdfs(
    styles_dir: str, styles_digest: str, specs: list[PdfSpec], paper: str = "letter"
) -> list[tuple[bytes, dict[str, Any]]]:
    """On a worker: render these PDFs and return their bytes and layout facts; write nothing.

    The renderer (fonts, parsed CSS) is made once per worker process and styles version."""
    from packetgen.builder.pdf_session import render_bytes
    from packetgen.pipeline.pdf import PdfRenderer

    key = (styles_dir, f"{styles_digest}:{paper}")
    if key not in _renderers:
        _renderers.clear()
        _renderers[key] = PdfRenderer(Path(styles_dir), paper)
    renderer = _renderers[key]
    done = []
    for html, stylesheets, forms, source, plan in specs:
        data, facts = render_bytes(renderer, html, stylesheets, forms, source, plan)
        done.append((data, {k: v for k, v in facts.items() if k != "renders"}))
    return done


def connect(address: str) -> Any:
    """A client of the scheduler at ``address``; a wrong address says so in plain words."""
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise SystemExit(
            f"--dask: {address}: no Dask scheduler answered there ({exc.__class__.__name__}): "
            "start one (`dask scheduler`) or check the address"
        ) from None


def build_on_dask(
    ctx: BuildContext,
    pending: list[str],
    sources: dict[str, str],
    quick: dict[str, str],
    cache: BuildCache,
    result: BuildResult,
    address: str,
    styles_digest: str,
    progress: bool,
) -> None:
    """``build``'s per-person work for ``pending``, with PDFs rendered on the cluster at ``address``."""
    from functools import partial

    from tqdm import tqdm

    from packetgen.builder.parts import build_people, largest_first

    pending = largest_first(ctx.project, pending) if "pdf" in ctx.formats else pending
    client = connect(address)
    try:
        with tqdm(total=len(pending), unit="person", disable=not progress, leave=False) as bar:
            render = partial(_render_on_dask, client, styles_digest)
            for start in range(0, len(pending), STREAM_PEOPLE):
                batch = pending[start : start + STREAM_PEOPLE]
                build_people(ctx, batch, sources, quick, cache, result, None, False, render_jobs=render)
                bar.update(len(batch))
    finally:
        client.close()


def _render_on_dask(
    client: Any,
    styles_digest: str,
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
    """``local.render_jobs`` for a cluster: HTML here, PDFs of a few people per Dask task."""
    from distributed import as_completed

    from packetgen.builder.document import manifest_bytes, output_path, render_person_document, write_page

    want_pdf = "pdf" in formats

    def wrote(path: Path, changed: bool) -> None:
        (result.written if changed else result.unchanged).append(path)

    Item = tuple[str, str, Path, dict[str, Any], PdfSpec]
    futures: dict[Any, list[Item]] = {}

    def submit(group: list[Item]) -> None:
        if group:
            specs = [item[4] for item in group]
            future = client.submit(
                render_pdfs, str(project.styles_dir), styles_digest, specs, project.paper, retries=RETRIES, pure=False
            )
            futures[future] = group

    try:
        # Each task goes out as soon as its people's HTML is written, so the workers start on the
        # first people's PDFs while the client renders the rest (they used to wait for the batch).
        group: list[Item] = []
        people: list[str] = []
        for job, key in todo:
            stamp = {"fingerprint": key[:10], "generated": stamp_time}
            doc = render_person_document(env, job.record, job.kind, as_of, stamp, job.extra, want_print=want_pdf)
            stem = job.stem.as_posix()
            write_page(project, job.stem, doc, formats, want_pdf, wrote)
            result.rebuilt.append(stem)
            if not want_pdf:
                cache.record_job(stem, key, suffixes)
                continue
            person_id = job.record.person_id
            if person_id not in people:
                if len(people) == PEOPLE_PER_TASK:
                    submit(group)
                    group, people = [], []
                people.append(person_id)
            spec: PdfSpec = (doc.print_html, job.kind.stylesheets, job.kind.forms, doc.source, doc.plan())
            group.append((stem, key, job.stem, doc.manifest, spec))
        submit(group)
        for future in as_completed(list(futures), loop=client.loop):  # type: ignore[no-untyped-call]
            for (stem, key, job_stem, facts, _), (data, layout) in zip(futures[future], future.result(), strict=True):
                pdf_path = output_path(project.build_dir, job_stem, ".pdf")
                wrote(pdf_path, write_atomic(pdf_path, data))
                path = output_path(project.build_dir, job_stem, ".manifest.json")
                wrote(path, write_atomic(path, manifest_bytes(facts | layout), durable=False))
                cache.record_job(stem, key, suffixes)
            futures[future] = []
            future.release()  # the worker may drop the bytes now
    finally:
        # Stopped early (a task that failed every retry, Ctrl-C): nothing more is written.
        client.cancel([f for f, group in futures.items() if group])
