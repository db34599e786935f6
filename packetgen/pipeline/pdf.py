"""PDF stage: HTML text -> tagged PDF/UA-1 bytes with WeasyPrint.

Fonts and stylesheets are set up once per ``PdfRenderer`` and reused for every document, which is
most of WeasyPrint's fixed cost. Every load goes through ``resources.LocalOnlyFetcher``, given the
styles folder only (data: URLs only for images), so no document can make the renderer read other
files or the network; WeasyPrint's log is kept from quoting what it failed to load.

WeasyPrint writes the tag tree, ``/Lang``, ``/MarkInfo`` and ``/DisplayDocTitle`` itself for
``pdf/ua-1``; one gap is closed while the PDF is written: see ``footer.py``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from packetgen.model.documents import STYLESHEET
from packetgen.pipeline.footer import mark_footer
from packetgen.pipeline.paginate import Plan, PrintRenderer, layout_facts, paginate
from packetgen.pipeline.resources import LocalOnlyFetcher, quiet_weasyprint_log

log = logging.getLogger(__name__)


MEASURE_STYLESHEET = "measure.css"

"""Layered last for paginate's measuring layout: one tall page, the two-column flow in one column."""


quiet_weasyprint_log()


PAPER_CSS = {"letter": "", "a4": "@page { size: A4; }"}

"""Layered right after packet.css (which is written for Letter): packetgen.yml's ``paper``."""


MEASURE_CSS = {"letter": "", "a4": "@page { size: 210mm 200in; } .columns { width: 262.84pt; }"}

"""measure.css for A4: the real column width there, (210mm - 2 x 0.4in - 12pt) / 2."""


class PdfRenderer:
    """Turns packet HTML into PDF bytes, reusing parsed CSS and fonts across documents."""

    def __init__(self, styles_dir: Path, paper: str = "letter") -> None:
        self.fonts = FontConfiguration()
        self.fetcher = LocalOnlyFetcher([styles_dir])
        self.styles_dir = styles_dir
        self.paper = paper
        self._parsed: dict[str, CSS] = {}

    def _stylesheet(self, name: str) -> CSS:
        if name not in self._parsed:
            self._parsed[name] = CSS(
                filename=str(self.styles_dir / name), font_config=self.fonts, url_fetcher=self.fetcher
            )
        return self._parsed[name]

    def _stylesheets(self, extra: tuple[str, ...]) -> list[CSS]:
        """packet.css, the paper size, then ``extra`` (each followed by its paper variant, if any)."""
        found = [self._stylesheet(STYLESHEET)]
        for name, css in [(STYLESHEET, PAPER_CSS)] + [
            (n, MEASURE_CSS if n == MEASURE_STYLESHEET else {}) for n in extra
        ]:
            if name != STYLESHEET:
                found.append(self._stylesheet(name))
            variant = css.get(self.paper)
            if variant:
                key = f"{name}:{self.paper}"
                if key not in self._parsed:
                    self._parsed[key] = CSS(string=variant, font_config=self.fonts, url_fetcher=self.fetcher)
                found.append(self._parsed[key])
        return found

    def layout(self, html: str, forms: bool = False, extra_stylesheets: tuple[str, ...] = ()) -> Document:
        """Lay out HTML into pages (to inspect where things land, or to combine documents).

        ``forms`` turns <input> and <textarea> into fillable PDF form fields; ``extra_stylesheets``
        (file names in the styles folder) are layered on packet.css, as the large-print variant is."""
        document = HTML(string=html, base_url=str(self.styles_dir) + "/", url_fetcher=self.fetcher)
        stylesheets = self._stylesheets(extra_stylesheets)
        return document.render(stylesheets=stylesheets, font_config=self.fonts, pdf_forms=forms)

    def measure(self, html: str, extra_stylesheets: tuple[str, ...] = ()) -> Document:
        """Lay out on one tall page with the two-column flow as a single column of the real column
        width, so every block's height is the distance between anchors (see paginate.py)."""
        return self.layout(html, extra_stylesheets=(*extra_stylesheets, MEASURE_STYLESHEET))

    def render_paginated(
        self, source: PrintRenderer, plan: Plan, extra_stylesheets: tuple[str, ...] = ()
    ) -> tuple[bytes, dict[str, Any]]:
        """A packet whose page 1 holds its page-1 list (paginate.py), and what continued where."""
        document, plan, renders = paginate(
            lambda html: self.layout(html, extra_stylesheets=extra_stylesheets),
            lambda html: self.measure(html, extra_stylesheets),
            source,
            plan,
        )
        return self.write(document), layout_facts(document, plan) | {"renders": renders}

    def write(self, document: Document, forms: bool = False) -> bytes:
        """Tagged PDF/UA-1 bytes, the running footer marked as an artifact."""
        pdf = document.write_pdf(
            pdf_variant="pdf/ua-1", pdf_identifier=b"packetgen", pdf_forms=forms, finisher=mark_footer
        )
        assert isinstance(pdf, bytes)
        return pdf

    def render(self, html: str, extra_stylesheets: tuple[str, ...] = (), forms: bool = False) -> bytes:
        return self.write(self.layout(html, forms, extra_stylesheets), forms)
