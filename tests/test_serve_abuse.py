"""`pressroom serve` under abuse, over real sockets: idle and slow clients, too many connections,
duplicate Host headers, HTTP/0.9, byte ranges, and requests while a rebuild holds the engine.
"""
from __future__ import annotations

import io
import socket
import threading
import time
from pathlib import Path

import pytest

from generator.build import BuildResult
from generator.changes import Changes
from generator.config import Config, load_config
from generator.serve import Builder, Limits, LiveServer, new_builder
from generator.serve.ranges import ByteRange, Unsatisfiable, requested_range
from tests.test_serve import ARTICLE, EventClient, article_text, get, make_site, wait_for

CLIP = bytes(range(256)) * 4          # 1,024 bytes, each position recognisable


def raw(port: int, request: bytes, timeout: float = 10.0) -> bytes:
    """Send `request` as is and read the whole answer (the server closes the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def closed_by_server(sock: socket.socket) -> bool:
    """True once the server has closed `sock` (EOF or reset); raises socket.timeout if it keeps it open."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def start(root: Path, **options: object) -> LiveServer:
    return LiveServer(load_config(root), port=0, out=io.StringIO(), watch=False, **options).start()  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site")
    static = root / "themes" / "default" / "static"
    static.mkdir(parents=True)
    (static / "clip.mp4").write_bytes(CLIP)
    return root


# ---------------------------------------------------------------------------------------------
# a rebuild in progress never holds up a request


class BlockedBuilder:
    """The real engine, but each rebuild first waits, inside the engine's lock, until `release` is set."""

    def __init__(self, inner: Builder, lock: threading.RLock) -> None:
        self.inner, self.lock = inner, lock
        self.entered, self.release = threading.Event(), threading.Event()

    @property
    def config(self) -> Config:
        return self.inner.config

    def build(self) -> BuildResult:
        return self.inner.build()

    def rebuild(self, changes: Changes) -> BuildResult:
        with self.lock:
            self.entered.set()
            self.release.wait(30)
            return self.inner.rebuild(changes)

    def close(self) -> None:
        self.inner.close()


def test_requests_during_a_rebuild_get_the_last_complete_site_at_once(site: Path) -> None:
    config = load_config(site)
    inner = new_builder(config)
    blocked = BlockedBuilder(inner, inner.lock)  # type: ignore[attr-defined]
    live = LiveServer(config, port=0, out=io.StringIO(), builder=blocked).start()
    events = EventClient(live.port)
    try:
        events.wait_event("state")
        (site / "pressroom.toml").write_text('title = "Renamed"\nbase_url = "https://example.org/REPO/"\n')
        assert blocked.entered.wait(10), "the rebuild never started"
        answers: dict[str, tuple[int, bytes]] = {}

        def fetch() -> None:
            for path in ("/REPO/", ARTICLE, "/REPO/static/style.css", "/REPO/no/such/"):
                status, _, body = get(live, path)
                answers[path] = (status, body)

        reader = threading.Thread(target=fetch)
        reader.start()
        reader.join(8)
        assert not blocked.release.is_set()
        assert not reader.is_alive(), "a request waited for the rebuild"
        assert answers["/REPO/"][0] == 200 and b"Live" in answers["/REPO/"][1] and b"Renamed" not in answers["/REPO/"][1]
        assert answers[ARTICLE][0] == 200 and answers["/REPO/static/style.css"][0] == 200
        assert answers["/REPO/no/such/"][0] == 404
        blocked.release.set()
        events.wait_event("build", lambda e: e["reload"] == "page")
        assert b"Renamed" in get(live, "/REPO/")[2]
    finally:
        blocked.release.set()
        events.close()
        live.stop()


# ---------------------------------------------------------------------------------------------
# idle, slow and too many clients


def test_an_idle_connection_is_closed(site: Path) -> None:
    live = start(site, limits=Limits(request_timeout=0.3))
    try:
        with socket.create_connection(("127.0.0.1", live.port), timeout=10) as idle:
            assert closed_by_server(idle)
        wait_for(lambda: live.httpd is not None and live.httpd.connections == 0, 5)
        assert get(live, ARTICLE)[0] == 200
    finally:
        live.stop()


def test_headers_sent_a_byte_at_a_time_are_cut_off(site: Path) -> None:
    live = start(site, limits=Limits(request_timeout=0.3))
    request = f"GET {ARTICLE} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n\r\n".encode()
    try:
        with socket.create_connection(("127.0.0.1", live.port), timeout=10) as slow:
            sent = 0
            try:
                for byte in request:
                    slow.sendall(bytes([byte]))
                    sent += 1
                    time.sleep(0.05)      # one byte every 50 ms: the request needs over 3 s
            except OSError:
                pass                      # the server closed it: what we want
            answer = b""
            try:
                answer = slow.recv(65536)
            except OSError:
                pass
        assert sent < len(request) or not answer.startswith(b"HTTP/1.0 200"), "a slow client was served"
        assert not answer.startswith(b"HTTP/1.0 200")
        wait_for(lambda: live.httpd is not None and live.httpd.connections == 0, 5)
    finally:
        live.stop()


def test_connections_over_the_cap_get_503_and_the_server_keeps_answering(site: Path) -> None:
    live = start(site, limits=Limits(max_connections=4, request_timeout=30))
    idle = [socket.create_connection(("127.0.0.1", live.port), timeout=10) for _ in range(4)]
    try:
        wait_for(lambda: live.httpd is not None and live.httpd.connections == 4, 5)
        with socket.create_connection(("127.0.0.1", live.port), timeout=10) as extra:
            answer = extra.recv(65536)
        assert answer.startswith(b"HTTP/1.0 503") and b"Retry-After: 1" in answer
        for sock in idle:
            sock.close()
        wait_for(lambda: live.httpd is not None and live.httpd.connections == 0, 5)
        assert get(live, ARTICLE)[0] == 200
    finally:
        for sock in idle:
            sock.close()
        live.stop()


def test_stop_does_not_wait_for_slow_clients(site: Path) -> None:
    live = start(site, limits=Limits(request_timeout=60))
    slow = socket.create_connection(("127.0.0.1", live.port), timeout=10)
    try:
        slow.sendall(b"GET / HTTP/1.1\r\n")
        wait_for(lambda: live.httpd is not None and live.httpd.connections == 1, 5)
        stopper = threading.Thread(target=live.stop)
        stopper.start()
        stopper.join(8)
        assert not stopper.is_alive()
        assert closed_by_server(slow)
    finally:
        slow.close()
        live.stop()


# ---------------------------------------------------------------------------------------------
# requests that must be refused


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    root = make_site(tmp_path_factory.mktemp("abuse") / "site")
    static = root / "themes" / "default" / "static"
    static.mkdir(parents=True)
    (static / "clip.mp4").write_bytes(CLIP)
    live = start(root)
    yield live
    live.stop()


@pytest.mark.parametrize("hosts", [("127.0.0.1", "evil.example"), ("evil.example", "127.0.0.1"),
                                   ("127.0.0.1", "127.0.0.1")])
def test_two_host_headers_are_refused(shared: LiveServer, hosts: tuple[str, str]) -> None:
    answer = raw(shared.port, f"GET {ARTICLE} HTTP/1.1\r\nHost: {hosts[0]}\r\nHost: {hosts[1]}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.0 400") and b"Original body text." not in answer


def test_an_http_09_request_line_is_refused(shared: LiveServer) -> None:
    answer = raw(shared.port, f"GET {ARTICLE}\r\n".encode())
    assert answer.startswith(b"HTTP/1.0 400") and b"Original body text." not in answer
    assert raw(shared.port, f"GET {ARTICLE} HTTP/1.0\r\n\r\n".encode()).startswith(b"HTTP/1.0 200")


# ---------------------------------------------------------------------------------------------
# byte ranges


def ranged(live: LiveServer, path: str, value: str, method: str = "GET", extra: str = "") -> tuple[bytes, bytes]:
    answer = raw(live.port, f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: {value}\r\n{extra}\r\n".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    return head, body


@pytest.mark.parametrize(("value", "start", "end"), [("bytes=0-1", 0, 1), ("bytes=1000-", 1000, 1023),
                                                     ("bytes=-5", 1019, 1023), ("bytes=10-5000", 10, 1023),
                                                     ("BYTES = 7-7", 7, 7)])
def test_a_single_range_is_answered_with_206(shared: LiveServer, value: str, start: int, end: int) -> None:
    head, body = ranged(shared, "/REPO/static/clip.mp4", value)
    assert head.startswith(b"HTTP/1.0 206"), head
    assert f"Content-Range: bytes {start}-{end}/1024".encode() in head and b"Accept-Ranges: bytes" in head
    assert body == CLIP[start:end + 1]
    head, body = ranged(shared, "/REPO/static/clip.mp4", value, method="HEAD")
    assert head.startswith(b"HTTP/1.0 206") and f"Content-Length: {end - start + 1}".encode() in head and body == b""


def test_a_range_past_the_end_is_416(shared: LiveServer) -> None:
    head, body = ranged(shared, "/REPO/static/clip.mp4", "bytes=1024-")
    assert head.startswith(b"HTTP/1.0 416") and b"Content-Range: bytes */1024" in head and body == b""


@pytest.mark.parametrize(("value", "extra"), [("bytes=0-1,5-6", ""), ("items=0-1", ""), ("bytes=5-1", ""),
                                              ("bytes=0-1", "If-Range: \"x\"\r\n")])
def test_ranges_not_answered_get_the_whole_file(shared: LiveServer, value: str, extra: str) -> None:
    head, body = ranged(shared, "/REPO/static/clip.mp4", value, extra=extra)
    assert head.startswith(b"HTTP/1.0 200") and b"Accept-Ranges: bytes" in head and body == CLIP


def test_a_range_of_a_page_is_a_slice_of_what_a_full_request_gets(shared: LiveServer) -> None:
    status, headers, whole = get(shared, ARTICLE)
    assert status == 200 and headers["accept-ranges"] == "bytes"
    head, body = ranged(shared, ARTICLE, "bytes=-100")
    assert head.startswith(b"HTTP/1.0 206") and body == whole[-100:]


def test_requested_range() -> None:
    assert requested_range("bytes=0-0", 10) == ByteRange(0, 0, 10)
    assert requested_range("bytes=-20", 10) == ByteRange(0, 9, 10)
    assert requested_range(None, 10) is None and requested_range("bytes=x-1", 10) is None
    assert requested_range("bytes=-", 10) is None and requested_range("bytes=1", 10) is None
    for value, size in (("bytes=10-", 10), ("bytes=-0", 10), ("bytes=0-", 0)):
        with pytest.raises(Unsatisfiable):
            requested_range(value, size)


def test_event_stream_and_pages_still_work_with_the_limits(site: Path) -> None:
    live = start(site, limits=Limits(request_timeout=0.3))
    events = EventClient(live.port)
    try:
        time.sleep(0.6)                  # longer than the request timeout: an open stream is not a slow request
        (site / "content" / "second.md").write_text(article_text("Second release", "2024-05-02", "Streamed."))
        live.apply(Changes.classify([site / "content" / "second.md"], site))
        assert events.wait_event("build")["reload"] == "page"
    finally:
        events.close()
        live.stop()
