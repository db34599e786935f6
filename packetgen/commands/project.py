"""``packetgen init``, ``new`` and ``schema``: start a project, add a person, write the JSON Schemas."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from packetgen.commands.args import PERSON
from packetgen.commands.options import root_option
from packetgen.project.folders import open_project
from packetgen.project.starter import write_starter


@click.command("init")
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


@click.command("new")
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


@click.command("schema")
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
