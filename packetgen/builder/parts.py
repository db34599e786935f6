"""A build's people in parts: a part is loaded, rendered and written here, or (from a handful of people)
in worker processes that each take whole people, recycled after a bounded number.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packetgen.builder.cache import CACHE_SCHEMA, BuildCache
from packetgen.builder.exports import settle_exports
from packetgen.builder.index import index_row
from packetgen.builder.jobs import (
    BuildResult,
    job_key,
    plan_jobs,
    project_digests,
    with_history,
)
from packetgen.builder.local import render_jobs as render_jobs_here
from packetgen.builder.pdf_session import PdfSession, die_with_parent
from packetgen.builder.prune import (
    settle_failed,
    settle_valid,
    stems_by_person,
)
from packetgen.builder.records import load_person
from packetgen.pipeline.render import compile_all, environment
from packetgen.pipeline.revisions import record_history
from packetgen.project.folders import Project

log = logging.getLogger(__name__)


PARALLEL_PEOPLE = 8

"""From this many people to (re)build, whole people go to worker processes: loading, HTML and PDF
all run in parallel. Fewer (a save under watch) stay here, with only their PDFs in the pool."""


part_session: PdfSession | None = None
"""A worker process's own PDF session (one renderer, fonts parsed once), set by its initializer."""


@dataclass(frozen=True)
class BuildContext:
    """What every part of one build shares; plain data, so it can travel to a worker process."""

    project: Project
    formats: tuple[str, ...]
    suffixes: tuple[str, ...]
    as_of: dt.date
    force: bool
    stamp_time: str
    """When this build ran, in UTC: what the revision history records."""
    printed_time: str
    """The same, as documents print it (the project's time zone and date style)."""
    large_print: bool = False


def build_people(
    ctx: BuildContext,
    ids: list[str],
    sources: dict[str, str],
    quick: dict[str, str],
    cache: BuildCache,
    result: BuildResult,
    session: PdfSession | None,
    progress: bool,
    render_jobs: Callable[..., None] | None = None,
) -> None:
    """Load, record history, plan, and render what changed for ``ids``; update ``cache`` and ``result``.

    ``render_jobs`` replaces ``local.render_jobs`` (same arguments): ``dask_runner``'s."""
    project, as_of = ctx.project, ctx.as_of
    env = environment(project.look)
    digests = project_digests(project, env)
    records = [load_person(project, pid, as_of=as_of) for pid in ids]
    result.people += records
    planned = plan_jobs(records, as_of, large_print=ctx.large_print)
    histories = {}
    for record in records:
        if record.ok and record.profile is not None:
            kinds = [job.kind for job in planned if job.record is record]
            histories[record.person_id] = record_history(
                project.build_dir, record.person_id, record.profile, kinds, as_of, ctx.stamp_time
            )
    jobs = [with_history(job, histories[job.record.person_id]) for job in planned]
    result.incomplete += [job.stem for job in jobs if job.extra.get("gates")]
    todo = []
    keys: dict[str, str] = {}
    for job in jobs:
        key = keys[job.stem.as_posix()] = job_key(job, digests, sources[job.record.person_id], as_of)
        stem = job.stem.as_posix()
        if not ctx.force and cache.job_fresh(stem, key, ctx.suffixes):
            result.skipped.append(stem)
        else:
            todo.append((job, key))
    try:
        (render_jobs or render_jobs_here)(
            project, env, todo, ctx.formats, ctx.suffixes, as_of, ctx.printed_time, session, cache, result, progress
        )
    finally:
        cached = stems_by_person(cache)
        for record in records:
            stems = [job.stem.as_posix() for job in jobs if job.record is record]
            # Only a person whose every document is now built from these inputs may take the fast
            # path next time; after a failed render, their documents are checked one by one again.
            before = cached.get(record.person_id, [])
            if record.ok and all(cache.jobs.get(stem, {}).get("key") == keys[stem] for stem in stems):
                # Then remove what this build would not produce (stale formats, twins, old events).
                settled = settle_valid(
                    project.build_dir, record.person_id, stems, cache, record.doc.data, record.doc.source, before
                )
                result.settled[record.person_id] = settled
                result.removed += settled.removed
                row = index_row(project, record, as_of)
                row["incomplete"] = [
                    job.stem.as_posix() for job in jobs if job.record is record and job.extra.get("gates")
                ]
                cache.record_person(record.person_id, quick[record.person_id], stems, row)
            else:
                if not record.ok:  # keep the last good output, or withdraw it (packetgen/builder/withdraw.py)
                    settled = settle_failed(project.build_dir, record, cache, as_of, before)
                    result.settled[record.person_id] = settled
                    result.removed += settled.removed
                cache.forget_person(record.person_id)
            # An export under build/ goes once its consent may no longer cover it (builder/exports.py).
            result.removed += settle_exports(
                project.build_dir, record.person_id, record.doc.data, record.doc.source, record.ok, as_of
            )


def _init_part_worker(styles_dir: Path, styles_digest: str, want_pdf: bool, paper: str = "letter") -> None:
    """Once per worker process: its own PDF renderer (fonts and CSS set up once), used in-process."""
    global part_session
    die_with_parent()
    part_session = PdfSession(styles_dir, styles_digest, workers=1, paper=paper) if want_pdf else None


def _build_part(
    ctx: BuildContext, ids: list[str], sources: dict[str, str], quick: dict[str, str], jobs: dict[str, dict[str, Any]]
) -> tuple[BuildResult, dict[str, Any], dict[str, Any]]:
    """A worker's share: some whole people. Returns what it did and its cache entries."""
    cache = BuildCache(ctx.project.build_dir, {"schema": CACHE_SCHEMA, "jobs": jobs, "people": {}})
    from packetgen.builder.pool import slim

    result = BuildResult([])
    build_people(ctx, ids, sources, quick, cache, result, part_session, progress=False)
    result.people = [slim(record) for record in result.people]
    return result, cache.jobs, {pid: cache.people.get(pid) for pid in ids}


def largest_first(project: Project, ids: list[str]) -> list[str]:
    """``ids`` by the size of their profile, largest first (ties by id): a longer profile has more
    to lay out, so it is started early rather than left for last."""

    def size(person_id: str) -> int:
        try:
            return project.profile_path(person_id).stat().st_size
        except OSError:
            return 0

    return sorted(ids, key=lambda person_id: (-size(person_id), person_id))


def build_parallel(
    ctx: BuildContext,
    pending: list[str],
    sources: dict[str, str],
    quick: dict[str, str],
    cache: BuildCache,
    result: BuildResult,
    styles_digest: str,
    workers: int,
    progress: bool,
) -> None:
    """Spread whole people over worker processes, a few at a time so uneven sizes even out."""
    from concurrent.futures import Future, ProcessPoolExecutor

    from tqdm import tqdm

    from packetgen.builder.pdf_session import load_pdf_engine, pool_context
    from packetgen.builder.pool import PEOPLE_PER_TASK, run_recycled

    if "pdf" in ctx.formats:
        # A person's PDFs take about a second: one person per task, the biggest profiles first, so
        # the workers finish together instead of one waiting for the other's last few people.
        size, pending = 1, largest_first(ctx.project, pending)
    else:
        size = max(2, min(PEOPLE_PER_TASK, -(-len(pending) // (workers * 6))))
    chunks = [pending[i : i + size] for i in range(0, len(pending), size)]
    compile_all(environment(ctx.project.look))  # before the workers fork, so they inherit it
    if "pdf" in ctx.formats:
        load_pdf_engine()  # likewise

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers,
            mp_context=pool_context(),
            initializer=_init_part_worker,
            initargs=(ctx.project.styles_dir, styles_digest, "pdf" in ctx.formats, ctx.project.paper),
        )

    def submit(pool: ProcessPoolExecutor, chunk: list[str]) -> Future[Any]:
        mine = set(chunk)
        jobs = {stem: entry for stem, entry in cache.jobs.items() if stem.split("/", 1)[0] in mine}
        return pool.submit(_build_part, ctx, chunk, {p: sources[p] for p in chunk}, {p: quick[p] for p in chunk}, jobs)

    with tqdm(total=len(pending), unit="person", disable=not progress, leave=False) as bar:
        for future, chunk in run_recycled(chunks, workers, size, new_pool, submit):
            part, jobs, people = future.result()
            result.people += part.people
            result.written += part.written
            result.unchanged += part.unchanged
            result.rebuilt += part.rebuilt
            result.skipped += part.skipped
            result.incomplete += part.incomplete
            result.removed += part.removed
            result.settled.update(part.settled)
            # The worker's entries replace these people's: some may have been dropped (pruned).
            mine = set(chunk)
            for stem in [s for s in cache.jobs if s.split("/", 1)[0] in mine]:
                del cache.jobs[stem]
            cache.jobs.update(jobs)
            for pid, entry in people.items():
                if entry is None:
                    cache.forget_person(pid)
                else:
                    cache.people[pid] = entry
            bar.update(len(chunk))
