"""What each document prints about versions: its version label and "what changed since the last version".

Both are worked out per document, from that document's own view of every stored revision under
today's decisions (``shown.Today.visible``). So a change only another audience may see never moves
this document's label, never appears in its list and is never counted: to this document, revisions
that look the same are one revision.

The plan version is the supervisor's number, and people forget to raise it. A document must never
print the same label for different content, so when what it shows differs from the first revision
recorded under the current ``plan.version``, the label says which edit it is:
``3 (edit 2, 24 Nov 2026)``, and ``packetgen check`` warns (``version_unchanged_since``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from packetgen.pipeline.history import Revision, describe_changes
from packetgen.pipeline.render import long_date

ViewOf = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class DocumentHistory:
    label: str
    """The plan version as this document prints it: "3", or "3 (edit 2, 24 Nov 2026)"."""
    previous: dict[str, str] | None
    """The last different version this document showed: {"version": label, "recorded": time}."""
    changes: list[str]


def _runs(views: list[dict[str, Any]]) -> list[int]:
    """Index of the first revision of each run of equal views."""
    return [i for i in range(len(views)) if i == 0 or views[i] != views[i - 1]]


def _label(revisions: list[Revision], views: list[dict[str, Any]], start: int) -> str:
    """The label of the run of equal views that starts at ``start``."""
    version = revisions[start].version
    first = start
    while first > 0 and revisions[first - 1].version == version:
        first -= 1
    if views[first] == views[start]:
        return str(version)
    edit = sum(1 for i in range(first + 1, start + 1) if views[i] != views[i - 1])
    return f"{version} (edit {edit}, {long_date(revisions[start].recorded[:10])})"


def document_history(revisions: list[Revision], view_of: ViewOf, *, describe: bool) -> DocumentHistory:
    """Label, previous version and changes for one document; the last revision is the current one."""
    views = [view_of(r.shown) for r in revisions]
    runs = _runs(views)
    label = _label(revisions, views, runs[-1])
    if len(runs) < 2:
        return DocumentHistory(label, None, [])
    before = runs[-2]
    previous = {"version": _label(revisions, views, before), "recorded": revisions[before].recorded}
    return DocumentHistory(label, previous, describe_changes(views[before], views[-1]) if describe else [])


def version_unchanged_since(revisions: list[Revision]) -> Revision | None:
    """The first revision recorded under the current plan version, if what the documents show has
    changed since it (the supervisor edited the plan but did not raise ``plan.version``)."""
    if len(revisions) < 2:
        return None
    version = revisions[-1].version
    first = len(revisions) - 1
    while first > 0 and revisions[first - 1].version == version:
        first -= 1
    return revisions[first] if revisions[first].shown != revisions[-1].shown else None
