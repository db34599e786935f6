"""Watch mode: rebuild what a save changed, within a second, and never die on a bad file.

Modelled on MkDocs' livereload and on what its users complained about:

- the file-event callback only records paths (``ChangeQueue.add``); the loop rebuilds once events
  have stopped for ``quiet`` seconds (default 0.05: one editor save, rename dance included, arrives
  within a few milliseconds, and every extra millisecond is added to the save-to-PDF time), so an
  editor's burst of writes gives one rebuild; when the last event is a source file being closed
  after writing (inotify reports it), the save is complete and the rebuild starts at once;
- editors that save by writing a new file and renaming it (vim) report a move: both the source
  and the destination path count, and swap or backup files (``.swp``, ``~``, ``4913``) are ignored;
- ``poll=True`` uses watchdog's PollingObserver, for network and container mounts where inotify
  sees nothing;
- only people/, templates/ and styles/ are watched, and paths under the build folder are ignored,
  so writing output never triggers another rebuild;
- a rebuild that raises is reported and the loop carries on; an invalid profile keeps its last
  good output, except what may show more than consent or sharing now allows (see
  ``packetgen/builder/withdraw.py``), and the report says which.

A profile or event change rebuilds only that person; a template or style change runs a full
build in which the per-job cache keys (``packetgen/builder/cache.py``) rebuild exactly the documents that
use the changed file.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from packetgen.builder.document import FORMATS
from packetgen.builder.jobs import BuildResult
from packetgen.builder.pdf_session import PdfSession
from packetgen.builder.prune import describe
from packetgen.builder.runner import build
from packetgen.model.ids import is_person_id
from packetgen.pipeline.digest import is_source_file, tree_digest
from packetgen.pipeline.render import TemplateFault, compile_all, environment
from packetgen.project.config import CONFIG_NAME
from packetgen.project.folders import Project, open_project

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class ChangeQueue:
    """Paths changed since the last rebuild, and whether the burst of events is over.

    Thread-safe: the observer thread adds, the watch loop takes. ``clock`` is injectable so the
    debounce can be tested without sleeping."""

    def __init__(self, quiet: float = 0.05, max_wait: float = 2.0, clock: Clock = time.monotonic) -> None:
        self.quiet = quiet
        self.max_wait = max_wait
        """Rebuild anyway after this long, so a file written continuously still gets built."""
        self.clock = clock
        self._lock = threading.Lock()
        self._paths: set[Path] = set()
        self._first = 0.0
        self._last = 0.0
        self._finished = False

    def add(self, path: Path, finished: bool = False) -> None:
        """Record a changed path. ``finished``: the event says a writer closed the file (inotify's
        close-after-write), so the save is complete and there is no need to wait for quiet."""
        now = self.clock()
        with self._lock:
            if not self._paths:
                self._first = now
            self._paths.add(path)
            self._last = now
            self._finished = finished

    def ready(self) -> bool:
        now = self.clock()
        with self._lock:
            return bool(self._paths) and (
                self._finished or now - self._last >= self.quiet or now - self._first >= self.max_wait
            )

    def take(self) -> set[Path]:
        with self._lock:
            paths, self._paths = self._paths, set()
            return paths


class _Recorder(FileSystemEventHandler):
    """Records changed paths, nothing else: the rebuild happens in the watch loop."""

    def __init__(self, queue: ChangeQueue) -> None:
        self.queue = queue

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reading a file changes nothing
        if event.is_directory and event.event_type == "modified":
            return  # a folder's own timestamp: the files inside report their own changes
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(raw.decode() if isinstance(raw, bytes) else raw)
                # A source file closed after writing is a finished save: rebuild at once. Anything
                # else (a rename half-way through vim's dance, a swap file) waits for quiet.
                self.queue.add(path, finished=event.event_type == "closed" and is_source_file(path))


class Affected:
    """What a set of changed paths means for the build."""

    def __init__(self) -> None:
        self.people: set[str] = set()
        self.shared: set[str] = set()
        """Changed template or style files (relative names): everything is checked."""

    def __bool__(self) -> bool:
        return bool(self.people or self.shared)


def classify(project: Project, paths: set[Path]) -> Affected:
    """Map changed paths to the people or shared inputs they belong to; ignore everything else."""
    affected = Affected()
    build_dir = project.build_dir.resolve()
    people_dir = project.people_dir.resolve()
    shared = [folder.resolve() for folder in (*project.template_dirs, project.styles_dir)]
    settings = (project.root / CONFIG_NAME).resolve()
    for path in paths:
        path = path.resolve()
        if path == settings:
            affected.shared.add(CONFIG_NAME)
            continue
        if path.is_relative_to(build_dir) or not is_source_file(path):
            continue
        if path.is_relative_to(people_dir) and path != people_dir:
            name = path.relative_to(people_dir).parts[0]
            if is_person_id(name):  # a misnamed folder is never built (see Project.misnamed_folders)
                affected.people.add(name)
            continue
        for folder in shared:
            if path.is_relative_to(folder):
                affected.shared.add(f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return affected


class Watcher:
    """Owns the observer, the change queue and a PDF session that outlives single rebuilds."""

    def __init__(
        self,
        project: Project,
        *,
        report: Callable[[str], None],
        formats: tuple[str, ...] = FORMATS,
        as_of: dt.date | None = None,
        poll: bool = False,
        quiet: float = 0.05,
        workers: int | None = None,
        on_rebuilt: Callable[[BuildResult], None] | None = None,
        large_print: bool = False,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.project = project
        self.report = report
        self.formats = formats
        self.as_of = as_of
        self.queue = ChangeQueue(quiet)
        self.poll = poll
        self.workers = workers
        self.on_rebuilt = on_rebuilt
        self.large_print = large_print
        self.today = today
        """Without ``as_of``, each build uses this day; when it changes, everyone is rebuilt."""
        self.built_on: dt.date | None = None
        self.observer: BaseObserver | None = None
        self.session: PdfSession | None = None
        self.rebuilds = 0

    def folders(self) -> list[Path]:
        """Watched recursively; the project folder itself is watched for packetgen.yml only."""
        return [self.project.people_dir, *self.project.template_dirs, self.project.styles_dir]

    def start(self) -> None:
        """Start observing (people/ is created if missing, so a first profile is seen)."""
        self.project.people_dir.mkdir(parents=True, exist_ok=True)
        observer: BaseObserver = PollingObserver(timeout=0.5) if self.poll else Observer()
        handler = _Recorder(self.queue)
        for folder in self.folders():
            if folder.is_dir():
                observer.schedule(handler, str(folder), recursive=True)
        observer.schedule(handler, str(self.project.root), recursive=False)
        observer.start()
        self.observer = observer

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)
            self.observer = None
        if self.session is not None:
            self.session.close()
            self.session = None

    def pdf_session(self) -> PdfSession | None:
        """The long-lived PDF session, replaced when the styles change (it holds parsed CSS)."""
        if "pdf" not in self.formats:
            return None
        digest = tree_digest(self.project.styles_dir)
        if self.session is None or self.session.styles_digest != digest or self.session.paper != self.project.paper:
            if self.session is not None:
                self.session.close()
            self.session = PdfSession(self.project.styles_dir, digest, self.workers, self.project.paper)
        return self.session

    def warm_up(self) -> None:
        """Compile the templates and start the PDF workers now (they inherit the compiled
        templates), so the first save pays for neither."""
        compile_all(environment(self.project.look))
        session = self.pdf_session()
        if session is not None and session.workers > 1:
            session.warm()

    def build_all(self) -> BuildResult:
        return self._build(None, "everyone")

    def step(self) -> bool:
        """Rebuild if a burst of changes has ended. Returns True if it rebuilt."""
        if not self.queue.ready():
            return False
        affected = classify(self.project, self.queue.take())
        if not affected:
            return False
        if CONFIG_NAME in affected.shared and not self._reload_settings():
            return True
        if affected.shared:
            self._build(None, ", ".join(sorted(affected.shared)))
        else:
            existing = sorted(p for p in affected.people if self.project.profile_path(p).is_file())
            gone = affected.people - set(existing)
            # A removed person: a full (mostly cached) build takes them off the index.
            self._build(existing if existing and not gone else None, ", ".join(sorted(affected.people)))
        return True

    def _reload_settings(self) -> bool:
        """packetgen.yml changed: read it again. With errors, say so and keep the last good settings
        (and every document) until it is fixed; returns whether to rebuild."""
        project = open_project(self.project.root, self.project.build_dir)
        for problem in project.config.problems:
            self.report(str(problem))
        if any(p.severity == "error" for p in project.config.problems):
            self.report(f"not rebuilt: fix {CONFIG_NAME}; the documents stay as they were")
            return False
        self.project = project
        return True

    def new_day(self) -> bool:
        """Rebuild everyone when the date has changed since the last build (no ``as_of`` given), so
        a consent that lapses overnight is withdrawn and a review that falls due is marked without
        waiting for a save. Returns True if it rebuilt."""
        if self.as_of is not None or self.built_on is None or self.today() == self.built_on:
            return False
        self._build(None, f"everyone (the date is now {self.today().isoformat()})")
        return True

    def run(self, stop: threading.Event, step_seconds: float = 0.01) -> None:
        """The watch loop: wait for a quiet moment after changes, rebuild, repeat until ``stop``."""
        while not stop.wait(step_seconds):
            if not self.step():
                self.new_day()

    def _build(self, people: list[str] | None, what: str) -> BuildResult:
        started = time.perf_counter()
        day = self.as_of or self.today()
        try:
            result = build(
                self.project,
                people=people,
                formats=self.formats,
                as_of=day,
                large_print=self.large_print,
                pdf=self.pdf_session(),
                workers=self.workers,
            )
        except TemplateFault as exc:  # a template being edited: say where, keep watching
            self.report(f"{_now()} rebuild after {what} failed: {exc} (last good output kept; still watching)")
            return BuildResult([])
        except Exception as exc:  # a bug: show it as the CLI would, but never let it kill the watcher
            log.warning("rebuild after %s failed", what, exc_info=True)
            self.report(
                f"{_now()} rebuild after {what} failed: {type(exc).__name__}: {exc} "
                "(last good output kept; still watching)"
            )
            return BuildResult([])
        seconds = time.perf_counter() - started
        self.rebuilds += 1
        self.built_on = day
        for record in result.failed:
            settled = describe(result.settled[record.person_id])
            self.report(f"{_now()} {record.person_id}: source has errors, {settled}:")
            for problem in record.problems:
                if problem.severity == "error":
                    self.report(f"    {problem}")
        if result.removed_people:
            gone = ", ".join(result.removed_people)
            self.report(f"{_now()} removed the output of people no longer in people/: {gone}")
        if result.failed and not result.rebuilt:
            removed = f", {len(result.removed)} file(s) removed" if result.removed else ""
            self.report(f"{_now()} {what}: nothing rebuilt{removed} ({seconds:.2f} s)")
        else:
            self.report(
                f"{_now()} rebuilt {what}: {len(result.rebuilt)} documents "
                f"({len(result.skipped)} up to date) in {seconds:.2f} s"
            )
        if self.on_rebuilt is not None:
            self.on_rebuilt(result)
        return result


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")
