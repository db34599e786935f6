"""Files a profile or event names (today ``identity.photo``): the one confinement rule.

Profiles are untrusted text written in a hurry, and whatever file a path field names is copied
into every document of that person. So a named file is read only when it

- resolves, symlinks included, inside that person's folder (``people/<id>/``),
- is a regular file (never a folder, a pipe, a device or a /proc entry, which are not even opened),
- is no bigger than the field's cap (5 MiB for images), and
- is of an allowed type judged by its content (PNG, JPEG or SVG for images), never by its name.

Anything else is a ``Refused`` whose message names what is wrong and what to do, and never quotes
the file's name or bytes (a name can carry a diagnosis; the bytes can be anyone's secrets). An SVG
is embedded only after ``svg_clean.clean_svg`` has removed scripts and external references.

A new path field adds one entry to ``PROFILE_FILES`` (or an event equivalent): validation
(``path_problems``) and reading (``read_person_file``) then apply the same rule to it.
"""

from __future__ import annotations

import base64
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from packetgen.model.errors import Problem, dotted
from packetgen.pipeline.load import Document
from packetgen.pipeline.svg_clean import SvgRefused, clean_svg

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""5 MiB: a passport-size photo is 50-500 KiB, a phone photo 2-4 MiB. It is embedded (base64) in
every HTML document of the person, so a bigger file only makes every packet slow to open."""


@dataclass(frozen=True)
class FileRule:
    """What a path field may name: which content types, how big, and what to call it in messages."""

    noun: str
    """'photo': messages say 'photo file not found ...'."""
    max_bytes: int
    max_label: str
    folder: str = "this person's folder"
    """Where the file must be, as messages say it."""
    beside: str = "profile.yaml"
    """The file it sits next to, as messages say it."""


IMAGE = FileRule("photo", MAX_IMAGE_BYTES, "5 MiB")

PROFILE_FILES: dict[tuple[str, ...], FileRule] = {("identity", "photo"): IMAGE}
"""Every field of a profile that names a file, with the rule that file must meet."""


class Refused(Exception):
    """A named file that may not be used. ``str()`` is the message: what is wrong, what to do."""


@dataclass(frozen=True)
class Embedded:
    """A checked file's content and its type as judged from the content."""

    mime: str
    data: bytes

    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def read_person_file(person_dir: Path, name: str, rule: FileRule = IMAGE) -> Embedded:
    """The content of ``name`` (as written in the profile) if it meets ``rule``; else ``Refused``.

    The checks run before the file is opened (so a FIFO or /proc file is never read), and the
    opened file is compared with what was checked (so a file swapped in between is refused)."""
    data = _read_confined(person_dir, name, rule)
    return _typed(data, rule)


def _read_confined(person_dir: Path, name: str, rule: FileRule) -> bytes:
    to_fix = f"copy the image next to {rule.beside} and write just its file name"
    if not name.strip():
        raise Refused(f"no file named: write the {rule.noun}'s file name or remove the line")
    if PurePosixPath(name).is_absolute():
        raise Refused(f"must be a file in {rule.folder}, not a path elsewhere on the computer: {to_fix}")
    root = person_dir.resolve()
    try:
        target = (root / name).resolve()  # every symlink on the way is followed, then judged
    except (OSError, RuntimeError, ValueError):  # a symlink loop, an embedded NUL
        raise Refused(f"{rule.noun} file cannot be read: {to_fix}") from None
    if not target.is_relative_to(root):
        raise Refused(f"points outside {rule.folder}: {to_fix}")
    try:
        info = os.stat(target)
    except FileNotFoundError:
        raise Refused(f"{rule.noun} file not found next to the profile: add it or remove the line") from None
    except OSError:
        raise Refused(f"{rule.noun} file cannot be read: check that it exists and may be read") from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"not a regular file (a folder, device or pipe): name an image file next to {rule.beside}")
    if info.st_size > rule.max_bytes:
        raise Refused(_too_large(rule))
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        raise Refused(f"{rule.noun} file cannot be read: check its permissions") from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino) or not stat.S_ISREG(opened.st_mode):
            raise Refused(f"{rule.noun} file changed while it was being checked: build again")
        data = handle.read(rule.max_bytes + 1)
    if len(data) > rule.max_bytes:
        raise Refused(_too_large(rule))
    return data


def _too_large(rule: FileRule) -> str:
    return (
        f"{rule.noun} file is larger than {rule.max_label}: save a smaller copy "
        "(a passport-size photo needs well under 1 MiB)"
    )


def image_type(data: bytes) -> str | None:
    """PNG, JPEG or SVG, from the first bytes and structure; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:65536]:
        return "image/svg+xml"  # confirmed (or refused) by parsing it in clean_svg
    return None


def _typed(data: bytes, rule: FileRule) -> Embedded:
    not_image = (
        "not a PNG, JPEG or SVG image (checked by its content, not its name): "
        f"save the {rule.noun} in one of those formats"
    )
    mime = image_type(data)
    if mime is None:
        raise Refused(not_image)
    if mime == "image/svg+xml":
        try:
            data = clean_svg(data)
        except SvgRefused as refused:
            raise Refused(str(refused) or not_image) from None
    return Embedded(mime, data)


def path_problems(
    doc: Document, person_dir: Path, fields: dict[tuple[str, ...], FileRule] = PROFILE_FILES
) -> list[Problem]:
    """Check every path field in ``doc``'s raw data, whatever else is wrong with the document.

    It reads the raw YAML (not the typed model), so a bad photo is reported in the same pass as a
    bad date elsewhere; a value of the wrong type is left to the type checks."""
    problems = []
    for field, rule in fields.items():
        value = _at(doc.data, field)
        if not isinstance(value, str) or not value.strip():
            continue  # the type checks report a non-text value; an empty one means no file
        try:
            read_person_file(person_dir, value, rule)
        except Refused as refused:
            problems.append(Problem(doc.path, doc.line_of(field), dotted(field), str(refused)))
    return problems


def _at(data: Any, field: tuple[str, ...]) -> Any:
    for key in field:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
