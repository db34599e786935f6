"""``watch --serve`` answers only this machine, by name and port, and odd URLs never crash it.

Requests are written byte for byte on a socket, so the Host header and the request line are
exactly what a hostile page (DNS rebinding) or a broken client would send.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

CONTENT = b"BUILD-FOLDER-CONTENT-7c41"
"""In every served file: a refused request must not return it."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    from packetgen.watch.serve import start_server

    build = tmp_path_factory.mktemp("serve") / "build"
    (build / "rosa-m").mkdir(parents=True)
    (build / "index.html").write_bytes(b"<html><body>" + CONTENT + b"</body></html>")
    (build / "rosa-m" / "crisis-plan.html").write_bytes(b"<html><body>" + CONTENT + b"</body></html>")
    (build / "rosa-m" / "crisis-plan.pdf").write_bytes(b"%PDF-1.7 " + CONTENT)
    (build / ".packetgen-cache.json").write_bytes(b"{}" + CONTENT)
    server = start_server(build, port=0)
    try:
        yield build, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def raw(port: int, request: bytes) -> tuple[int, bytes]:
    """Send ``request`` as is; return the status code and the whole response."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    return int(response.split(b" ", 2)[1]), response


def get(port: int, path: bytes, host: bytes | None = None, method: bytes = b"GET") -> tuple[int, bytes]:
    host_line = b"" if host is None else b"Host: " + host + b"\r\n"
    return raw(port, method + b" " + path + b" HTTP/1.1\r\n" + host_line + b"Connection: close\r\n\r\n")


@pytest.mark.parametrize("host", [b"127.0.0.1:{port}", b"localhost:{port}", b"LOCALHOST:{port}", b"[::1]:{port}"])
def test_the_machine_own_names_are_answered(served: tuple[Path, int], host: bytes) -> None:
    _, port = served
    status, response = get(port, b"/rosa-m/crisis-plan.html", host.replace(b"{port}", str(port).encode()))
    assert status == 200 and CONTENT in response and b"/__packetgen__/version" in response
    status, response = get(port, b"/rosa-m/crisis-plan.pdf", host.replace(b"{port}", str(port).encode()))
    assert status == 200 and response.endswith(b"%PDF-1.7 " + CONTENT)


@pytest.mark.parametrize(
    "host",
    [
        b"evil.example:{port}",
        b"evil.example",
        b"127.0.0.1",
        b"localhost",
        b"127.0.0.1:1",
        b"localhost:{port}.evil.example",
        b"127.0.0.2:{port}",
        b"0.0.0.0:{port}",
        b"[::ffff:127.0.0.1]:{port}",
        b"localhost.:{port}",
        b"",
    ],
)
def test_any_other_host_is_refused_without_content(served: tuple[Path, int], host: bytes) -> None:
    _, port = served
    for path in (b"/", b"/rosa-m/crisis-plan.html", b"/__packetgen__/version?path=/index.html"):
        for method in (b"GET", b"HEAD"):
            status, response = get(port, path, host.replace(b"{port}", str(port).encode()), method)
            assert status == 421, response
            assert CONTENT not in response


def test_no_host_header_is_refused(served: tuple[Path, int]) -> None:
    _, port = served
    status, response = get(port, b"/index.html", None)
    assert status == 400 and CONTENT not in response


def test_two_host_headers_are_refused(served: tuple[Path, int]) -> None:
    _, port = served
    status, response = raw(
        port,
        f"GET /index.html HTTP/1.1\r\nHost: localhost:{port}\r\nHost: evil.example\r\n"
        "Connection: close\r\n\r\n".encode(),
    )
    assert status == 421 and CONTENT not in response


@pytest.mark.parametrize(
    "path",
    [
        b"/index.html%00",
        b"/\x00",
        b"/rosa-m/crisis-plan.html\x00.txt",
        b"/%00/index.html",
        b"/%ff%fe",
        b"/rosa-m/../index.html",
        b"/..",
        b"/%2e%2e/%2e%2e/etc/passwd",
        b"/rosa-m%2f..%2findex.html",
        b"/rosa-m\\crisis-plan.html",
        b"/%5c..%5cindex.html",
        b"/" + b"a" * 5000,
        b"/%0d%0aSet-Cookie:x=1",
        b"/__packetgen__/../index.html",
        b"index.html",
    ],
)
def test_odd_urls_answer_400_and_never_a_traceback(
    served: tuple[Path, int], path: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    _, port = served
    status, response = get(port, path, f"127.0.0.1:{port}".encode())
    assert status == 400, response
    assert CONTENT not in response
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_dot_files_stay_hidden_and_the_version_check_copes_with_odd_paths(served: tuple[Path, int]) -> None:
    _, port = served
    host = f"127.0.0.1:{port}".encode()
    status, response = get(port, b"/.packetgen-cache.json", host)
    assert status == 404 and CONTENT not in response
    for wanted in (b"/index.html%2500", b"/..%2Fx", b"/%25ff"):
        status, response = get(port, b"/__packetgen__/version?path=" + wanted, host)
        assert status == 200 and response.endswith(b"missing")
    status, response = get(port, b"/__packetgen__/version?path=/index.html", host)
    assert status == 200 and not response.endswith(b"missing")


def test_a_client_that_hangs_up_prints_nothing(served: tuple[Path, int], capfd: pytest.CaptureFixture[str]) -> None:
    _, port = served
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /rosa-m/crisis-plan.pdf HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port)
    status, _ = get(port, b"/index.html", f"127.0.0.1:{port}".encode())
    assert status == 200
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
