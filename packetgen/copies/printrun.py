"""Print runs: one print-ready PDF of every copy that needs replacing, and a summary of what it holds.

``plan_run`` picks the copies (stale or missing ones by default, every one with ``everything``),
grouped by person and place in profile order. ``write_run`` renders each group as a separator
sheet (where the copies go, what they replace, what changed since the copy there now, and to
destroy the old sheet) followed by each document, as many times as the place keeps copies, and
combines them into ``build/print/<run>.pdf`` (``pdfmerge``, tagged PDF/UA-1) next to
``build/print/<run>.json``, the run's summary, which ``packetgen copies confirm --run`` reads.

Documents are rendered by the build's own functions (history, version label, source fingerprint,
check code), so a printed sheet is the one ``packetgen build`` writes. The separator's "what
changed" lists come from ``copies.Current.changes_since``: the document's own view under today's
decisions, so they never name what that document's audience may not see. ``build/print/`` holds
what the separator sheets show (the places) and must be left alone by any pruning of build/.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from packetgen.builder.document import generated_at, printed_time, render_person_document
from packetgen.builder.jobs import Job, job_key, project_digests, with_history
from packetgen.builder.records import PersonRecord
from packetgen.copies.copies import PersonCopies, SlotState, history_of, person_copies
from packetgen.copies.pdfmerge import combine
from packetgen.model.copies import COPY_KINDS, CopyPlace
from packetgen.model.errors import Problem
from packetgen.pipeline.checkcode import check_code
from packetgen.pipeline.digest import tree_digest
from packetgen.pipeline.output import write_atomic, write_text
from packetgen.pipeline.pdf import PdfRenderer
from packetgen.pipeline.render import environment, render
from packetgen.project.folders import Project

PRINT_DIR = "print"
RUN_FORMAT = "packetgen-print-run"
MAX_CHANGES = 8
"""Changes listed per document on a separator sheet, so it stays one page."""


@dataclass(frozen=True)
class RunItem:
    """Copies of one document in one group."""

    state: SlotState
    changes: list[str] | None
    """What it shows differently from the copy there now; None when not on record or nothing is there."""

    @property
    def document(self) -> str:
        return self.state.document


@dataclass(frozen=True)
class RunGroup:
    record: PersonRecord
    place: CopyPlace
    items: list[RunItem]


@dataclass
class RunPlan:
    groups: list[RunGroup] = field(default_factory=list)
    not_printed: list[PersonRecord] = field(default_factory=list)
    """People whose records have errors: nothing of theirs is printed."""
    problems: list[Problem] = field(default_factory=list)
    """Damaged copies ledger lines (reported; the copies they hide count as stale)."""


def plan_run(
    project: Project,
    records: list[PersonRecord],
    as_of: dt.date,
    *,
    locations: tuple[str, ...] = (),
    everything: bool = False,
) -> RunPlan:
    """Which copies a run prints: per person and place, the stale ones (or all), nothing written."""
    plan = RunPlan()
    for record in records:
        if not record.ok:
            plan.not_printed.append(record)
            continue
        copies: PersonCopies = person_copies(project, record, as_of)
        plan.problems += copies.problems
        for place in record.profile.copies.places if record.profile and record.profile.copies else []:
            if locations and place.location not in locations:
                continue
            states = [s for s in copies.states if s.place is place and (everything or s.stale)]
            items = [
                RunItem(
                    s, None if s.placed is None else s.current.changes_since(s.placed.fingerprint) if s.stale else []
                )
                for s in states
            ]
            if items:
                plan.groups.append(RunGroup(record, place, items))
    return plan


def run_dir(project: Project) -> Path:
    return project.build_dir / PRINT_DIR


def next_run_id(project: Project, day: dt.date) -> str:
    """``2026-11-23-1``, ``2026-11-23-2`` ...: the day and the run's number that day."""
    taken = [
        int(p.stem.rsplit("-", 1)[1])
        for p in run_dir(project).glob(f"{day.isoformat()}-*.json")
        if p.stem.rsplit("-", 1)[1].isdigit()
    ]
    return f"{day.isoformat()}-{max(taken, default=0) + 1}"


def _pages(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return len(opened.pages)


def _item_context(item: RunItem) -> dict[str, Any]:
    state = item.state
    placed = state.placed
    changes = item.changes
    return {
        "document": item.document,
        "title": COPY_KINDS[item.document].title,
        "count": state.place.count,
        "label": state.current.label,
        "check": check_code(state.current.fingerprint),
        "replaces": None
        if placed is None
        else {"label": placed.label or str(placed.plan_version), "check": placed.check, "placed_on": placed.placed_on},
        "changes": None if changes is None else changes[:MAX_CHANGES],
        "more": max(0, len(changes or []) - MAX_CHANGES),
    }


@dataclass
class _Rendered:
    pdf: bytes
    pages: int
    source: str


def _render_documents(project: Project, plan: RunPlan, as_of: dt.date) -> dict[tuple[str, str], _Rendered]:
    """Each document of the run once, as the build makes it (history recorded, as a build would)."""
    env = environment(project.look)
    digests = project_digests(project, env)
    renderer = PdfRenderer(project.styles_dir, project.paper)
    stamp_time = printed_time(project)
    out: dict[tuple[str, str], _Rendered] = {}
    for group in plan.groups:
        record = group.record
        wanted = [item for item in group.items if (record.person_id, item.document) not in out]
        if not wanted:
            continue
        found = history_of(project, record, as_of, write=True)
        source = tree_digest(project.person_dir(record.person_id))
        for item in wanted:
            kind = COPY_KINDS[item.document]
            job = with_history(Job(record, kind, Path(record.person_id) / kind.name), found)
            stamp = {"fingerprint": job_key(job, digests, source, as_of)[:10], "generated": stamp_time}
            rendered = render_person_document(env, record, kind, as_of, stamp, job.extra)
            # The sheet must carry the code the ledger will record for it (one rule: checkcode).
            if rendered.manifest["check_code"] != check_code(item.state.current.fingerprint):
                raise RuntimeError(
                    f"{record.person_id}: the sheet's check code differs from the one the ledger "
                    "would record; nothing printed"
                )
            pdf = renderer.render(rendered.print_html, kind.stylesheets)  # no form fields on paper
            out[(record.person_id, item.document)] = _Rendered(pdf, _pages(pdf), stamp["fingerprint"])
    return out


def render_run(project: Project, plan: RunPlan, as_of: dt.date, run_id: str) -> tuple[bytes, dict[str, Any]]:
    """The run's PDF and its summary."""
    env = environment(project.look)
    renderer = PdfRenderer(project.styles_dir, project.paper)
    documents = _render_documents(project, plan, as_of)
    parts: list[bytes] = []
    bookmarks: list[tuple[str, int]] = []
    groups = []
    page = 0
    for number, group in enumerate(plan.groups, start=1):
        record, place = group.record, group.place
        assert record.profile is not None
        name = record.profile.identity.preferred_name
        html = render(
            env,
            "print_separator.html.j2",
            {
                "run_id": run_id,
                "sheet": number,
                "sheets": len(plan.groups),
                "name": name,
                "person_id": record.person_id,
                "fictional": record.profile.fictional,
                "place": place,
                "as_of": as_of,
                "items": [_item_context(item) for item in group.items],
                "stylesheets": [],
                "print_layout": True,
            },
        )
        separator = renderer.render(html)
        first = page
        bookmarks.append((f"{name} ({record.person_id}): {place.location}", page))
        parts.append(separator)
        page += _pages(separator)
        entries = []
        for item in group.items:
            made = documents[(record.person_id, item.document)]
            bookmarks.append((f"{COPY_KINDS[item.document].title} x{place.count}", page))
            parts += [made.pdf] * place.count
            page += made.pages * place.count
            current, placed = item.state.current, item.state.placed
            entries.append(
                {
                    "document": item.document,
                    "count": place.count,
                    "pages_each": made.pages,
                    "plan_version": current.plan_version,
                    "label": current.label,
                    "fingerprint": current.fingerprint,
                    "check": check_code(current.fingerprint),
                    "source": made.source,
                    "replaces": None
                    if placed is None
                    else {
                        "plan_version": placed.plan_version,
                        "label": placed.label,
                        "fingerprint": placed.fingerprint,
                        "check": placed.check,
                        "placed_on": placed.placed_on.isoformat(),
                    },
                }
            )
        groups.append(
            {
                "person": record.person_id,
                "location": place.location,
                "first_page": first + 1,
                "pages": page - first,
                "documents": entries,
            }
        )
    summary = {
        "format": RUN_FORMAT,
        "format_version": 1,
        "run": run_id,
        "as_of": as_of.isoformat(),
        "generated": generated_at().strftime("%Y-%m-%d %H:%M UTC"),
        "pdf": f"{run_id}.pdf",
        "pages": page,
        "groups": groups,
    }
    return combine(parts, f"Print run {run_id}", bookmarks), summary


def write_run(project: Project, plan: RunPlan, as_of: dt.date) -> tuple[str, Path, Path, dict[str, Any]]:
    """Render and write ``build/print/<run>.pdf`` and ``<run>.json`` (the PDF first: a summary never
    lists a PDF that is not there)."""
    run_id = next_run_id(project, as_of)
    pdf, summary = render_run(project, plan, as_of, run_id)
    pdf_path = run_dir(project) / f"{run_id}.pdf"
    summary_path = run_dir(project) / f"{run_id}.json"
    write_atomic(pdf_path, pdf)
    write_text(summary_path, json.dumps(summary, indent=2) + "\n")
    return run_id, pdf_path, summary_path, summary


def group_lines(plan: RunPlan, summary: dict[str, Any] | None = None) -> list[str]:
    """One line per group for the terminal: who, where, which documents, what they replace."""
    from packetgen.pipeline.render import long_date

    pages = {(g["person"], g["location"]): g for g in (summary or {}).get("groups", [])}
    lines = []
    for group in plan.groups:
        parts = []
        for item in group.items:
            placed = item.state.placed
            replaces = (
                f"replaces v{placed.label or placed.plan_version} placed {long_date(placed.placed_on)}"
                if placed
                else "none there yet"
            )
            parts.append(f"{COPY_KINDS[item.document].title.lower()} x{group.place.count} ({replaces})")
        where = pages.get((group.record.person_id, group.place.location))
        span = f" [pages {where['first_page']}-{where['first_page'] + where['pages'] - 1}]" if where else ""
        lines.append(f"  {group.record.person_id} {group.place.location}{span}: {'; '.join(parts)}")
    return lines
