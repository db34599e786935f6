"""The drill as it is run: the timed page in a browser and the paper drill, both showing the person's real
responder packet for the emergency-responders audience (the same select stage, so consent holds).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment
from markupsafe import Markup

from packetgen.builder.document import printed_time, render_person_document
from packetgen.builder.jobs import document_fingerprint, person_job
from packetgen.builder.prune import record_drill
from packetgen.builder.records import PersonRecord
from packetgen.drill.questions import DRILL_KIND, Question, questions_for
from packetgen.drill.results import PAPER_COLUMNS, RESULTS_FORMAT
from packetgen.model.documents import STYLESHEET
from packetgen.pipeline.output import write_atomic, write_text
from packetgen.pipeline.pdf import PdfRenderer
from packetgen.pipeline.render import TemplateFault, render
from packetgen.pipeline.resources import load_url
from packetgen.pipeline.select import select
from packetgen.project.folders import Project

log = logging.getLogger(__name__)


SCRIPT = Path(__file__).with_name("drill.js")


@dataclass
class DrillPacket:
    """The responder packet as a drill sees it, plus the questions it can answer."""

    record: PersonRecord
    questions: list[Question]
    body: str
    """The packet's rendered ``<body>`` contents (screen), embedded in the drill page."""
    print_html: str
    plan_version: int
    fingerprint: str
    generated: str


def drill_packet(env: Environment, project: Project, record: PersonRecord, as_of: dt.date) -> DrillPacket:
    """Render the person's responder packet through the normal pipeline and pick the questions."""
    profile = record.profile
    assert profile is not None, "drills are only built for valid profiles"
    job = person_job(project, record, DRILL_KIND, as_of)
    stamp = {"fingerprint": document_fingerprint(project, job, as_of), "generated": printed_time(project)}
    rendered = render_person_document(env, record, DRILL_KIND, as_of, stamp, job.extra)
    print_html = rendered.print_html
    plan = rendered.plan()
    if rendered.source is not None and plan is not None:
        # The packet as it prints: what continues on page 2 is where a participant must find it.
        from packetgen.pipeline.paginate import paginate
        from packetgen.pipeline.pdf import PdfRenderer

        renderer = PdfRenderer(project.styles_dir, project.paper)
        _, plan, _ = paginate(renderer.layout, renderer.measure, rendered.source, plan)
        print_html = rendered.source(plan)
    view = select(profile, DRILL_KIND.audience, DRILL_KIND.sections, as_of).view
    match = re.search(r"<body[^>]*>(.*)</body>", print_html, re.DOTALL)
    if match is None:
        raise TemplateFault(f"templates/{DRILL_KIND.template}: the packet template must render a <body>")
    body = match.group(1)
    return DrillPacket(
        record,
        questions_for(view, body),
        body,
        print_html,
        profile.plan.version,
        stamp["fingerprint"],
        stamp["generated"],
    )


def inline_stylesheet(styles_dir: Path) -> str:
    """packet.css with its fonts as data: URIs, so a drill page works offline as one file.

    The fonts are read through the same fetcher rule as every PDF render (``resources.load_url``)."""
    css = (styles_dir / STYLESHEET).read_text(encoding="utf-8")
    base = styles_dir.resolve().as_uri() + "/"

    def embed(match: re.Match[str]) -> str:
        font, _ = load_url(urljoin(base, match.group(1)), [styles_dir])
        return f"url(data:font/ttf;base64,{base64.b64encode(font).decode('ascii')})"

    return re.sub(r"url\((fonts/[A-Za-z0-9._-]+\.ttf)\)", embed, css)


def json_for_script(data: Any) -> Markup:
    """JSON safe inside <script>: no '</script>' or '<!--' can close or open anything."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def page_config(packet: DrillPacket) -> dict[str, Any]:
    """What the page's script needs. Question texts are generic; no profile text goes here."""
    return {
        "format": RESULTS_FORMAT,
        "format_version": 1,
        "person_id": packet.record.person_id,
        "plan_version": packet.plan_version,
        "fingerprint": packet.fingerprint,
        "questions": [{"field": q.field, "text": q.text, "accepts": q.accepts} for q in packet.questions],
    }


def render_drill_page(env: Environment, project: Project, packet: DrillPacket) -> str:
    """One self-contained HTML file: packet, stylesheet, fonts and script inlined; no network."""
    script = SCRIPT.read_text(encoding="utf-8")
    if "</script" in script.lower():  # inlined as is: it must not close its own element
        raise ValueError("drill.js may not contain '</script': it is inlined into the drill page")
    assert packet.record.profile is not None
    return render(
        env,
        "drill_page.html.j2",
        {
            "packet": packet,
            "name": packet.record.profile.identity.preferred_name,
            "body": Markup(packet.body),
            "css": Markup(inline_stylesheet(project.styles_dir)),
            "config": json_for_script(page_config(packet)),
            "script": Markup(script),
            "stylesheets": [],
        },
    )


def answer_pages(renderer: PdfRenderer, print_html: str, fields: Iterable[str]) -> dict[str, int]:
    """Which printed page each answer key lands on, read from WeasyPrint's public layout API.

    Every element carrying a ``data-field`` is given an anchor (its own id, or a new one), and
    each page's ``anchors`` say where those start: the first page an answer appears on."""
    wanted = set(fields)
    field_of: dict[str, str] = {}

    def anchor(match: re.Match[str]) -> str:
        name, attributes, field = match.group(1), match.group(2), match.group(3)
        own = re.search(r'\sid="([^"]+)"', attributes)
        if own:
            field_of[own.group(1)] = field
            return match.group(0)
        new = f"drill-answer-{len(field_of)}"
        field_of[new] = field
        return f'<{name} id="{new}"{attributes}>'

    html = re.sub(r'<([a-z][a-z0-9]*)(\s[^>]*?\bdata-field="([^"]+)"[^>]*)>', anchor, print_html)
    pages: dict[str, int] = {}
    for number, page in enumerate(renderer.layout(html).pages, start=1):
        for name in page.anchors:
            field = field_of.get(name)
            if field in wanted and field not in pages:
                pages[field] = number
    return pages


def paper_order(questions: list[Question], seed: int) -> list[Question]:
    """The question sheet's order: random, but the same for the same seed."""
    return random.Random(seed).sample(questions, k=len(questions))


def render_paper_drill(
    env: Environment, renderer: PdfRenderer, packet: DrillPacket, seed: int, participants: int = 4
) -> bytes:
    """Question sheet, coordinator answer key and timing grid, followed by the packet itself."""
    assert packet.record.profile is not None
    order = paper_order(packet.questions, seed)
    pages = answer_pages(renderer, packet.print_html, [q.field for q in order])
    html = render(
        env,
        "drill_paper.html.j2",
        {
            "packet": packet,
            "name": packet.record.profile.identity.preferred_name,
            "fictional": packet.record.profile.fictional,
            "order": order,
            "pages": pages,
            "seed": seed,
            "participants": range(1, participants + 1),
            "columns": PAPER_COLUMNS,
            "stylesheets": [],
        },
    )
    sheets = renderer.layout(html)
    packet_pages = renderer.layout(packet.print_html)
    return renderer.write(sheets.copy(sheets.pages + packet_pages.pages))


def drills_dir(project: Project) -> Path:
    return project.build_dir / "drills"


def write_drill_page(env: Environment, project: Project, record: PersonRecord, as_of: dt.date) -> tuple[Path, int]:
    """build/drills/<id>.html; returns the path and the number of questions."""
    packet = drill_packet(env, project, record, as_of)
    path = drills_dir(project) / f"{record.person_id}.html"
    write_text(path, render_drill_page(env, project, packet))
    record_drill(project.build_dir, path, packet.fingerprint)
    return path, len(packet.questions)


def write_paper_drill(
    env: Environment, project: Project, renderer: PdfRenderer, record: PersonRecord, as_of: dt.date, seed: int
) -> tuple[Path, int]:
    """build/drills/<id>-paper.pdf; returns the path and the number of questions."""
    packet = drill_packet(env, project, record, as_of)
    path = drills_dir(project) / f"{record.person_id}-paper.pdf"
    write_atomic(path, render_paper_drill(env, renderer, packet, seed))
    record_drill(project.build_dir, path, packet.fingerprint)
    return path, len(packet.questions)
