"""No file outside the person's folder reaches a document, and nothing is fetched from the network.

Each hostile photo below is a person in one project, checked and built once in a subprocess (so
stdout, stderr and the log are the real ones, and /proc/self/environ holds a known secret). The
assertions restate the rule: the photo must resolve (symlinks included) inside the person's
folder, be a regular file, be a PNG, JPEG or SVG by content, and weigh at most 5 MiB; anything else
is a ``file:line: identity.photo:`` error, the person is not built, and no byte of the file appears
in any message or in any file under build/.
"""

from __future__ import annotations

import base64
import os
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from conftest import AS_OF, REPO, attr, html_soup, one
from leaks import base64_forms, where_found
from profiles import marked_profile, write_profile

SECRET = b"PKTGEN-OUTSIDE-SECRET-4f1c9a7e"
"""Written into files outside the project: must never reach build/ or any message."""
ENV_SECRET = "PKTGEN-ENVIRON-SECRET-8d2b6c10"
"""In the build's environment, so /proc/self/environ holds it."""
INSIDE_SECRET = b"PKTGEN-INSIDE-TEXT-1b3d5f7a"
"""Text in a refused file inside the folder (a .png that is really text): never quoted either."""

OUTSIDE = (
    "must be a file in this person's folder, not a path elsewhere on the computer: copy the image next to "
    "profile.yaml and write just its file name"
)
ESCAPES = "points outside this person's folder: copy the image next to profile.yaml and write just its file name"
NOT_REGULAR = "not a regular file (a folder, device or pipe): name an image file next to profile.yaml"
TOO_LARGE = "photo file is larger than 5 MiB: save a smaller copy (a passport-size photo needs well under 1 MiB)"
NOT_IMAGE = (
    "not a PNG, JPEG or SVG image (checked by its content, not its name): save the photo in one of those formats"
)
NOT_FOUND = "photo file not found next to the profile: add it or remove the line"


def png(width: int = 4, height: int = 4, extra: bytes = b"") -> bytes:
    """A real PNG (grey square); ``extra`` goes in a private ancillary chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + (chunk(b"prVt", extra) if extra else b"")
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SECRET_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><text x="2" y="20">' + SECRET + b"</text></svg>"
)

HOSTILE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="120" height="150" viewBox="0 0 120 150" onload="alert('onload')">
  <script>alert('SCRIPTMARK')</script>
  <style>@import url(http://127.0.0.1:{port}/style.css); rect {{ fill: url(http://127.0.0.1:{port}/f) }}</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#ccc"/></linearGradient></defs>
  <rect width="120" height="150" fill="url(#g)"/>
  <circle cx="60" cy="58" r="30" fill="#7a5230" onclick="alert('click')"/>
  <rect width="10" height="10" style="fill: url(http://127.0.0.1:{port}/style-url)"/>
  <image href="http://127.0.0.1:{port}/image.png" width="10" height="10"/>
  <image xlink:href="file:///etc/passwd" width="10" height="10"/>
  <use href="http://127.0.0.1:{port}/use.svg#x"/>
  <foreignObject width="50" height="50"><div xmlns="http://www.w3.org/1999/xhtml">FOREIGNMARK</div></foreignObject>
  <a href="javascript:alert('A')"><rect width="5" height="5"/></a>
  <animate attributeName="href" to="javascript:alert('anim')"/>
  <set attributeName="onload" to="alert('set')"/>
</svg>
"""


@dataclass
class Run:
    project: Path
    build: Path
    check: subprocess.CompletedProcess[str]
    built: subprocess.CompletedProcess[str]
    requests: list[str]

    def line(self, person_id: str) -> int:
        text = (self.project / "people" / person_id / "profile.yaml").read_text().splitlines()
        return next(i for i, row in enumerate(text, 1) if row.strip().startswith("photo:"))

    def expect(self, person_id: str, message: str) -> str:
        return f"people/{person_id}/profile.yaml:{self.line(person_id)}: identity.photo: {message}"


def person(project: Path, person_id: str, photo: str, **identity: Any) -> Path:
    data = marked_profile()
    data["identity"]["photo"] = photo
    data["identity"].update(identity)
    return write_profile(project, person_id, data).parent


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One project holding every hostile photo, checked and built for real (HTML and PDF)."""
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from threading import Thread

    requests: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            requests.append(self.path)
            self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    base = tmp_path_factory.mktemp("trust")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.svg").write_bytes(SECRET_SVG)
    (outside / "secret.txt").write_bytes(SECRET + b"\n")
    project = base / "proj"
    (project / "people").mkdir(parents=True)

    person(project, "abs-passwd", "/etc/passwd")
    person(project, "abs-own", str(outside / "secret.svg"))
    person(project, "proc-environ", "/proc/self/environ")
    person(project, "dotdot", "../../../outside/secret.svg")
    person(project, "dotdot-etc", "../../../../etc/hostname")
    person(project, "dotdot-root", "../" * 30 + "etc/passwd")
    folder = person(project, "symlink-svg", "photo.svg")
    (folder / "photo.svg").symlink_to(outside / "secret.svg")
    folder = person(project, "symlink-dir", "pics/photo.svg")
    (folder / "pics").symlink_to(outside)
    os.symlink(outside / "secret.svg", outside / "photo.svg")
    folder = person(project, "fake-png", "photo.png")
    (folder / "photo.png").write_bytes(b"just some notes " + INSIDE_SECRET + b"\n")
    folder = person(project, "huge-png", "photo.png")
    (folder / "photo.png").write_bytes(png(extra=INSIDE_SECRET + b"\0" * (5 * 1024 * 1024)))
    folder = person(project, "fifo", "photo.png")
    os.mkfifo(folder / "photo.png")
    folder = person(project, "folder", "photo.png")
    (folder / "photo.png").mkdir()
    person(project, "missing", "photo.png")
    person(project, "bad-too", "../../../outside/secret.txt", date_of_birth="1 April 1990")
    folder = person(project, "hostile-svg", "photo.svg")
    (folder / "photo.svg").write_text(HOSTILE_SVG.format(port=port))
    folder = person(project, "good-png", "me.jpeg")
    (folder / "me.jpeg").write_bytes(png(24, 30))  # named .jpeg, really a PNG: the content decides

    env = {**os.environ, "PKTGEN_TEST_SECRET": ENV_SECRET, "PYTHONPATH": str(REPO)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "packetgen.cli", *args, "--root", str(project)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )

    try:
        check = cli("check", "--as-of", AS_OF)
        built = cli("build", "--as-of", AS_OF, "--quiet")
    finally:
        server.shutdown()
    return Run(project, project / "build", check, built, requests)


REFUSED = {
    "abs-passwd": OUTSIDE,
    "abs-own": OUTSIDE,
    "proc-environ": OUTSIDE,
    "dotdot": ESCAPES,
    "dotdot-etc": ESCAPES,
    "dotdot-root": ESCAPES,
    "symlink-svg": ESCAPES,
    "symlink-dir": ESCAPES,
    "fake-png": NOT_IMAGE,
    "huge-png": TOO_LARGE,
    "fifo": NOT_REGULAR,
    "folder": NOT_REGULAR,
    "missing": NOT_FOUND,
    "bad-too": ESCAPES,
}


@pytest.mark.parametrize("person_id", sorted(REFUSED))
def test_check_refuses_the_photo_with_file_line_and_what_to_do(hostile: Run, person_id: str) -> None:
    assert hostile.check.returncode == 1
    assert hostile.expect(person_id, REFUSED[person_id]) in hostile.check.stdout.splitlines()


@pytest.mark.parametrize("person_id", sorted(REFUSED))
def test_a_refused_photo_means_the_person_is_not_built(hostile: Run, person_id: str) -> None:
    assert hostile.built.returncode == 1
    assert hostile.expect(person_id, REFUSED[person_id]) in hostile.built.stderr.splitlines()
    lines = hostile.built.stderr.splitlines()
    assert "not built (errors above):" in lines
    assert f"  {person_id}: not built yet" in lines[lines.index("not built (errors above):") :]
    assert not (hostile.build / person_id).exists()


def test_photo_problem_is_reported_with_the_other_problems(hostile: Run) -> None:
    lines = [line for line in hostile.check.stdout.splitlines() if line.startswith("people/bad-too/")]
    assert any(" identity.date_of_birth: " in line for line in lines), lines
    assert hostile.expect("bad-too", ESCAPES) in lines


@pytest.mark.parametrize(
    "secret",
    [SECRET, ENV_SECRET.encode(), INSIDE_SECRET, b"root:x:0:0:root:/root"],
    ids=["outside-file", "environ", "inside-text", "passwd"],
)
def test_no_byte_of_a_refused_file_reaches_build_or_any_output(hostile: Run, secret: bytes) -> None:
    assert (
        where_found(
            hostile.build,
            secret,
            hostile.check.stdout,
            hostile.check.stderr,
            hostile.built.stdout,
            hostile.built.stderr,
        )
        == []
    )


def test_messages_name_the_field_never_the_file(hostile: Run) -> None:
    """A photo's file name could carry a name or diagnosis: messages say 'identity.photo', not the path."""
    for output in (hostile.check.stdout, hostile.built.stderr):
        for line in output.splitlines():
            message = line.partition(" identity.photo: ")[2]
            assert "secret" not in message and "/etc/" not in message and "environ" not in message, line


def test_svg_photo_is_embedded_without_script_or_external_reference(hostile: Run) -> None:
    assert (hostile.build / "hostile-svg" / "responder-packet.pdf").is_file()
    assert hostile.requests == [], "nothing may be fetched from the network"
    for document in ("responder-packet", "mobile-crisis-packet", "crisis-plan", "return-checklist-blank"):
        src = attr(one(html_soup(hostile.build / "hostile-svg" / f"{document}.html"), ".photo img"), "src")
        assert src.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(src.split(",", 1)[1])
        root = ElementTree.fromstring(svg)
        names = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
        assert not names & {"script", "foreignObject", "style", "a", "animate", "set", "image", "use"}, names
        assert {"circle", "rect", "linearGradient", "stop"} <= names, "the drawing itself is kept"
        for element in root.iter():
            for attribute, value in element.attrib.items():
                local = attribute.rsplit("}", 1)[-1]
                assert not local.lower().startswith("on"), (element.tag, attribute)
                if local == "href":
                    assert value.startswith("#"), value
                assert "url(" not in value or value.replace(" ", "").startswith("url(#"), value
        for word in (b"SCRIPTMARK", b"FOREIGNMARK", b"javascript", b"alert", b"127.0.0.1", b"file:"):
            assert word not in svg, word


def test_photo_type_comes_from_the_content_not_the_name(hostile: Run) -> None:
    src = attr(one(html_soup(hostile.build / "good-png" / "responder-packet.html"), ".photo img"), "src")
    assert src == "data:image/png;base64," + base64.b64encode(png(24, 30)).decode()


def test_a_photo_symlink_inside_the_folder_is_followed(project: Path) -> None:
    from conftest import run_cli

    folder = person(project, "testa", "photo.png")
    (folder / "img").mkdir()
    (folder / "img" / "real.png").write_bytes(png(8, 8))
    (folder / "photo.png").symlink_to("img/real.png")
    result = run_cli("build", "--root", str(project), "--as-of", AS_OF, "--format", "html")
    assert result.exit_code == 0, result.output
    src = attr(one(html_soup(project / "build" / "testa" / "responder-packet.html"), ".photo img"), "src")
    assert src == "data:image/png;base64," + base64.b64encode(png(8, 8)).decode()


# --- the one URL fetcher ----------------------------------------------------------------------


def fetcher():  # type: ignore[no-untyped-def]
    from packetgen.pipeline.resources import LocalOnlyFetcher

    return LocalOnlyFetcher([REPO / "styles"])


@pytest.mark.parametrize(
    "url",
    [
        "FILE:///etc/hostname",
        "file:///etc/hostname",
        "File://localhost/etc/passwd",
        "file:///proc/self/environ",
        f"file://{REPO}/styles/../pyproject.toml",
        f"file://{REPO}/styles/%2e%2e/pyproject.toml",
        "http://127.0.0.1:9/x.css",
        "HTTPS://example.com/x.png",
        "ftp://example.com/x",
        "gopher://example.com/",
        "data:text/html,<b>hello</b>",
        "DATA:text/css,body{color:red}",
        "data:font/ttf;base64,AAAA",
        "data:;base64,AAAA",
        "data:application/octet-stream;base64,AAAA",
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_other_files_the_network_and_non_image_data(url: str) -> None:
    from packetgen.pipeline.resources import ResourceRefused

    with pytest.raises(ResourceRefused, match="^refused ") as refused:
        fetcher().fetch(url)
    assert "root:" not in str(refused.value) and "PKTGEN" not in str(refused.value)


def test_fetcher_refuses_a_symlink_out_of_an_allowed_folder(tmp_path: Path) -> None:
    from packetgen.pipeline.resources import LocalOnlyFetcher

    styles = tmp_path / "styles"
    styles.mkdir()
    (tmp_path / "secret.css").write_bytes(b"/* " + SECRET + b" */")
    (styles / "evil.css").symlink_to(tmp_path / "secret.css")
    from packetgen.pipeline.resources import ResourceRefused

    with pytest.raises(ResourceRefused, match="^refused ") as refused:
        LocalOnlyFetcher([styles]).fetch((styles / "evil.css").as_uri())
    assert SECRET.decode() not in str(refused.value)


def test_fetcher_loads_styles_and_image_data() -> None:
    font = REPO / "styles" / "fonts" / "AtkinsonHyperlegible-Regular.ttf"
    response = fetcher().fetch(font.as_uri().replace("file:", "FILE:"))
    try:
        assert response.read() == font.read_bytes()
    finally:
        response.close()
    image = png()
    response = fetcher().fetch("data:image/png;base64," + base64.b64encode(image).decode())
    assert response.read() == image


def test_pdf_renderer_loads_no_file_through_an_upper_case_scheme(tmp_path: Path) -> None:
    from packetgen.pipeline.pdf import PdfRenderer

    secret = tmp_path / "secret.png"
    secret.write_bytes(png(10, 10, extra=SECRET))
    html = (
        f'<html lang="en"><head><title>t</title></head><body><p>x</p><img src="FILE:{secret.as_uri()[5:]}">'
        f'<img src="File://localhost{secret}"></body></html>'
    )
    pdf = PdfRenderer(REPO / "styles").render(html)
    assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf
    assert not any(form in pdf for form in [SECRET, *base64_forms(SECRET)])


def test_weasyprint_never_logs_what_it_failed_to_load(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """WeasyPrint's 'Failed to load image at <url>' would print a data: URI, i.e. the whole file."""
    from packetgen.pipeline.pdf import PdfRenderer

    payload = base64.b64encode(b"not an image at all " + SECRET).decode()
    html = (
        f'<html lang="en"><head><title>t</title></head><body><p>x</p>'
        f'<img src="data:image/png;base64,{payload}"><img src="https://example.com/{SECRET.decode()}.png">'
        f"</body></html>"
    )
    with caplog.at_level("DEBUG"):
        PdfRenderer(REPO / "styles").render(html)
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    out, err = capfd.readouterr()
    assert where_found(Path("/nonexistent"), SECRET, logged, out, err) == []
    assert payload[8:40] not in logged + out + err
    assert any(r.name.startswith("weasyprint") for r in caplog.records), "the failure is still reported"
