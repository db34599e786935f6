"""The drill report: statistics per field, version and role, the trend chart, and the report page."""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from packetgen.builder.document import printed_time
from packetgen.drill.page import drills_dir, inline_stylesheet
from packetgen.drill.questions import BANK
from packetgen.drill.results import DrillRun
from packetgen.pipeline.output import write_atomic, write_text
from packetgen.pipeline.pdf import PdfRenderer
from packetgen.pipeline.render import render
from packetgen.project.folders import Project

log = logging.getLogger(__name__)


DEFAULT_TARGET_SECONDS = 10.0


FLAG_TEXT = "hard to find: consider moving up"


@dataclass(frozen=True)
class AnswerRow:
    drill_id: str
    person_id: str
    plan_version: int
    fingerprint: str
    role: str
    mode: str
    started_at: dt.datetime
    field: str
    ms: int
    correct: bool

    @property
    def packet_version(self) -> str:
        """A plan version plus the source fingerprint: a layout change shows even without a new plan."""
        return f"{self.person_id} v{self.plan_version} ({self.fingerprint})"


def answer_rows(runs: Iterable[DrillRun]) -> list[AnswerRow]:
    return [
        AnswerRow(
            r.drill_id,
            r.person_id,
            r.plan_version,
            r.fingerprint,
            r.participant_role,
            r.mode,
            r.started_at,
            a.field,
            a.ms,
            a.correct,
        )
        for r in runs
        for a in r.answers
    ]


@dataclass(frozen=True)
class Summary:
    """Time-to-find for one group. Times count right answers only: a wrong click found nothing."""

    key: tuple[str, ...]
    attempts: int
    right: int
    wrong: int
    median_ms: float | None
    worst_ms: int | None
    flagged: bool
    """Median over the target, or never found at all."""

    @property
    def median_s(self) -> float | None:
        return None if self.median_ms is None else self.median_ms / 1000

    @property
    def worst_s(self) -> float | None:
        return None if self.worst_ms is None else self.worst_ms / 1000


def summarize(
    rows: Iterable[AnswerRow], key: Callable[[AnswerRow], tuple[str, ...]], target_ms: float
) -> list[Summary]:
    """Median and worst time-to-find per group, in key order."""
    groups: dict[tuple[str, ...], list[AnswerRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    out = []
    for group_key in sorted(groups):
        group = groups[group_key]
        times = [r.ms for r in group if r.correct]
        median = statistics.median(times) if times else None
        out.append(
            Summary(
                group_key,
                len(group),
                len(times),
                len(group) - len(times),
                median,
                max(times) if times else None,
                median is None or median > target_ms,
            )
        )
    return out


def by_field(row: AnswerRow) -> tuple[str, ...]:
    return (row.field,)


def by_version(row: AnswerRow) -> tuple[str, ...]:
    return (row.packet_version,)


def by_role(row: AnswerRow) -> tuple[str, ...]:
    return (row.role,)


def by_version_and_field(row: AnswerRow) -> tuple[str, ...]:
    return (row.packet_version, row.field)


@dataclass(frozen=True)
class ChartRun:
    number: int
    label: str
    x: float
    median_y: float | None
    points: list[tuple[float, bool]]
    """(y, right?) for every answer in the run."""


def chart(
    runs: Sequence[DrillRun], target_ms: float, width: int = 640, height: int = 260, margin: int = 44
) -> dict[str, Any]:
    """Coordinates for the time-to-find chart (the template draws them as SVG): one column per
    drill in time order, a dot per answer, each person's drill medians joined by their own line
    (never one person's to another's), labelled with the person id, the target dashed."""
    ordered = sorted(runs, key=lambda r: (r.started_at, r.drill_id))
    top_ms = max([a.ms for r in ordered for a in r.answers] + [target_ms]) * 1.1 or 1.0
    plot_w, plot_h = width - 2 * margin, height - 2 * margin

    def y(ms: float) -> float:
        return round(margin + plot_h - plot_h * ms / top_ms, 1)

    step = plot_w / max(len(ordered), 1)
    columns = []
    for i, run in enumerate(ordered):
        right = [a.ms for a in run.answers if a.correct]
        columns.append(
            ChartRun(
                i + 1,
                f"{run.started_at:%Y-%m-%d} {run.person_id} v{run.plan_version} "
                f"({run.fingerprint}) {run.participant_role}",
                round(margin + step * (i + 0.5), 1),
                y(statistics.median(right)) if right else None,
                [(y(a.ms), a.correct) for a in run.answers],
            )
        )
    ticks = _ticks(top_ms / 1000)
    lines = []
    for person in dict.fromkeys(run.person_id for run in ordered):
        points = [
            (c.x, c.median_y)
            for c, run in zip(columns, ordered, strict=True)
            if run.person_id == person and c.median_y is not None
        ]
        if points:
            lines.append(
                {
                    "person": person,
                    "points": " ".join(f"{x},{y}" for x, y in points),
                    "label_x": points[-1][0] + 6,
                    "label_y": points[-1][1] - 6,
                }
            )
    return {
        "width": width,
        "height": height,
        "margin": margin,
        "runs": columns,
        "lines": lines,
        "target_y": y(target_ms),
        "target_s": target_ms / 1000,
        "ticks": [(t, y(t * 1000)) for t in ticks],
        "bottom": margin + plot_h,
        "right": width - margin,
        "legend_x": margin + 8,
        "legend_y": 14,
    }


def _ticks(top_s: float) -> list[float]:
    for step in (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300):
        if top_s / step <= 6:
            break
    count = int(top_s // step)
    return [round(step * i, 1) for i in range(count + 1)]


def report_context(runs: Sequence[DrillRun], target_seconds: float) -> dict[str, Any]:
    """Everything the report template shows, computed here so the template only lays it out."""
    target_ms = target_seconds * 1000
    rows = answer_rows(runs)
    fields = summarize(rows, by_field, target_ms)
    return {
        "target_s": target_seconds,
        "runs": len(runs),
        "answers": len(rows),
        "right": sum(r.correct for r in rows),
        "wrong": sum(not r.correct for r in rows),
        "fields": fields,
        "flagged": [s for s in fields if s.flagged],
        "versions": summarize(rows, by_version, target_ms),
        "version_fields": summarize(rows, by_version_and_field, target_ms),
        "roles": summarize(rows, by_role, target_ms),
        "chart": chart(runs, target_ms),
        "questions": BANK,
        "flag_text": FLAG_TEXT,
        "stylesheets": [],
    }


def render_report(
    env: Environment, project: Project, runs: Sequence[DrillRun], target_seconds: float, renderer: PdfRenderer | None
) -> tuple[str, bytes | None]:
    """The report as self-contained HTML and, given a renderer, as PDF."""
    context = report_context(runs, target_seconds) | {"generated": printed_time(project)}
    html = render(env, "drill_report.html.j2", context | {"css": Markup(inline_stylesheet(project.styles_dir))})
    pdf = renderer.render(render(env, "drill_report.html.j2", context | {"css": None})) if renderer else None
    return html, pdf


def write_report(env: Environment, project: Project, runs: Sequence[DrillRun], target_seconds: float) -> list[Path]:
    html, pdf = render_report(env, project, runs, target_seconds, PdfRenderer(project.styles_dir, project.paper))
    base = drills_dir(project) / "report"
    write_text(base.with_suffix(".html"), html)
    assert pdf is not None
    write_atomic(base.with_suffix(".pdf"), pdf)
    return [base.with_suffix(".html"), base.with_suffix(".pdf")]
