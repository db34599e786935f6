"""Command line: the ``packetgen`` group. Each command lives in ``packetgen/commands/`` and is a
thin shell over the stages: it loads, calls one function, reports.

click is used (as MkDocs does) for subcommands, typed options and help text for free.
"""

from __future__ import annotations

import logging
import signal

import click

from packetgen import __version__
from packetgen.commands.audit import audit_command
from packetgen.commands.build import build_command, watch_command
from packetgen.commands.check import check_command, explain_command, status_command
from packetgen.commands.copies import copies_group, print_command, verify_command
from packetgen.commands.drill import drill_group
from packetgen.commands.ips import export_group, import_group
from packetgen.commands.project import init_command, new_command, schema_command
from packetgen.pipeline.render import TemplateFault


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


_signalled: list[int] = []
"""Signals received: a command that still returns normally after one must not report success."""


def _stop_on_signal(signum: int, frame: object) -> None:
    """SIGTERM or SIGHUP end a build or watch as Ctrl-C does: worker pools are shut down on the way out."""
    _signalled.append(signum)
    raise SystemExit(128 + signum)


@main.result_callback()
def _exit_status_after_a_signal(*_: object, **__: object) -> None:
    """Python drops an exception raised while it runs a finaliser or a callback ("Exception ignored
    in ..."), so a signal that lands there does not stop the command: it still must not exit 0."""
    if _signalled:
        raise SystemExit(128 + _signalled[0])


for command in (
    build_command,
    watch_command,
    check_command,
    status_command,
    init_command,
    new_command,
    explain_command,
    schema_command,
    drill_group,
    audit_command,
    copies_group,
    print_command,
    verify_command,
    import_group,
    export_group,
):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
