"""The PDF session of a build: WeasyPrint renderers in worker processes that live as long as the build
(fonts and stylesheets parsed once per worker), dying with their parent, writing each PDF atomically.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from packetgen.pipeline.paginate import Plan, PrintRenderer
    from packetgen.pipeline.pdf import PdfRenderer

log = logging.getLogger(__name__)


def die_with_parent() -> None:
    """Ask Linux to end this worker when the process that started it ends, however it ends.

    A build or watch stopped by a signal (SIGTERM from a service manager, SIGKILL) must not leave
    worker processes behind; the CLI turns SIGTERM into a clean shutdown, and this covers the rest.
    Elsewhere than Linux it does nothing."""
    import ctypes
    import os
    import signal

    # A forked worker inherits the CLI's "SIGTERM means shut down cleanly" handler; in a worker
    # that would only fail the current task. Here SIGTERM just ends the process.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent is already gone
        os._exit(1)


def load_pdf_engine() -> None:
    """Import the PDF engine (about 0.7 s) in this process. Commands that write no PDF (an index-only
    or no-op build, ``check``, ``--help``) never pay for it; a build that does calls this before it
    forks workers, so they inherit the engine instead of each importing it again."""
    import packetgen.pipeline.pdf  # noqa: F401


worker: PdfRenderer | None = None
"""This worker process's renderer (fonts and stylesheets parsed once), set by ``init_worker``."""


def init_worker(styles_dir: Path, paper: str = "letter") -> None:
    """Runs once in each pool process: fonts and CSS are set up once per worker, not per PDF."""
    from packetgen.pipeline.pdf import PdfRenderer

    global worker
    die_with_parent()
    worker = PdfRenderer(styles_dir, paper)


WARM_HTML = '<html lang="en"><body><h1>Ready</h1><p>Fonts <strong>and</strong> <em>styles</em></p></body></html>'
"""A worker's first render loads its fonts (about 0.08 s more than later ones): ``watch`` does it
with this before the first save."""


def _ready() -> bool:
    if worker is not None:
        worker.render(WARM_HTML)
    return worker is not None


def render_and_write(
    renderer: PdfRenderer,
    path: Path,
    html: str,
    stylesheets: tuple[str, ...] = (),
    forms: bool = False,
    source: PrintRenderer | None = None,
    plan: Plan | None = None,
) -> tuple[bool, dict[str, Any]]:
    """Render one PDF (paginated when a print source and plan are given) and write it atomically.
    Returns whether the file changed and the layout facts for the manifest (page count, what continued)."""
    from packetgen.pipeline.output import write_atomic

    data, facts = render_bytes(renderer, html, stylesheets, forms, source, plan)
    return write_atomic(path, data), facts


def render_bytes(
    renderer: PdfRenderer,
    html: str,
    stylesheets: tuple[str, ...] = (),
    forms: bool = False,
    source: PrintRenderer | None = None,
    plan: Plan | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """One PDF's bytes and its layout facts, written nowhere (a Dask worker returns them)."""
    if source is not None and plan is not None:
        return renderer.render_paginated(source, plan, stylesheets)
    document = renderer.layout(html, forms, stylesheets)
    return renderer.write(document, forms), {"pages": len(document.pages)}


def _render_to(
    path: Path,
    html: str,
    stylesheets: tuple[str, ...] = (),
    forms: bool = False,
    source: PrintRenderer | None = None,
    plan: Plan | None = None,
) -> tuple[bool, dict[str, Any]]:
    """Render in a worker and write the file there, so only a path, a flag and the facts cross processes."""
    assert worker is not None
    return render_and_write(worker, path, html, stylesheets, forms, source, plan)


def pool_context() -> BaseContext:
    """fork is cheapest, but forking a process that runs other threads (watch's observer) can copy a
    held lock into the child; then forkserver starts workers from a clean process instead."""
    import multiprocessing
    import threading

    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["packetgen.builder.runner", "packetgen.pipeline.pdf"])
    return context


class PdfSession:
    """Renders PDFs in this process (one or two documents) or in a process pool (more).

    ``watch`` keeps one session for its whole life, so a rebuild after a save pays neither the
    font set-up nor the pool start-up again. A styles change makes a new session
    (``styles_digest`` tells).
    """

    POOL_THRESHOLD = 3
    """From this many PDFs up, a pool pays for itself."""

    def __init__(
        self, styles_dir: Path, styles_digest: str = "", workers: int | None = None, paper: str = "letter"
    ) -> None:
        import os

        self.styles_dir = styles_dir
        self.paper = paper
        self.styles_digest = styles_digest
        self.workers = workers or len(os.sched_getaffinity(0))
        self._local: PdfRenderer | None = None
        self._pool: ProcessPoolExecutor | None = None

    @property
    def local(self) -> PdfRenderer:
        if self._local is None:
            from packetgen.pipeline.pdf import PdfRenderer

            self._local = PdfRenderer(self.styles_dir, self.paper)
        return self._local

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            load_pdf_engine()  # before the workers fork, so they inherit it
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=pool_context(),
                initializer=init_worker,
                initargs=(self.styles_dir, self.paper),
            )
        return self._pool

    def warm(self) -> None:
        """Start every worker (its renderer, and a first tiny render) now rather than on the first
        real document."""
        pool = self.pool()
        for future in [pool.submit(_ready) for _ in range(self.workers)]:
            future.result()

    def submit(
        self,
        path: Path,
        html: str,
        stylesheets: tuple[str, ...] = (),
        forms: bool = False,
        source: PrintRenderer | None = None,
        plan: Plan | None = None,
    ) -> Future[tuple[bool, dict[str, Any]]]:
        """Render and write one PDF in a worker process; the future gives (changed, layout facts)."""
        future: Future[tuple[bool, dict[str, Any]]] = self.pool().submit(
            _render_to, path, html, stylesheets, forms, source, plan
        )
        return future

    def use_pool(self, count: int) -> bool:
        return self.workers > 1 and count >= self.POOL_THRESHOLD

    def render_to(
        self,
        path: Path,
        html: str,
        stylesheets: tuple[str, ...] = (),
        forms: bool = False,
        source: PrintRenderer | None = None,
        plan: Plan | None = None,
    ) -> tuple[bool, dict[str, Any]]:
        return render_and_write(self.local, path, html, stylesheets, forms, source, plan)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
