"""``packetgen copies confirm``: record in the ledger that copies were placed.

Two ways: ``confirm ID LOCATION`` (the current version of each document kept there was just put
there) and ``confirm --run RUN`` (every group of a print run, with the versions that run printed,
read from its summary: a sheet printed before the latest edit is recorded as what it is, and stays
stale). Everything is checked before anything is written; confirming the same run twice records
nothing new.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace

from packetgen.builder.copies_index import index_slots
from packetgen.builder.document import generated_at, photo_data_uri
from packetgen.builder.records import load_person
from packetgen.copies.copies import placements_now
from packetgen.copies.printrun import RUN_FORMAT, run_dir
from packetgen.model.errors import Problem
from packetgen.project.folders import Project
from packetgen.project.ledger import Placement, append, from_data, read_ledger

RERUN = "print the run again with `packetgen print`"


@dataclass
class Confirmed:
    problems: list[Problem] = field(default_factory=list)
    recorded: dict[str, list[Placement]] = field(default_factory=dict)
    """Ledger lines written, per person."""
    already: int = 0
    """Lines of the run already in the ledger (confirmed before): nothing to do."""
    still_stale: list[Placement] = field(default_factory=list)
    """Recorded, but the document changed after the run printed it: print it again."""


def confirm_place(
    project: Project, person_id: str, location: str, documents: tuple[str, ...], on: dt.date, by: str, as_of: dt.date
) -> Confirmed:
    """The current version of the documents kept at ``location`` (or only ``documents``) was placed there."""
    result = Confirmed()
    record = load_person(project, person_id, as_of=as_of)
    if not record.ok or record.profile is None:
        result.problems = [p for p in record.problems if p.severity == "error"]
        return result
    doc = record.doc
    copies = record.profile.copies
    place = next((p for p in copies.places if p.location == location), None) if copies else None
    if place is None:
        result.problems.append(
            Problem(
                doc.path,
                doc.line_of(("copies", "places")),
                "copies.places",
                "no place with that location name: add it under copies.places, or check "
                "the spelling (`packetgen status` lists the places)",
            )
        )
        return result
    if [d for d in documents if d not in place.documents]:
        index = copies.places.index(place) if copies else 0
        result.problems.append(
            Problem(
                doc.path,
                doc.line_of(("copies", "places", index, "documents")),
                f"copies.places[{index}].documents",
                "that document is not kept at this place: add it to its documents first",
            )
        )
        return result
    placements = placements_now(project, record, location, list(documents), on, by, as_of)
    append(project, person_id, placements)
    result.recorded[person_id] = placements
    return result


def confirm_run(project: Project, run_id: str, on: dt.date, by: str, as_of: dt.date) -> Confirmed:
    """Every copy a print run holds was placed; the versions are the ones the run printed."""
    result = Confirmed()
    path = run_dir(project) / f"{run_id}.json"
    shown = project.display(path)
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        result.problems.append(
            Problem(
                shown,
                None,
                "",
                f"no such print run: check the run id ({RERUN} prints a new one; `ls build/print/` lists them)",
            )
        )
        return result
    except (OSError, ValueError):
        result.problems.append(Problem(shown, None, "", f"the run's summary is damaged: {RERUN}"))
        return result
    if (
        not isinstance(summary, dict)
        or summary.get("format") != RUN_FORMAT
        or not isinstance(summary.get("groups"), list)
    ):
        result.problems.append(Problem(shown, None, "", f"not a print run summary packetgen wrote: {RERUN}"))
        return result
    recorded = generated_at().isoformat()
    incoming: dict[str, list[Placement]] = {}
    for g, group in enumerate(summary["groups"]):
        person_id = group.get("person") if isinstance(group, dict) else None
        if not isinstance(person_id, str) or person_id not in project.person_ids():
            result.problems.append(
                Problem(shown, None, f"groups[{g}].person", f"no profile for that person under people/: {RERUN}")
            )
            continue
        for d, entry in enumerate(group.get("documents") or []):
            data = {
                "placed_on": on.isoformat(),
                "location": group.get("location"),
                "by": by,
                "recorded_at": recorded,
                "run": run_id,
                **{
                    k: entry.get(k)
                    for k in ("document", "count", "plan_version", "fingerprint", "label", "source")
                    if isinstance(entry, dict)
                },
            }
            placement, found = from_data(data, shown, None, RERUN)
            result.problems += [
                Problem(p.path, None, f"groups[{g}].documents[{d}].{p.field}", p.message) for p in found
            ]
            if placement is not None:
                incoming.setdefault(person_id, []).append(placement)
    if result.problems:
        return result
    for person_id, placements in incoming.items():
        logged, damaged = read_ledger(project, person_id)
        done = {(p.location, p.document) for p in logged if p.run == run_id}
        fresh = [p for p in placements if (p.location, p.document) not in done]
        result.already += len(placements) - len(fresh)
        result.problems += [replace(p, severity="warning") for p in damaged]
        if fresh:
            append(project, person_id, fresh)
            result.recorded[person_id] = fresh
            result.still_stale += _changed_since(project, person_id, fresh, as_of)
    return result


def _changed_since(project: Project, person_id: str, placements: list[Placement], as_of: dt.date) -> list[Placement]:
    """The placements whose document shows something else today than what was printed."""
    record = load_person(project, person_id, as_of=as_of)
    if not record.ok or record.profile is None:
        return []
    now = {
        (s["location"], s["document"]): s["fingerprint"]
        for s in index_slots(person_id, record.profile, photo_data_uri(record), as_of)
    }
    return [p for p in placements if now.get((p.location, p.document)) not in (None, p.fingerprint)]
