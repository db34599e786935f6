"""A Dask worker preload: ``dask worker ADDRESS --preload packetgen.builder.dask_worker``.

A worker started with it imports the PDF engine and the template engine as it starts (about 0.6 s
a worker), so a build's first task on a new worker renders at once instead of importing first.
Nothing project-specific happens here: which styles and templates a task uses is only known when
it arrives (``dask_runner.render_pdfs`` sets those up once per worker and styles version).
"""

from __future__ import annotations

from packetgen.builder.pdf_session import load_pdf_engine
from packetgen.pipeline import render  # noqa: F401  (the print HTML is rendered again on the worker)

load_pdf_engine()
