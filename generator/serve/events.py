"""Server-Sent Events: one queue per open page, every build event fanned out to all of them."""
from __future__ import annotations

import json
import queue
import threading
from typing import Any, BinaryIO

KEEPALIVE_SECONDS = 15.0
RETRY = b"retry: 500\n\n"           # how soon a browser reconnects after the stream drops


def format_event(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode("utf-8")


class Hub:
    """Fans events out to every connected live-reload client."""

    def __init__(self) -> None:
        self._clients: set[queue.SimpleQueue[bytes | None]] = set()
        self._lock = threading.Lock()
        self.closed = threading.Event()

    def connect(self) -> queue.SimpleQueue[bytes | None]:
        client: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        with self._lock:
            self._clients.add(client)
        return client

    def disconnect(self, client: queue.SimpleQueue[bytes | None]) -> None:
        with self._lock:
            self._clients.discard(client)

    def __len__(self) -> int:
        with self._lock:
            return len(self._clients)

    def publish(self, event: str, data: dict[str, Any]) -> None:
        message = format_event(event, data)
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.put(message)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        self.closed.set()
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.put(None)

    def stream(self, client: queue.SimpleQueue[bytes | None], wfile: BinaryIO, first: bytes) -> None:
        """Write `first`, then every event for `client` (keep-alive comments while quiet) until closed.

        The response headers are already sent; a dropped connection raises OSError to the caller."""
        wfile.write(RETRY + first)
        wfile.flush()
        while not self.closed.is_set():
            try:
                message = client.get(timeout=KEEPALIVE_SECONDS)
            except queue.Empty:
                message = b": keep-alive\n\n"
            if message is None:
                break
            wfile.write(message)
            wfile.flush()
