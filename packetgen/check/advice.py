"""`packetgen check`'s advice on a valid profile: suggestions and notes, never errors.

- a medication that looks high-alert (``high_alert.py``) but is not marked: a warning;
- a home_access value that looks like a door code (``eif_sections.py``): a warning;
- characters no installed font can print (``fonts.py``): a warning;
- a packet that runs past one page, and what continues where: a note. It comes from the last
  build's manifest when that manifest was made from exactly these inputs (same fingerprint), else
  from laying the packet out here (``paginate.py``), so a check after a build costs nothing extra.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any

from packetgen.check.eif_sections import door_code_warnings
from packetgen.check.high_alert import suggestions
from packetgen.model.errors import Problem
from packetgen.pipeline.fonts import coverage_warnings
from packetgen.pipeline.paginate import and_list

PACKETS = ("responder-packet", "mobile-crisis-packet")
"""The documents whose page 1 promise `check` reports on."""


def advice(project: Any, record: Any, as_of: dt.date, renderer: Any = None, layout: bool = True) -> list[Problem]:
    """Warnings and notes for one valid person (``record`` from ``build.load_person``); without
    ``layout`` (``check --quick``), no page-count notes, which lay out every packet."""
    if not record.ok or record.profile is None:
        return []
    found = suggestions(record.profile, record.doc)
    found += door_code_warnings(record)
    found += coverage_warnings(record.profile, record.doc, project.styles_dir / "fonts")
    return found + (page_notes(project, record, as_of, renderer) if layout else [])


def layout_facts(project: Any, record: Any, kind: Any, as_of: dt.date, renderer: Callable[[], Any]) -> dict[str, Any]:
    """Page count and what continued for one packet: from a current manifest, or laid out now
    (``renderer()`` is only called then, so a check after a build never starts the PDF engine)."""
    from packetgen.builder.document import render_person_document
    from packetgen.builder.jobs import document_fingerprint, person_job
    from packetgen.pipeline.render import environment

    job = person_job(project, record, kind, as_of)
    fingerprint = document_fingerprint(project, job, as_of)
    path = project.build_dir / record.person_id / f"{kind.name}.manifest.json"
    try:
        facts: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if facts.get("fingerprint") == fingerprint and "pages" in facts:
            return facts
    except (OSError, ValueError):
        pass
    stamp = {"fingerprint": fingerprint, "generated": "check"}
    doc = render_person_document(environment(project.look), record, kind, as_of, stamp, job.extra)
    from packetgen.pipeline.paginate import layout_facts, paginate

    plan = doc.plan()
    assert doc.source is not None and plan is not None
    pdf = renderer()
    document, plan, _ = paginate(
        lambda html: pdf.layout(html, extra_stylesheets=kind.stylesheets),
        lambda html: pdf.measure(html, kind.stylesheets),
        doc.source,
        plan,
    )
    return layout_facts(document, plan)


def page_notes(project: Any, record: Any, as_of: dt.date, renderer: Any = None) -> list[Problem]:
    from packetgen.model.documents import BY_NAME

    @functools.cache
    def pdf_renderer() -> Any:
        from packetgen.pipeline.pdf import PdfRenderer

        return renderer or PdfRenderer(project.styles_dir, project.paper)

    notes = []
    for name in PACKETS:
        facts = layout_facts(project, record, BY_NAME[name], as_of, pdf_renderer)
        if facts["pages"] > 1:
            by_page: dict[int, list[str]] = {}
            for item in facts.get("continued", []):
                by_page.setdefault(item["page"], []).append(item["what"])
            where = "; ".join(f"{and_list(whats)}: page {page}" for page, whats in sorted(by_page.items()))
            notes.append(
                Problem(
                    record.doc.path,
                    None,
                    "",
                    f"{name} runs to {facts['pages']} pages; "
                    + (
                        "page 1 holds the page-1 list"
                        if facts.get("page_one_complete", True)
                        else "page 1 cannot hold the whole page-1 list: shorten the page-1 fields"
                    )
                    + (f"; continued: {where}" if where else ""),
                    "note",
                )
            )
    return notes
