"""The wheel works outside the checkout: build it, install it into a fresh virtualenv in a temp
folder, `packetgen init`, add a person, build from a subfolder, and read the PDFs back.

The README's Install section is the rule: the installed tool carries its templates, styles and
fonts; `packetgen init FOLDER` makes a project that builds as it is; `paper: a4` gives A4 pages
(595 x 842 pt) and Letter is the default (612 x 792 pt), each responder packet one page; the
organization in packetgen.yml is printed on every document.

To stay quick the fresh virtualenv gets packetgen from the wheel only (``--no-deps``) and borrows
the libraries it needs from the test environment through a ``.pth`` line: that line adds their
folder, not the checkout's editable install (a .pth file inside an added folder is not run).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import REPO
from pypdf import PdfReader

PEOPLE = ("alex-b", "sam-c")


def run(*args: str | Path, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600)
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``packetgen`` command of a fresh virtualenv that has only the wheel installed."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"  # a clean copy: the wheel must not depend on build/ or .venv/ of the checkout
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache", "test-artifacts"
        ),
    )
    wheels = base / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels, source, cwd=base)
    wheel = next(wheels.glob("packetgen-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in [
        "packetgen/templates/responder_packet.html.j2",
        "packetgen/templates/partials/macros.html.j2",
        "packetgen/styles/packet.css",
        "packetgen/styles/fonts/AtkinsonHyperlegible-Regular.ttf",
        "packetgen/skeleton/people/alex-b/profile.yaml",
        "packetgen/project/starter.yaml",
    ]:
        assert shipped in names, shipped
    env = base / "venv"
    venv.create(env, with_pip=False)
    site = next((env / "lib").glob("python3*/site-packages"))
    (site / "test-libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        env / "bin" / "python",
        "install",
        "--quiet",
        "--no-deps",
        wheel,
        cwd=base,
    )
    where = run(env / "bin" / "python", "-c", "import packetgen; print(packetgen.__file__)", cwd=base).stdout
    assert Path(where.strip()).is_relative_to(env), where  # the wheel's packetgen, not the checkout's
    return env / "bin" / "packetgen"


def new_project(packetgen: Path, folder: Path, paper: str) -> Path:
    """``init``, then set the organization and the paper in the file it wrote, as a user would."""
    run(packetgen, "init", folder.name, cwd=folder.parent)
    text = (folder / "packetgen.yml").read_text().replace("paper: letter", f"paper: {paper}")
    (folder / "packetgen.yml").write_text(text + "organization:\n  name: Maple Grove Supports\n  phone: 555-0142\n")
    # Add a second person, as a program would: a copy of the example with another name.
    (folder / "people" / "sam-c").mkdir()
    example = (folder / "people" / "alex-b" / "profile.yaml").read_text()
    (folder / "people" / "sam-c" / "profile.yaml").write_text(
        example.replace("preferred_name: Alex", "preferred_name: Sam").replace("Alexandra Beaumont", "Samuel Carter")
    )
    return folder


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_the_wheel_builds_a_new_project_anywhere(
    installed: Path, tmp_path: Path, paper: str, size: tuple[int, int]
) -> None:
    version = run(installed, "--version", cwd=tmp_path).stdout
    assert "0.1.0" in version
    root = new_project(installed, tmp_path / "maple-grove", paper)
    done = run(installed, "build", "--quiet", cwd=root / "people")  # found by walking up to packetgen.yml
    assert "built 2 of 2 people" in done.stdout + done.stderr
    for person in PEOPLE:
        folder = root / "build" / person
        for name in ["responder-packet", "mobile-crisis-packet", "crisis-plan", "return-checklist-blank"]:
            reader = PdfReader(folder / f"{name}.pdf")
            box = reader.pages[0].mediabox
            assert (round(float(box.width)), round(float(box.height))) == size, name
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
            assert "Maple Grove Supports" in " ".join(text.split()), name
            assert "Maple Grove Supports, 24/7 555-0142" in (folder / f"{name}.html").read_text()
        assert len(PdfReader(folder / "responder-packet.pdf").pages) == 1
    assert "Samuel Carter" in (root / "build" / "sam-c" / "responder-packet.html").read_text()
    assert "Maple Grove Supports" in (root / "build" / "index.html").read_text()


def test_outside_a_project_the_installed_tool_says_how_to_start(installed: Path, tmp_path: Path) -> None:
    done = run(installed, "build", cwd=tmp_path, ok=False)
    assert done.returncode == 2
    assert "packetgen init" in done.stderr and "Traceback" not in done.stderr
