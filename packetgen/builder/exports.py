"""Health-record exports left under build/: removed by the next build once they may say too much.

``packetgen export ips`` writes ``build/<id>/ips-<audience>.json`` (and its manifest) with what that
audience may see *today*. Under build/ nothing may outlive the consent it was made under, so every
build removes a person's exports when their sharing or consent records changed since the export
(the same digests ``withdraw.py`` compares), when a consent the export relied on has expired, or
when the profile has errors (nothing can then be proved). The person can export again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from packetgen.builder.withdraw import decision_inputs

EXPORT_NAME = re.compile(r"ips-[a-z-]+\.json\Z")
"""A bundle's file name under build/<id>/; its manifest is the same stem plus ``.manifest.json``."""


def export_path(build_dir: Path, person_id: str, audience: str) -> Path:
    return build_dir / person_id / f"ips-{audience}.json"


def export_stamp(data: Any, source: bytes, consents: list[Any], relied_on: set[str]) -> dict[str, Any]:
    """What an export's manifest records so a later build can tell whether it still holds:
    the decision inputs it was made from and the first day a consent it relied on no longer applies."""
    ends = [c.expires for c in consents if c.id in relied_on]
    return {"inputs": decision_inputs(data, source), "valid_until": min(ends).isoformat() if ends else None}


def settle_exports(build_dir: Path, person_id: str, data: Any, source: bytes, ok: bool, as_of: dt.date) -> list[Path]:
    """Remove this person's exports that may no longer be shared; returns what was removed."""
    folder = build_dir / person_id
    if not folder.is_dir() or folder.is_symlink():
        return []
    current = decision_inputs(data, source) if ok else None
    removed = []
    for bundle in sorted(folder.iterdir()):
        if not EXPORT_NAME.fullmatch(bundle.name) or bundle.is_symlink():
            continue
        manifest = bundle.with_name(bundle.name.removesuffix(".json") + ".manifest.json")
        if _still_holds(manifest, current, as_of):
            continue
        for path in (bundle, manifest):  # the content before its manifest
            if path.is_file() and not path.is_symlink():
                path.unlink()
                removed.append(path)
    return removed


def _still_holds(manifest: Path, current: dict[str, str] | None, as_of: dt.date) -> bool:
    if current is None or not manifest.is_file():
        return False
    try:
        facts = json.loads(manifest.read_text(encoding="utf-8"))
        until = facts.get("valid_until")
        return bool(facts.get("inputs") == current and (until is None or as_of < dt.date.fromisoformat(until)))
    except (OSError, ValueError, AttributeError, TypeError):
        return False
