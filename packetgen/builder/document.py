"""One document from a job: rendered HTML, its manifest, and the writer every runner (local pool, shard,
Dask) shares, so a document's files are written the same way wherever it was rendered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment

from packetgen import __version__
from packetgen.builder.records import PersonRecord
from packetgen.model.documents import STYLESHEET, DocumentKind
from packetgen.model.eif import not_recorded, preferred_hospitals
from packetgen.model.provenance import imported_facts
from packetgen.pipeline.checkcode import check_code, content_fingerprint, visible_content
from packetgen.pipeline.dates import generated_text
from packetgen.pipeline.output import write_atomic
from packetgen.pipeline.paginate import Plan, PrintSource, new_plan, ordered_medications
from packetgen.pipeline.person_files import Refused, read_person_file
from packetgen.pipeline.render import look_of, render
from packetgen.pipeline.rules import ReviewStatus
from packetgen.pipeline.select import Selection, select
from packetgen.project.folders import Project

log = logging.getLogger(__name__)

FORMATS = ("html", "pdf")


def printed_time(project: Project, moment: dt.datetime | None = None) -> str:
    """'generated' as documents print it: in the project's time zone (packetgen.yml)."""
    return generated_text(moment or generated_at(), project.config.settings.dates.time_zone)


def generated_at() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Rendered:
    kind: DocumentKind
    html: str
    print_html: str
    manifest: dict[str, Any]
    source: PrintSource | None = None
    """Renders the print HTML for any pagination plan (packets only): see paginate.py."""

    def plan(self) -> Plan | None:
        """A fresh page-1 plan for the PDF (nothing moved yet), for paginated documents."""
        return new_plan(self.source.context["view"], self.kind.large_print) if self.source is not None else None


def render_person_document(
    env: Environment,
    record: PersonRecord,
    kind: DocumentKind,
    as_of: dt.date,
    stamp: dict[str, str],
    extra: dict[str, Any] | None = None,
    *,
    want_print: bool = True,
) -> Rendered:
    """Render one document for one valid person, as screen HTML, print HTML and a manifest."""
    profile = record.profile
    assert profile is not None
    selection = select(profile, kind.audience, kind.sections, as_of)
    review = record.review(as_of)
    label = (extra or {}).get("version_label") or str(profile.plan.version)
    photo = photo_data_uri(record)
    # The check code printed next to the version: from what this sheet shows (packetgen/pipeline/checkcode.py).
    stamp = {
        **stamp,
        "check": check_code(
            content_fingerprint(record.person_id, kind.name, visible_content(profile, kind, as_of), photo, extra)
        ),
    }
    context: dict[str, Any] = {
        "view": selection.view | {"version_label": label},
        "kind": kind,
        "audience": selection.audience,
        "review": review,
        "as_of": as_of,
        "stamp": stamp,
        "photo": photo,
        "critical": kind.critical,
        **(extra or {}),
    }
    context["meds"] = ordered_medications(selection.view["medications"])
    context["not_recorded"] = not_recorded(selection.view, kind.sections, packet=kind.paginated)
    context["hospitals"] = preferred_hospitals(selection.view)
    context["plan"] = new_plan(selection.view, kind.large_print)
    # Screen HTML links the same stylesheets the PDF is made with (its @media print rules are the
    # PDF's), relative to where the page sits (event forms are deeper); the print HTML links none
    # because WeasyPrint gets them parsed once, from styles/.
    assets = context.get("assets", "../assets")
    stylesheets = [f"{assets}/{name}" for name in (STYLESHEET, *kind.stylesheets)]
    html = render(env, kind.template, {**context, "stylesheets": stylesheets, "print_layout": False})
    print_context = {**context, "stylesheets": [], "print_layout": True}
    source = PrintSource(look_of(env), kind.template, print_context) if kind.paginated else None
    print_html = render(env, kind.template, print_context) if want_print else ""
    facts = manifest(record, kind, selection, review, as_of, stamp, label) | context.get("manifest_extra", {})
    return Rendered(kind, html, print_html, facts, source)


def photo_data_uri(record: PersonRecord) -> str | None:
    """The photo as a data: URI, so the HTML is one self-contained file and the PDF reads no file.

    Read through the same confinement rule validation used (``person_files``), so a file swapped
    for something else after validation is refused here too; the document then says "No photo on
    file", and the next build (the file changed, so the person is rebuilt) reports the error."""
    assert record.profile is not None
    name = record.profile.identity.photo
    if not name:
        return None
    try:
        return read_person_file(record.path.parent, name).data_uri()
    except Refused as refused:
        log.warning("%s: identity.photo: %s", record.person_id, refused)
        return None


MANIFEST_NOTE = (
    "A section or contact this audience does not get reads 'not shared with <audience>' whether "
    "or not the profile has it; contacts not shared are left out and not counted."
)


def manifest(
    record: PersonRecord,
    kind: DocumentKind,
    selection: Selection,
    review: ReviewStatus,
    as_of: dt.date,
    stamp: dict[str, str],
    version_label: str,
) -> dict[str, Any]:
    """The proof of what this document shows and withholds, and why (in words that do not tell
    whether a withheld section exists: see ``select.not_shared``)."""
    assert record.profile is not None
    return {
        "document": kind.name,
        "person": record.person_id,
        "packetgen_version": __version__,
        "audience": selection.audience.key,
        "as_of": as_of.isoformat(),
        "plan_version": record.profile.plan.version,
        "plan_version_label": version_label,
        "fingerprint": stamp["fingerprint"],
        "check_code": stamp.get("check"),
        "note": MANIFEST_NOTE,
        "sections": [
            {
                "section": d.section,
                "sharing": d.sharing,
                "included": d.included,
                "reason": d.reason,
                "consent": d.consent_id,
            }
            for d in selection.decisions
        ],
        # Facts read from a health record (`packetgen import ips`): which bundle, of what date.
        "imported": imported_facts(selection.view, kind.sections),
    }


def write_page(
    project: Project,
    stem: Path,
    doc: Rendered,
    formats: tuple[str, ...],
    pdf_follows: bool,
    wrote: Callable[[Path, bool], None],
) -> None:
    """Write a rendered document's HTML and, unless its PDF follows, its manifest (the manifest of
    a PDF waits for the layout facts: pages, what continued); ``wrote`` is told of each file."""
    outputs = [] if pdf_follows else [(".manifest.json", manifest_bytes(doc.manifest))]
    if "html" in formats:
        outputs.append((".html", doc.html.encode()))
    for suffix, data in outputs:
        path = output_path(project.build_dir, stem, suffix)
        wrote(path, write_atomic(path, data, durable=False))


def manifest_bytes(facts: dict[str, Any]) -> bytes:
    return json.dumps(facts, indent=2).encode() + b"\n"


def output_path(build_dir: Path, stem: Path | str, suffix: str) -> Path:
    """``stem`` plus a suffix (not ``with_suffix``: a stem may contain dots, e.g. an event date)."""
    target = build_dir / stem
    return target.parent / f"{target.name}{suffix}"


def output_suffixes(formats: tuple[str, ...]) -> tuple[str, ...]:
    return (".manifest.json", *(f".{fmt}" for fmt in FORMATS if fmt in formats))
