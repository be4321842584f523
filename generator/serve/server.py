"""The listening socket of `pressroom serve`, hardened for a machine it shares with other programs.

- A client has `request_timeout` seconds from connecting (or from its previous response) to the end
  of its request headers: idle connections and headers sent a byte a second are closed, not kept
  forever with a thread each. Once the headers are in, every send has `io_timeout` seconds.
- At most `max_connections` at once (live-reload streams included); one more gets a 503 at once.
- Out of file descriptors, `accept()` fails for every waiting client and a plain server spins on
  it. Here a spare descriptor is given up to accept the waiting client, answer it 503 and close it;
  the loop then pauses briefly, so it never spins, and serves normally once descriptors are free.
"""
from __future__ import annotations

import errno
import io
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_OUT_OF_DESCRIPTORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
PAUSE_SECONDS = 0.1       # how long accepting pauses when the process is out of descriptors


@dataclass(frozen=True)
class Limits:
    request_timeout: float = 10.0     # connect (or last response) -> end of the request headers
    io_timeout: float = 30.0          # any one send once a request is being answered
    max_connections: int = 256        # open connections at once, live-reload streams included


def busy_response(reason: str) -> bytes:
    """A complete 503 answer, sent without a handler thread."""
    body = f"503 Service Unavailable: {reason}; try again in a moment.\n".encode()
    return (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n"
            b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)) + body


TOO_MANY = busy_response("pressroom serve has too many open connections")
NO_DESCRIPTORS = busy_response("pressroom serve is out of file descriptors (close other programs or raise ulimit -n)")


def is_out_of_descriptors(exc: OSError) -> bool:
    return exc.errno in _OUT_OF_DESCRIPTORS


class Server(ThreadingHTTPServer):
    """A thread per connection, within `limits`; see the module docstring."""

    daemon_threads = True
    block_on_close = False       # stop() does not wait for slow clients: it closes their sockets
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], limits: Limits) -> None:
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.max_connections)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._spare = _reserve_descriptor()
        super().__init__(address, handler)

    @property
    def connections(self) -> int:
        with self._open_lock:
            return len(self._open)

    def get_request(self) -> tuple[socket.socket, Any]:
        try:
            return self.socket.accept()
        except OSError as exc:
            if is_out_of_descriptors(exc):
                self._answer_without_descriptors()
            raise

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            refuse(request, TOO_MANY)
            return
        with self._open_lock:
            self._open.add(request)
        try:
            super().process_request(request, client_address)
        except RuntimeError:               # no thread could be started: the machine is at its limit
            self._forget(request)
            refuse(request, TOO_MANY)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._forget(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):   # a client that went away is not worth a traceback
            super().handle_error(request, client_address)

    def server_close(self) -> None:
        super().server_close()
        with self._open_lock:
            still_open = list(self._open)
        for sock in still_open:            # wake handler threads waiting on slow clients
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._spare is not None:
            os.close(self._spare)
            self._spare = None

    def _forget(self, request: Any) -> None:
        with self._open_lock:
            if request not in self._open:
                return
            self._open.discard(request)
        self._slots.release()

    def _answer_without_descriptors(self) -> None:
        """Give up the spare descriptor to accept one waiting client and answer it 503; then pause."""
        if self._spare is not None:
            os.close(self._spare)
            self._spare = None
            try:
                client, _ = self.socket.accept()
            except OSError:
                pass
            else:
                refuse(client, NO_DESCRIPTORS)
            self._spare = _reserve_descriptor()
        time.sleep(PAUSE_SECONDS)     # never spin on a listening socket we cannot accept from


class DualStackServer(Server):
    address_family = socket.AF_INET6


def refuse(sock: socket.socket, response: bytes) -> None:
    """Send a short complete answer without blocking, and close."""
    try:
        sock.setblocking(False)
        sock.send(response)
        sock.shutdown(socket.SHUT_WR)
        sock.recv(65536)                   # what the client sent already: closing with it unread resets
    except OSError:
        pass
    finally:
        sock.close()


def _reserve_descriptor() -> int | None:
    try:
        return os.open(os.devnull, os.O_RDONLY)
    except OSError:
        return None


class DeadlineReader(io.RawIOBase):
    """The socket's reading side: until `finish_headers()`, every read is bounded by one deadline."""

    def __init__(self, sock: socket.socket, io_timeout: float) -> None:
        super().__init__()
        self.sock, self.io_timeout = sock, io_timeout
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def start_request(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def finish_headers(self) -> None:
        self.deadline = None
        self.sock.settimeout(self.io_timeout)

    def readinto(self, buffer: Any) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request took too long to arrive")
            self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


class TimedHandler(BaseHTTPRequestHandler):
    """Reads each request (line and headers) within the server's `request_timeout`."""

    server: Server

    def setup(self) -> None:
        super().setup()
        self.rfile.close()                 # the plain reader setup() made: this one replaces it
        self.reader = DeadlineReader(self.connection, self.server.limits.io_timeout)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        self.reader.start_request(self.server.limits.request_timeout)
        try:
            super().handle_one_request()
        except OSError:                    # reset by the client, or shut down by stop()
            self.close_connection = True

    def parse_request(self) -> bool:
        try:
            return super().parse_request()
        finally:
            self.reader.finish_headers()
