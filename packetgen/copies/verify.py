"""``packetgen verify CODE``: is the sheet in my hand current, and if not, what replaced it and when?

Every printed document carries a check code (``checkcode``). This looks it up: first among what
every document shows today (person documents and event forms), then among the sheets on record,
newest knowledge first: the copies ledgers, the print runs' summaries, then each document's own view
of the revision history. An old code found there is answered with the version that replaced it,
from the revision history when it reaches back, else the current version and its date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Literal

from packetgen.builder.document import photo_data_uri
from packetgen.builder.jobs import plan_event_jobs
from packetgen.builder.records import PersonRecord, load_people
from packetgen.copies.copies import Current, Version, current_versions, history_of
from packetgen.copies.printrun import RUN_FORMAT, run_dir
from packetgen.model.copies import COPY_KINDS, COPYABLE
from packetgen.pipeline.checkcode import check_code, content_fingerprint, visible_content
from packetgen.pipeline.render import long_date
from packetgen.project.folders import Project
from packetgen.project.ledger import read_ledger

State = Literal["current", "replaced", "unknown"]


@dataclass(frozen=True)
class Verdict:
    code: str
    state: State
    person_id: str | None = None
    document: str | None = None
    """A document kind name (an event form: ``<event-id>/<form>``)."""
    label: str | None = None
    """The plan version the sheet printed."""
    seen: str | None = None
    """Where an old code was found: "placed at go-bag on 20 Nov 2025", "printed in run 2026-11-23-1"."""
    current: Current | None = None
    replaced_by: Version | None = None
    unreadable: list[str] = field(default_factory=list)
    """People whose records have errors, so their sheets could not be checked."""


@dataclass(frozen=True)
class _Known:
    person_id: str
    document: str
    fingerprint: str
    label: str
    seen: str


def _runs(project: Project) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    out = []
    for path in sorted(run_dir(project).glob("*.json")) if run_dir(project).is_dir() else []:
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(summary, dict) and summary.get("format") == RUN_FORMAT:
            out.append((path.stem, summary))
    return out


def _known_sheets(
    project: Project, records: list[PersonRecord], currents: dict[str, dict[str, Current]]
) -> list[_Known]:
    """Every sheet on record that is not necessarily current, newest knowledge first."""
    known = []
    for record in records:
        placements, _ = read_ledger(project, record.person_id)
        known += [
            _Known(
                record.person_id,
                p.document,
                p.fingerprint,
                p.label or str(p.plan_version),
                f"placed at {p.location} on {long_date(p.placed_on)}",
            )
            for p in reversed(placements)
        ]
    for run_id, summary in reversed(_runs(project)):
        for group in summary.get("groups") or []:
            for entry in group.get("documents") or [] if isinstance(group, dict) else []:
                if (
                    isinstance(entry, dict)
                    and entry.get("document") in COPYABLE
                    and isinstance(entry.get("fingerprint"), str)
                ):
                    label = str(entry.get("label") or entry.get("plan_version"))
                    known.append(
                        _Known(
                            str(group.get("person")),
                            entry["document"],
                            entry["fingerprint"],
                            label,
                            f"printed in run {run_id}",
                        )
                    )
    for person_id, documents in currents.items():
        for name, current in documents.items():
            known += [
                _Known(person_id, name, v.fingerprint, str(v.plan_version), "in the revision history")
                for v in reversed(current.timeline[:-1])
            ]
    return known


def verify(project: Project, code: str, as_of: dt.date) -> Verdict:
    """Look ``code`` (already normalized, ``K7QX-M2PA``) up across everyone's sheets."""
    records = load_people(project, as_of=as_of)
    readable = [r for r in records if r.ok and r.profile is not None]
    unreadable = [r.person_id for r in records if r not in readable]
    currents: dict[str, dict[str, Current]] = {}
    for record in readable:
        assert record.profile is not None
        currents[record.person_id] = current_versions(
            project, record, as_of, list(COPYABLE), history_of(project, record, as_of)
        )
        for name, current in currents[record.person_id].items():
            if check_code(current.fingerprint) == code:
                return Verdict(code, "current", record.person_id, name, current.label, current=current)
        photo = photo_data_uri(record)
        for job in plan_event_jobs(record, as_of):
            fingerprint = content_fingerprint(
                record.person_id, job.kind.name, visible_content(record.profile, job.kind, as_of), photo, job.extra
            )
            if check_code(fingerprint) == code:
                return Verdict(
                    code,
                    "current",
                    record.person_id,
                    f"{job.extra['event_id']}/{job.kind.name}",
                    str(record.profile.plan.version),
                )
    for sheet in _known_sheets(project, readable, currents):
        if check_code(sheet.fingerprint) != code or sheet.person_id not in currents:
            continue
        current = currents[sheet.person_id][sheet.document]
        return Verdict(
            code,
            "replaced",
            sheet.person_id,
            sheet.document,
            sheet.label,
            sheet.seen,
            current,
            current.replaced(sheet.fingerprint),
        )
    return Verdict(code, "unknown", unreadable=unreadable)


def verdict_lines(verdict: Verdict) -> list[str]:
    """What ``packetgen verify`` prints."""
    code = verdict.code
    if verdict.state == "unknown":
        lines = [
            f"{code}: no sheet with this check code is on record here: check the 8 characters after "
            "'check' in the sheet's footer (O and 0, I and 1 read the same)"
        ]
        if verdict.unreadable:
            lines.append(f"not checked (records with errors, see `packetgen check`): {', '.join(verdict.unreadable)}")
        return lines
    title = COPY_KINDS[verdict.document].title.lower() if verdict.document in COPY_KINDS else verdict.document
    current = verdict.current
    if verdict.state == "current":
        since = f", showing the same since {long_date(current.since)}" if current else ""
        return [f"{code} is current: {verdict.person_id}, {title}, plan v{verdict.label}{since}"]
    assert current is not None
    lines = [f"{code} is NOT current: {verdict.person_id}, {title}, plan v{verdict.label} ({verdict.seen})"]
    if verdict.replaced_by is not None:
        lines.append(
            f"  replaced by plan v{verdict.replaced_by.plan_version} on "
            f"{long_date(verdict.replaced_by.recorded_on)}; current: plan v{current.label}, check "
            f"{check_code(current.fingerprint)}, since {long_date(current.since)}"
        )
    else:
        lines.append(
            f"  current: plan v{current.label}, check {check_code(current.fingerprint)}, since "
            f"{long_date(current.since)}"
        )
    lines.append(
        f"  destroy this sheet and put a current one in its place: packetgen print --person {verdict.person_id}"
    )
    return lines
