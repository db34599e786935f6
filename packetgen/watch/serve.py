"""``watch --serve``: build/ on localhost, each page reloading itself when its file changes.

Standard library only (``http.server``), no websocket: every HTML page is served with a small
script that asks ``/__packetgen__/version?path=...`` once a second and reloads when the answer
changes. Files are only ever replaced whole (atomic writes) and only after a successful build, so
a page never reloads into half a file or into a failed build. The script is added while serving;
the files on disk stay exactly what ``build`` wrote.

Only localhost is bound, and only requests whose Host header names it (``127.0.0.1``,
``localhost`` or ``[::1]`` with the served port) are answered: any other name is refused with 421
before a file is looked at, so a web page cannot read build/ through DNS rebinding. Odd paths (NUL
and other control characters, bad percent-escapes, backslashes, '..', overlong) answer 400, never
a traceback. Dot-files (the build cache, the revision history) are never served.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)

VERSION_PATH = "/__packetgen__/version"

RELOAD_SCRIPT = f"""<script>
(function () {{
  var seen = null;
  function check() {{
    fetch("{VERSION_PATH}?path=" + encodeURIComponent(location.pathname), {{cache: "no-store"}})
      .then(function (r) {{ return r.text(); }})
      .then(function (v) {{ if (seen === null) {{ seen = v; }} else if (v !== seen) {{ location.reload(); }} }})
      .catch(function () {{}});
  }}
  check();
  setInterval(check, 1000);
}})();
</script>
"""


ALLOWED_HOSTS = ("127.0.0.1", "localhost", "[::1]")
"""Names a browser on this machine uses for the preview. Any other Host header means the request
came through some other name (DNS rebinding: a web page whose domain now points at 127.0.0.1), so
it is refused before any file is looked at."""

MAX_URL = 2048
"""No page under build/ has a URL this long; a longer one is refused, not looked up."""


class BadUrl(ValueError):
    """A request path that cannot name a file under build/: answered 400."""


def host_allowed(host: str | None, port: int) -> bool:
    """True for ``127.0.0.1:PORT``, ``localhost:PORT`` or ``[::1]:PORT`` (the served port only)."""
    if host is None:
        return False
    host = host.strip().lower()
    names = {f"{name}:{port}" for name in ALLOWED_HOSTS}
    if port == 80:
        names |= set(ALLOWED_HOSTS)  # a browser leaves out the default port
    return host in names


def url_parts(url_path: str) -> list[str]:
    """The path segments of a request URL; ``BadUrl`` for anything odd.

    Odd means: too long, not starting with '/', percent-escapes that are not UTF-8, control
    characters (NUL included), backslashes, or '.' and '..' segments. Dot-named files are not odd,
    only hidden: ``_resolve`` answers them 404."""
    if len(url_path) > MAX_URL or not url_path.startswith("/"):
        raise BadUrl("path too long or not absolute")
    try:
        text = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        raise BadUrl("not UTF-8") from None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text) or "\\" in text:
        raise BadUrl("control character or backslash")
    parts = [p for p in text.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise BadUrl("relative segment")
    return parts


def file_version(root: Path, url_path: str) -> str:
    """What the page's script compares: the file's mtime and size, or 'missing'."""
    try:
        path = _resolve(root, url_parts(url_path))
    except BadUrl:
        return "missing"
    if path is None:
        return "missing"
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    return f"{stat.st_mtime_ns}-{stat.st_size}"


def _resolve(root: Path, parts: list[str]) -> Path | None:
    """The file under ``root`` for URL path segments; None for anything outside it or dot-named."""
    if any(p.startswith(".") for p in parts):
        return None
    try:
        path = root.joinpath(*parts) if parts else root
        if path.is_dir():
            path = path / "index.html"
        path = path.resolve()
        return path if path.is_relative_to(root.resolve()) and path.is_file() else None
    except (OSError, ValueError):
        return None


class ReloadingHandler(SimpleHTTPRequestHandler):
    root: Path

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
        address = self.server.server_address
        port = int(address[1]) if isinstance(address, tuple) else 0
        hosts = self.headers.get_all("Host") or []
        if not hosts:
            self.send_error(HTTPStatus.BAD_REQUEST, "Missing Host header")
            return
        if len(hosts) != 1 or not host_allowed(hosts[0], port):
            self.send_error(
                HTTPStatus.MISDIRECTED_REQUEST,
                f"This preview answers only http://127.0.0.1:{port}/ and http://localhost:{port}/",
            )
            return
        try:
            url = urlsplit(self.path)
            parts = url_parts(url.path)
        except ValueError:  # BadUrl, or a URL urlsplit cannot read
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request path")
            return
        if "/" + "/".join(parts) == VERSION_PATH:
            wanted = parse_qs(url.query).get("path", ["/"])[0]
            self._send(HTTPStatus.OK, file_version(self.root, wanted).encode(), "text/plain", with_body)
            return
        path = _resolve(self.root, parts)
        try:
            body = path.read_bytes() if path is not None else None
        except OSError:
            body = None
        if path is None or body is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if path.suffix == ".html":
            marker = b"</body>"
            at = body.rfind(marker)
            body = body[:at] + RELOAD_SCRIPT.encode() + body[at:] if at >= 0 else body + RELOAD_SCRIPT.encode()
            self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", with_body)
            return
        self._send(HTTPStatus.OK, body, mimetypes.guess_type(path.name)[0] or "application/octet-stream", with_body)

    def _send(self, status: HTTPStatus, body: bytes, kind: str, with_body: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("serve: " + format, *args)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A dropped connection (or any other failure in one request) is logged, never printed."""
        log.debug("serve: request from %s failed", client_address, exc_info=True)


def start_server(root: Path, port: int = 8000, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve ``root`` in a background thread; call ``shutdown()`` on the result to stop."""
    handler = type("Handler", (ReloadingHandler,), {"root": root})
    server = _Server((host, port), partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, name="packetgen-serve", daemon=True).start()
    return server
