"""``packetgen build`` and ``packetgen watch``: the whole pipeline, once or on every save."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from packetgen.builder.document import FORMATS
from packetgen.builder.prune import describe
from packetgen.builder.runner import build
from packetgen.builder.shard import Shard
from packetgen.commands.args import PERSON, report_misnamed_folders, require_profiles
from packetgen.commands.options import (
    as_of_date,
    as_of_option,
    format_option,
    jobs_option,
    out_option,
    root_option,
    shard_option,
)
from packetgen.project.folders import open_project
from packetgen.project.inventory import unread_files


@click.command("build")
@root_option
@as_of_option
@click.option("--person", "people", type=PERSON, multiple=True, help="Build only this person (repeatable).")
@format_option
@out_option
@click.option("--force", is_flag=True, help="Rebuild every document, even those whose inputs did not change.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--large-print",
    is_flag=True,
    help="Also write 18 pt responder packets and crisis plans (<document>-large-print.html|pdf).",
)
@jobs_option
@click.option(
    "--shard",
    default=None,
    callback=shard_option,
    metavar="K/N",
    help="Build only shard K of N (1-based; by a hash of the person id), no index; see --index-only.",
)
@click.option("--index-only", is_flag=True, help="Write only build/index.html, from what the shards built.")
@click.option(
    "--dask",
    "dask",
    default=None,
    metavar="ADDRESS",
    help="Render on a running Dask cluster, e.g. tcp://10.0.0.5:8786 (workers see the same folders).",
)
def build_command(
    root: Path,
    as_of: dt.datetime | None,
    people: tuple[str, ...],
    fmt: str,
    out: Path | None,
    force: bool,
    quiet: bool,
    large_print: bool,
    workers: int | None,
    shard: Shard | None,
    index_only: bool,
    dask: str | None,
) -> None:
    """Build every person's packets as HTML and PDF, plus build/index.html.

    Documents whose inputs did not change since the last build are skipped (see --force)."""
    if index_only and (shard or people or dask):
        raise click.UsageError("--index-only: builds no documents, so it takes no --shard, --person or --dask")
    project = open_project(root, out)
    require_profiles(project, people)
    if index_only:
        result = build(
            project,
            formats=FORMATS if fmt == "all" else (fmt,),
            as_of=as_of_date(as_of),
            large_print=large_print,
            index_only=True,
        )
        click.echo(
            f"wrote the index of {len(project.person_ids())} people into "
            f"{project.display(project.build_dir)}/index.html"
            + (f", {len(result.removed)} removed" if result.removed else "")
        )
        return
    misnamed = 0 if people else report_misnamed_folders(project, err=True)
    formats = FORMATS if fmt == "all" else (fmt,)
    started = time.perf_counter()
    result = build(
        project,
        people=list(people) or None,
        formats=formats,
        as_of=as_of_date(as_of),
        force=force,
        progress=not quiet and sys.stderr.isatty(),
        workers=workers,
        large_print=large_print,
        shard=shard,
        dask=dask,
    )
    for problem in result.problems:
        click.echo(str(problem), err=True)
    for problem in unread_files(project, {r.person_id: r.doc.data for r in result.people}):
        click.echo(str(problem), err=True)
    seconds = time.perf_counter() - started
    total = len(result.people) + len(result.up_to_date)
    click.echo(
        f"built {total - len(result.failed)} of {total} people into {project.display(project.build_dir)}/: "
        f"{len(result.rebuilt)} documents rebuilt, {len(result.skipped)} up to date; "
        f"{len(result.written)} files written, {len(result.unchanged)} unchanged"
        + (f", {len(result.removed)} removed" if result.removed else "")
        + f", {seconds:.1f} s"
        + (f" (shard {shard}; run `packetgen build --index-only` after the last shard)" if shard else "")
    )
    if result.removed_people:
        click.echo("removed the output of people no longer in people/: " + ", ".join(result.removed_people))
    if result.incomplete:
        click.echo(
            f"{len(result.incomplete)} document(s) marked INCOMPLETE (see `packetgen check` for what is "
            f"missing): " + ", ".join(str(stem) for stem in result.incomplete),
            err=True,
        )
    if result.failed:
        click.echo("not built (errors above):", err=True)
        for record in result.failed:
            click.echo(f"  {record.person_id}: {describe(result.settled[record.person_id])}", err=True)
    if result.failed or misnamed:
        sys.exit(1)


@click.command("watch")
@root_option
@as_of_option
@format_option
@out_option
@click.option("--poll", is_flag=True, help="Poll for changes instead of OS events (network or container mounts).")
@click.option("--serve", is_flag=True, help="Also serve the build folder on localhost; pages reload when rebuilt.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port for --serve.")
@click.option(
    "--debounce",
    type=float,
    default=0.05,
    show_default=True,
    help="Seconds without file events before rebuilding (one save is often several events).",
)
@click.option(
    "--large-print", is_flag=True, help="Also keep 18 pt responder packets and crisis plans current on every rebuild."
)
@jobs_option
def watch_command(
    root: Path,
    as_of: dt.datetime | None,
    fmt: str,
    out: Path | None,
    poll: bool,
    serve: bool,
    port: int,
    debounce: float,
    large_print: bool,
    workers: int | None,
) -> None:
    """Build, then rebuild what changes whenever a file under people/, templates/ or styles/ is saved."""
    import threading

    from packetgen.watch.watch import Watcher

    project = open_project(root, out)
    formats = FORMATS if fmt == "all" else (fmt,)
    watcher = Watcher(
        project,
        report=click.echo,
        formats=formats,
        as_of=as_of.date() if as_of else None,
        poll=poll,
        quiet=debounce,
        workers=workers,
        large_print=large_print,
    )
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
