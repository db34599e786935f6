"""``packetgen drill``: the drill page or paper drill for a person, importing results, the report."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from packetgen.builder.records import load_people
from packetgen.commands.args import PERSON, require_profiles
from packetgen.commands.options import as_of_date, as_of_option, root_option
from packetgen.project.folders import open_project


class DrillGroup(click.Group):
    """``packetgen drill <person-id>`` and ``packetgen drill import|report``: anything that is not a
    subcommand goes to the hidden ``page`` command, so the person id can come first."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["page", *args]
        return super().parse_args(ctx, args)


@click.group("drill", cls=DrillGroup)
def drill_group() -> None:
    """Drills: time how fast facts are found in a responder packet, record the results, report them.

    \b
    packetgen drill PERSON_ID [--paper [--seed S]] | --all
    packetgen drill import RESULTS.json|RESULTS.csv ...
    packetgen drill report [--target-seconds 10]
    """


@drill_group.command("page", hidden=True)
@root_option
@as_of_option
@click.argument("person_ids", type=PERSON, nargs=-1)
@click.option("--all", "everyone", is_flag=True, help="A drill for every valid person.")
@click.option("--paper", is_flag=True, help="Write a printable paper drill (PDF) instead of the HTML page.")
@click.option("--seed", type=int, default=None, help="Question order for --paper (default: random, printed).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder. Default: build/ in the project (drills go in build/drills/).",
)
def drill_page_command(
    root: Path,
    as_of: dt.datetime | None,
    person_ids: tuple[str, ...],
    everyone: bool,
    paper: bool,
    seed: int | None,
    out: Path | None,
) -> None:
    """Write build/drills/<person-id>.html (or -paper.pdf with --paper)."""
    import random

    from packetgen.drill.page import write_drill_page, write_paper_drill
    from packetgen.pipeline.pdf import PdfRenderer
    from packetgen.pipeline.render import environment

    project = open_project(root, out)
    if everyone == bool(person_ids):
        raise click.UsageError("name one or more person ids, or use --all")
    require_profiles(project, person_ids)
    records = load_people(project, list(person_ids) or None, as_of=as_of_date(as_of))
    env = environment(project.look)
    renderer = PdfRenderer(project.styles_dir, project.paper) if paper else None
    if paper and seed is None:
        seed = random.randrange(1, 1_000_000)
    failed = False
    for record in records:
        if not record.ok:
            failed = True
            for problem in record.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{record.person_id}: not drilled: fix the errors above", err=True)
            continue
        if renderer is not None:
            assert seed is not None
            path, count = write_paper_drill(env, project, renderer, record, as_of_date(as_of), seed)
            click.echo(f"wrote {project.display(path)}: {count} questions, seed {seed}")
        else:
            path, count = write_drill_page(env, project, record, as_of_date(as_of))
            click.echo(f"wrote {project.display(path)}: {count} questions")
    if failed:
        sys.exit(1)


@drill_group.command("import")
@root_option
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def drill_import_command(root: Path, files: tuple[Path, ...]) -> None:
    """Check drill results (JSON from the drill page, or CSV from paper drills) and append them to
    people/<id>/drills.jsonl. Nothing is written unless every file and row is valid."""
    from packetgen.drill.log import import_results, log_path

    project = open_project(root)
    result = import_results(project, [f.resolve() for f in files])
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        click.echo(f"nothing imported: {len(result.problems)} problem(s); the drill logs are unchanged", err=True)
        sys.exit(1)
    for person_id, count in sorted(result.appended.items()):
        click.echo(f"appended {count} drill(s) to {project.display(log_path(project, person_id))}")
    if result.already:
        click.echo(f"already in the drill log, nothing to do: {', '.join(result.already)}")


@drill_group.command("report")
@root_option
@click.option(
    "--target-seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Fields whose median time-to-find is over this are flagged. Default: drills.target_seconds "
    "in packetgen.yml (10).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder. Default: build/ in the project.",
)
def drill_report_command(root: Path, target_seconds: float | None, out: Path | None) -> None:
    """Write build/drills/report.html and report.pdf from every person's drill log."""
    from packetgen.drill.log import read_all_logs
    from packetgen.drill.report import report_context, write_report
    from packetgen.pipeline.render import environment

    project = open_project(root, out)
    target_seconds = target_seconds or project.config.settings.drills.target_seconds
    runs, problems = read_all_logs(project)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo("report not written: fix the drill logs above (the last report is kept)", err=True)
        sys.exit(1)
    if not runs:
        click.echo("no drills recorded yet: run a drill, then `packetgen drill import FILE`", err=True)
        sys.exit(1)
    paths = write_report(environment(project.look), project, runs, target_seconds)
    context = report_context(runs, target_seconds)
    flagged = ", ".join(s.key[0] for s in context["flagged"]) or "none"
    click.echo(
        f"wrote {' and '.join(str(project.display(p)) for p in paths)}: {context['runs']} drills, "
        f"{context['answers']} answers ({context['right']} right, {context['wrong']} wrong); "
        f"over {target_seconds:g} s: {flagged}"
    )
