"""Commands that write no PDF never load the PDF engine (about 0.7 s of start-up on this kind of
machine): `--help`, an HTML-only build, a no-op rebuild, `build --index-only`, and a `check` whose
page counts come from current manifests. A build that does write PDFs loads it, which is also the
control that shows the probe can see it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import AS_OF, REPO

PROBE = """
import atexit, sys
atexit.register(lambda: print("PDF engine loaded:", "weasyprint" in sys.modules, file=sys.stderr))
from packetgen.cli import main
main(sys.argv[1:], prog_name="packetgen")
"""


def engine_loaded(*args: str) -> bool:
    """Run ``packetgen ARGS`` in a fresh interpreter; whether the PDF engine was imported by its end."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("PDF engine loaded:")]
    assert len(lines) == 1, done.stderr
    return lines[0].endswith("True")


def test_help_does_not_load_the_pdf_engine() -> None:
    assert not engine_loaded("--help")
    assert not engine_loaded("build", "--help")


def test_builds_that_write_no_pdf_do_not_load_it(tmp_path: Path) -> None:
    person = shutil.copytree(REPO / "people" / "jay-t", tmp_path / "people" / "jay-t")
    shutil.rmtree(person / "events")  # no events, so no open gates for `check` to fail on
    root = ("--root", str(tmp_path), "--as-of", AS_OF, "--quiet")

    assert not engine_loaded("build", "--format", "html", *root)
    assert engine_loaded("build", *root)  # writes the PDFs: the control
    assert (tmp_path / "build" / "jay-t" / "responder-packet.pdf").is_file()

    assert not engine_loaded("build", *root)  # nothing changed: nothing to render
    assert not engine_loaded("build", "--index-only", "--root", str(tmp_path), "--quiet")
    assert not engine_loaded("check", "--root", str(tmp_path), "--as-of", AS_OF)  # page counts from manifests
