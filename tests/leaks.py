"""Look for a secret anywhere a build could put it: file names, file bytes, the streams inside PDFs.

A file from outside the project reaches a document as raw bytes, or base64 in a data: URI, or
inside a (compressed) PDF stream; so each of those forms is searched, in every file under the
build folder, dot-files included.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pikepdf


def base64_forms(secret: bytes) -> list[bytes]:
    """The secret as it reads inside base64 at each of the three byte alignments.

    The first and last 4 characters of each encoding also depend on neighbouring bytes, so only
    the middle is kept; it is long enough to be unmistakable for secrets of 20 bytes or more."""
    assert len(secret) >= 20
    return [base64.b64encode(b"\0" * pad + secret)[4:-4] for pad in range(3)]


def secret_forms(secret: bytes) -> list[bytes]:
    return [secret, *base64_forms(secret)]


def output_bytes(folder: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file's bytes under ``folder`` (names too), and every decoded stream of every PDF."""
    for path in sorted(folder.rglob("*")):
        yield path, str(path.relative_to(folder)).encode()
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield path, data
        if path.suffix == ".pdf":
            with pikepdf.open(path) as pdf:
                for obj in pdf.objects:
                    if isinstance(obj, pikepdf.Stream):
                        try:
                            yield path, obj.read_bytes()
                        except pikepdf.PdfError:
                            yield path, obj.read_raw_bytes()


def where_found(folder: Path, secret: bytes, *texts: str) -> list[str]:
    """Files under ``folder`` (and captured texts, by index) holding the secret in any form."""
    forms = secret_forms(secret)
    found = {str(path) for path, data in output_bytes(folder) if any(form in data for form in forms)}
    found |= {f"<captured text {i}>" for i, text in enumerate(texts) if any(form in text.encode() for form in forms)}
    return sorted(found)
