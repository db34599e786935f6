"""``packetgen audit``: the quality audit for supervisors and quality leads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from packetgen.builder.records import load_people
from packetgen.commands.args import report_misnamed_folders
from packetgen.commands.options import DATE, as_of_date, as_of_option, root_option
from packetgen.project.folders import open_project


@click.command("audit")
@root_option
@as_of_option
@click.option("--from", "start", type=DATE, default=None, help="First event date to include (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, default=None, help="Last event date to include (YYYY-MM-DD).")
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Audit a random sample of N events.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed for --sample, so a sample can be redrawn.")
@click.option("--identified", is_flag=True, help="Show full names instead of id and initials.")
@click.option(
    "--target-hours",
    type=click.FloatRange(min=0),
    default=24.0,
    show_default=True,
    help="Case manager notification later than this counts as late.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder. Default: build/ in the project (the audit goes in build/audit/).",
)
def audit_command(
    root: Path,
    as_of: dt.datetime | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    sample: int | None,
    seed: int,
    identified: bool,
    target_hours: float,
    out: Path | None,
) -> None:
    """Quality audit of case manager coordination: build/audit/report.html and .pdf."""
    from packetgen.audit.report import write_audit
    from packetgen.audit.summary import run_audit, summary_lines
    from packetgen.drill.log import read_all_logs
    from packetgen.pipeline.render import environment

    project = open_project(root, out)
    report_misnamed_folders(project, err=True)
    records = load_people(project, as_of=as_of_date(as_of))
    log, log_problems = read_all_logs(project)
    result = run_audit(
        records,
        log,
        as_of_date(as_of),
        start=start.date() if start else None,
        end=end.date() if end else None,
        sample=sample,
        seed=seed if sample else None,
        identified=identified,
        target_hours=target_hours,
    )
    result.errors += log_problems
    paths = write_audit(environment(project.look), project, result)
    for line in summary_lines(result):
        click.echo(line)
    click.echo("wrote " + ", ".join(str(project.display(p)) for p in paths))
