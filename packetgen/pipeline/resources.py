"""What a renderer may load: the one URL fetcher, and a log that never repeats what it was asked for.

Every HTML -> PDF render (``pdf.PdfRenderer``) and everything the HTML side inlines (the drill
page's fonts) loads through ``load_url``:

- ``file:`` URLs (the scheme compared case-insensitively, so ``FILE:///etc/hostname`` is one too)
  only for regular files that resolve, symlinks included, inside the folders the caller allows:
  at most the styles, templates and package-data folders and one person's own folder. Today both
  callers allow the styles folder only, because that is all they need: a photo arrives already
  embedded as a data: URL, after ``person_files`` checked it;
- ``data:`` URLs only for images (PNG, JPEG, SVG): no ``data:text/html``, no CSS, no fonts, which
  packetgen's own documents never need;
- nothing else: no http, https, ftp or any other scheme, so nothing is ever fetched from the network.

A refusal says what kind of load was refused, never the URL's target or content. WeasyPrint
still logs its own warning for a refused or broken resource, and that warning quotes the URL (a
``data:`` URL is the whole file, base64); ``quiet_weasyprint_log`` keeps the message and
drops its arguments, so nothing of the file reaches stderr or a log.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import stat
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/svg+xml"})
"""The only media types a data: URL may carry: photos and the audit's chart."""

MAX_RESOURCE_BYTES = 32 * 1024 * 1024
"""Far above any stylesheet or font packetgen ships; a bigger file is not one of ours."""


class ResourceRefused(ValueError):
    """A URL the renderers may not load. The message never includes the URL or what it names."""


def load_url(url: str, roots: list[Path]) -> tuple[bytes, str]:
    """The bytes and media type behind ``url`` if the rules above allow it; else ``ResourceRefused``."""
    scheme, colon, rest = url.partition(":")
    scheme = scheme.strip().lower()
    if not colon:
        raise ResourceRefused("refused to load a resource with no scheme")
    if scheme == "data":
        return _data_url(rest)
    if scheme == "file":
        return _local_file(rest, roots)
    raise ResourceRefused(
        "refused to load a resource from the network or by an unknown scheme: "
        "packetgen loads only its own styles and embedded images"
    )


def _data_url(rest: str) -> tuple[bytes, str]:
    header, comma, payload = rest.partition(",")
    if not comma:
        raise ResourceRefused("refused a malformed data: URL")
    params = [p.strip().lower() for p in header.split(";")]
    mime = params[0]
    if mime not in IMAGE_TYPES:
        raise ResourceRefused("refused a data: URL that is not a PNG, JPEG or SVG image")
    import base64
    import binascii

    raw = unquote_to_bytes(payload)
    if "base64" in params[1:]:
        try:
            raw = base64.b64decode(raw, validate=False)
        except (binascii.Error, ValueError):
            raise ResourceRefused("refused a data: URL whose content is not valid base64") from None
    return raw, mime


def _local_file(rest: str, roots: list[Path]) -> tuple[bytes, str]:
    parts = urlsplit("file:" + rest)
    if parts.netloc not in ("", "localhost"):
        raise ResourceRefused("refused a file: URL on another machine")
    try:
        target = Path(url2pathname(unquote(parts.path))).resolve()
    except (OSError, RuntimeError, ValueError):
        raise ResourceRefused("refused a file: URL that cannot be resolved") from None
    if not any(target.is_relative_to(root.resolve()) for root in roots):
        raise ResourceRefused("refused a file outside packetgen's styles, templates and package data")
    try:
        info = os.stat(target)
    except OSError:
        raise ResourceRefused("refused a file that does not exist or cannot be read") from None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_RESOURCE_BYTES:
        raise ResourceRefused("refused something that is not a regular file of reasonable size")
    fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise ResourceRefused("refused a file that changed while it was being checked")
        data = handle.read(MAX_RESOURCE_BYTES + 1)
    return data, mimetypes.guess_type(target.name)[0] or "application/octet-stream"


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """WeasyPrint's fetcher, answering only what ``load_url`` allows for ``roots``."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=False)
        self._roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
        data, mime = load_url(url, self._roots)
        scheme, _, rest = url.partition(":")
        return URLFetcherResponse(f"{scheme.strip().lower()}:{rest}", data, {"Content-Type": mime})


class _WithholdArguments(logging.Filter):
    """Keep WeasyPrint's message, drop what it was about (a URL, a file's content, a parse error)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            try:
                count = len(record.args) if isinstance(record.args, tuple) else 1
                record.msg = str(record.msg) % (("(withheld)",) * count)
            except (TypeError, ValueError):
                record.msg = "WeasyPrint reported a problem (details withheld)"
            record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def quiet_weasyprint_log() -> None:
    """Install the filter on WeasyPrint's loggers (once; filters do not apply to child loggers)."""
    for name in ("weasyprint", "weasyprint.progress"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _WithholdArguments) for f in logger.filters):
            logger.addFilter(_WithholdArguments())
