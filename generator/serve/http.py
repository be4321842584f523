"""The HTTP side of `pressroom serve`: request -> file in the output folder, with the live-reload script.

The handler depends only on `Preview`, a small protocol `LiveServer` satisfies (so this module
never imports `live`). It reads the output folder without any lock: a full build is staged beside
it and swapped in at once and a rebuild replaces each file atomically, so a request during a
rebuild gets the last complete file at once instead of waiting for the build.

Refused: requests for other host names (403, DNS rebinding; see `paths`), requests with two
`Host` headers and HTTP/0.9 request lines, which carry no headers at all (400). Answered: single
byte ranges (206, 416), for every file. Out of file descriptors, a file that cannot be opened is
a 503 (try again), never a 404.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from .paths import content_type, host_allowed, request_path, resolve_request
from .ranges import ByteRange, Unsatisfiable, requested_range
from .reload_client import EVENTS_PATH, LIVE_JS, SCRIPT_PATH, inject
from .server import NO_DESCRIPTORS, DualStackServer, Limits, Server, TimedHandler, is_out_of_descriptors

FORBIDDEN_HOST = (b"403 Forbidden: pressroom serve answers only requests for localhost, 127.0.0.1 or [::1]\n"
                  b"(protection against DNS rebinding; use --bind to serve other names).\n")
NOT_FOUND = b"<!doctype html><title>Not found</title><h1>Not found</h1>"
_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)
_CHUNK = 256 * 1024


class Preview(Protocol):
    """What the request handler needs from a running preview."""

    @property
    def bind(self) -> str: ...

    @property
    def loopback(self) -> bool: ...

    @property
    def base_path(self) -> str: ...

    @property
    def output_dir(self) -> Path: ...

    @property
    def generation(self) -> int: ...

    def subscribe(self, wfile: BinaryIO) -> None:
        """Write the live-reload event stream to `wfile` until the client or the server goes."""


def make_server(preview: Preview, port: int, limits: Limits) -> Server:
    """A listening socket on `preview.bind`:`port` whose requests `LiveHandler` answers for `preview`."""
    handler = type("Handler", (LiveHandler,), {"preview": preview})
    server_class = DualStackServer if ":" in preview.bind else Server
    return server_class((preview.bind, port), handler, limits)   # fails fast when the port is taken


class LiveHandler(TimedHandler):
    preview: Preview
    server_version = "pressroom"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:   # quiet: the terminal is for builds and errors
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    # -- which requests to answer -------------------------------------------------------------

    def parse_request(self) -> bool:
        if len(self.raw_requestline.split()) == 2:
            # HTTP/0.9 has no headers, so no Host to check; answer in HTTP/1.0 so the client sees why
            self.command, self.requestline, self.request_version = None, "", "HTTP/1.0"
            self.close_connection = True
            self.send_error(HTTPStatus.BAD_REQUEST, "HTTP/0.9 requests are not served")
            return False
        if not super().parse_request():
            return False
        if len(self.headers.get_all("Host") or ()) > 1:
            self.close_connection = True
            self.send_error(HTTPStatus.BAD_REQUEST, "More than one Host header")
            return False
        return True

    def _addressed_to_us(self) -> bool:
        if not self.preview.loopback:
            return True
        authority = urlsplit(self.path).netloc if not self.path.startswith("/") else None
        return host_allowed(self.headers.get("Host")) and (not authority or host_allowed(authority))

    # -- answering ----------------------------------------------------------------------------

    def _serve(self, *, head: bool) -> None:
        if not self._addressed_to_us():
            self.close_connection = True
            self._send_bytes(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", FORBIDDEN_HOST, head=head)
            return
        path = request_path(self.path)
        if path == EVENTS_PATH and not head:
            self._events()
            return
        if path == SCRIPT_PATH:
            self._send_bytes(HTTPStatus.OK, "text/javascript; charset=utf-8", LIVE_JS, head=head)
            return
        preview = self.preview
        root = preview.output_dir
        found = resolve_request(self.path, preview.base_path, root)
        if isinstance(found, str):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", found)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            if found is None or not self._send_file(HTTPStatus.OK, found, head=head):
                if not self._send_file(HTTPStatus.NOT_FOUND, root / "404.html", head=head):
                    self._send_bytes(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", NOT_FOUND, head=head)
        except OSError as exc:
            if not is_out_of_descriptors(exc):
                raise
            self.close_connection = True
            self._write(lambda: self.wfile.write(NO_DESCRIPTORS))

    def _send_file(self, status: HTTPStatus, path: Path, *, head: bool) -> bool:
        """Send the file at `path`; False when it is not there (gone since the request was resolved)."""
        try:
            handle = open(path, "rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError):
            return False
        with handle:
            kind = content_type(path)
            if kind.startswith("text/html"):
                self._send_bytes(status, kind, inject(handle.read(), self.preview.generation), head=head)
            else:
                self._send_stream(status, kind, handle, os.fstat(handle.fileno()).st_size, head=head)
        return True

    def _send_bytes(self, status: HTTPStatus, kind: str, data: bytes, *, head: bool) -> None:
        part = self._headers(status, kind, len(data))
        if part is not None and not head:
            self._write(lambda: self.wfile.write(data[part.start:part.end + 1]))

    def _send_stream(self, status: HTTPStatus, kind: str, handle: BinaryIO, size: int, *, head: bool) -> None:
        part = self._headers(status, kind, size)
        if part is not None and not head and part.length > 0:
            handle.seek(part.start)
            self._write(lambda: _copy(handle, self.wfile, part.length))

    def _headers(self, status: HTTPStatus, kind: str, size: int) -> ByteRange | None:
        """Send the status and headers; the part of the body to send after them, None for none."""
        part = ByteRange(0, size - 1, size)
        ranged = status == HTTPStatus.OK
        if ranged:
            try:
                wanted = requested_range(self.headers.get("Range"), size, if_range=self.headers.get("If-Range"))
            except Unsatisfiable as exc:
                content_range = exc.content_range
                self._write(lambda: self._unsatisfiable(content_range))
                return None
            if wanted is not None:
                status, part = HTTPStatus.PARTIAL_CONTENT, wanted
        done = self._write(lambda: self._head_lines(status, kind, part, ranged))
        return part if done else None

    def _head_lines(self, status: HTTPStatus, kind: str, part: ByteRange, ranged: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(max(part.length, 0)))
        if ranged:
            self.send_header("Accept-Ranges", "bytes")
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", part.content_range())
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def _unsatisfiable(self, content_range: str) -> None:
        self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
        self.send_header("Content-Range", content_range)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _write(self, send: Callable[[], object]) -> bool:
        """Run `send`; False when the client went away (nothing more to send then)."""
        try:
            send()
            return True
        except _CLIENT_GONE:
            self.close_connection = True
            return False

    def _events(self) -> None:
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.preview.subscribe(self.wfile)
        except OSError:
            pass
        finally:
            self.close_connection = True


def _copy(source: BinaryIO, target: BinaryIO, length: int) -> None:
    while length > 0:
        chunk = source.read(min(_CHUNK, length))
        if not chunk:
            break               # the file shrank under us: the client sees a short body and retries
        target.write(chunk)
        length -= len(chunk)

