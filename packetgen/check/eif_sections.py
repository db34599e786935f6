"""`packetgen check` on the emergency-information sections (``model/eif.py``): warnings, never errors.

- who is still missing each section: a provider upgrading has hundreds of profiles written before the
  sections existed; they keep building (the documents say "not recorded"), and this list is the work
  left to do, one line per section;
- a ``home_access`` value that looks like a door, gate or lockbox code: the packet is handed over and
  left behind, so a code on it opens the door to whoever holds it.

Messages never quote the value (profile text stays out of logs).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from packetgen.model.eif import EIF_SECTIONS
from packetgen.model.errors import Problem

SHOWN_IDS = 10
"""People named in one "still missing" warning; the rest are counted."""

DOOR_CODE = re.compile(
    r"\b(?:code|pin|passcode|combination|combo|keypad|key ?pad|lock ?box|key ?safe|gate|alarm)\b\D{0,20}\d{3,8}\b"
    r"|\b\d{3,8}\s*#|[#*]\s*\d{3,8}\b",
    re.IGNORECASE,
)
"""A 3-8 digit number within a few characters after a word like code, keypad or lockbox, or a number
keyed with # or *: how door codes are written down."""

HOME_ACCESS_TEXT = ("entry", "keys", "pets", "stairs_or_lifts", "hazards")


def missing_sections(records: list[Any], people_dir: Path) -> list[Problem]:
    """One warning per emergency-information section some valid profiles lack, naming them."""
    valid = [r for r in records if r.ok and r.profile is not None]
    found = []
    for name, words in EIF_SECTIONS.items():
        missing = sorted(r.person_id for r in valid if getattr(r.profile, name) is None)
        if not missing:
            continue
        shown = ", ".join(missing[:SHOWN_IDS]) + (
            f" and {len(missing) - SHOWN_IDS} more" if len(missing) > SHOWN_IDS else ""
        )
        found.append(
            Problem(
                people_dir,
                None,
                name,
                f"not recorded for {len(missing)} of {len(valid)} people ({shown}): add it to each profile "
                f"(see `packetgen new` for an example); until then their documents say {words} 'not recorded'",
                "warning",
            )
        )
    return found


def door_code_warnings(record: Any) -> list[Problem]:
    """A warning for each home_access value that looks like a door code."""
    access = record.profile.home_access if record.ok and record.profile is not None else None
    if access is None:
        return []
    found = []
    for key in HOME_ACCESS_TEXT:
        value = getattr(access, key)
        if value and DOOR_CODE.search(value):
            found.append(
                Problem(
                    record.doc.path,
                    record.doc.line_of(("home_access", key)),
                    f"home_access.{key}",
                    "looks like a door, gate or lockbox code: never put a code on a sheet that is handed "
                    "over and left behind; say who can open the door instead (e.g. 'staff on shift')",
                    "warning",
                )
            )
    return found
