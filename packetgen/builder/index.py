"""The project-wide pages, written last: the index of people and documents, and the shared assets."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from jinja2 import Environment

from packetgen.builder.cache import BuildCache, Digests
from packetgen.builder.copies_index import index_counts
from packetgen.builder.document import photo_data_uri
from packetgen.builder.jobs import BuildResult
from packetgen.builder.prune import (
    formats_on_disk,
    withdrawn,
)
from packetgen.builder.records import PersonRecord, derive_events, load_person
from packetgen.model.documents import ALL_DOCUMENTS, BY_NAME, STYLESHEET
from packetgen.pipeline.digest import combine, data_digest
from packetgen.pipeline.gates import event_documents
from packetgen.pipeline.history import last_version
from packetgen.pipeline.output import write_atomic, write_text
from packetgen.pipeline.render import render
from packetgen.project.folders import Project

log = logging.getLogger(__name__)


def copy_assets(project: Project, result: BuildResult) -> None:
    """Screen HTML links the shared stylesheets and the shipped fonts, copied next to it."""
    assets = project.build_dir / "assets"
    for source in [*sorted(project.styles_dir.glob("*.css")), *sorted((project.styles_dir / "fonts").glob("*"))]:
        relative = source.relative_to(project.styles_dir)
        path = assets / relative
        (result.written if write_atomic(path, source.read_bytes()) else result.unchanged).append(path)


def index_row(project: Project, record: PersonRecord, as_of: dt.date) -> dict[str, Any]:
    """One person's line in build/index.html, as plain data (cached, so a no-op build need not load them)."""
    row: dict[str, Any] = {
        "id": record.person_id,
        "ok": record.ok,
        "errors": [str(p) for p in record.problems if p.severity == "error"],
        "documents": [
            {"name": k.name, "title": k.title, "formats": formats}
            for k in ALL_DOCUMENTS
            if (formats := formats_on_disk(project.build_dir, f"{record.person_id}/{k.name}"))
        ],
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
        "review": {
            "last_reviewed": review.last_reviewed.isoformat(),
            "next_review": review.next_review.isoformat(),
            "overdue": review.overdue,
        },
        "expiring": [
            {"id": c.id, "recipient": c.recipient, "expires": c.expires.isoformat()}
            for c in record.expiring_consents(as_of)
        ],
        "events": [
            {
                "id": facts.record.event_id,
                "when": facts.event.occurred_at.isoformat(),
                "type": facts.event.type,
                "incomplete": bool(facts.gates),
                "notification": facts.notification.state,
                "documents": [
                    {"name": name, "title": BY_NAME[name].title, "formats": formats}
                    for name in event_documents(facts.event)
                    if (
                        formats := formats_on_disk(
                            project.build_dir, f"{record.person_id}/events/{facts.record.event_id}/{name}"
                        )
                    )
                ],
            }
            for facts in (derive_events(record, as_of) if record.ok else [])
        ],
    }


def write_index(
    project: Project,
    env: Environment,
    digests: Digests,
    cache: BuildCache,
    rows: dict[str, dict[str, Any]],
    result: BuildResult,
    as_of: dt.date,
    stamp_time: str,
    quick: Callable[[str], str],
    suffixes: tuple[str, ...],
) -> None:
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
    html = render(
        env,
        "index.html.j2",
        {
            "rows": everyone,
            "as_of": as_of,
            "generated": stamp_time,
            "stylesheets": [f"assets/{STYLESHEET}"],
            "print_layout": False,
        },
    )
    (result.written if write_text(path, html, durable=False) else result.unchanged).append(path)
    cache.index = key
