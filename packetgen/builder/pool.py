"""Worker processes whose memory stays flat however big the build.

A WeasyPrint worker grows with the documents it renders (font and layout caches), so a long build
on two workers used to pass 500 MiB. Here workers are recycled: the people go to worker pools one
generation at a time, each pool building about ``RECYCLE_AFTER_PEOPLE`` people per worker, then
ending its processes before a fresh pool takes the next generation.

Why not ``ProcessPoolExecutor(max_tasks_per_child=...)``: it refuses the plain fork start method
(workers would have to start from a forkserver or a new interpreter), and on Python 3.11 a pool
using it can wait forever for a replacement worker that never starts (seen here with a forkserver:
the build hung with no worker left). A new pool per generation keeps fork, costs one pool start
(a fork plus fonts and CSS set up again, well under a second) and, at the end of each generation,
a core idle while the last task finishes: about 2% of a long PDF build.

Tasks are one person each when PDFs are made (biggest profiles first, so the workers end
together: ``parts.largest_first``) and a few people each for HTML only. What comes back is kept
small (``slim``), so the main process never holds the whole roster either. ``builder/parts.py``
imports this module inside functions only (it imports ``builder/records``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from packetgen.builder.records import PersonRecord
from packetgen.pipeline.load import Document

T = TypeVar("T")

PEOPLE_PER_TASK = 6
"""People one task builds in an HTML-only build (a few milliseconds each): small enough that sizes
even out over the workers, big enough that a task's overhead (pickling) is noise. With PDFs a person
takes about a second, and a task is one person."""

RECYCLE_AFTER_PEOPLE = 60
"""A worker process ends after building about this many people (some 200 documents)."""


def generations(chunks: list[T], workers: int, people_per_chunk: int) -> list[list[T]]:
    """``chunks`` split into the share of each pool: ``RECYCLE_AFTER_PEOPLE`` people per worker."""
    per_pool = max(1, workers * RECYCLE_AFTER_PEOPLE // max(1, people_per_chunk))
    return [chunks[i : i + per_pool] for i in range(0, len(chunks), per_pool)]


def run_recycled(
    chunks: list[T],
    workers: int,
    people_per_chunk: int,
    make_pool: Callable[[], ProcessPoolExecutor],
    submit: Callable[[ProcessPoolExecutor, T], Future[Any]],
) -> Iterator[tuple[Future[Any], T]]:
    """Each chunk's finished future, in completion order, one pool per generation.

    Stopped early (an error, a signal, the caller leaving the loop): the chunks not started are
    dropped, and the pool is shut down before this returns."""
    for generation in generations(chunks, workers, people_per_chunk):
        pool = make_pool()
        try:
            futures = {submit(pool, chunk): chunk for chunk in generation}
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future, futures.pop(future)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class BuiltRecord(PersonRecord):
    """A person built in a worker, slimmed (``slim``): ``ok`` is remembered, not worked out again."""

    @property
    def ok(self) -> bool:
        return True


def slim(record: PersonRecord) -> PersonRecord:
    """What the main process still needs of a person a worker built: id, problems, whether they
    were built, and the photo name (``inventory.unread_files``); not the parsed profile, its source
    and line map. A person with errors comes back whole (index line, report)."""
    if not record.ok:
        return record
    data = record.doc.data
    identity = data.get("identity") if isinstance(data, dict) else None
    photo = identity.get("photo") if isinstance(identity, dict) else None
    doc = Document(record.doc.path, {"identity": {"photo": photo}} if photo else {}, {}, b"", record.doc.problems)
    return BuiltRecord(record.person_id, record.path, None, record.problems, doc)
