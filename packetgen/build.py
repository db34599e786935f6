"""The build: load -> validate -> select -> derive -> render -> write, for every person.

Every person is loaded and validated before anything is written (as Pelican runs all context
phases before output), and a person with errors gets nothing written: their last good output
stays in ``build/``, except what ``packetgen/withdraw.py`` withdraws. ``packetgen/prune.py``
removes whatever this build would not produce (stale formats, twins, deleted events and people).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import __version__
from .cache import CACHE_SCHEMA, BuildCache, Digests, clean_temp_files, combine, data_digest, tree_digest
from .checkcode import check_code, content_fingerprint, visible_content
from .config import Settings, generated_text
from .copies_index import index_counts, ledger_digest
from .documents import ALL_DOCUMENTS, BY_NAME, LARGE_PRINT_OF, PERSON_DOCUMENTS, DocumentKind, large_print
from .errors import Problem, Severity, dotted
from .event_model import Event
from .history import forget_removed, last_version
from .load import Document, load_yaml
from .model import Consent, Profile
from .output import write_atomic, write_text
from .paginate import Plan, PrintSource, new_plan, ordered_medications
from .pdf import STYLESHEET, PdfSession, die_with_parent
from .person_files import Refused, read_person_file
from .project import Project
from .prune import (
    Settled,
    describe,
    formats_on_disk,
    remove_absent_people,
    settle_drills,
    settle_failed,
    settle_valid,
    stems_by_person,
    withdrawn,
)
from .render import Look, age_on, long_date, look_of, make_environment, render
from .revisions import PersonHistory, person_history, record_history, version_not_raised
from .rules import (
    EventPair,
    Gate,
    Notification,
    ReviewStatus,
    event_documents,
    event_gates,
    expiring_consents,
    gates_for,
    notification,
    review_status,
)
from .select import Selection, select, select_event
from .shard import Shard, load_cache, select_people
from .validate import validate_event, validate_profile

log = logging.getLogger(__name__)


def _no_tqdm_monitor() -> None:
    """tqdm's monitor thread would make later worker pools avoid plain fork (see ``pool_context``)."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0


_no_tqdm_monitor()

FORMATS = ("html", "pdf")


@dataclass
class EventRecord:
    """One event file: its id (the file name), the typed event (None if invalid) and its problems."""

    event_id: str
    path: Path
    event: Event | None
    problems: list[Problem]
    doc: Document


@dataclass
class PersonRecord:
    person_id: str
    path: Path
    profile: Profile | None
    problems: list[Problem]
    """Problems in the profile and in every event file."""
    doc: Document
    events: list[EventRecord] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    """The project's packetgen.yml: review interval, consent warning, and what documents show."""

    def review(self, as_of: dt.date) -> ReviewStatus:
        """The plan's review status under the project's review interval (valid profiles only)."""
        assert self.profile is not None
        return review_status(self.profile.plan, as_of, self.settings.review_months)

    def expiring_consents(self, as_of: dt.date) -> list[Consent]:
        """Consents lapsing within the project's warning window (valid profiles only)."""
        assert self.profile is not None
        return expiring_consents(self.profile, as_of, self.settings.consent_warning_days)

    @property
    def source(self) -> bytes:
        """Everything this person's documents are made from: the profile and every event file."""
        return self.doc.source + b"".join(e.event_id.encode() + e.doc.source for e in self.events)

    @property
    def ok(self) -> bool:
        """A person with an error in the profile or in any event is not built (rules need every event)."""
        return self.profile is not None and all(e.event is not None for e in self.events)

    @property
    def event_pairs(self) -> list[EventPair]:
        """Valid events as (id, event), oldest first: what the rules take."""
        pairs = [(e.event_id, e.event) for e in self.events if e.event is not None]
        return sorted(pairs, key=lambda pair: (pair[1].occurred_at, pair[0]))


def load_person(project: Project, person_id: str, *, as_of: dt.date) -> PersonRecord:
    """Load and validate one person's profile and events as of the build date (dates after it are errors)."""
    path = project.profile_path(person_id)
    doc = load_yaml(path, project.display(path))
    profile, problems = validate_profile(doc, path.parent, as_of)
    duplicates = project.duplicate_files(person_id)
    if duplicates:
        profile, problems = None, duplicates + problems
    events = []
    for event_path in project.event_paths(person_id):
        event_doc = load_yaml(event_path, project.display(event_path))
        event, event_problems = validate_event(event_doc, event_path.stem, as_of)
        events.append(EventRecord(event_path.stem, event_path, event, event_problems, event_doc))
        problems = problems + event_problems
    return PersonRecord(person_id, path, profile, problems, doc, events, project.config.settings)


@dataclass(frozen=True)
class EventFacts:
    """What the rules say about one event on a given day."""

    record: EventRecord
    event: Event
    notification: Notification
    gates: list[Gate]


def derive_events(record: PersonRecord, as_of: dt.date) -> list[EventFacts]:
    """Notification status and open gates for every valid event of one person, oldest first."""
    pairs = record.event_pairs
    by_id = {e.event_id: e for e in record.events}
    return [EventFacts(by_id[event_id], event, notification(pairs, event_id, as_of), event_gates(event, as_of))
            for event_id, event in pairs]


def gate_problems(record: PersonRecord, as_of: dt.date, severity: Severity = "error") -> list[Problem]:
    """Open gates as problems pointing at the event file and field, for `packetgen check`."""
    found = []
    for facts in derive_events(record, as_of):
        for gate in facts.gates:
            docs = ", ".join(gate.documents)
            found.append(Problem(facts.record.doc.path, facts.record.doc.line_of(gate.field), dotted(gate.field),
                                 f"INCOMPLETE {docs}: {gate.message}", severity))
    return found


def dated_warnings(record: PersonRecord, as_of: dt.date) -> list[Problem]:
    """Warnings that depend on the build date: consents about to lapse, reviews overdue."""
    if record.profile is None:
        return []
    found = []
    for consent in record.expiring_consents(as_of):
        index = record.profile.consents.index(consent)
        found.append(Problem(record.doc.path, record.doc.line_of(("consents", index)), f"consents[{index}]",
                             f"consent {consent.id} for {consent.recipient} expires on {consent.expires}: "
                             "renew it or plan for it to lapse", "warning"))
    review = record.review(as_of)
    if review.overdue:
        found.append(Problem(record.doc.path, record.doc.line_of(("plan", "last_reviewed")), "plan",
                             f"review overdue since {review.next_review}: review the plan and update "
                             "plan.last_reviewed", "warning"))
    for facts in derive_events(record, as_of) if record.ok else []:
        note = facts.notification
        if note.state == "overdue" and note.due_at is not None:
            found.append(Problem(facts.record.doc.path, facts.record.doc.line_of(("case_manager",)),
                                 "case_manager.notified_at",
                                 f"case manager notification overdue since {note.due_at:%Y-%m-%d %H:%M} "
                                 f"({'; '.join(t.reason for t in note.triggers)}): notify them and record "
                                 "case_manager.notified_at", "warning"))
    return found


def load_people(project: Project, only: Iterable[str] | None = None, *, as_of: dt.date) -> list[PersonRecord]:
    ids = list(only) if only else project.person_ids()
    return [load_person(project, person_id, as_of=as_of) for person_id in ids]


def printed_time(project: Project, moment: dt.datetime | None = None) -> str:
    """'generated' as documents print it: in the project's time zone (packetgen.yml)."""
    return generated_text(moment or generated_at(), project.config.settings.dates.time_zone)


def generated_at() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Rendered:
    kind: DocumentKind
    html: str
    print_html: str
    manifest: dict[str, Any]
    source: PrintSource | None = None
    """Renders the print HTML for any pagination plan (packets only): see paginate.py."""

    def plan(self) -> Plan | None:
        """A fresh page-1 plan for the PDF (nothing moved yet), for paginated documents."""
        return new_plan(self.source.context["view"], self.kind.large_print) if self.source is not None else None


def render_person_document(
    env: Environment, record: PersonRecord, kind: DocumentKind, as_of: dt.date, stamp: dict[str, str],
    extra: dict[str, Any] | None = None, *, want_print: bool = True,
) -> Rendered:
    """Render one document for one valid person, as screen HTML, print HTML and a manifest."""
    profile = record.profile
    assert profile is not None
    selection = select(profile, kind.audience, kind.sections, as_of)
    review = record.review(as_of)
    label = (extra or {}).get("version_label") or str(profile.plan.version)
    photo = photo_data_uri(record)
    # The check code printed next to the version: from what this sheet shows (packetgen/checkcode.py).
    stamp = {**stamp, "check": check_code(content_fingerprint(
        record.person_id, kind.name, visible_content(profile, kind, as_of), photo, extra))}
    context: dict[str, Any] = {
        "view": selection.view | {"version_label": label},
        "kind": kind,
        "audience": selection.audience,
        "review": review,
        "as_of": as_of,
        "stamp": stamp,
        "photo": photo,
        "critical": kind.critical,
        **(extra or {}),
    }
    context["meds"] = ordered_medications(selection.view["medications"])
    context["plan"] = new_plan(selection.view, kind.large_print)
    # Screen HTML links the same stylesheets the PDF is made with (its @media print rules are the
    # PDF's), relative to where the page sits (event forms are deeper); the print HTML links none
    # because WeasyPrint gets them parsed once, from styles/.
    assets = context.get("assets", "../assets")
    stylesheets = [f"{assets}/{name}" for name in (STYLESHEET, *kind.stylesheets)]
    html = render(env, kind.template, {**context, "stylesheets": stylesheets, "print_layout": False})
    print_context = {**context, "stylesheets": [], "print_layout": True}
    source = PrintSource(look_of(env), kind.template, print_context) if kind.paginated else None
    print_html = (render(env, kind.template, print_context) if want_print else "")
    facts = manifest(record, kind, selection, review, as_of, stamp, label) | context.get("manifest_extra", {})
    return Rendered(kind, html, print_html, facts, source)


def photo_data_uri(record: PersonRecord) -> str | None:
    """The photo as a data: URI, so the HTML is one self-contained file and the PDF reads no file.

    Read through the same confinement rule validation used (``person_files``), so a file swapped
    for something else after validation is refused here too; the document then says "No photo on
    file", and the next build (the file changed, so the person is rebuilt) reports the error."""
    assert record.profile is not None
    name = record.profile.identity.photo
    if not name:
        return None
    try:
        return read_person_file(record.path.parent, name).data_uri()
    except Refused as refused:
        log.warning("%s: identity.photo: %s", record.person_id, refused)
        return None


MANIFEST_NOTE = ("A section or contact this audience does not get reads 'not shared with <audience>' whether "
                 "or not the profile has it; contacts not shared are left out and not counted.")


def manifest(record: PersonRecord, kind: DocumentKind, selection: Selection, review: ReviewStatus,
             as_of: dt.date, stamp: dict[str, str], version_label: str) -> dict[str, Any]:
    """The proof of what this document shows and withholds, and why (in words that do not tell
    whether a withheld section exists: see ``select.not_shared``)."""
    assert record.profile is not None
    return {
        "document": kind.name,
        "person": record.person_id,
        "packetgen_version": __version__,
        "audience": selection.audience.key,
        "as_of": as_of.isoformat(),
        "plan_version": record.profile.plan.version,
        "plan_version_label": version_label,
        "fingerprint": stamp["fingerprint"],
        "check_code": stamp.get("check"),
        "note": MANIFEST_NOTE,
        "sections": [
            {"section": d.section, "sharing": d.sharing, "included": d.included, "reason": d.reason,
             "consent": d.consent_id}
            for d in selection.decisions
        ],
    }


@dataclass
class BuildResult:
    people: list[PersonRecord]
    """People loaded and validated in this build (valid or not)."""
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    incomplete: list[Path] = field(default_factory=list)
    """Documents built with an INCOMPLETE banner (output stems, relative to the build folder)."""
    rebuilt: list[str] = field(default_factory=list)
    """Job stems rendered in this build."""
    skipped: list[str] = field(default_factory=list)
    """Job stems not rendered because their inputs had not changed."""
    up_to_date: list[str] = field(default_factory=list)
    """People not even loaded: nothing they are made from changed since the last build."""
    removed: list[Path] = field(default_factory=list)
    """Files removed: stale siblings, withdrawn documents, people and events no longer in people/."""
    settled: dict[str, Settled] = field(default_factory=dict)
    """What happened to the existing output of each person loaded (``packetgen/prune.py``)."""
    removed_people: list[str] = field(default_factory=list)
    """People whose output was removed because they are no longer in people/."""

    @property
    def problems(self) -> list[Problem]:
        return [p for record in self.people for p in record.problems]

    @property
    def failed(self) -> list[PersonRecord]:
        return [r for r in self.people if not r.ok]


@dataclass(frozen=True)
class Job:
    """One document to produce: for whom, which kind, where it goes, and any extra template data
    (an event, say). The build is a list of jobs, so new document kinds only add jobs."""

    record: PersonRecord
    kind: DocumentKind
    stem: Path
    """Output path relative to the build folder, without suffix: ``rosa-m/responder-packet``."""
    extra: dict[str, Any] = field(default_factory=dict)


def plan_jobs(records: list[PersonRecord], as_of: dt.date | None = None, *, large_print: bool = False) -> list[Job]:
    """Every document to build for the valid people (event documents depend on the date)."""
    as_of = as_of or dt.date.today()
    jobs = [Job(r, kind, Path(r.person_id) / kind.name) for r in records if r.ok for kind in PERSON_DOCUMENTS
            if kind.name not in r.settings.documents.skip]
    if large_print:
        jobs += large_print_jobs(jobs)
    return jobs + [job for r in records if r.ok for job in plan_event_jobs(r, as_of)]


def large_print_jobs(jobs: list[Job]) -> list[Job]:
    """An 18 pt twin (``<document>-large-print``) of each responder packet and crisis plan job."""
    twins = []
    for job in jobs:
        if job.kind.name in LARGE_PRINT_OF:
            kind = large_print(job.kind)
            twins.append(Job(job.record, kind, job.stem.with_name(kind.name), job.extra))
    return twins


def plan_event_jobs(record: PersonRecord, as_of: dt.date) -> list[Job]:
    """Coordination documents for each event: build/<id>/events/<event-id>/<document>.

    The event reaches the template already filtered for the document's audience, with the rule
    results (notification, the gates that block this document) alongside.
    """
    jobs = []
    for facts in derive_events(record, as_of):
        for name in event_documents(facts.event):
            kind = BY_NAME[name]
            view, decisions = select_event(facts.event, kind.audience)
            gates = gates_for(facts.gates, name)
            extra = {
                "event": view,
                "event_id": facts.record.event_id,
                "notification": facts.notification,
                "gates": gates,
                "assets": "../../../assets",
                "manifest_extra": {
                    "event": facts.record.event_id,
                    "event_fields": [{"section": d.section, "sharing": d.sharing, "included": d.included,
                                      "reason": d.reason} for d in decisions],
                    "incomplete": [g.message for g in gates],
                },
            }
            jobs.append(Job(record, kind, Path(record.person_id) / "events" / facts.record.event_id / name, extra))
    return jobs


def output_path(build_dir: Path, stem: Path | str, suffix: str) -> Path:
    """``stem`` plus a suffix (not ``with_suffix``: a stem may contain dots, e.g. an event date)."""
    target = build_dir / stem
    return target.parent / f"{target.name}{suffix}"


def output_suffixes(formats: tuple[str, ...]) -> tuple[str, ...]:
    return (".manifest.json", *(f".{fmt}" for fmt in FORMATS if fmt in formats))


def dated_state(job: Job, as_of: dt.date) -> dict[str, Any]:
    """What the build date decides for a document: consent decisions, review status, age.

    Part of every job's cache key, so a consent that lapses or a review that falls overdue
    rebuilds the document even though no file changed. A template that prints something else
    that depends on the date must add it here."""
    profile = job.record.profile
    assert profile is not None
    selection = select(profile, job.kind.audience, job.kind.sections, as_of)
    review = job.record.review(as_of)
    return {
        "decisions": [(d.section, d.included, d.reason) for d in selection.decisions],
        "review": (review.next_review.isoformat(), review.overdue),
        "age": age_on(profile.identity.date_of_birth, as_of),
    }


def job_key(job: Job, digests: Digests, source: str, as_of: dt.date) -> str:
    """Hash of everything ``job`` is made from (see ``packetgen/cache.py``)."""
    return combine(digests.environment(job.kind.template), source, data_digest(job.extra),
                   data_digest(dated_state(job, as_of)))


def document_fingerprint(project: Project, job: Job, as_of: dt.date) -> str:
    """The source fingerprint a build prints in this document's footer (the first 10 characters of
    its cache key), so a drill or a supervisor can match a paper copy to its inputs."""
    digests = project_digests(project)
    return job_key(job, digests, tree_digest(project.person_dir(job.record.person_id)), as_of)[:10]


def project_digests(project: Project, env: Environment | None = None) -> Digests:
    """The hashes every document of ``project`` depends on: code, templates, styles, settings."""
    return Digests(env or environment(project.look), project.template_dirs, project.styles_dir,
                   project.config.digest)


def with_history(job: Job, found: PersonHistory) -> Job:
    """Add the document's version label, and "what changed since the last version" to documents that
    show it, both worked out from this document's own view of the revisions (``packetgen/versions.py``)."""
    return Job(job.record, job.kind, job.stem, {**job.extra, **found.extras(job.kind)})


def person_job(project: Project, record: PersonRecord, kind: DocumentKind, as_of: dt.date) -> Job:
    """One person document as the next build would make it, history included, without writing anything
    (for drills, which must print the same label and fingerprint as the built packet)."""
    assert record.profile is not None
    kinds = [job.kind for job in plan_jobs([record], as_of)]
    found = person_history(project.build_dir, record.person_id, record.profile, kinds, as_of,
                           generated_at().strftime("%Y-%m-%d %H:%M UTC"))
    return with_history(Job(record, kind, Path(record.person_id) / kind.name), found)


def version_warnings(project: Project, record: PersonRecord, as_of: dt.date) -> list[Problem]:
    """For ``check``: the documents changed since the plan version was first recorded, but
    ``plan.version`` did not (compared on what the documents show, so it names no content)."""
    if not record.ok or record.profile is None:
        return []
    kinds = [job.kind for job in plan_jobs([record], as_of)]
    found = person_history(project.build_dir, record.person_id, record.profile, kinds, as_of, "")
    first = version_not_raised(found)
    if first is None:
        return []
    version = record.profile.plan.version
    return [Problem(record.doc.path, record.doc.line_of(("plan", "version")), "plan.version",
                    f"the plan changed since version {version} was first recorded on "
                    f"{long_date(first.recorded[:10])}, but plan.version is still {version}: raise it "
                    f"(until then the documents print version {version} with an edit number)", "warning")]


_ENVIRONMENTS: dict[Look, Environment] = {}


def environment(look: Look | Path) -> Environment:
    """One Jinja environment per ``Look`` (templates folders and project settings) for the life of
    the process, so ``watch`` does not recompile every template on each save. Jinja re-reads a
    template whose file changed."""
    look = look if isinstance(look, Look) else Look((look,))
    if look not in _ENVIRONMENTS:
        _ENVIRONMENTS[look] = make_environment(look)
    return _ENVIRONMENTS[look]


PROGRESS_MIN = 6
"""A progress bar only for builds of more than a handful of documents."""


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
    leaves the index to a later ``index_only`` build (``packetgen/shard.py``); ``dask`` is the address
    of a Dask scheduler to render on (``packetgen/dask_runner.py``)."""
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
    _copy_assets(project, result)

    workers = workers or len(os.sched_getaffinity(0))
    try:
        if dask is not None:
            from .dask_runner import build_on_dask

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
        _write_index(project, env, digests, cache, rows, result, as_of, ctx.printed_time, quick_key, ctx.suffixes)
    cache.save()
    return result


def _build_people(ctx: _Context, ids: list[str], sources: dict[str, str], quick: dict[str, str], cache: BuildCache,
                  result: BuildResult, session: PdfSession | None, progress: bool,
                  render_jobs: Callable[..., None] | None = None) -> None:
    """Load, record history, plan, and render what changed for ``ids``; update ``cache`` and ``result``.

    ``render_jobs`` replaces ``_render_jobs`` (same arguments): ``packetgen/dask_runner.py``'s."""
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
        (render_jobs or _render_jobs)(project, env, todo, ctx.formats, ctx.suffixes, as_of, ctx.printed_time,
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
                if not record.ok:  # keep the last good output, or withdraw it (packetgen/withdraw.py)
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
    from .pool import slim

    result = BuildResult([])
    _build_people(ctx, ids, sources, quick, cache, result, _part_session, progress=False)
    result.people = [slim(record) for record in result.people]
    return result, cache.jobs, {pid: cache.people.get(pid) for pid in ids}


def _build_parallel(ctx: _Context, pending: list[str], sources: dict[str, str], quick: dict[str, str],
                    cache: BuildCache, result: BuildResult, styles_digest: str, workers: int, progress: bool) -> None:
    """Spread whole people over worker processes, a few at a time so uneven sizes even out."""
    from concurrent.futures import Future, ProcessPoolExecutor

    from tqdm import tqdm

    from .pdf import pool_context
    from .pool import PEOPLE_PER_TASK, run_recycled

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


def _render_jobs(project: Project, env: Environment, todo: list[tuple[Job, str]], formats: tuple[str, ...],
                 suffixes: tuple[str, ...], as_of: dt.date, stamp_time: str, session: PdfSession | None,
                 cache: BuildCache, result: BuildResult, progress: bool) -> None:
    """Render HTML here; PDFs here for one or two, else across the session's worker processes."""
    from concurrent.futures import Future, as_completed

    from tqdm import tqdm

    def wrote(path: Path, changed: bool) -> None:
        (result.written if changed else result.unchanged).append(path)

    def finish(stem: str, key: str, job_stem: Path, facts: dict[str, Any], changed: bool,
               layout: dict[str, Any]) -> None:
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
            doc = render_person_document(env, job.record, job.kind, as_of, stamp, job.extra,
                                         want_print=session is not None)
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


def write_page(project: Project, stem: Path, doc: Rendered, formats: tuple[str, ...], pdf_follows: bool,
               wrote: Callable[[Path, bool], None]) -> None:
    """Write a rendered document's HTML and, unless its PDF follows, its manifest (the manifest of
    a PDF waits for the layout facts: pages, what continued); ``wrote`` is told of each file."""
    outputs = [] if pdf_follows else [(".manifest.json", manifest_bytes(doc.manifest))]
    if "html" in formats:
        outputs.append((".html", doc.html.encode()))
    for suffix, data in outputs:
        path = output_path(project.build_dir, stem, suffix)
        wrote(path, write_atomic(path, data, durable=False))


def manifest_bytes(facts: dict[str, Any]) -> bytes:
    return json.dumps(facts, indent=2).encode() + b"\n"


def _copy_assets(project: Project, result: BuildResult) -> None:
    """Screen HTML links the shared stylesheets and the shipped fonts, copied next to it."""
    assets = project.build_dir / "assets"
    for source in [*sorted(project.styles_dir.glob("*.css")), *sorted((project.styles_dir / "fonts").glob("*"))]:
        relative = source.relative_to(project.styles_dir)
        path = assets / relative
        (result.written if write_atomic(path, source.read_bytes()) else result.unchanged).append(path)


def index_row(project: Project, record: PersonRecord, as_of: dt.date) -> dict[str, Any]:
    """One person's line in build/index.html, as plain data (cached, so a no-op build need not load them)."""
    row: dict[str, Any] = {
        "id": record.person_id, "ok": record.ok,
        "errors": [str(p) for p in record.problems if p.severity == "error"],
        "documents": [{"name": k.name, "title": k.title, "formats": formats} for k in ALL_DOCUMENTS
                      if (formats := formats_on_disk(project.build_dir, f"{record.person_id}/{k.name}"))],
    }
    profile = record.profile
    if profile is None or not record.ok:
        row["shown_version"] = last_version(project.build_dir, record.person_id)
        return row | {"events": []}
    review = record.review(as_of)
    return row | {
        "copy_counts": index_counts(project, record.person_id, profile, photo_data_uri(record), as_of),
        "name": profile.identity.preferred_name,
        "plan": {"version": profile.plan.version},
        "review": {"last_reviewed": review.last_reviewed.isoformat(), "next_review": review.next_review.isoformat(),
                   "overdue": review.overdue},
        "expiring": [{"id": c.id, "recipient": c.recipient, "expires": c.expires.isoformat()}
                     for c in record.expiring_consents(as_of)],
        "events": [
            {"id": facts.record.event_id, "when": facts.event.occurred_at.isoformat(), "type": facts.event.type,
             "incomplete": bool(facts.gates), "notification": facts.notification.state,
             "documents": [{"name": name, "title": BY_NAME[name].title, "formats": formats}
                           for name in event_documents(facts.event)
                           if (formats := formats_on_disk(project.build_dir, f"{record.person_id}/events/"
                                                          f"{facts.record.event_id}/{name}"))]}
            for facts in (derive_events(record, as_of) if record.ok else [])
        ],
    }


def _write_index(project: Project, env: Environment, digests: Digests, cache: BuildCache,
                 rows: dict[str, dict[str, Any]], result: BuildResult, as_of: dt.date, stamp_time: str,
                 quick: Callable[[str], str], suffixes: tuple[str, ...]) -> None:
    """build/index.html: everyone, their plan version and review dates, OVERDUE and problems."""
    everyone = []
    for pid in project.person_ids():
        if pid not in rows:
            # Someone this build did not touch: their cached line if still current, else load them.
            row = cache.person_fresh(pid, quick(pid), suffixes)
            rows[pid] = row if row is not None else index_row(project, load_person(project, pid, as_of=as_of), as_of)
        if not rows[pid]["ok"]:
            rows[pid] = rows[pid] | {"withdrawn": len(withdrawn(cache, pid))}
        everyone.append(rows[pid])
    path = project.build_dir / "index.html"
    key = combine(digests.code, digests.template("index.html.j2"), as_of.isoformat(), data_digest(everyone))
    if cache.index == key and path.is_file():
        result.unchanged.append(path)
        return
    html = render(env, "index.html.j2", {"rows": everyone, "as_of": as_of, "generated": stamp_time,
                                         "stylesheets": [f"assets/{STYLESHEET}"], "print_layout": False})
    (result.written if write_text(path, html, durable=False) else result.unchanged).append(path)
    cache.index = key
