"""A build killed with SIGKILL half-way leaves no partial or corrupt file, and the next build recovers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import AS_OF, REPO, run_cli
from pypdf import PdfReader


def many_people(root: Path, copies: int) -> int:
    """The demo profiles under new ids: enough documents that a kill lands mid-build."""
    count = 0
    for source in sorted((REPO / "people").glob("*/profile.yaml")):
        for i in range(copies):
            shutil.copytree(source.parent, root / "people" / f"{source.parent.name}-{i}")
            count += 1
    return count


def check_outputs(build: Path) -> tuple[int, list[Path]]:
    """Every finished file is whole; returns the number of PDFs and any leftover temp files."""
    pdfs = 0
    for path in build.rglob("*"):
        if not path.is_file() or path.name.endswith(".tmp"):
            continue
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) >= 1, path
            pdfs += 1
        elif path.suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
    temps = [p for p in build.rglob("*.tmp")]
    assert all(p.name.startswith(".") for p in temps), temps
    return pdfs, temps


def test_sigkill_mid_build_leaves_no_partial_pdf(tmp_path: Path) -> None:
    people = many_people(tmp_path, 8)
    build = tmp_path / "build"
    process = subprocess.Popen(
        [sys.executable, "-m", "packetgen.cli", "build", "--root", str(tmp_path), "--as-of", AS_OF, "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(build.glob("*/*.pdf"))) < 4:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its PDF workers, all at once
    process.wait()
    pdfs, temps = check_outputs(build)
    documents = 3 * people  # at least: each person has several documents, plus their events'
    assert 4 <= pdfs < documents, "the kill should land mid-build"

    # The next build finishes the job; temp files older than a minute are cleaned up.
    for temp in temps:
        os.utime(temp, (time.time() - 120, time.time() - 120))
    result = run_cli("build", "--root", str(tmp_path), "--as-of", AS_OF, "--quiet")
    assert result.exit_code == 0, result.output
    pdfs, temps = check_outputs(build)
    pages = [p for p in build.glob("*/**/*.html")]
    assert pdfs == len(pages) >= documents and temps == []
