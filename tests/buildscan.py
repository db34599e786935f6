"""Read every file under a build folder the way someone who copied it would: for leak tests.

HTML, manifests and dot-files as text; PDFs as extracted text (pypdf) plus every object and
decoded stream (pikepdf: metadata, tag tree, form fields, alt text) plus the raw bytes. Fonts and
stylesheets in ``assets/`` are copied from styles/ and hold no one's data, so they are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
from pypdf import PdfReader


def pdf_everything(path: Path) -> str:
    """All the text a PDF carries, page text and objects alike, lower-cased."""
    parts = [page.extract_text() or "" for page in PdfReader(path).pages]
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes().decode("latin-1"))
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes().decode("latin-1"))
            elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.String)):
                parts.append(str(obj) if isinstance(obj, pikepdf.String) else repr(obj))
    parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts).lower()


def file_text(path: Path) -> str:
    """What a file holds, lower-cased (so CSS upper-casing in a PDF cannot hide a word)."""
    if path.suffix == ".pdf":
        return pdf_everything(path)
    return path.read_bytes().decode("utf-8", "replace").lower()


def build_files(build_dir: Path) -> dict[Path, str]:
    """Every file under ``build_dir`` except the copied assets, relative path -> text."""
    out = {}
    for path in sorted(build_dir.rglob("*")):
        relative = path.relative_to(build_dir)
        if path.is_file() and relative.parts[0] != "assets":
            out[relative] = file_text(path)
    return out


def where(build_dir: Path, words: list[str]) -> list[str]:
    """``file: word`` for every word found in a file under ``build_dir`` (or in a file or folder name)."""
    found = []
    for path in sorted(build_dir.rglob("*")):
        relative = path.relative_to(build_dir)
        for word in words:
            if word.lower() in relative.as_posix().lower():
                found.append(f"{relative} (name): {word}")
    for relative, text in build_files(build_dir).items():
        found += [f"{relative}: {word}" for word in words if word.lower() in text]
    return found
