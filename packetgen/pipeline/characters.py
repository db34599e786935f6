"""Which characters an input file may hold, and where the first one that may not is.

Two kinds of character are refused, each with the line and column where it sits:

- bytes that are not UTF-8 text, and control characters (a NUL byte, form feeds, the odd line
  separators U+0085, U+2028, U+2029 that make line numbers disagree with the editor's). These are
  refused for the whole file, before it is parsed.
- invisible formatting characters inside a value (bidi overrides and isolates, zero-width spaces,
  soft hyphens, word joiners, a byte-order mark inside the text: Unicode category Cf). They make the
  printed sheet read differently from the file (an age of 32 shown as 23, a dose reversed) and can
  hide a TODO. The loader checks every key and value with ``first_invisible``.

The zero-width joiner and non-joiner (U+200D, U+200C) are allowed in one place only: between two
non-ASCII letters, marks or symbols. That is where they are legitimate: emoji sequences, Persian
and other Arabic-script spelling (U+200C is required there), Devanagari, Malayalam and Sinhala
conjuncts. Next to ASCII, at the start or end of a value, or next to a space they do nothing
visible but hide text, so they are refused.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

_JOINERS = {"\u200c", "\u200d"}
_REFUSED_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
"""Everything YAML cannot hold, plus line breaks other than CR and LF (NEL is in \\x85)."""
_BREAK = re.compile(r"\r\n|\r|\n")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def line_starts(text: str) -> list[int]:
    """Offset of the first character of each line (CR, LF and CRLF each end a line, as in YAML)."""
    return [0] + [m.end() for m in _BREAK.finditer(text)]


def position(starts: list[int], index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index``."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= index:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, index - starts[lo] + 1


def describe(char: str) -> str:
    """'U+202E (right-to-left override)': the code point and its Unicode name, never the text around it."""
    name = unicodedata.name(char, "")
    if not name:
        name = {"\x00": "NUL byte", "\x7f": "delete"}.get(char, "control character")
    return f"U+{ord(char):04X} ({name.lower()})"


def looks_utf16(source: bytes) -> bool:
    """UTF-16 (Windows Notepad's "Unicode"): a byte-order mark, or a NUL in every other byte."""
    if source.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = source[:400]
    return len(sample) >= 8 and max(sample[0::2].count(0), sample[1::2].count(0)) * 2 >= len(sample) // 2


def decode_error(source: bytes, exc: UnicodeDecodeError) -> tuple[int, int, str]:
    """(line, column, message) for bytes that are not UTF-8."""
    before = source[: exc.start]
    prefix = before.decode("utf-8", "replace")
    line, column = position(line_starts(prefix), len(prefix))
    bad = source[exc.start]
    if 0x80 <= bad <= 0xFF:
        hint = (
            "the file looks like Latin-1 or Windows-1252 text (accented letters from an older editor "
            "or a pasted document)"
        )
    else:
        hint = "the file holds bytes that are not text"
    return line, column, f"not UTF-8 text at column {column} (byte 0x{bad:02X}): {hint}: save it as UTF-8"


def first_refused_control(text: str) -> tuple[int, str] | None:
    """Index and character of the first control character the file may not hold, if any."""
    found = _REFUSED_CONTROL.search(text)
    return (found.start(), found.group()) if found else None


def _joiner_allowed(value: str, index: int) -> bool:
    if index == 0 or index == len(value) - 1:
        return False
    return all(ord(c) > 0x7F and unicodedata.category(c)[0] in "LMS" for c in (value[index - 1], value[index + 1]))


def is_invisible(char: str) -> bool:
    """An invisible formatting character: Unicode category Cf (format) or a line/paragraph separator."""
    return unicodedata.category(char) in ("Cf", "Zl", "Zp")


def first_invisible(value: str) -> int | None:
    """Index of the first invisible formatting character in ``value`` that is not an allowed joiner."""
    if value.isascii():
        return None
    for found in _NON_ASCII.finditer(value):
        index, char = found.start(), found.group()
        if is_invisible(char) and not (char in _JOINERS and _joiner_allowed(value, index)):
            return index
    return None


def normalised(value: str) -> str:
    """The text a reader sees: NFKC (full-width and compatibility forms folded) with every invisible
    formatting character removed, joiners included. What placeholder checks look at."""
    if value.isascii():
        return value
    folded = unicodedata.normalize("NFKC", value)
    return _NON_ASCII.sub(lambda m: "" if is_invisible(m.group()) else m.group(), folded)
