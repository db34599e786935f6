"""What a build will make: one job per document of each person (and per event form), its cache key and
the fingerprint that decides whether it is a new version.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from packetgen.builder.cache import Digests
from packetgen.builder.document import generated_at
from packetgen.builder.prune import Settled
from packetgen.builder.records import PersonRecord, derive_events
from packetgen.model.documents import (
    BY_NAME,
    LARGE_PRINT_OF,
    PERSON_DOCUMENTS,
    DocumentKind,
    large_print,
)
from packetgen.model.errors import Problem
from packetgen.pipeline.digest import combine, data_digest, tree_digest
from packetgen.pipeline.gates import event_documents, gates_for
from packetgen.pipeline.render import age_on, environment, long_date
from packetgen.pipeline.revisions import PersonHistory, person_history, version_not_raised
from packetgen.pipeline.select import select, select_event
from packetgen.project.folders import Project

log = logging.getLogger(__name__)


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
    jobs = [
        Job(r, kind, Path(r.person_id) / kind.name)
        for r in records
        if r.ok
        for kind in PERSON_DOCUMENTS
        if kind.name not in r.settings.documents.skip
    ]
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
                    "event_fields": [
                        {"section": d.section, "sharing": d.sharing, "included": d.included, "reason": d.reason}
                        for d in decisions
                    ],
                    "incomplete": [g.message for g in gates],
                },
            }
            jobs.append(Job(record, kind, Path(record.person_id) / "events" / facts.record.event_id / name, extra))
    return jobs


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
    """Hash of everything ``job`` is made from (see ``packetgen/builder/cache.py``)."""
    return combine(
        digests.environment(job.kind.template), source, data_digest(job.extra), data_digest(dated_state(job, as_of))
    )


def document_fingerprint(project: Project, job: Job, as_of: dt.date) -> str:
    """The source fingerprint a build prints in this document's footer (the first 10 characters of
    its cache key), so a drill or a supervisor can match a paper copy to its inputs."""
    digests = project_digests(project)
    return job_key(job, digests, tree_digest(project.person_dir(job.record.person_id)), as_of)[:10]


def project_digests(project: Project, env: Environment | None = None) -> Digests:
    """The hashes every document of ``project`` depends on: code, templates, styles, settings."""
    return Digests(env or environment(project.look), project.template_dirs, project.styles_dir, project.config.digest)


def with_history(job: Job, found: PersonHistory) -> Job:
    """Add the document's version label, and "what changed since the last version" to documents that
    show it, both worked out from this document's own view of the revisions (``packetgen/pipeline/versions.py``)."""
    return Job(job.record, job.kind, job.stem, {**job.extra, **found.extras(job.kind)})


def person_job(project: Project, record: PersonRecord, kind: DocumentKind, as_of: dt.date) -> Job:
    """One person document as the next build would make it, history included, without writing anything
    (for drills, which must print the same label and fingerprint as the built packet)."""
    assert record.profile is not None
    kinds = [job.kind for job in plan_jobs([record], as_of)]
    found = person_history(
        project.build_dir, record.person_id, record.profile, kinds, as_of, generated_at().strftime("%Y-%m-%d %H:%M UTC")
    )
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
    return [
        Problem(
            record.doc.path,
            record.doc.line_of(("plan", "version")),
            "plan.version",
            f"the plan changed since version {version} was first recorded on "
            f"{long_date(first.recorded[:10])}, but plan.version is still {version}: raise it "
            f"(until then the documents print version {version} with an edit number)",
            "warning",
        )
    ]


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
    """What happened to the existing output of each person loaded (``packetgen/builder/prune.py``)."""
    removed_people: list[str] = field(default_factory=list)
    """People whose output was removed because they are no longer in people/."""

    @property
    def problems(self) -> list[Problem]:
        return [p for record in self.people for p in record.problems]

    @property
    def failed(self) -> list[PersonRecord]:
        return [r for r in self.people if not r.ok]
