"""``watch --serve``: build/ on localhost, each page reloading itself when its file changes.

Standard library only (``http.server``), no websocket: every HTML page is served with a small
script that asks ``/__packetgen__/version?path=...`` once a second and reloads when the answer
changes. Files are only ever replaced whole (atomic writes) and only after a successful build, so
a page never reloads into half a file or into a failed build. The script is added while serving;
the files on disk stay exactly what ``build`` wrote.

Only localhost is bound, and dot-files (the build cache, the revision history with whole
profiles) are never served.
"""

from __future__ import annotations

import logging
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

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


def file_version(root: Path, url_path: str) -> str:
    """What the page's script compares: the file's mtime and size, or 'missing'."""
    path = _resolve(root, url_path)
    if path is None:
        return "missing"
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    return f"{stat.st_mtime_ns}-{stat.st_size}"


def _resolve(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` for a URL path; None for anything outside it or dot-named."""
    parts = [p for p in unquote(url_path).split("/") if p]
    if any(p.startswith(".") for p in parts):
        return None
    path = root.joinpath(*parts) if parts else root
    if path.is_dir():
        path = path / "index.html"
    path = path.resolve()
    return path if path.is_relative_to(root.resolve()) and path.is_file() else None


class ReloadingHandler(SimpleHTTPRequestHandler):
    root: Path

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlparse(self.path)
        if url.path == VERSION_PATH:
            wanted = parse_qs(url.query).get("path", ["/"])[0]
            self._send(HTTPStatus.OK, file_version(self.root, wanted).encode(), "text/plain")
            return
        path = _resolve(self.root, url.path)
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if path.suffix == ".html":
            body = path.read_bytes()
            marker = b"</body>"
            at = body.rfind(marker)
            body = body[:at] + RELOAD_SCRIPT.encode() + body[at:] if at >= 0 else body + RELOAD_SCRIPT.encode()
            self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")
            return
        super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if _resolve(self.root, urlparse(self.path).path) is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        super().do_HEAD()

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("serve: " + format, *args)


def start_server(root: Path, port: int = 8000, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve ``root`` in a background thread; call ``shutdown()`` on the result to stop."""
    handler = type("Handler", (ReloadingHandler,), {"root": root})
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, name="packetgen-serve", daemon=True).start()
    return server
