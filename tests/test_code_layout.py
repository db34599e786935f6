"""The layout ARCHITECTURE.md promises, checked: imports flow one way between the stage folders,
no module grows far past 300 lines, and ruff and mypy are clean (so CI keeps them so).

The allowed directions are restated here from ARCHITECTURE.md, not read from it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "packetgen"

# model <- pipeline <- project <- builder <- features <- commands <- cli, as ARCHITECTURE.md says.
ORDER = ["model", "pipeline", "project", "builder", "features", "commands", "cli"]
FEATURES = {"check", "copies", "drill", "audit", "watch", "ips"}
# The known exceptions ARCHITECTURE.md lists, as (importing module, imported folder).
EXCEPTIONS = {
    ("audit/report.py", "drill"),
    ("audit/summary.py", "drill"),
    ("check/status.py", "copies"),
}
MAX_LINES = 330  # "no module over about 300 lines": 300 and a tenth


def layer(folder: str) -> int:
    return ORDER.index("features" if folder in FEATURES else folder)


def folder_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def imports(path: Path) -> set[str]:
    """The packetgen folders a module imports from (lazy imports inside functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("packetgen."):
            found.add(node.module.split(".")[1])
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if folder_of(p) not in ("__init__",))


def test_imports_flow_one_way() -> None:
    wrong = []
    for path in modules():
        mine = folder_of(path)
        if mine not in ORDER and mine not in FEATURES:
            continue
        for target in imports(path) - {mine}:
            if target not in ORDER and target not in FEATURES:
                continue
            relative = path.relative_to(PACKAGE).as_posix()
            later = layer(target) > layer(mine)
            sideways = mine in FEATURES and target in FEATURES
            if (later or sideways) and (relative, target) not in EXCEPTIONS:
                wrong.append(f"{relative} imports {target}")
    assert wrong == []


def test_model_imports_no_other_folder() -> None:
    assert {p.name: imports(p) - {"model"} for p in (PACKAGE / "model").glob("*.py") if imports(p) - {"model"}} == {}


def test_no_module_grows_far_past_300_lines() -> None:
    long = {
        p.relative_to(PACKAGE).as_posix(): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_layer_check_can_fail(tmp_path: Path) -> None:
    """A module of model/ importing the builder is caught (the check above is not vacuous)."""
    bad = tmp_path / "bad.py"
    bad.write_text("from packetgen.builder.runner import build\n")
    assert imports(bad) == {"builder"}
    assert layer("builder") > layer("model")


def tool(name: str) -> Path:
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        pytest.fail(f"{name} is not installed in this environment: `make test` installs it ('.[test]')")
    return path


@pytest.mark.parametrize(
    "args",
    [["check", "packetgen", "tests", "bench"], ["format", "--check", "packetgen", "tests", "bench"]],
    ids=["lint", "format"],
)
def test_ruff_is_clean(args: list[str]) -> None:
    done = subprocess.run([tool("ruff"), *args], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean() -> None:
    """Strict on packetgen/, plain on tests/ (pyproject.toml), as a bare `mypy` runs it."""
    done = subprocess.run([tool("mypy")], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr
