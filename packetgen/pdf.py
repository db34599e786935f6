"""PDF stage: HTML text -> PDF bytes with WeasyPrint.

Fonts and the shared stylesheet are set up once per ``PdfRenderer`` and reused for every
document, which is most of WeasyPrint's fixed cost. Resource loading is limited to the styles
folder and data: URIs, so no profile text can make the renderer read other files or the network.
"""

from __future__ import annotations

import logging
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

log = logging.getLogger(__name__)

STYLESHEET = "packet.css"


class LocalOnlyFetcher(URLFetcher):
    """Allow data: URIs and files under the given folders; refuse everything else."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=False)
        self._roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
        if url.startswith("file:"):
            from urllib.parse import unquote, urlparse

            target = Path(unquote(urlparse(url).path)).resolve()
            if not any(target.is_relative_to(root) for root in self._roots):
                raise ValueError(f"refusing to load {url}: outside the styles folder")
        return super().fetch(url, headers)


class PdfRenderer:
    """Turns packet HTML into PDF bytes, reusing parsed CSS and fonts across documents."""

    def __init__(self, styles_dir: Path) -> None:
        self.fonts = FontConfiguration()
        self.fetcher = LocalOnlyFetcher([styles_dir])
        css = CSS(filename=str(styles_dir / STYLESHEET), font_config=self.fonts, url_fetcher=self.fetcher)
        self.stylesheets = [css]
        self.styles_dir = styles_dir

    def layout(self, html: str, forms: bool = False) -> Document:
        """Lay out HTML into pages (to inspect where things land, or to combine documents).

        ``forms`` turns <input> and <textarea> into fillable PDF form fields."""
        document = HTML(string=html, base_url=str(self.styles_dir) + "/", url_fetcher=self.fetcher)
        return document.render(stylesheets=self.stylesheets, font_config=self.fonts, pdf_forms=forms)

    def write(self, document: Document, forms: bool = False) -> bytes:
        pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"packetgen", pdf_forms=forms)
        assert pdf is not None
        return pdf

    def render(self, html: str, forms: bool = False) -> bytes:
        return self.write(self.layout(html, forms), forms)
