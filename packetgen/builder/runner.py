"""The build: load -> validate -> select -> derive -> render -> write, for every person.

Every person is loaded and validated before anything is written (as Pelican runs all context
phases before output), and a person with errors gets nothing written: their last good output
stays in ``build/``, except what ``packetgen/builder/withdraw.py`` withdraws. ``packetgen/builder/prune.py``
removes whatever this build would not produce (stale formats, twins, deleted events and people).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packetgen.builder.cache import CACHE_SCHEMA, BuildCache, clean_temp_files
from packetgen.builder.copies_index import ledger_digest
from packetgen.builder.document import (
    FORMATS,
    environment,
    generated_at,
    output_suffixes,
    printed_time,
)
from packetgen.builder.index import copy_assets, index_row, write_index
from packetgen.builder.jobs import (
    BuildResult,
    job_key,
    plan_jobs,
    project_digests,
    with_history,
)
from packetgen.builder.local import render_jobs as render_jobs_here
from packetgen.builder.prune import (
    describe,
    remove_absent_people,
    settle_drills,
    settle_failed,
    settle_valid,
    stems_by_person,
)
from packetgen.builder.records import load_person
from packetgen.builder.shard import Shard, load_cache, select_people
from packetgen.pipeline.digest import combine, tree_digest
from packetgen.pipeline.history import forget_removed
from packetgen.pipeline.pdf import PdfSession, die_with_parent
from packetgen.pipeline.revisions import record_history
from packetgen.project.folders import Project

log = logging.getLogger(__name__)


def _no_tqdm_monitor() -> None:
    """tqdm's monitor thread would make later worker pools avoid plain fork (see ``pool_context``)."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0


_no_tqdm_monitor()


PARALLEL_PEOPLE = 8


"""From this many people to (re)build, whole people go to worker processes: loading, HTML and PDF
all run in parallel. Fewer (a save under watch) stay here, with only their PDFs in the pool."""


@dataclass(frozen=True)
class _Context:
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


def build(project: Project, *, people: list[str] | None = None, formats: tuple[str, ...] = FORMATS,
          as_of: dt.date | None = None, large_print: bool = False, force: bool = False, progress: bool = False,
          pdf: PdfSession | None = None, workers: int | None = None, shard: Shard | None = None,
          index_only: bool = False, dask: str | None = None) -> BuildResult:
    """Build the documents whose inputs changed, remove what the build would not produce, write the index.

    ``large_print`` adds the 18 pt responder packet and crisis plan for readers with low vision;
    ``force`` rebuilds everything; ``progress`` shows a bar on a terminal; ``pdf`` is a session
    kept by the caller (watch) so fonts, CSS and worker processes outlive one build; ``workers``
    caps the worker processes (default: one per core). ``shard`` builds only that shard's people and
    leaves the index to a later ``index_only`` build (``packetgen/builder/shard.py``); ``dask`` is the address
    of a Dask scheduler to render on (``packetgen/builder/dask_runner.py``)."""
    import os

    as_of = as_of or dt.date.today()
    large_print = large_print or project.config.settings.documents.large_print
    moment = generated_at()
    ctx = _Context(project, formats, output_suffixes(formats), as_of, force, moment.strftime("%Y-%m-%d %H:%M UTC"),
                   printed_time(project, moment), large_print)
    clean_temp_files(project.build_dir)
    cache = load_cache(project.build_dir, shard)
    # Someone removed from people/ keeps nothing at rest (their old documents are another matter).
    everyone = set(project.person_ids())
    forget_removed(project.build_dir, everyone)
    cache.forget_people_except(everyone)
    env = environment(project.look)
    digests = project_digests(project, env)

    def quick_key(pid: str, source: str | None = None) -> str:
        """Everything about one person's documents, cheap to compute without parsing the profile."""
        source = source or tree_digest(project.person_dir(pid))
        return combine(digests.code, digests.templates, digests.styles, source, as_of.isoformat(),
                       ",".join(ctx.suffixes), f"large_print={large_print}", ledger_digest(project, pid))

    ids = [] if index_only else select_people(list(people) if people else project.person_ids(), shard)
    sources = {pid: tree_digest(project.person_dir(pid)) for pid in ids}
    quick = {pid: quick_key(pid, sources[pid]) for pid in ids}
    rows: dict[str, dict[str, Any]] = {}
    result = BuildResult([])
    pending = []
    for pid in ids:
        row = None if force else cache.person_fresh(pid, quick[pid], ctx.suffixes)
        if row is None:
            pending.append(pid)
            continue
        rows[pid] = row
        result.up_to_date.append(pid)
        result.skipped += cache.people[pid]["jobs"]
        result.incomplete += [Path(stem) for stem in row.get("incomplete", [])]
    copy_assets(project, result)

    workers = workers or len(os.sched_getaffinity(0))
    try:
        if dask is not None:
            from packetgen.builder.dask_runner import build_on_dask

            build_on_dask(ctx, pending, sources, quick, cache, result, dask, digests.styles, progress)
        elif len(pending) >= PARALLEL_PEOPLE and workers > 1:
            _build_parallel(ctx, pending, sources, quick, cache, result, digests.styles, workers, progress)
        else:
            session = (pdf if pdf is not None and pdf.styles_digest == digests.styles and pdf.paper == project.paper
                       else None)
            own_session = session is None and "pdf" in formats
            if own_session:
                session = PdfSession(project.styles_dir, digests.styles, workers, project.paper)
            try:
                _build_people(ctx, pending, sources, quick, cache, result, session, progress)
            finally:
                if own_session and session is not None:
                    session.close()
    finally:
        cache.save()
    removed = settle_drills(project.build_dir, [r.person_id for r in result.people], cache)
    if shard is None:  # project-wide: a shard leaves them to the index-only build
        result.removed_people, absent = remove_absent_people(project.build_dir, project.person_ids(), cache)
        removed = absent + removed
    result.removed += removed
    for record in result.failed:
        log.info("%s: not built, %d problem(s); %s", record.person_id,
                 sum(p.severity == "error" for p in record.problems), describe(result.settled[record.person_id]))
    rows |= {record.person_id: cache.people[record.person_id]["row"] if record.person_id in cache.people
             else index_row(project, record, as_of) for record in result.people}
    if shard is None:
        write_index(project, env, digests, cache, rows, result, as_of, ctx.printed_time, quick_key, ctx.suffixes)
    cache.save()
    return result


def _build_people(ctx: _Context, ids: list[str], sources: dict[str, str], quick: dict[str, str], cache: BuildCache,
                  result: BuildResult, session: PdfSession | None, progress: bool,
                  render_jobs: Callable[..., None] | None = None) -> None:
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
            histories[record.person_id] = record_history(project.build_dir, record.person_id, record.profile,
                                                         kinds, as_of, ctx.stamp_time)
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
        (render_jobs or render_jobs_here)(project, env, todo, ctx.formats, ctx.suffixes, as_of, ctx.printed_time,
                                      session, cache, result, progress)
    finally:
        cached = stems_by_person(cache)
        for record in records:
            stems = [job.stem.as_posix() for job in jobs if job.record is record]
            # Only a person whose every document is now built from these inputs may take the fast
            # path next time; after a failed render, their documents are checked one by one again.
            before = cached.get(record.person_id, [])
            if record.ok and all(cache.jobs.get(stem, {}).get("key") == keys[stem] for stem in stems):
                # Then remove what this build would not produce (stale formats, twins, old events).
                settled = settle_valid(project.build_dir, record.person_id, stems, cache, record.doc.data,
                                       record.doc.source, before)
                result.settled[record.person_id] = settled
                result.removed += settled.removed
                row = index_row(project, record, as_of)
                row["incomplete"] = [job.stem.as_posix() for job in jobs
                                     if job.record is record and job.extra.get("gates")]
                cache.record_person(record.person_id, quick[record.person_id], stems, row)
            else:
                if not record.ok:  # keep the last good output, or withdraw it (packetgen/builder/withdraw.py)
                    settled = settle_failed(project.build_dir, record, cache, as_of, before)
                    result.settled[record.person_id] = settled
                    result.removed += settled.removed
                cache.forget_person(record.person_id)


_part_session: PdfSession | None = None


def _init_part_worker(styles_dir: Path, styles_digest: str, want_pdf: bool, paper: str = "letter") -> None:
    """Once per worker process: its own PDF renderer (fonts and CSS set up once), used in-process."""
    global _part_session
    die_with_parent()
    _part_session = PdfSession(styles_dir, styles_digest, workers=1, paper=paper) if want_pdf else None


def _build_part(ctx: _Context, ids: list[str], sources: dict[str, str], quick: dict[str, str],
                jobs: dict[str, dict[str, Any]]) -> tuple[BuildResult, dict[str, Any], dict[str, Any]]:
    """A worker's share: some whole people. Returns what it did and its cache entries."""
    cache = BuildCache(ctx.project.build_dir, {"schema": CACHE_SCHEMA, "jobs": jobs, "people": {}})
    from packetgen.builder.pool import slim

    result = BuildResult([])
    _build_people(ctx, ids, sources, quick, cache, result, _part_session, progress=False)
    result.people = [slim(record) for record in result.people]
    return result, cache.jobs, {pid: cache.people.get(pid) for pid in ids}


def _build_parallel(ctx: _Context, pending: list[str], sources: dict[str, str], quick: dict[str, str],
                    cache: BuildCache, result: BuildResult, styles_digest: str, workers: int, progress: bool) -> None:
    """Spread whole people over worker processes, a few at a time so uneven sizes even out."""
    from concurrent.futures import Future, ProcessPoolExecutor

    from tqdm import tqdm

    from packetgen.builder.pool import PEOPLE_PER_TASK, run_recycled
    from packetgen.pipeline.pdf import pool_context

    size = max(2, min(PEOPLE_PER_TASK, -(-len(pending) // (workers * 6))))
    chunks = [pending[i:i + size] for i in range(0, len(pending), size)]

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=pool_context(), initializer=_init_part_worker,
                                   initargs=(ctx.project.styles_dir, styles_digest, "pdf" in ctx.formats,
                                             ctx.project.paper))

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


