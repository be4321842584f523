"""The HTTP side of `pressroom serve`: request -> file in the output folder, with the live-reload script.

Serves only files inside the output folder: anything that could name a file elsewhere (`..`,
encoded or not, backslashes, absolute paths, symlinks out, hidden files) is a 404. On a loopback
address it answers only requests addressed to a loopback name (`Host: localhost:8000`,
`127.0.0.1`, `[::1]`), so a web page whose domain an attacker re-points at 127.0.0.1 (DNS
rebinding) cannot read the preview: that gets a 403.
"""
from __future__ import annotations

import ipaddress
import mimetypes
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .reload_client import EVENTS_PATH, LIVE_JS, SCRIPT_PATH, inject

if TYPE_CHECKING:
    from .live import LiveServer

_TEXT_TYPES = {"text/html", "text/css", "text/plain", "text/xml", "application/xml", "application/json",
               "application/javascript", "text/javascript", "application/atom+xml", "application/rss+xml",
               "application/feed+json", "image/svg+xml"}
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("font/woff2", ".woff2")
FORBIDDEN_HOST = (b"403 Forbidden: pressroom serve answers only requests for localhost, 127.0.0.1 or [::1]\n"
                  b"(protection against DNS rebinding; use --bind to serve other names).\n")


# ---------------------------------------------------------------------------------------------
# Which requests to answer, and with which file


def is_loopback(bind: str) -> bool:
    return bind in ("localhost", "::1") or bind.startswith("127.")


def host_allowed(host: str | None) -> bool:
    """Whether a `Host` header names this machine's loopback: `localhost`, a loopback IP literal, with a port or not.

    A request without any Host (HTTP/1.0 tools) is allowed: browsers always send one."""
    if host is None:
        return True
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        if end == -1:
            return False
        name, rest = host[1:end], host[end + 1:]
    else:
        name, _, port = host.partition(":")
        rest = f":{port}" if _ else ""
    if rest and not (rest.startswith(":") and rest[1:].isdigit() and len(rest) <= 6):
        return False
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def request_path(raw_path: str) -> str:
    """The path of a request target: origin form ('/a/b?q') as is, absolute form ('http://h/a') parsed."""
    if raw_path.startswith("/"):
        return raw_path.split("?", 1)[0].split("#", 1)[0]
    return urlsplit(raw_path).path


def resolve_request(raw_path: str, base_path: str, root: Path) -> Path | str | None:
    """The file a request path names inside `root`, a redirect target (str), or None for 404.

    `root` must already be resolved. Anything that is not a plain relative path of visible
    names inside the output folder is None.
    """
    path = request_path(raw_path)
    if "\\" in path or "%5c" in path.lower() or "\x00" in path:
        return None
    if path + "/" == base_path or (path == "/" and base_path != "/"):
        return base_path          # the site lives under its base path, as on GitHub Pages
    if not path.startswith(base_path):
        return None
    try:
        rel = unquote(path[len(base_path):], errors="strict")
    except UnicodeDecodeError:
        return None
    if rel.startswith("/") or "\\" in rel or any(ord(c) < 32 or c == "\x7f" for c in rel):
        return None
    parts = rel.split("/")
    for index, part in enumerate(parts):
        if part == "":
            if index != len(parts) - 1:
                return None       # '//' inside the path
            continue
        if part.startswith(".") or ":" in part:
            return None           # '..', '.', hidden files, drive letters
    target = root / rel
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if real != root and root not in real.parents:
        return None               # a symlink out of the output folder
    if real.is_dir():
        if rel and not rel.endswith("/"):
            return path + "/"
        index = real / "index.html"
        try:
            index_real = index.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if root not in index_real.parents or not index_real.is_file():
            return None
        return index_real
    return real if real.is_file() else None


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".xml":
        kind = "application/xml"
    return f"{kind}; charset=utf-8" if kind in _TEXT_TYPES or kind.startswith("text/") else kind


# ---------------------------------------------------------------------------------------------
# The server and its request handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class DualStackServer(Server):
    address_family = socket.AF_INET6


def make_server(live: "LiveServer") -> Server:
    """A listening socket on `live.bind`:`live.port` whose requests `LiveHandler` answers for `live`."""
    handler = type("Handler", (LiveHandler,), {"live": live})
    server_class = DualStackServer if ":" in live.bind else Server
    return server_class((live.bind, live.port), handler)   # fails fast when the port is taken


class LiveHandler(BaseHTTPRequestHandler):
    live: "LiveServer"
    server_version = "pressroom"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:   # quiet: the terminal is for builds and errors
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _addressed_to_us(self) -> bool:
        if not is_loopback(self.live.bind):
            return True
        authority = urlsplit(self.path).netloc if not self.path.startswith("/") else None
        return host_allowed(self.headers.get("Host")) and (not authority or host_allowed(authority))

    def _serve(self, *, head: bool) -> None:
        if not self._addressed_to_us():
            self.close_connection = True
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", FORBIDDEN_HOST, head=head)
            return
        path = request_path(self.path)
        if path == EVENTS_PATH and not head:
            self._events()
            return
        if path == SCRIPT_PATH:
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", LIVE_JS, head=head)
            return
        live = self.live
        root = live.output_dir
        found = resolve_request(self.path, live.base_path, root)
        if isinstance(found, str):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", found)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = HTTPStatus.OK
        data = None
        if found is not None:
            with live.builder.lock:
                data = _read(found)
        if data is None:
            status, found = HTTPStatus.NOT_FOUND, root / "404.html"
            with live.builder.lock:
                data = _read(found)
            if data is None:
                data = b"<!doctype html><title>Not found</title><h1>Not found</h1>"
        kind = content_type(found)
        if kind.startswith("text/html"):
            data = inject(data, live.generation)
        self._send(status, kind, data, head=head)

    def _send(self, status: HTTPStatus, kind: str, data: bytes, *, head: bool) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not head:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _events(self) -> None:
        live = self.live
        client = live.hub.connect()
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            live.hub.stream(client, self.wfile, live.state_event())
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            pass
        finally:
            live.hub.disconnect(client)
            self.close_connection = True


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (OSError, ValueError):
        return None
