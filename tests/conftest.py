"""Shared helpers: read real outputs (HTML, PDF text, PDF metadata) the way a reader would."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from click.testing import CliRunner, Result
from playwright.sync_api import Browser, sync_playwright
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).parent))

from packetgen.cli import main

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"
AS_OF_DATE = dt.date(2026, 11, 23)


@contextlib.contextmanager
def cores_to_myself(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """While held, no other holder runs in another test worker (pytest-xdist runs one per core).

    Held by the one-page corpus (two render processes for minutes) and by the test that times how
    promptly SIGTERM stops a build, so that timing is never taken with the corpus on the same cores.
    A lock file beside the workers' temp folders; without xdist there is one process and it is free."""
    lock = tmp_path_factory.getbasetemp().parent / "cores.lock"
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_cli(*args: str) -> Result:
    """Run packetgen in-process and return click's result (exit_code, output)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def pdf_metadata_text(path: Path) -> str:
    """Everything a PDF says about itself outside the page text: info dict, XMP, outline."""
    reader = PdfReader(path)
    parts = [str(reader.metadata or {})]
    xmp = reader.xmp_metadata
    if xmp is not None:
        parts.append(xmp.stream.get_data().decode("utf-8", "replace"))

    def walk(outline: list) -> None:  # type: ignore[type-arg]
        for item in outline:
            if isinstance(item, list):
                walk(item)
            else:
                parts.append(str(item.title))

    walk(reader.outline)
    return "\n".join(parts)


def html_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def one(within: Tag, selector: str) -> Tag:
    """The element `selector` finds in `within`; the test fails here, naming the selector, if there is none."""
    tag = within.select_one(selector)
    assert tag is not None, f"nothing matches {selector!r}"
    return tag


def attr(tag: Tag, name: str) -> str:
    """A single-valued attribute (href, src, alt, lang, data-*) of `tag`; fails if missing or multi-valued."""
    value = tag[name]
    assert isinstance(value, str), f"{name}={value!r}"
    return value


def visible_text(path: Path) -> str:
    return " ".join(html_soup(path).get_text(" ").split())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder (templates and styles come from the repo)."""
    (tmp_path / "people").mkdir()
    return tmp_path


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped demo people, built once for the session with a fixed date."""
    out = tmp_path_factory.mktemp("demo-build")
    result = run_cli("build", "--root", str(REPO), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return out


SOURCE_DATE_EPOCH = "1795000000"  # 2026-11-18 11:06 UTC: a fixed generation time for pixel tests


def build_at_fixed_time(*args: str) -> None:
    """``packetgen build ARGS`` with SOURCE_DATE_EPOCH set (the environment restored after), so
    the generated stamp, and every byte but the source fingerprint, is reproducible."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    try:
        result = run_cli("build", *args)
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def large_print_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo people built with --large-print, a fixed --as-of and SOURCE_DATE_EPOCH, so every
    byte but the source fingerprint is reproducible: for accessibility and pixel tests."""
    out = tmp_path_factory.mktemp("large-print-build")
    build_at_fixed_time("--root", str(REPO), "--out", str(out), "--as-of", AS_OF, "--large-print")
    return out


CHROMIUM = "/usr/bin/chromium"
"""Debian's chromium (make setup installs it): never a browser downloaded at run time."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).is_file(), "install Debian's chromium (make setup does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield browser
        browser.close()


def copy_demo(target: Path) -> Path:
    shutil.copytree(REPO / "people", target / "people")
    return target
