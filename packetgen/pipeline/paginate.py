"""Paginate stage: decide what stays on page 1 of a packet by laying it out and measuring it.

The responder packet promises one Letter page with the critical facts first. Whether a person's
packet fits depends on the words, not on counts, so the layout decides: render the packet with
everything on page 1; if the page-1 end marker lands on page 1, that is the PDF (one render, the
common case). Otherwise lay the same HTML out once more on a tall page with the flowing part in a
single column of the real column width (``pdf.PdfRenderer.measure``): every block's height is then
the distance between consecutive anchors. Lower-priority blocks (``packet_units``, moved first
first) go to the continuation until the estimate fits; the real page is rendered again and
checked, and if it still spills one more block moves. Pointers name what continues and the page
it starts on, read from the final layout.

Only WeasyPrint's public layout API is used: ``Document.pages`` and each page's ``anchors`` (the
position of every element with an ``id``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint.document import Document

    from packetgen.pipeline.render import Look

from packetgen.pipeline.page_plan import POINTER_AT, Plan, and_list, new_plan, ordered_medications

__all__ = ["Plan", "PrintSource", "and_list", "layout_facts", "new_plan", "ordered_medications", "paginate"]

MAX_RENDERS = 12
"""Renders one packet may take before the plan is accepted as it is (beyond the envelope)."""

POINTER_PX = 30.0
"""Height of a pointer at 12 pt (CSS px, one to two lines), added to the estimate for each one shown."""

BALANCE_SLACK_PX = 40.0
"""Two balanced columns are rarely exactly half the flow: leave about a line for the difference."""


# --- measuring --------------------------------------------------------------------------------


def anchor_pages(document: Document) -> dict[str, tuple[int, float, float]]:
    """Every anchor (element id) -> (page number from 1, x, y in CSS px); the first occurrence wins.
    (``Page.anchors`` gives a point, or in newer WeasyPrint the box's corners; x and y come first.)"""
    found: dict[str, tuple[int, float, float]] = {}
    for number, page in enumerate(document.pages, start=1):
        for name, box in page.anchors.items():
            found.setdefault(name, (number, box[0], box[1]))
    return found


def layout_facts(document: Document, plan: Plan) -> dict[str, Any]:
    """For the manifest: page count, whether page 1 holds its list, what continued where."""
    return plan.facts(len(document.pages), page_one_fits(document, plan))


def page_one_fits(document: Document, plan: Plan) -> bool:
    """Page 1 holds everything planned for it: its end marker and every page-1 unit are on page 1."""
    anchors = anchor_pages(document)
    if anchors.get("p1-end", (99,))[0] != 1:
        return False
    return all(anchors.get(u.measured_by, (1,))[0] == 1 for u in plan.units if plan.here(u.id))


def unit_heights(document: Document) -> dict[str, float]:
    """Height of each anchored block on a one-page (tall) layout: the gap to the next anchor below it."""
    anchors = sorted(((box[1], name) for name, box in document.pages[0].anchors.items()), key=lambda a: a[0])
    heights = {}
    for i, (y, name) in enumerate(anchors):
        below = next((y2 for y2, _ in anchors[i + 1 :] if y2 > y + 0.5), y)
        heights[name] = below - y
    return heights


def estimate_moves(tall: Document, plan: Plan, limit: float) -> list[str]:
    """Units to move, in priority order, until the measured page 1 fits within ``limit`` (CSS px)."""
    anchors = tall.pages[0].anchors
    heights = unit_heights(tall)
    top = anchors["p1-columns"][1]
    flow = anchors["end-columns"][1] - top
    below = anchors["p1-end"][1] - anchors["end-columns"][1]
    moved: list[str] = []
    pointer_lines: set[str] = set()

    def fits() -> bool:
        pointers = len({POINTER_AT[key] for key in pointer_lines}) * POINTER_PX
        return bool(top + (flow + pointers) / 2 + BALANCE_SLACK_PX + below <= limit)

    for unit in plan.units:
        if fits():
            break
        height = heights.get(unit.measured_by, 0.0) * unit.share
        if unit.region == "below":
            below -= height
        else:
            flow -= height
        pointer_lines.add(unit.group or unit.id)
        moved.append(unit.id)
    return moved


def content_bottom(document: Document) -> float:
    """Where page 1's content area ends (CSS px from the top), read from the rendered page."""
    page = document.pages[0]
    height = float(page.height)
    return height - BOTTOM_MARGIN_PX * (height / LETTER_HEIGHT_PX)


LETTER_HEIGHT_PX = 1056.0
BOTTOM_MARGIN_PX = 57.6
"""packet.css's bottom margin of page 1 (``@page :first``, 0.6in), where the footer sits."""


PrintRenderer = Callable[[Plan], str]


def paginate(
    layout: Callable[[str], Document], measure: Callable[[str], Document], render_html: PrintRenderer, plan: Plan
) -> tuple[Document, Plan, int]:
    """Lay out a packet so page 1 holds its page-1 list; returns the document, the plan and the renders used.

    ``layout`` and ``measure`` lay HTML out on the real page and on the tall measuring page."""
    html = render_html(plan)
    document = layout(html)
    renders = 1
    if plan.index:
        return _index_pages(layout, render_html, plan, document, renders)
    if page_one_fits(document, plan):
        return document, plan, renders
    tall = measure(html)
    renders += 1
    plan.moved = estimate_moves(tall, plan, content_bottom(document))
    while True:
        document = layout(render_html(plan))
        renders += 1
        if page_one_fits(document, plan):
            # The true pages can make a pointer longer ("...: page 2; Conditions: page 3"), and a
            # longer pointer can push page 1 over: then one more block moves and it is checked again.
            document, plan, renders = _true_pointers(layout, render_html, plan, document, renders)
            if page_one_fits(document, plan):
                break
        if renders >= MAX_RENDERS:
            break
        remaining = [u.id for u in plan.units if u.id not in plan.moved]
        if remaining:
            plan.moved.append(remaining[0])
        elif not plan.compact:
            plan.compact = True
        else:
            break
    return document, plan, renders


def _true_pointers(
    layout: Callable[[str], Document], render_html: PrintRenderer, plan: Plan, document: Document, renders: int
) -> tuple[Document, Plan, int]:
    """Pointers guessed "page 2"; if a continued unit starts elsewhere, print the true page (page 1
    text only changes, so the continuation does not move)."""
    anchors = anchor_pages(document)
    actual = {unit_id: anchors[f"c-{unit_id}"][0] for unit_id in plan.moved if f"c-{unit_id}" in anchors}
    if actual != {k: plan.pages.get(k, 2) for k in actual}:
        plan.pages = actual
        document = layout(render_html(plan))
        renders += 1
    return document, plan, renders


def _index_pages(
    layout: Callable[[str], Document], render_html: PrintRenderer, plan: Plan, document: Document, renders: int
) -> tuple[Document, Plan, int]:
    """Large print: page 1 says on which page each section starts; render again if a guess was wrong."""
    for _ in range(3):
        anchors = anchor_pages(document)
        actual = {name[2:]: where[0] for name, where in anchors.items() if name.startswith(("f-", "u-"))}
        misplaced = anchors.get("f-where", (1,))[0] != 1 and not plan.where_first
        if actual == plan.sections and not misplaced:
            break
        plan.sections, plan.where_first = actual, plan.where_first or misplaced
        document = layout(render_html(plan))
        renders += 1
    return document, plan, renders


@dataclass(frozen=True)
class PrintSource:
    """What a worker needs to render a packet's print HTML for any plan: plain, picklable data."""

    look: Look
    template: str
    context: dict[str, Any]

    def __call__(self, plan: Plan) -> str:
        from packetgen.pipeline.render import environment, render

        return render(environment(self.look), self.template, {**self.context, "plan": plan})
