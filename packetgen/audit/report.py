"""The audit written out: the trend chart (SVG) and the HTML and PDF report."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from packetgen import __version__
from packetgen.audit.checks import DEFAULT_TARGET_HOURS, REPEAT_EVENTS
from packetgen.audit.summary import Audit, MonthRow
from packetgen.builder.document import printed_time
from packetgen.pipeline.output import write_atomic, write_text
from packetgen.pipeline.pdf import PdfRenderer
from packetgen.pipeline.render import render
from packetgen.project.folders import Project


def trend_chart(rows: list[MonthRow], fonts_dir: Path, target_hours: float = DEFAULT_TARGET_HOURS) -> str:
    """Completeness and notification time per month as one SVG (matplotlib, text kept as text).

    The SVG is deterministic (fixed hash salt, no date) so an unchanged audit is byte-identical.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    for font in sorted(fonts_dir.glob("*.ttf")):
        font_manager.fontManager.addfont(str(font))
    months = [r.month for r in rows]
    style: dict[str, Any] = {
        "font.family": "Atkinson Hyperlegible",
        "font.size": 12,
        "svg.fonttype": "none",
        "svg.hashsalt": "packetgen",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with plt.rc_context(style):  # type: ignore[arg-type]
        # 7.5 in wide: the printed page width, so 12 pt text prints at 12 pt.
        figure, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.4))
        left.plot(months, [r.completeness * 100 for r in rows], marker="o", color="#1f4e79", linewidth=2)
        left.set_ylim(0, 105)
        left.set_title("Fields present (%)")
        hours = [(m, r.median_hours) for m, r in zip(months, rows, strict=True) if r.median_hours is not None]
        right.bar([m for m, _ in hours], [h for _, h in hours], color="#7a3b00")
        right.axhline(target_hours, color="#000000", linestyle="--", linewidth=1, label=f"target {target_hours:g} h")
        right.legend(frameon=False)
        right.set_title("Median hours to notify")
        for axis in (left, right):
            axis.tick_params(axis="x", labelrotation=30)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(figure)
    return buffer.getvalue()


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def write_audit(env: Environment, project: Project, audit: Audit, renderer: PdfRenderer | None = None) -> list[Path]:
    """build/audit/report.html, report.pdf and report.manifest.json."""
    from packetgen.drill.page import inline_stylesheet

    rows = audit.trend()
    context: dict[str, Any] = {
        "audit": audit,
        "repeated": audit.repeated_gaps(),
        "trend": rows,
        # An <img> of the SVG, not inline SVG: the browser and WeasyPrint draw it the same way, and
        # the table under it carries the same figures for screen readers.
        "chart": svg_data_uri(trend_chart(rows, project.styles_dir / "fonts", audit.target_hours)) if rows else None,
        "generated": printed_time(project),
        "stylesheet": None,
        "repeat_events": REPEAT_EVENTS,
        "consent_warning_days": project.config.settings.consent_warning_days,
    }
    folder = project.build_dir / "audit"
    html = render(env, "audit_report.html.j2", context | {"css": Markup(inline_stylesheet(project.styles_dir))})
    written = [folder / "report.html", folder / "report.pdf", folder / "report.manifest.json"]
    write_text(written[0], html)
    pdf_renderer = renderer or PdfRenderer(project.styles_dir, project.paper)
    write_atomic(written[1], pdf_renderer.render(render(env, "audit_report.html.j2", context | {"css": None})))
    manifest = {
        "document": "quality-audit",
        "packetgen_version": __version__,
        "audience": "internal-staff",
        "as_of": audit.as_of.isoformat(),
        "from": audit.start.isoformat() if audit.start else None,
        "to": audit.end.isoformat() if audit.end else None,
        "identified": audit.identified,
        "people_shown_as": "full name and id" if audit.identified else "id and initials",
        "sample": audit.sample,
        "seed": audit.seed,
        "population": audit.population,
        "events": [f"{e.person_id}/{e.event_id}" for e in audit.events],
        "free_text": "none: the audit shows ids, dates, types, counts and missing-field names only",
    }
    write_text(written[2], json.dumps(manifest, indent=2) + "\n")
    return written
