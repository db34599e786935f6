"""The build: load -> validate -> select -> derive -> render -> write, for every person.

Every person is loaded and validated before anything is written (as Pelican runs all context
phases before output), and a person with errors gets nothing written: their last good output
stays in ``build/``, except what ``packetgen/builder/withdraw.py`` withdraws. ``packetgen/builder/prune.py``
removes whatever this build would not produce (stale formats, twins, deleted events and people).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from packetgen.builder.cache import clean_temp_files
from packetgen.builder.copies_index import ledger_digest
from packetgen.builder.document import FORMATS, generated_at, output_suffixes, printed_time
from packetgen.builder.index import copy_assets, index_row, write_index
from packetgen.builder.jobs import (
    BuildResult,
    project_digests,
)
from packetgen.builder.parts import PARALLEL_PEOPLE, BuildContext, build_parallel, build_people
from packetgen.builder.pdf_session import PdfSession
from packetgen.builder.prune import (
    describe,
    remove_absent_people,
    settle_drills,
)
from packetgen.builder.shard import Shard, load_cache, select_people
from packetgen.pipeline.digest import combine, tree_digest
from packetgen.pipeline.history import forget_removed
from packetgen.pipeline.render import environment
from packetgen.project.folders import Project

log = logging.getLogger(__name__)


def _no_tqdm_monitor() -> None:
    """tqdm's monitor thread would make later worker pools avoid plain fork (see ``pool_context``)."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0


_no_tqdm_monitor()


def build(
    project: Project,
    *,
    people: list[str] | None = None,
    formats: tuple[str, ...] = FORMATS,
    as_of: dt.date | None = None,
    large_print: bool = False,
    force: bool = False,
    progress: bool = False,
    pdf: PdfSession | None = None,
    workers: int | None = None,
    shard: Shard | None = None,
    index_only: bool = False,
    dask: str | None = None,
) -> BuildResult:
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
    ctx = BuildContext(
        project,
        formats,
        output_suffixes(formats),
        as_of,
        force,
        moment.strftime("%Y-%m-%d %H:%M UTC"),
        printed_time(project, moment),
        large_print,
    )
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
        return combine(
            digests.code,
            digests.templates,
            digests.styles,
            source,
            as_of.isoformat(),
            ",".join(ctx.suffixes),
            f"large_print={large_print}",
            ledger_digest(project, pid),
        )

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
            build_parallel(ctx, pending, sources, quick, cache, result, digests.styles, workers, progress)
        else:
            session = (
                pdf if pdf is not None and pdf.styles_digest == digests.styles and pdf.paper == project.paper else None
            )
            own_session = session is None and "pdf" in formats
            if own_session:
                session = PdfSession(project.styles_dir, digests.styles, workers, project.paper)
            try:
                build_people(ctx, pending, sources, quick, cache, result, session, progress)
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
        log.info(
            "%s: not built, %d problem(s); %s",
            record.person_id,
            sum(p.severity == "error" for p in record.problems),
            describe(result.settled[record.person_id]),
        )
    rows |= {
        record.person_id: cache.people[record.person_id]["row"]
        if record.person_id in cache.people
        else index_row(project, record, as_of)
        for record in result.people
    }
    if shard is None:
        write_index(project, env, digests, cache, rows, result, as_of, ctx.printed_time, quick_key, ctx.suffixes)
    cache.save()
    return result
