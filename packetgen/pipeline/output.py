"""Write stage: atomic file output.

A printer or a browser must never see half a packet, so every file is written to a temporary
file in the same folder and moved into place with ``os.replace`` (atomic on POSIX). Unchanged
content is not rewritten, so timestamps tell the truth about what a build changed.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

TEMP_MARK = ".packetgen-"
"""Every temp file packetgen writes is named ``.<name>.packetgen-XXXXXXXX.tmp`` (``XXXXXXXX`` from
``tempfile``), so the cleaner can tell packetgen's own leftovers from anyone else's ``.tmp`` files."""

TEMP_NAME = re.compile(r"\..+" + re.escape(TEMP_MARK) + r"[a-z0-9_]{8}\.tmp")
"""What ``write_atomic`` names its temp files, matched whole by ``is_own_temp``."""


def is_own_temp(name: str) -> bool:
    """True only for a temp file name ``write_atomic`` makes."""
    return TEMP_NAME.fullmatch(name) is not None


def write_atomic(path: Path, data: bytes, durable: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically. Returns False if the file already held it.

    ``durable`` also fsyncs before the rename, so a power cut cannot leave an empty file behind the
    new name. Atomicity against a killed build does not need it, and a per-file fsync was ~40% of
    an HTML-only build of 1000 people, so the build uses it for PDFs (what gets printed) only:
    HTML, manifests and caches are rebuilt from the sources in seconds."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{TEMP_MARK}", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_text(path: Path, text: str, durable: bool = True) -> bool:
    return write_atomic(path, text.encode("utf-8"), durable)
