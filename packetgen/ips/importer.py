"""Import stage: a bundle file -> a new person's draft, or the changes to an existing person's profile.

A new person (no profile yet) gets a draft at once: nothing is lost by writing it. An existing
person's profile is only changed with ``write=True``: until then the changes are only reported.
Either way the result is read back through packetgen's own loader, so the person running the import
sees, with file and line, what still has to be filled in before the profile builds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from packetgen.builder.records import load_person
from packetgen.ips.bundle import Bundle, read_bundle
from packetgen.ips.draft import draft
from packetgen.ips.mapin import read_facts
from packetgen.ips.merge import Change, merge, someone_else
from packetgen.ips.yamlfile import dump, load_profile, round_trip, write_profile
from packetgen.model.errors import Problem, errors
from packetgen.project.folders import Project


@dataclass
class Imported:
    problems: list[Problem]
    """Why nothing was done (a bundle that is not a valid IPS document, an unreadable profile)."""
    bundle: Bundle | None = None
    target: Path | None = None
    new_person: bool = False
    changes: list[Change] = field(default_factory=list)
    written: bool = False
    after: list[Problem] = field(default_factory=list)
    """The profile's errors as packetgen reads it now (the TODOs still to fill in)."""

    @property
    def adds(self) -> int:
        return sum(1 for c in self.changes if c.mark == "+")


def import_bundle(project: Project, path: Path, person_id: str, *, write: bool, as_of: dt.date) -> Imported:
    bundle, problems = read_bundle(path, path)
    if bundle is None:
        return Imported(problems)
    facts = read_facts(bundle)
    target = project.profile_path(person_id)
    shown = project.display(target)
    result = Imported([], bundle, shown)
    if not target.is_file():
        root, result.changes = draft(facts)
        result.new_person = True
        result.written = write_profile(target, dump(round_trip(), root)) or True
    else:
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return Imported([Problem(shown, None, "", "cannot be read: fix it first (`packetgen check`)")], bundle)
        yaml, tree = load_profile(text)
        if tree is None:
            message = "is not a YAML block of sections: fix it first (`packetgen check`), then import again"
            return Imported([Problem(shown, None, "", message)], bundle)
        if someone_else(tree, facts.identity):
            patient = next(e for e in bundle.entries if e.kind == "Patient")
            message = (
                f"is about someone else: both the name and the date of birth differ from {shown}'s. "
                "Check the file and --person; nothing was changed"
            )
            return Imported([Problem(bundle.path, patient.line, patient.label, message)], bundle)
        result.changes = merge(tree, facts)
        if write and result.adds:
            result.written = write_profile(target, dump(yaml, tree))
    if result.written:
        result.after = errors(load_person(project, person_id, as_of=as_of).problems)
    return result
