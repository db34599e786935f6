"""``packetgen check``, ``status`` and ``explain``: what is wrong, what is due, why a section reads as it does."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from packetgen.builder.jobs import version_warnings
from packetgen.builder.records import dated_warnings, gate_problems, load_people
from packetgen.check.advice import advice
from packetgen.check.eif_sections import missing_sections
from packetgen.commands.args import PERSON, report_misnamed_folders, require_profiles
from packetgen.commands.options import as_of_date, as_of_option, root_option
from packetgen.model.documents import BY_NAME
from packetgen.model.errors import errors, warnings
from packetgen.pipeline.select import select
from packetgen.project.folders import open_project
from packetgen.project.inventory import real_data_warnings, unread_files


@click.command("check")
@root_option
@as_of_option
@click.option("--person", "people", type=PERSON, multiple=True, help="Check only this person (repeatable).")
@click.option(
    "--quick",
    is_flag=True,
    help="Skip laying out each packet to say which run past one page (the slowest part of check for a large roster).",
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Report open gates (INCOMPLETE coordination documents) as warnings instead of errors.",
)
def check_command(
    root: Path, as_of: dt.datetime | None, people: tuple[str, ...], quick: bool, allow_incomplete: bool
) -> None:
    """Validate every profile and event and print all problems at once (exit 1 on any error).

    An open gate (a "cannot proceed without" item missing from an event) is an error, so a
    coordination document cannot quietly pass as complete; --allow-incomplete makes it a warning.
    """
    project = open_project(root)
    require_profiles(project, people)
    day = as_of_date(as_of)
    misnamed = report_misnamed_folders(project)
    records = load_people(project, list(people) or None, as_of=day)
    problems = [p for r in records for p in r.problems]
    problems += [w for record in records for w in dated_warnings(record, day)]
    problems += [w for record in records for w in version_warnings(project, record, day)]
    problems += [note for record in records for note in advice(project, record, day, layout=not quick)]
    problems += missing_sections(records, project.display(project.people_dir))
    gates_by = {r.person_id: gate_problems(r, day, "warning" if allow_incomplete else "error") for r in records if r.ok}
    gates = [g for found in gates_by.values() for g in found]
    problems += gates
    problems += unread_files(project, {r.person_id: r.doc.data for r in records})
    problems += real_data_warnings(project, {r.person_id: r.doc.data for r in records})
    for problem in problems:
        click.echo(str(problem))
    if not records:
        click.echo(
            f"no profiles found under {project.display(project.people_dir)}/: "
            "create one with `packetgen new <person-id>`"
        )
        sys.exit(1)
    events = sum(len(r.events) for r in records)
    if misnamed:
        click.echo(f"{misnamed} folder(s) under {project.display(project.people_dir)}/ not checked: rename them")
    if errors(problems):
        bad = sum(1 for r in records if not r.ok or errors(gates_by.get(r.person_id, [])))
        click.echo(f"{len(errors(problems))} error(s) in {bad} of {len(records)} profiles ({events} events)")
        if errors(gates):
            click.echo(
                f"{len(errors(gates))} open gate(s) leave documents INCOMPLETE: fill in what is missing, "
                "or run with --allow-incomplete to report them as warnings"
            )
        sys.exit(1)
    if misnamed:
        sys.exit(1)
    click.echo(
        f"checked {len(records)} profiles: all valid ({events} events, {len(warnings(problems))} warnings"
        + (f", {len(gates)} open gates allowed" if gates else "")
        + ")"
    )


@click.command("status")
@root_option
@as_of_option
@click.option("--person", "people", type=PERSON, multiple=True, help="Only this person (repeatable).")
def status_command(root: Path, as_of: dt.datetime | None, people: tuple[str, ...]) -> None:
    """The supervisor's morning list: per person, notifications overdue and due, open gates, next reviews.

    Exit status: 0 nothing overdue and every printed copy current; 1 a notification or a plan review
    is overdue; 3 nothing overdue but someone's records (or copies ledger) have errors, so their status
    is unknown; 4 nothing overdue or unknown, but printed copies are stale or missing; 2 a usage error."""
    from packetgen.check.status import exit_code, format_status, person_status

    project = open_project(root)
    require_profiles(project, people)
    if not people:
        report_misnamed_folders(project, err=True)
    day = as_of_date(as_of)
    records = load_people(project, list(people) or None, as_of=day)
    if not records:
        click.echo(f"no profiles found under {project.display(project.people_dir)}/")
        sys.exit(1)
    statuses = [person_status(r, day, project) for r in records]
    for line in format_status(statuses, day):
        click.echo(line)
    sys.exit(exit_code(statuses))


@click.command("explain")
@root_option
@as_of_option
@click.argument("person_id", type=PERSON)
@click.argument("document", type=click.Choice(sorted(BY_NAME)))
def explain_command(root: Path, as_of: dt.datetime | None, person_id: str, document: str) -> None:
    """Show which sections DOCUMENT shows or withholds for PERSON_ID, and why."""
    project = open_project(root)
    require_profiles(project, [person_id])
    (record,) = load_people(project, [person_id], as_of=as_of_date(as_of))
    if record.profile is None:
        for problem in record.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    kind = BY_NAME[document]
    selection = select(record.profile, kind.audience, kind.sections, as_of_date(as_of))
    click.echo(f"{document} for {person_id}: audience {selection.audience.label}, as of {as_of_date(as_of)}")
    width = max(len(d.section) for d in selection.decisions) + 2
    for d in selection.decisions:
        mark = "SHOWN   " if d.included else "withheld"
        label = d.section
        if label.startswith("contacts.shown["):
            # A contact the document prints, so its role is no secret here.
            label += f" {selection.view['contacts'][int(label.split('[')[1].rstrip(']'))].role}"
        click.echo(f"  {mark}  {label:<{width + 14}} {d.sharing or '-':<10} {d.reason}")
    click.echo(
        "A section not shown reads the same whether the profile has it or not; contacts not shared are "
        "left out. See the profile's sharing: and consents: for why."
    )
