"""Printed copies: ``packetgen copies confirm``, ``print`` and ``verify``."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from packetgen.builder.records import load_people
from packetgen.commands.args import PERSON, require_profiles
from packetgen.commands.options import DATE, as_of_date, as_of_option, root_option
from packetgen.model.copies import COPYABLE, LOCATION, LOCATION_RULE
from packetgen.model.errors import errors
from packetgen.project.folders import open_project
from packetgen.project.ledger import RUN_ID


class _Named(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """A short name typed on the command line (a place, a print run), checked whole before use; the
    value is not repeated in the message."""

    def __init__(self, name: str, pattern: re.Pattern[str], rule: str) -> None:
        self.name, self.pattern, self.rule = name, pattern, rule

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not self.pattern.fullmatch(value):
            self.fail(self.rule, param, ctx)
        return value


LOCATION_ARG = _Named("location", LOCATION, f"not a place name: {LOCATION_RULE}, as in the profile's copies section")


RUN_ARG = _Named("run", RUN_ID, "not a print run id: use the id `packetgen print` printed, e.g. 2026-11-23-1")


@click.group("copies")
def copies_group() -> None:
    """Printed copies kept in places (the profile's copies section): record what was placed.

    \b
    packetgen copies confirm PERSON_ID LOCATION --by ROLE [--document NAME] [--on DATE]
    packetgen copies confirm --run RUN --by ROLE [--on DATE]
    """


@copies_group.command("confirm")
@root_option
@as_of_option
@click.argument("person_id", type=PERSON, required=False)
@click.argument("location", type=LOCATION_ARG, required=False)
@click.option("--run", "run_id", type=RUN_ARG, default=None, help="Record every copy of this print run.")
@click.option(
    "--document",
    "documents",
    type=click.Choice(COPYABLE),
    multiple=True,
    help="Only this document of the place (repeatable). Default: every document kept there.",
)
@click.option("--by", "by", required=True, help="Who placed them: a role or initials, e.g. 'shift lead'.")
@click.option("--on", "on", type=DATE, default=None, help="Date placed (YYYY-MM-DD). Default: today.")
def copies_confirm_command(
    root: Path,
    as_of: dt.datetime | None,
    person_id: str | None,
    location: str | None,
    run_id: str | None,
    documents: tuple[str, ...],
    by: str,
    on: dt.datetime | None,
) -> None:
    """Record in people/<id>/copies.jsonl that current copies were placed (or a whole print run's)."""
    from packetgen.copies.confirm import confirm_place, confirm_run
    from packetgen.project.ledger import ledger_path, valid_who

    if bool(run_id) == bool(person_id or location) or (not run_id and not (person_id and location)):
        raise click.UsageError("give PERSON_ID LOCATION, or --run RUN (not both)")
    if run_id and documents:
        raise click.UsageError("--document goes with PERSON_ID LOCATION, not with --run")
    if not valid_who(by):
        raise click.UsageError("--by: who placed them, on one line, at most 60 characters (a role or initials)")
    project = open_project(root)
    day = as_of_date(as_of)
    placed_on = on.date() if on else dt.date.today()
    if run_id:
        result = confirm_run(project, run_id, placed_on, by.strip(), day)
    else:
        assert person_id and location
        require_profiles(project, [person_id])
        result = confirm_place(project, person_id, location, documents, placed_on, by.strip(), day)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if errors(result.problems):
        click.echo("nothing recorded: fix the problems above; the copies ledgers are unchanged", err=True)
        sys.exit(1)
    for pid, placements in result.recorded.items():
        what = ", ".join(
            f"{p.location} {p.document} x{p.count} (plan v{p.label or p.plan_version}, check {p.check})"
            for p in placements
        )
        click.echo(f"recorded in {project.display(ledger_path(project, pid))}: {what}")
    if result.already:
        click.echo(f"already recorded from run {run_id}, nothing to do: {result.already} document(s)")
    for p in result.still_stale:
        click.echo(
            f"still stale: {p.location} {p.document}: changed after this run was printed; print it again", err=True
        )


@click.command("print")
@root_option
@as_of_option
@click.option("--person", "people", type=PERSON, multiple=True, help="Only this person (repeatable).")
@click.option("--location", "locations", type=LOCATION_ARG, multiple=True, help="Only this place (repeatable).")
@click.option("--stale", "stale", is_flag=True, help="Copies that are stale or missing (the default).")
@click.option("--all", "everything", is_flag=True, help="Every copy kept, current or not.")
@click.option("--dry-run", is_flag=True, help="Say what the run would hold; write nothing.")
def print_command(
    root: Path,
    as_of: dt.datetime | None,
    people: tuple[str, ...],
    locations: tuple[str, ...],
    stale: bool,
    everything: bool,
    dry_run: bool,
) -> None:
    """One print-ready PDF, build/print/<run>.pdf, of the copies to replace, grouped by person and place,
    each group opened by a separator sheet; build/print/<run>.json lists what it holds."""
    from packetgen.copies import printrun

    if stale and everything:
        raise click.UsageError("--stale and --all: choose one")
    project = open_project(root)
    require_profiles(project, people)
    records = load_people(project, list(people) or None, as_of=as_of_date(as_of))
    plan = printrun.plan_run(project, records, as_of_date(as_of), locations=locations, everything=everything)
    for problem in plan.problems:
        click.echo(str(problem), err=True)
    for record in plan.not_printed:
        click.echo(
            f"{record.person_id}: not printed: the records have errors (`packetgen check --person {record.person_id}`)",
            err=True,
        )
    code = 1 if plan.not_printed else 0
    if not plan.groups:
        click.echo("nothing to print: " + ("no copies match" if everything else "every copy kept is current"))
        sys.exit(code)
    if dry_run:
        click.echo(f"would print {len(plan.groups)} group(s) (nothing written):")
        click.echo("\n".join(printrun.group_lines(plan)))
        sys.exit(code)
    run_id, pdf, summary_path, summary = printrun.write_run(project, plan, as_of_date(as_of))
    click.echo(f"print run {run_id}: {len(plan.groups)} group(s), {summary['pages']} page(s)")
    click.echo("\n".join(printrun.group_lines(plan, summary)))
    click.echo(f"wrote {project.display(pdf)} and {project.display(summary_path)}")
    click.echo(f"once the sheets are in place: packetgen copies confirm --run {run_id} --by ROLE")
    sys.exit(code)


@click.command("verify")
@root_option
@as_of_option
@click.argument("code")
def verify_command(root: Path, as_of: dt.datetime | None, code: str) -> None:
    """Is the sheet with this check code (in its footer, next to the plan version) current?

    Exit status: 0 current; 1 not current (it says what replaced it and when); 3 not on record."""
    from packetgen.copies.verify import verdict_lines, verify
    from packetgen.pipeline.checkcode import normalize_code

    normalized = normalize_code(code)
    if normalized is None:
        raise click.UsageError(
            "not a check code: 8 letters and digits, as after 'check' in the sheet's footer (e.g. K7QX-M2PA)"
        )
    verdict = verify(open_project(root), normalized, as_of_date(as_of))
    for line in verdict_lines(verdict):
        click.echo(line)
    sys.exit({"current": 0, "replaced": 1, "unknown": 3}[verdict.state])
