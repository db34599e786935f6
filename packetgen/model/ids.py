"""Person and event ids: one rule for both, because each becomes a file or folder name."""

from __future__ import annotations

import re

PERSON_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""Person ids become folder and file names, so they stay short, lower-case and free of details."""


PERSON_ID_RULE = (
    "lower-case letters, digits and dashes only, e.g. 'ana-r' (it becomes a file name, so no full "
    "names or diagnoses), and not assets, drills, audit or print (the build folder uses those)"
)


RESERVED_IDS = frozenset({"assets", "drills", "audit", "print"})
"""Folders of the build folder that hold shared output (stylesheets, drills, the audit, print runs):
no person may be called that, or their documents and these would share a folder."""


def is_person_id(value: str) -> bool:
    """The person-id rule, checked whole (``$`` alone would let a trailing newline through).

    Every id from the command line and every folder name under people/ passes here before it
    becomes a path, so no id can climb out of people/ or build/ (``../people/rosa-m``)."""
    return PERSON_ID.fullmatch(value) is not None and value not in RESERVED_IDS


EVENT_ID = PERSON_ID
"""Event ids are the event file's name without .yaml (or .yml); they become folder names under build/ too."""


DRILL_LOG = "drills.jsonl"
"""Each person's drill results, beside the profile. An output of drills, not an input of documents."""


COPIES_LOG = "copies.jsonl"
"""Each person's ledger of printed copies placed, beside the profile. Not an input of documents either."""
