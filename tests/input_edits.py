"""Edits to a copy of the demo people, as a supervisor would make them, for the bad-input tests."""

from __future__ import annotations

from pathlib import Path

from conftest import AS_OF, copy_demo, run_cli

ROSA = "people/rosa-m/profile.yaml"
DANA = "people/dana-k/profile.yaml"


def demo_copy(target: Path) -> Path:
    return copy_demo(target)


def replace(root: Path, relative: str, old: str, new: str) -> Path:
    """Replace the one occurrence of ``old`` in a file (as text, UTF-8)."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (relative, old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def line_of(root: Path, relative: str, needle: str) -> int:
    """1-based line of the only line containing ``needle``."""
    rows = [i for i, row in enumerate((root / relative).read_text(encoding="utf-8").splitlines(), 1) if needle in row]
    assert len(rows) == 1, (relative, needle, rows)
    return rows[0]


def check(root: Path, *args: str) -> tuple[int, list[str]]:
    """``packetgen check --quick`` on ``root``: exit code and output lines (a traceback fails the test).

    --quick: these tests are about input problems; the page-count notes (which lay out every
    valid person's packets on each call) are tested in test_check_advice.py."""
    result = run_cli("check", "--quick", "--root", str(root), "--as-of", AS_OF, *args)
    return result.exit_code, result.output.splitlines()


def problems_in(lines: list[str], relative: str) -> list[str]:
    """Problems reported for one file; a note (a packet runs to two pages) is not a problem."""
    return [line for line in lines if line.startswith(f"{relative}:") and ": note: " not in line]
