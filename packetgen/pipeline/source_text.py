"""Bytes -> text: the first step of loading, bounded and with the line and column of any bad byte.

A file is read only if it is a regular file no larger than the size limit (a fifo, a device or a
5 MB paste never reaches the parser), and only as UTF-8: a leading byte-order mark is accepted,
UTF-16 is named, and the first byte that is not UTF-8 or the first control character is reported
with its line and column.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from packetgen.model.errors import Problem
from packetgen.model.limits import Limits
from packetgen.pipeline.characters import (
    decode_error,
    describe,
    first_refused_control,
    line_starts,
    looks_utf16,
    position,
)


def read_text(path: Path, shown: Path, limits: Limits) -> tuple[bytes, str | None, Problem | None]:
    """(bytes read, text or None, the problem if any). Never raises for a bad or unreadable file."""
    source, problem = _read(path, shown, limits)
    if problem is not None:
        return source, None, problem
    text, problem = _decode(source, shown)
    return source, text, problem


def _read(path: Path, shown: Path, limits: Limits) -> tuple[bytes, Problem | None]:
    """The file's bytes, never more than the size limit; a fifo or device is not read at all."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return b"", Problem(shown, None, "", "not a regular file: replace it with a plain text file")
        if info.st_size > limits.file_bytes:
            return b"", _too_big(shown, info.st_size, limits)
        with open(path, "rb", buffering=0) as handle:
            source = handle.read(limits.file_bytes + 1)
    except OSError as exc:
        return b"", Problem(shown, None, "", f"cannot be read ({os.strerror(exc.errno or 0)}): check the file")
    if len(source) > limits.file_bytes:
        return b"", _too_big(shown, len(source), limits)
    return source, None


def _too_big(shown: Path, size: int, limits: Limits) -> Problem:
    return Problem(
        shown,
        1,
        "",
        f"file is {size:,} bytes, more than the {limits.file_bytes:,} a packetgen file "
        "may have (a large profile is about 20,000): check that this is the right file",
    )


def _decode(source: bytes, shown: Path) -> tuple[str | None, Problem | None]:
    """UTF-8 text with a leading byte-order mark allowed, or the first line and column that is not."""
    if looks_utf16(source):
        return None, Problem(shown, 1, "", 'saved as UTF-16 text (Notepad\'s "Unicode"): save it as UTF-8')
    if source.startswith(codecs.BOM_UTF8):
        source = source[len(codecs.BOM_UTF8) :]
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, _, message = decode_error(source, exc)
        return None, Problem(shown, line, "", message)
    found = first_refused_control(text)
    if found is not None:
        index, char = found
        line, column = position(line_starts(text), index)
        kind = "line break character" if char in "\x85\u2028\u2029" else "control character"
        return None, Problem(
            shown,
            line,
            "",
            f"{kind} {describe(char)} at column {column}: delete it "
            "(it often comes from pasting out of another program)",
        )
    return text, None
