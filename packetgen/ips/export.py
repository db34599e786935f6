"""Export stage: one valid person, one audience -> an IPS bundle file and its manifest.

Consent is decided where it always is, in ``pipeline/select`` (every section name, today's decisions);
this module only writes what the selection holds. The bundle is checked against the FHIR models
before it is written: a bundle that would not validate is a bug here, reported as such, never written.
The manifest says, in the words of a document's manifest, what the bundle carries and withholds;
a withheld section reads the same as a missing one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packetgen import __version__
from packetgen.builder.exports import export_path, export_stamp
from packetgen.ips.codes import SECTIONS
from packetgen.ips.mapout import build_bundle
from packetgen.model.profile import Profile
from packetgen.model.sharing import SECTION_NAMES
from packetgen.pipeline.output import write_atomic
from packetgen.pipeline.select import NOT_PART, Selection, select

DEFAULT_AUDIENCE = "emergency-responders"
MANIFEST_NOTE = (
    "A section this audience does not get reads 'not shared with <audience>' whether or not the "
    "profile has it; the three sections every patient summary must carry (allergies, medications, "
    "problems) are then sent empty, with the same reason either way."
)


@dataclass(frozen=True)
class Exported:
    bundle: Path
    manifest: Path
    selection: Selection


def default_out(build_dir: Path, person_id: str, audience: str) -> Path:
    return export_path(build_dir, person_id, audience)


def manifest_path(out: Path) -> Path:
    """``ips-x.json`` -> ``ips-x.manifest.json`` (any other name: the name plus ``.manifest.json``)."""
    stem = out.name[: -len(".json")] if out.name.endswith(".json") else out.name
    return out.with_name(f"{stem}.manifest.json")


def export_ips(
    person_id: str,
    profile: Profile,
    audience: str,
    out: Path,
    as_of: dt.date,
    generated: dt.datetime,
    author: str,
    raw: tuple[Any, bytes],
) -> Exported:
    """Select, build, check, write the bundle, then its manifest (the manifest last, as for documents).
    ``raw`` is the profile's data and bytes: the manifest records the decision inputs they give, so
    the next build can remove an export that its consent no longer covers (``builder/exports.py``)."""
    selection = select(profile, audience, SECTION_NAMES, as_of)
    bundle = build_bundle(person_id, selection, generated, author)
    check_valid(bundle)
    write_atomic(out, json.dumps(bundle, indent=2, ensure_ascii=False).encode("utf-8") + b"\n", durable=False)
    relied_on = {d.consent_id for d in selection.decisions if d.included and d.consent_id}
    facts = manifest(person_id, profile, selection, as_of, generated, out)
    facts |= export_stamp(raw[0], raw[1], profile.consents, {c for c in relied_on if c})
    where = manifest_path(out)
    write_atomic(where, json.dumps(facts, indent=2).encode() + b"\n", durable=False)
    return Exported(out, where, selection)


def check_valid(bundle: dict[str, Any]) -> None:
    """The FHIR models' verdict on what we are about to write; a failure is a packetgen bug."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        where = "; ".join(".".join(str(p) for p in error["loc"]) for error in exc.errors()[:3])
        raise RuntimeError(f"packetgen made a bundle that is not valid FHIR ({where}): please report this") from None


def manifest(
    person_id: str, profile: Profile, selection: Selection, as_of: dt.date, generated: dt.datetime, out: Path
) -> dict[str, Any]:
    """What the bundle carries and why, from the same selection. Sections a patient summary has no
    place for (the crisis plan, contacts ...) are "not part of this document", whatever their class."""
    rows = []
    for decision in selection.decisions:
        if decision.section not in SECTIONS:
            if decision.section.startswith("contacts."):
                continue
            rows.append(
                {"section": decision.section, "sharing": None, "included": False, "reason": NOT_PART, "consent": None}
            )
            continue
        rows.append(
            {
                "section": decision.section,
                "sharing": decision.sharing,
                "included": decision.included,
                "reason": decision.reason,
                "consent": decision.consent_id,
            }
        )
    return {
        "document": "ips",
        "file": out.name,
        "person": person_id,
        "packetgen_version": __version__,
        "audience": selection.audience.key,
        "as_of": as_of.isoformat(),
        "generated": generated.isoformat(),
        "plan_version": profile.plan.version,
        "note": MANIFEST_NOTE,
        "included": [row["section"] for row in rows if row["included"]],
        "withheld": [row["section"] for row in rows if not row["included"] and row["reason"] != NOT_PART],
        "sections": rows,
    }
