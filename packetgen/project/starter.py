"""``packetgen new``: a starter profile with every section present and commented."""

from __future__ import annotations

from pathlib import Path

from packetgen.pipeline.output import write_text

STARTER = Path(__file__).with_name("starter.yaml")


def write_starter(path: Path) -> None:
    write_text(path, STARTER.read_text(encoding="utf-8"))
