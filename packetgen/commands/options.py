"""Options every command shares: the project folder, the build date, formats, output folder, workers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from packetgen.builder.shard import Shard, parse_shard
from packetgen.commands.args import locate_project

DATE = click.DateTime(formats=["%Y-%m-%d"])


def as_of_date(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


root_option = click.option(
    "--project",
    "--root",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    callback=locate_project,
    expose_value=True,
    help="Project folder (holding packetgen.yml and people/). Default: the nearest "
    "folder with a packetgen.yml, from here upwards.",
)


as_of_option = click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default=None,
    help="Build date for review and consent checks (YYYY-MM-DD). Default: today.",
)


def shard_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    """``--shard K/N`` checked here, so a typo stops before anything is built."""
    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


format_option = click.option(
    "--format", "fmt", type=click.Choice(["html", "pdf", "all"]), default="all", show_default=True
)


out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder. Default: build/ in the project.",
)


jobs_option = click.option(
    "--jobs", "workers", type=click.IntRange(min=1), default=None, help="PDF worker processes. Default: one per core."
)
