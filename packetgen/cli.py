"""Command line: a thin shell over the build stages. Each command loads, calls one function, reports.

click is used (as MkDocs does) for subcommands, typed options and help text for free.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import signal
import sys
import time
from pathlib import Path

import click

from packetgen import __version__
from packetgen.build.document import FORMATS
from packetgen.build.jobs import version_warnings
from packetgen.build.prune import describe
from packetgen.build.records import dated_warnings, gate_problems, load_people
from packetgen.build.runner import build
from packetgen.build.shard import Shard, parse_shard
from packetgen.check.advice import advice
from packetgen.copies.ledger import RUN_ID
from packetgen.model.copies import COPYABLE, LOCATION, LOCATION_RULE
from packetgen.model.documents import BY_NAME
from packetgen.model.errors import errors, warnings
from packetgen.pipeline.render import TemplateFault
from packetgen.pipeline.select import select
from packetgen.project.folders import open_project
from packetgen.project.inventory import real_data_warnings, unread_files
from packetgen.project.starter import write_starter

from .cli_args import PERSON, locate_project, report_misnamed_folders, require_profiles

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _as_of(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


root_option = click.option("--project", "--root", "root", type=click.Path(file_okay=False, path_type=Path),
                           default=None, callback=locate_project, expose_value=True,
                           help="Project folder (holding packetgen.yml and people/). Default: the nearest "
                                "folder with a packetgen.yml, from here upwards.")
as_of_option = click.option("--as-of", "as_of", type=DATE, default=None,
                            help="Build date for review and consent checks (YYYY-MM-DD). Default: today.")


class _Commands(click.Group):
    """Every command: a template that cannot be rendered is a message with its file and line, exit 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except TemplateFault as exc:
            click.echo(str(exc), err=True)
            ctx.exit(1)


@click.group(cls=_Commands)
@click.version_option(__version__)
def main() -> None:
    """packetgen: crisis information packets from one YAML profile per person."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)


def _stop_on_signal(signum: int, frame: object) -> None:
    """SIGTERM or SIGHUP end a build or watch as Ctrl-C does: worker pools are shut down on the way out."""
    raise SystemExit(128 + signum)


def shard_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    """``--shard K/N`` checked here, so a typo stops before anything is built."""
    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


format_option = click.option("--format", "fmt", type=click.Choice(["html", "pdf", "all"]), default="all",
                             show_default=True)
out_option = click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                          help="Output folder. Default: build/ in the project.")
jobs_option = click.option("--jobs", "workers", type=click.IntRange(min=1), default=None,
                           help="PDF worker processes. Default: one per core.")


@main.command("build")
@root_option
@as_of_option
@click.option("--person", "people", type=PERSON, multiple=True, help="Build only this person (repeatable).")
@format_option
@out_option
@click.option("--force", is_flag=True, help="Rebuild every document, even those whose inputs did not change.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--large-print", is_flag=True,
              help="Also write 18 pt responder packets and crisis plans (<document>-large-print.html|pdf).")
@jobs_option
@click.option("--shard", default=None, callback=shard_option, metavar="K/N",
              help="Build only shard K of N (1-based; by a hash of the person id), no index; see --index-only.")
@click.option("--index-only", is_flag=True, help="Write only build/index.html, from what the shards built.")
@click.option("--dask", "dask", default=None, metavar="ADDRESS",
              help="Render on a running Dask cluster, e.g. tcp://10.0.0.5:8786 (workers see the same folders).")
def build_command(root: Path, as_of: dt.datetime | None, people: tuple[str, ...], fmt: str, out: Path | None,
                  force: bool, quiet: bool, large_print: bool, workers: int | None, shard: Shard | None,
                  index_only: bool, dask: str | None) -> None:
    """Build every person's packets as HTML and PDF, plus build/index.html.

    Documents whose inputs did not change since the last build are skipped (see --force)."""
    if index_only and (shard or people or dask):
        raise click.UsageError("--index-only: builds no documents, so it takes no --shard, --person or --dask")
    project = open_project(root, out)
    require_profiles(project, people)
    if index_only:
        result = build(project, formats=FORMATS if fmt == "all" else (fmt,), as_of=_as_of(as_of),
                       large_print=large_print, index_only=True)
        click.echo(f"wrote the index of {len(project.person_ids())} people into "
                   f"{project.display(project.build_dir)}/index.html"
                   + (f", {len(result.removed)} removed" if result.removed else ""))
        return
    misnamed = 0 if people else report_misnamed_folders(project, err=True)
    formats = FORMATS if fmt == "all" else (fmt,)
    started = time.perf_counter()
    result = build(project, people=list(people) or None, formats=formats, as_of=_as_of(as_of), force=force,
                   progress=not quiet and sys.stderr.isatty(), workers=workers, large_print=large_print,
                   shard=shard, dask=dask)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    for problem in unread_files(project, {r.person_id: r.doc.data for r in result.people}):
        click.echo(str(problem), err=True)
    seconds = time.perf_counter() - started
    total = len(result.people) + len(result.up_to_date)
    click.echo(f"built {total - len(result.failed)} of {total} people into {project.display(project.build_dir)}/: "
               f"{len(result.rebuilt)} documents rebuilt, {len(result.skipped)} up to date; "
               f"{len(result.written)} files written, {len(result.unchanged)} unchanged"
               + (f", {len(result.removed)} removed" if result.removed else "") + f", {seconds:.1f} s"
               + (f" (shard {shard}; run `packetgen build --index-only` after the last shard)" if shard else ""))
    if result.removed_people:
        click.echo("removed the output of people no longer in people/: " + ", ".join(result.removed_people))
    if result.incomplete:
        click.echo(f"{len(result.incomplete)} document(s) marked INCOMPLETE (see `packetgen check` for what is "
                   f"missing): " + ", ".join(str(stem) for stem in result.incomplete), err=True)
    if result.failed:
        click.echo("not built (errors above):", err=True)
        for record in result.failed:
            click.echo(f"  {record.person_id}: {describe(result.settled[record.person_id])}", err=True)
    if result.failed or misnamed:
        sys.exit(1)


@main.command("watch")
@root_option
@as_of_option
@format_option
@out_option
@click.option("--poll", is_flag=True, help="Poll for changes instead of OS events (network or container mounts).")
@click.option("--serve", is_flag=True, help="Also serve the build folder on localhost; pages reload when rebuilt.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port for --serve.")
@click.option("--debounce", type=float, default=0.05, show_default=True,
              help="Seconds without file events before rebuilding (one save is often several events).")
@click.option("--large-print", is_flag=True,
              help="Also keep 18 pt responder packets and crisis plans current on every rebuild.")
@jobs_option
def watch_command(root: Path, as_of: dt.datetime | None, fmt: str, out: Path | None, poll: bool, serve: bool,
                  port: int, debounce: float, large_print: bool, workers: int | None) -> None:
    """Build, then rebuild what changes whenever a file under people/, templates/ or styles/ is saved."""
    import threading

    from packetgen.watch.watch import Watcher

    project = open_project(root, out)
    formats = FORMATS if fmt == "all" else (fmt,)
    watcher = Watcher(project, report=click.echo, formats=formats, as_of=as_of.date() if as_of else None,
                      poll=poll, quiet=debounce, workers=workers, large_print=large_print)
    watcher.warm_up()
    report_misnamed_folders(project)
    watcher.build_all()
    watcher.start()
    folders = ", ".join(f"{project.display(f)}/" for f in watcher.folders())
    click.echo(f"watching {folders}{' (polling)' if poll else ''}; Ctrl-C to stop")
    server = None
    if serve:
        from packetgen.watch.serve import start_server

        server = start_server(project.build_dir, port)
        click.echo(f"serving {project.display(project.build_dir)}/ at http://127.0.0.1:{port}/")
    stop = threading.Event()
    try:
        watcher.run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.shutdown()
        watcher.stop()


@main.command("check")
@root_option
@as_of_option
@click.option("--person", "people", type=PERSON, multiple=True, help="Check only this person (repeatable).")
@click.option("--quick", is_flag=True, help="Skip laying out each packet to say which run past one page (the "
              "slowest part of check for a large roster).")
@click.option("--allow-incomplete", is_flag=True,
              help="Report open gates (INCOMPLETE coordination documents) as warnings instead of errors.")
def check_command(root: Path, as_of: dt.datetime | None, people: tuple[str, ...], quick: bool,
                  allow_incomplete: bool) -> None:
    """Validate every profile and event and print all problems at once (exit 1 on any error).

    An open gate (a "cannot proceed without" item missing from an event) is an error, so a
    coordination document cannot quietly pass as complete; --allow-incomplete makes it a warning.
    """
    project = open_project(root)
    require_profiles(project, people)
    day = _as_of(as_of)
    misnamed = report_misnamed_folders(project)
    records = load_people(project, list(people) or None, as_of=day)
    problems = [p for r in records for p in r.problems]
    problems += [w for record in records for w in dated_warnings(record, day)]
    problems += [w for record in records for w in version_warnings(project, record, day)]
    problems += [note for record in records for note in advice(project, record, day, layout=not quick)]
    gates_by = {r.person_id: gate_problems(r, day, "warning" if allow_incomplete else "error") for r in records if r.ok}
    gates = [g for found in gates_by.values() for g in found]
    problems += gates
    problems += unread_files(project, {r.person_id: r.doc.data for r in records})
    problems += real_data_warnings(project, {r.person_id: r.doc.data for r in records})
    for problem in problems:
        click.echo(str(problem))
    if not records:
        click.echo(f"no profiles found under {project.display(project.people_dir)}/: "
                   "create one with `packetgen new <person-id>`")
        sys.exit(1)
    events = sum(len(r.events) for r in records)
    if misnamed:
        click.echo(f"{misnamed} folder(s) under {project.display(project.people_dir)}/ not checked: rename them")
    if errors(problems):
        bad = sum(1 for r in records if not r.ok or errors(gates_by.get(r.person_id, [])))
        click.echo(f"{len(errors(problems))} error(s) in {bad} of {len(records)} profiles ({events} events)")
        if errors(gates):
            click.echo(f"{len(errors(gates))} open gate(s) leave documents INCOMPLETE: fill in what is missing, "
                       "or run with --allow-incomplete to report them as warnings")
        sys.exit(1)
    if misnamed:
        sys.exit(1)
    click.echo(f"checked {len(records)} profiles: all valid ({events} events, {len(warnings(problems))} warnings"
               + (f", {len(gates)} open gates allowed" if gates else "") + ")")


@main.command("status")
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
    day = _as_of(as_of)
    records = load_people(project, list(people) or None, as_of=day)
    if not records:
        click.echo(f"no profiles found under {project.display(project.people_dir)}/")
        sys.exit(1)
    statuses = [person_status(r, day, project) for r in records]
    for line in format_status(statuses, day):
        click.echo(line)
    sys.exit(exit_code(statuses))


@main.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Also in a folder that is not empty (no file is ever overwritten).")
def init_command(folder: Path, force: bool) -> None:
    """Start a project in FOLDER: packetgen.yml, one fictional example person, schemas, .gitignore."""
    from packetgen.project.scaffold import ScaffoldRefused, scaffold

    try:
        written, kept = scaffold(folder, force=force)
    except ScaffoldRefused as refused:
        raise click.UsageError(str(refused)) from None
    for path in written:
        click.echo(f"wrote {path}")
    for path in kept:
        click.echo(f"kept {path} (already there, not overwritten)")
    click.echo(f"next: cd {folder}, set your organization in packetgen.yml, then `packetgen build`")


@main.command("new")
@root_option
@click.argument("person_id", type=PERSON)
def new_command(root: Path, person_id: str) -> None:
    """Write a starter profile for PERSON_ID with every section present and commented."""
    project = open_project(root)
    path = project.profile_path(person_id)
    if path.exists():
        raise click.UsageError(f"{project.display(path)} already exists: edit it, or pick another id")
    write_starter(path)
    click.echo(f"wrote {project.display(path)}: fill in every TODO, then run `packetgen check`")


@main.command("explain")
@root_option
@as_of_option
@click.argument("person_id", type=PERSON)
@click.argument("document", type=click.Choice(sorted(BY_NAME)))
def explain_command(root: Path, as_of: dt.datetime | None, person_id: str, document: str) -> None:
    """Show which sections DOCUMENT shows or withholds for PERSON_ID, and why."""
    project = open_project(root)
    require_profiles(project, [person_id])
    (record,) = load_people(project, [person_id], as_of=_as_of(as_of))
    if record.profile is None:
        for problem in record.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    kind = BY_NAME[document]
    selection = select(record.profile, kind.audience, kind.sections, _as_of(as_of))
    click.echo(f"{document} for {person_id}: audience {selection.audience.label}, as of {_as_of(as_of)}")
    width = max(len(d.section) for d in selection.decisions) + 2
    for d in selection.decisions:
        mark = "SHOWN   " if d.included else "withheld"
        label = d.section
        if label.startswith("contacts.shown["):
            # A contact the document prints, so its role is no secret here.
            label += f" {selection.view['contacts'][int(label.split('[')[1].rstrip(']'))].role}"
        click.echo(f"  {mark}  {label:<{width + 14}} {d.sharing or '-':<10} {d.reason}")
    click.echo("A section not shown reads the same whether the profile has it or not; contacts not shared are "
               "left out. See the profile's sharing: and consents: for why.")


@main.command("schema")
@root_option
@click.option("--check", is_flag=True, help="Exit 1 if a committed schema is out of date.")
def schema_command(root: Path, check: bool) -> None:
    """Write schema/profile.schema.json and schema/event.schema.json from the models the code validates with."""
    from packetgen.pipeline.output import write_text
    from packetgen.project.schema import schema_texts

    project_root = open_project(root).root
    stale = False
    for relative, text in schema_texts().items():
        path = project_root / relative
        if check:
            if not path.is_file() or path.read_text() != text:
                click.echo(f"{relative} is out of date: run `packetgen schema`", err=True)
                stale = True
            else:
                click.echo(f"{relative} is up to date")
            continue
        write_text(path, text)
        click.echo(f"wrote {relative}")
    if stale:
        sys.exit(1)


class DrillGroup(click.Group):
    """``packetgen drill <person-id>`` and ``packetgen drill import|report``: anything that is not a
    subcommand goes to the hidden ``page`` command, so the person id can come first."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["page", *args]
        return super().parse_args(ctx, args)


@main.group("drill", cls=DrillGroup)
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
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder. Default: build/ in the project (drills go in build/drills/).")
def drill_page_command(root: Path, as_of: dt.datetime | None, person_ids: tuple[str, ...], everyone: bool,
                       paper: bool, seed: int | None, out: Path | None) -> None:
    """Write build/drills/<person-id>.html (or -paper.pdf with --paper)."""
    import random

    from packetgen.build.document import environment
    from packetgen.drill.page import write_drill_page, write_paper_drill
    from packetgen.pipeline.pdf import PdfRenderer

    project = open_project(root, out)
    if everyone == bool(person_ids):
        raise click.UsageError("name one or more person ids, or use --all")
    require_profiles(project, person_ids)
    records = load_people(project, list(person_ids) or None, as_of=_as_of(as_of))
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
            path, count = write_paper_drill(env, project, renderer, record, _as_of(as_of), seed)
            click.echo(f"wrote {project.display(path)}: {count} questions, seed {seed}")
        else:
            path, count = write_drill_page(env, project, record, _as_of(as_of))
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
@click.option("--target-seconds", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Fields whose median time-to-find is over this are flagged. Default: drills.target_seconds "
                   "in packetgen.yml (10).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder. Default: build/ in the project.")
def drill_report_command(root: Path, target_seconds: float | None, out: Path | None) -> None:
    """Write build/drills/report.html and report.pdf from every person's drill log."""
    from packetgen.build.document import environment
    from packetgen.drill.log import read_all_logs
    from packetgen.drill.report import report_context, write_report

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
    click.echo(f"wrote {' and '.join(str(project.display(p)) for p in paths)}: {context['runs']} drills, "
               f"{context['answers']} answers ({context['right']} right, {context['wrong']} wrong); "
               f"over {target_seconds:g} s: {flagged}")


@main.command("audit")
@root_option
@as_of_option
@click.option("--from", "start", type=DATE, default=None, help="First event date to include (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, default=None, help="Last event date to include (YYYY-MM-DD).")
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Audit a random sample of N events.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed for --sample, so a sample can be redrawn.")
@click.option("--identified", is_flag=True, help="Show full names instead of id and initials.")
@click.option("--target-hours", type=click.FloatRange(min=0), default=24.0, show_default=True,
              help="Case manager notification later than this counts as late.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder. Default: build/ in the project (the audit goes in build/audit/).")
def audit_command(root: Path, as_of: dt.datetime | None, start: dt.datetime | None, end: dt.datetime | None,
                  sample: int | None, seed: int, identified: bool, target_hours: float, out: Path | None) -> None:
    """Quality audit of case manager coordination: build/audit/report.html and .pdf."""
    from packetgen.audit.report import write_audit
    from packetgen.audit.summary import run_audit, summary_lines
    from packetgen.build.document import environment
    from packetgen.drill.log import read_all_logs

    project = open_project(root, out)
    report_misnamed_folders(project, err=True)
    records = load_people(project, as_of=_as_of(as_of))
    log, log_problems = read_all_logs(project)
    result = run_audit(records, log, _as_of(as_of), start=start.date() if start else None,
                               end=end.date() if end else None, sample=sample, seed=seed if sample else None,
                               identified=identified, target_hours=target_hours)
    result.errors += log_problems
    paths = write_audit(environment(project.look), project, result)
    for line in summary_lines(result):
        click.echo(line)
    click.echo("wrote " + ", ".join(str(project.display(p)) for p in paths))


# --- printed copies: where each sheet is, print runs, which sheet is this -----------------------


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


@main.group("copies")
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
@click.option("--document", "documents", type=click.Choice(COPYABLE), multiple=True,
              help="Only this document of the place (repeatable). Default: every document kept there.")
@click.option("--by", "by", required=True, help="Who placed them: a role or initials, e.g. 'shift lead'.")
@click.option("--on", "on", type=DATE, default=None, help="Date placed (YYYY-MM-DD). Default: today.")
def copies_confirm_command(root: Path, as_of: dt.datetime | None, person_id: str | None, location: str | None,
                           run_id: str | None, documents: tuple[str, ...], by: str, on: dt.datetime | None) -> None:
    """Record in people/<id>/copies.jsonl that current copies were placed (or a whole print run's)."""
    from packetgen.copies.confirm import confirm_place, confirm_run
    from packetgen.copies.ledger import ledger_path, valid_who

    if bool(run_id) == bool(person_id or location) or (not run_id and not (person_id and location)):
        raise click.UsageError("give PERSON_ID LOCATION, or --run RUN (not both)")
    if run_id and documents:
        raise click.UsageError("--document goes with PERSON_ID LOCATION, not with --run")
    if not valid_who(by):
        raise click.UsageError("--by: who placed them, on one line, at most 60 characters (a role or initials)")
    project = open_project(root)
    day = _as_of(as_of)
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
        what = ", ".join(f"{p.location} {p.document} x{p.count} (plan v{p.label or p.plan_version}, check {p.check})"
                         for p in placements)
        click.echo(f"recorded in {project.display(ledger_path(project, pid))}: {what}")
    if result.already:
        click.echo(f"already recorded from run {run_id}, nothing to do: {result.already} document(s)")
    for p in result.still_stale:
        click.echo(f"still stale: {p.location} {p.document}: changed after this run was printed; print it again",
                   err=True)


@main.command("print")
@root_option
@as_of_option
@click.option("--person", "people", type=PERSON, multiple=True, help="Only this person (repeatable).")
@click.option("--location", "locations", type=LOCATION_ARG, multiple=True, help="Only this place (repeatable).")
@click.option("--stale", "stale", is_flag=True, help="Copies that are stale or missing (the default).")
@click.option("--all", "everything", is_flag=True, help="Every copy kept, current or not.")
@click.option("--dry-run", is_flag=True, help="Say what the run would hold; write nothing.")
def print_command(root: Path, as_of: dt.datetime | None, people: tuple[str, ...], locations: tuple[str, ...],
                  stale: bool, everything: bool, dry_run: bool) -> None:
    """One print-ready PDF, build/print/<run>.pdf, of the copies to replace, grouped by person and place,
    each group opened by a separator sheet; build/print/<run>.json lists what it holds."""
    from packetgen.copies import printrun

    if stale and everything:
        raise click.UsageError("--stale and --all: choose one")
    project = open_project(root)
    require_profiles(project, people)
    records = load_people(project, list(people) or None, as_of=_as_of(as_of))
    plan = printrun.plan_run(project, records, _as_of(as_of), locations=locations, everything=everything)
    for problem in plan.problems:
        click.echo(str(problem), err=True)
    for record in plan.not_printed:
        click.echo(f"{record.person_id}: not printed: the records have errors (`packetgen check --person "
                   f"{record.person_id}`)", err=True)
    code = 1 if plan.not_printed else 0
    if not plan.groups:
        click.echo("nothing to print: " + ("no copies match" if everything else "every copy kept is current"))
        sys.exit(code)
    if dry_run:
        click.echo(f"would print {len(plan.groups)} group(s) (nothing written):")
        click.echo("\n".join(printrun.group_lines(plan)))
        sys.exit(code)
    run_id, pdf, summary_path, summary = printrun.write_run(project, plan, _as_of(as_of))
    click.echo(f"print run {run_id}: {len(plan.groups)} group(s), {summary['pages']} page(s)")
    click.echo("\n".join(printrun.group_lines(plan, summary)))
    click.echo(f"wrote {project.display(pdf)} and {project.display(summary_path)}")
    click.echo(f"once the sheets are in place: packetgen copies confirm --run {run_id} --by ROLE")
    sys.exit(code)


@main.command("verify")
@root_option
@as_of_option
@click.argument("code")
def verify_command(root: Path, as_of: dt.datetime | None, code: str) -> None:
    """Is the sheet with this check code (in its footer, next to the plan version) current?

    Exit status: 0 current; 1 not current (it says what replaced it and when); 3 not on record."""
    from packetgen.copies.checkcode import normalize_code
    from packetgen.copies.verify import verdict_lines, verify

    normalized = normalize_code(code)
    if normalized is None:
        raise click.UsageError("not a check code: 8 letters and digits, as after 'check' in the sheet's footer "
                               "(e.g. K7QX-M2PA)")
    verdict = verify(open_project(root), normalized, _as_of(as_of))
    for line in verdict_lines(verdict):
        click.echo(line)
    sys.exit({"current": 0, "replaced": 1, "unknown": 3}[verdict.state])


if __name__ == "__main__":  # pragma: no cover
    main()
