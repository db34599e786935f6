"""Font coverage: will every character of a profile print as a real glyph, not a box?

Packets are set in the shipped Atkinson Hyperlegible; characters it lacks (Chinese, Arabic, Hebrew
names ...) fall back to fonts installed on the machine (the Makefile installs Debian's Noto fonts),
which WeasyPrint embeds like any other. ``check`` warns about a character no font covers. The shipped
fonts are read once with fontTools, the installed ones with one ``fc-list`` call (fontconfig's
own view, the one WeasyPrint uses), so a check of hundreds of profiles stays fast.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from packetgen.model.errors import Problem, dotted
from packetgen.model.profile import Profile
from packetgen.pipeline.load import Document


@lru_cache(maxsize=4)
def shipped_characters(fonts_dir: Path) -> frozenset[int]:
    """Code points the fonts shipped in ``styles/fonts`` cover."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in sorted(fonts_dir.glob("*.[ot]tf")):
        with TTFont(path, lazy=True) as font:
            covered |= set(font.getBestCmap() or {})
    return frozenset(covered)


@lru_cache(maxsize=1)
def installed_ranges() -> tuple[tuple[int, int], ...]:
    """Merged (first, last) code point ranges of every font fontconfig knows; empty without fc-list."""
    if shutil.which("fc-list") is None:
        return ()
    out = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, check=False).stdout
    ranges: list[tuple[int, int]] = []
    for token in out.split():
        low, _, high = token.partition("-")
        try:
            ranges.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return tuple(merged)


def installed_covers(code: int) -> bool:
    ranges = installed_ranges()
    i = bisect.bisect_right(ranges, (code, 0x10FFFF + 1)) - 1
    return i >= 0 and ranges[i][0] <= code <= ranges[i][1]


def uncovered(text: str, fonts_dir: Path) -> list[str]:
    """Characters of ``text`` that neither the shipped fonts nor any installed font can print."""
    shipped = shipped_characters(fonts_dir)
    return [
        ch
        for ch in dict.fromkeys(text)
        if not ch.isspace()
        and unicodedata.category(ch)[0] != "C"
        and ord(ch) not in shipped
        and not installed_covers(ord(ch))
    ]


def _strings(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _script(ch: str) -> str:
    """The script's name only ('CJK', 'TIBETAN'), never the character: a message names no content."""
    return unicodedata.name(ch, "UNKNOWN").split()[0]


def coverage_warnings(profile: Profile, doc: Document, fonts_dir: Path) -> list[Problem]:
    """One warning per field with characters no font on this machine can print."""
    found = []
    for path, text in _strings(profile.model_dump(mode="json", exclude_none=True), ()):
        missing = uncovered(text, fonts_dir)
        if missing:
            scripts = ", ".join(sorted({_script(ch) for ch in missing}))
            found.append(
                Problem(
                    doc.path,
                    doc.line_of(path),
                    dotted(path),
                    f"{len(missing)} character(s) ({scripts}) that no installed font can print: they "
                    "would show as boxes. Install a font that covers them (Debian: fonts-noto-core, "
                    "fonts-noto-cjk; `make setup` does) or check the text",
                    "warning",
                )
            )
    return found
