"""What a person whose sources have errors keeps from their last good build, and what is withdrawn.

A person with an error is not built, so their documents in build/ come from the last good build.
Keeping them is right when nothing that decides what a document may show has changed or can have
changed: an allergy without a reaction cannot widen an audience. It is wrong when the problem is,
or may be, in a consent record or a ``sharing:`` field (the supervisor may be half-way through
withdrawing something), when the consents or sharing classes differ from those the documents were
built with, or when a consent a document relies on is not in force on this build's date. Those
documents are withdrawn (``packetgen/builder/prune.py`` removes them and the index says so).

Which documents, exactly:

- a document for internal staff (the partnership review) is always kept: that audience sees
  every sharing class by right, so no consent or sharing decision can take anything from it;
- when sharing may have changed (an error in a ``sharing:`` field, an unknown key where a
  ``sharing:`` key or a section name could be misspelt, or sharing classes that differ from the
  build the documents came from), every other document is withdrawn;
- a file that cannot be read at all (broken YAML, say) keeps the documents that need no consent,
  when the lines that decide sharing (``sharing_text``) are exactly those of the last good build;
  otherwise, and for documents that show something under a consent, they are withdrawn;
- when only consents may have changed (an error in ``consents``, or consent records that differ),
  the documents that show something only a consent allows (their manifest names the consent) are
  withdrawn;
- a document that shows something under a consent not in force on the build date is withdrawn.

The comparison uses digests of the consent and sharing parts of the raw YAML, recorded in the
build cache with each document when it is built: hashes, never the values.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from packetgen.model.errors import Problem
from packetgen.model.profile import Consent, Profile
from packetgen.model.sharing import ENTRY_SHARING, SECTION_NAMES
from packetgen.pipeline.digest import data_digest
from packetgen.pipeline.messages import model_fields_at
from packetgen.pipeline.select import in_force

Scope = Literal["none", "consents", "sharing"]
"""What a person's errors may have changed: nothing a document may show, consents, or sharing."""

SEES_EVERYTHING = "internal-staff"
"""The audience that receives every sharing class by right (``packetgen/model/audiences.py``)."""

MAY_HAVE_CHANGED = "what consent or sharing allows may have changed"


def sharing_text(source: bytes) -> str:
    """Digest of the lines of a profile's text that can decide sharing: the whole ``consents:``
    block, and every line that mentions ``sharing`` with the top-level section and the list item it
    sits under. Computed from the text alone, so it also works for a file that does not parse.

    A supervisor's typo at 2 am (an unclosed bracket in the medications, say) must not take the EMS
    sheet away: when these lines are exactly those of the last good build, the error cannot have
    changed a sharing class or a consent, whatever it is."""
    picked: list[str] = []
    section, item, in_consents = "", "", False
    for line in source.decode("utf-8", errors="replace").splitlines():
        if re.match(r"\S", line) and not line.startswith("#"):
            section, item = line.split(":", 1)[0].strip(), ""
            in_consents = section == "consents"
        elif re.match(r"\s*- ", line):
            item = line.strip()
        if in_consents:
            picked.append(line.rstrip())
        elif "sharing" in line:
            picked.append(f"{section}\0{item}\0{line.strip()}")
    return data_digest(picked)


def decision_inputs(data: Any, source: bytes) -> dict[str, str]:
    """Digests of everything in a raw profile that decides what a document may show, apart from
    the build date: each section's ``sharing:``, each contact's and care provider's ``sharing:`` (in order), and the
    consent records; and ``sharing_text`` of its text. Only the last when the file could not be
    read as a block of keys."""
    if not isinstance(data, dict):
        return {"text": sharing_text(source)}
    sharing: dict[str, Any] = {}
    for name in SECTION_NAMES:
        value = data.get(name)
        sharing[name] = value.get("sharing") if isinstance(value, dict) else (None if value is None else "?")
    for name, key in ENTRY_SHARING.items():
        section = data.get(name)
        listed = section.get(key) if isinstance(section, dict) else None
        sharing[f"{name}.{key}"] = (
            [p.get("sharing") if isinstance(p, dict) else "?" for p in listed] if isinstance(listed, list) else "?"
        )
    return {
        "sharing": data_digest(sharing),
        "consents": data_digest(data.get("consents")),
        "text": sharing_text(source),
    }


def undotted(field: str) -> tuple[str | int, ...]:
    """'contacts.people[2].sharing' -> ('contacts', 'people', 2, 'sharing'): the reverse of ``dotted``."""
    parts: list[str | int] = []
    for piece in re.findall(r"[^.\[\]]+", field):
        parts.append(int(piece) if piece.isdigit() else piece)
    return tuple(parts)


def error_scope(problem: Problem, profile_path: Path) -> Scope:
    """What one problem may have changed. Event files carry no sharing or consent, so their errors
    change nothing a document may show; in the profile, only a known field can be cleared."""
    if problem.severity != "error" or problem.path != profile_path:
        return "none"
    loc = undotted(problem.field)
    if not loc:
        return "sharing"  # the whole file: nothing can be proved
    if loc[0] == "consents":
        return "consents"
    if "sharing" in loc:
        return "sharing"
    for depth, part in enumerate(loc):
        if isinstance(part, int):
            continue
        allowed = model_fields_at(Profile, loc[:depth])
        if part not in allowed:
            # An unknown key may be a misspelt 'sharing' (where one is allowed) or a misspelt section.
            return "sharing" if depth == 0 or "sharing" in allowed else "none"
    return "none"


def profile_scope(problems: list[Problem], profile_path: Path) -> Scope:
    scopes = {error_scope(p, profile_path) for p in problems}
    return "sharing" if "sharing" in scopes else "consents" if "consents" in scopes else "none"


def consents_shown(manifest: Any) -> list[str] | None:
    """Ids of the consents under which a document shows something (None: unreadable manifest)."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("sections"), list):
        return None
    return sorted(
        {
            row["consent"]
            for row in manifest["sections"]
            if isinstance(row, dict) and row.get("included") and row.get("consent")
        }
    )


def _in_force_now(raw: Any, consent_id: str, as_of: dt.date) -> bool:
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, dict) and entry.get("id") == consent_id:
            try:
                return in_force(Consent.model_validate(entry), as_of)
            except ValidationError:
                return False
    return False


def withdraw_reason(
    audience: str | None,
    manifest: Any,
    recorded: dict[str, Any] | None,
    current: dict[str, str] | None,
    scope: Scope,
    data: Any,
    as_of: dt.date,
) -> str | None:
    """Why one document of a person with errors must be withdrawn, or None to keep it.

    ``recorded``: the decision inputs the document was built with (from the cache);
    ``current``: those of the profile as it is now; ``data``: the raw profile."""
    if audience == SEES_EVERYTHING:
        return None
    shown = consents_shown(manifest)
    if recorded is None or shown is None:
        return MAY_HAVE_CHANGED
    if current is not None and "sharing" not in current:
        # The file cannot be read: keep what cannot depend on it, if the lines that decide sharing
        # are those of the last good build; a consent it relies on cannot be checked, so not that.
        if recorded.get("text") != current["text"] or shown:
            return MAY_HAVE_CHANGED
        return None
    if scope == "sharing" or current is None or recorded.get("sharing") != current["sharing"]:
        return MAY_HAVE_CHANGED
    if shown and (scope == "consents" or recorded.get("consents") != current["consents"]):
        return MAY_HAVE_CHANGED
    for consent_id in shown:
        if not _in_force_now(data.get("consents") if isinstance(data, dict) else None, consent_id, as_of):
            return f"a consent it relies on is not in force on {as_of.isoformat()}"
    return None
