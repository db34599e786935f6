"""Command-line arguments every command checks the same way: the project folder, person ids, people/ names.

One place, so ``build --person``, ``drill``, ``status --person``, ``explain``, ``new`` (and any
later command taking a person) refuse the same ids with the same message.
"""

from __future__ import annotations

from pathlib import Path

import click

from packetgen.model.ids import PERSON_ID_RULE, is_person_id
from packetgen.project.config import CONFIG_NAME, read_config
from packetgen.project.folders import Project, find_project


class PersonId(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """Every person id typed on the command line goes through here: the person-id rule ``new`` uses.

    So ``--person ../people/rosa-m`` stops before anything is read or written. The value is not
    repeated in the message (it may be someone's full name)."""

    name = "person-id"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not is_person_id(value):
            self.fail(f"not a valid person id: use the folder name under people/; {PERSON_ID_RULE}", param, ctx)
        return value


PERSON = PersonId()


def require_profiles(project: Project, person_ids: tuple[str, ...] | list[str]) -> None:
    """A usage error for the first id with no profile (ids have passed ``PERSON`` already)."""
    for person_id in person_ids:
        if not project.profile_path(person_id).is_file():
            raise click.UsageError(f"no profile at {project.display(project.profile_path(person_id))}")


def report_misnamed_folders(project: Project, err: bool = False) -> int:
    """One line per folder under people/ whose name breaks the person-id rule; how many.

    Terminal only: the folder name may hold a full name or a diagnosis, so it never reaches a
    document, the index, the audit or any file under build/ (those folders are never loaded)."""
    folders = project.misnamed_folders()
    for name in folders:
        shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)
        click.echo(
            f"{project.display(project.people_dir)}/{shown}/: folder name is not a valid person id, so it is "
            f"not built: rename the folder: {PERSON_ID_RULE}",
            err=err,
        )
    return len(folders)


def locate_project(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """``--project DIR``, else the nearest folder with a packetgen.yml from the current one up; a
    packetgen.yml with errors stops every command before it reads or writes anything."""
    root = value if value is not None else find_project(Path.cwd())
    if root is None:
        raise click.UsageError(
            f"no {CONFIG_NAME} in this folder or any folder above it: start a project with "
            "`packetgen init FOLDER`, go into one, or name it with --project FOLDER"
        )
    if not root.is_dir():
        raise click.BadParameter(f"{root}: no such folder", ctx, param)
    problems = read_config(root).problems
    for problem in problems:
        click.echo(str(problem), err=True)
    if any(p.severity == "error" for p in problems):
        click.echo(f"nothing done: fix {CONFIG_NAME} (the project's settings) first", err=True)
        ctx.exit(1)
    return root
