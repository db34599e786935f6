"""Digests of data and folders: the one way packetgen hashes what a document is made of (cache keys,
fingerprints, check codes). Plain functions, no stage.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from packetgen.model.ids import COPIES_LOG, DRILL_LOG


def tree_digest(folder: Path) -> str:
    """Hash of every source file under ``folder``: names relative to it, and contents.

    A symlink is hashed by where it points, never followed: its target, if inside the folder, is
    hashed in its own right, and a target outside is never read (``person_files`` refuses it)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if not is_source_file(path) or any(p.startswith(".") for p in relative.parts):
                continue
            if path.is_symlink():
                digest.update(relative.as_posix().encode() + b"\0->" + os.fsencode(os.readlink(path)) + b"\0")
            elif path.is_file():
                digest.update(relative.as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (dt.date, Path)):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return repr(value)


def data_digest(value: Any) -> str:
    """Stable hash of plain data, pydantic models, dataclasses and dates."""
    text = json.dumps(value, sort_keys=True, default=_jsonable, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def combine(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


_EDITOR_LITTER = ("~", ".swp", ".swx", ".swo", ".tmp", ".part")


def is_source_file(path: Path) -> bool:
    """Editor backups, swap files and vim's '4913' probe are not inputs (and must not trigger rebuilds).

    Nor are the drill log and the copies ledger: importing drill results or recording copies placed
    must not change the packet's fingerprint, or every import would look like a new packet version
    in the drill report, and every copy confirmed would give the sheets just placed a new footer."""
    name = path.name
    return not (name.startswith(".") or name.endswith(_EDITOR_LITTER) or name in ("4913", DRILL_LOG, COPIES_LOG))
