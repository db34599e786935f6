"""``packetgen import ips`` and ``packetgen export ips``: health records (FHIR IPS) in and out."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from packetgen.builder.records import load_person
from packetgen.commands.args import PERSON, require_profiles
from packetgen.commands.options import as_of_date, as_of_option, root_option
from packetgen.ips.codes import SECTIONS
from packetgen.ips.export import DEFAULT_AUDIENCE, default_out, export_ips
from packetgen.ips.importer import import_bundle
from packetgen.model.audiences import AUDIENCES
from packetgen.project.folders import open_project


@click.group("import")
def import_group() -> None:
    """Read facts from a health record into a profile."""


@click.group("export")
def export_group() -> None:
    """Write what one audience may see as a health record."""


@import_group.command("ips")
@root_option
@as_of_option
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--person", "person_id", type=PERSON, required=True, help="Whose profile (the folder under people/).")
@click.option("--write", is_flag=True, help="Write the changes to an existing profile (without it, only say them).")
def import_ips_command(root: Path, as_of: dt.datetime | None, bundle: Path, person_id: str, write: bool) -> None:
    """Read an International Patient Summary (a FHIR R4 document bundle, JSON) into PERSON's profile.

    A new person gets a draft profile with a TODO for every fact the record cannot give. For an
    existing person, prints what would change, field by field, and writes only with --write; a
    hand-entered fact is never dropped or overwritten."""
    project = open_project(root)
    result = import_bundle(project, bundle, person_id, write=write, as_of=as_of_date(as_of))
    if result.problems or result.bundle is None or result.target is None:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        click.echo("nothing imported, nothing written", err=True)
        sys.exit(1)
    source = result.bundle
    click.echo(f"{result.target}: from {bundle} ({source.source_id}, dated {source.date})")
    for change in result.changes:
        click.echo(str(change))
    same = sum(1 for c in result.changes if c.mark == "=")
    differ = sum(1 for c in result.changes if c.mark == "!")
    click.echo(f"{result.adds} to add, {same} already there, {differ} different in the record (the profile's kept)")
    if result.new_person:
        click.echo(f"wrote a draft profile: {result.target}")
    elif result.written:
        click.echo(f"wrote {result.target}")
    elif result.adds and not write:
        click.echo("nothing written: run again with --write to add these")
    else:
        click.echo("nothing to write")
    if result.after:
        for problem in result.after:
            click.echo(str(problem))
        click.echo(
            f"{len(result.after)} thing(s) to fill in before this profile builds: see the TODOs in "
            f"{result.target}, then run `packetgen check --person {person_id}`"
        )


@export_group.command("ips")
@root_option
@as_of_option
@click.argument("person_id", type=PERSON)
@click.option(
    "--audience",
    type=click.Choice(sorted(AUDIENCES)),
    default=DEFAULT_AUDIENCE,
    show_default=True,
    help="Who the record is for: it carries only what they may see under current consent.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The bundle file. Default: build/PERSON_ID/ips-AUDIENCE.json (its manifest beside it).",
)
def export_ips_command(root: Path, as_of: dt.datetime | None, person_id: str, audience: str, out: Path | None) -> None:
    """Write PERSON_ID's International Patient Summary (a FHIR R4 document bundle) for one audience."""
    project = open_project(root)
    require_profiles(project, [person_id])
    day = as_of_date(as_of)
    record = load_person(project, person_id, as_of=day)
    if record.profile is None:
        for problem in record.problems:
            click.echo(str(problem), err=True)
        click.echo("nothing exported: fix the profile first", err=True)
        sys.exit(1)
    organization = project.config.settings.organization
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    target = out or default_out(project.build_dir, person_id, audience)
    done = export_ips(
        person_id,
        record.profile,
        audience,
        target,
        day,
        generated,
        organization.name if organization else "packetgen",
        (record.doc.data, record.doc.source),
    )
    rows = done.selection.decisions
    click.echo(f"wrote {done.bundle} and {done.manifest.name} for {AUDIENCES[audience].label}")
    shown = [d.section for d in rows if d.included and d.section in SECTIONS]
    click.echo("  carries: " + (", ".join(shown) or "nothing but the person's identity"))
    click.echo(
        "  not shared: " + (", ".join(d.section for d in rows if not d.included and d.section in SECTIONS) or "-")
    )
