"""`pressroom serve`: a real server on a free port, a real HTTP client, real file edits.

Covers serving under the base path, path traversal (all 404), the live-reload script (served,
injected only by serve), Server-Sent Events after an edit (also to 100 clients at once), errors
reported and cleared, CSS-only swaps. Watching and the command: test_serve_watch.py; abuse:
test_serve_abuse.py; failures: test_serve_failures.py; signals and descriptors: test_serve_process.py.
"""
from __future__ import annotations

import http.client
import io
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_config
from generator.serve import LiveServer, resolve_request
from generator.serve.reload_client import EVENTS_PATH, SCRIPT_PATH, inject

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "/REPO/2024/05/first-release/"


# ---------------------------------------------------------------------------------------------
# helpers (also used by test_serve_browser.py and bench/bench_serve.py)


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.01) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        time.sleep(interval)


def article_text(title: str, date: str, body: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def make_site(root: Path, base_url: str = "https://example.org/REPO/") -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "pressroom.toml").write_text(f'title = "Live"\nbase_url = "{base_url}"\n', encoding="utf-8")
    (root / "content" / "first.md").write_text(
        article_text("First release", "2024-05-01", "Original body text.", "tags: [alpha]\n"), encoding="utf-8")
    (root / "content" / "second.md").write_text(
        article_text("Second release", "2024-05-02", "Another body.", "tags: [alpha, beta]\n"), encoding="utf-8")
    return root


def start_live(root: Path, **options: Any) -> LiveServer:
    options.setdefault("out", io.StringIO())
    return LiveServer(load_config(root), port=0, **options).start()


def get(live: LiveServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """A raw request: the path goes on the wire exactly as given (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class EventClient:
    """A minimal Server-Sent Events client over a plain socket."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        status = self.file.readline()
        assert b" 200 " in status, status
        while self.file.readline() not in (b"\r\n", b"\n", b""):
            pass

    def next_event(self) -> tuple[str, dict[str, Any]]:
        """The next named event (comments and `retry:` lines skipped); ('', {}) at end of stream."""
        name, data = "", ""
        while True:
            line = self.file.readline()
            if not line:
                return "", {}
            line = line.decode("utf-8").rstrip("\r\n")
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
            elif line == "" and name:
                return name, json.loads(data) if data else {}

    def wait_event(self, name: str, predicate: Callable[[dict[str, Any]], bool] = lambda _: True) -> dict[str, Any]:
        while True:
            got, data = self.next_event()
            if not got:
                raise AssertionError(f"stream ended before a {name!r} event")
            if got == name and predicate(data):
                return data

    def close(self) -> None:
        try:
            self.file.close()
            self.sock.close()
        except OSError:
            pass


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def live(tmp_path: Path):
    server = start_live(make_site(tmp_path / "site"))
    yield server
    server.stop()


# ---------------------------------------------------------------------------------------------
# serving


def test_serves_the_site_under_its_base_path(live: LiveServer) -> None:
    assert live.url == f"http://127.0.0.1:{live.port}/REPO/"
    status, headers, body = get(live, "/REPO/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"First release" in body and b"Second release" in body
    status, _, body = get(live, ARTICLE)
    assert status == 200 and b"Original body text." in body
    assert get(live, "/REPO/static/style.css")[1]["content-type"].startswith("text/css")
    status, headers, _ = get(live, "/REPO/2024/05/first-release")
    assert status == 301 and headers["location"] == ARTICLE
    assert get(live, "/")[1].get("location") == "/REPO/"
    assert get(live, "/REPO")[1].get("location") == "/REPO/"
    status, headers, body = get(live, "/REPO/no/such/page/")
    assert status == 404 and b"__pressroom" in body       # the site's 404 page, with live reload
    assert get(live, "/2024/05/first-release/")[0] == 404   # only under the base path
    assert get(live, ARTICLE, method="HEAD")[0] == 200


def test_live_script_is_injected_by_serve_only(live: LiveServer) -> None:
    _, _, body = get(live, ARTICLE)
    assert body.count(b"<script data-pressroom-live") == 1
    assert body.index(b"<script data-pressroom-live") < body.lower().rindex(b"</body>")
    assert EVENTS_PATH.encode() in body
    status, headers, script = get(live, SCRIPT_PATH)
    assert status == 200 and "javascript" in headers["content-type"] and b"EventSource" in script
    for page in live.output_dir.rglob("*"):
        if page.is_file():
            assert b"__pressroom" not in page.read_bytes(), f"{page} holds the live-reload script"
    assert get(live, "/REPO/feed.xml")[2].count(b"__pressroom") == 0


def test_inject_works_with_and_without_body() -> None:
    page = inject(b"<html><body><p>x</p></BODY></html>", 3)
    assert page.startswith(b'<html><body><p>x</p><script data-pressroom-live data-pressroom-build="3">')
    assert page.endswith(b"</script>\n</BODY></html>") and page.count(b"</script>") == 1
    fragment = inject(b"<p>no head, no body</p>", 0)
    assert fragment.startswith(b"<p>no head, no body</p>") and fragment.rstrip().endswith(b"</script>")
    # only the last </body> counts (an earlier one may sit inside a code sample)
    assert inject(b"<pre>&lt;/body&gt;</body></body>", 1).endswith(b"</script>\n</body>")


OUTSIDE = "outside-secret"

TRAVERSALS = [
    "/REPO/../pressroom.toml",
    "/REPO/../../../../etc/passwd",
    "/REPO/%2e%2e/pressroom.toml",
    "/REPO/%2E%2E/%2e%2e/etc/passwd",
    "/REPO/.%2e/pressroom.toml",
    "/REPO/..%2fpressroom.toml",
    "/REPO/%2e%2e%2fpressroom.toml",
    "/REPO/..\\pressroom.toml",
    "/REPO/..%5cpressroom.toml",
    "/REPO/%5c..%5c..%5cetc%5cpasswd",
    "/REPO//etc/passwd",
    "/REPO/%2fetc%2fpasswd",
    "//etc/passwd",
    "/etc/passwd",
    "/REPO/C:/Windows/win.ini",
    "/REPO/c%3a%5cwindows%5cwin.ini",
    "/REPO/%00../pressroom.toml",
    "/REPO/index.html%00.css",
    "/REPO/%252e%252e/pressroom.toml",
    "/REPO/.pressroom-output",
    "/REPO/link-out/" + OUTSIDE + ".txt",
    "/REPO/link-file.txt",
    "/REPO/link-out/",
    "http://127.0.0.1/REPO/../pressroom.toml",
]


@pytest.mark.parametrize("raw", TRAVERSALS)
def test_nothing_outside_the_output_folder_is_served(tmp_path: Path, raw: str, shared_live: LiveServer) -> None:
    status, _, body = get(shared_live, raw)
    assert status in (400, 404), (raw, status)
    assert OUTSIDE.encode() not in body and b"root:" not in body and b"base_url" not in body


@pytest.fixture(scope="module")
def shared_live(tmp_path_factory: pytest.TempPathFactory):
    root = make_site(tmp_path_factory.mktemp("traversal") / "site")
    secrets = root.parent / "secrets"
    secrets.mkdir()
    (secrets / f"{OUTSIDE}.txt").write_text(OUTSIDE)
    server = start_live(root, watch=False)
    out = server.output_dir
    os.symlink(secrets, out / "link-out")
    os.symlink(secrets / f"{OUTSIDE}.txt", out / "link-file.txt")
    yield server
    server.stop()


def test_resolve_request_at_the_domain_root(tmp_path: Path) -> None:
    root = tmp_path / "out"
    (root / "a").mkdir(parents=True)
    (root / "a" / "index.html").write_text("x")
    (tmp_path / "secret").write_text("s")
    root = root.resolve()
    assert resolve_request("/a/", "/", root) == root / "a" / "index.html"
    assert resolve_request("/a", "/", root) == "/a/"
    assert resolve_request("/", "/", root) is None          # no index.html at the root here
    for raw in ("/../secret", "/%2e%2e/secret", "//secret", "/a/../../secret", "/a\\..\\..\\secret", "/%2e%2e%5csecret"):
        assert resolve_request(raw, "/", root) is None, raw


def test_binds_to_loopback_by_default(live: LiveServer) -> None:
    assert live.httpd is not None and live.httpd.server_address[0] == "127.0.0.1"
    from generator.cli import _parser
    args = _parser().parse_args(["serve"])
    assert args.bind == "127.0.0.1" and args.port == 8000 and not args.no_open


def test_fifty_concurrent_clients_get_no_error(live: LiveServer) -> None:
    failures: list[str] = []
    count = [0]
    stop = time.monotonic() + 1.5

    def client() -> None:
        paths = ["/REPO/", ARTICLE, "/REPO/static/style.css", "/REPO/tags/", "/REPO/missing/"]
        i = 0
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            try:
                status = get(live, path)[0]
                if status != (404 if "missing" in path else 200):
                    failures.append(f"{path}: {status}")
            except OSError as exc:
                failures.append(f"{path}: {exc!r}")
            i += 1
            count[0] += 1

    threads = [threading.Thread(target=client) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert not failures, failures[:5]
    assert count[0] >= 50


# ---------------------------------------------------------------------------------------------
# live reload


def test_edit_sends_a_reload_after_the_page_is_written(live: LiveServer) -> None:
    client = EventClient(live.port)
    try:
        state = client.wait_event("state")
        assert state["problems"] == []
        edit(live.site_dir / "content" / "first.md",
             article_text("First release", "2024-05-01", "Freshly edited words.", "tags: [alpha]\n"))
        event = client.wait_event("build")
        assert event["reload"] == "page" and event["written"] >= 1 and event["problems"] == []
        assert event["build"] == state["build"] + 1
        # the new bytes are already on disk when the event arrives
        assert b"Freshly edited words." in get(live, ARTICLE)[2]
        assert f'data-pressroom-build="{event["build"]}"'.encode() in get(live, ARTICLE)[2]
    finally:
        client.close()


def test_new_and_deleted_articles_reload(live: LiveServer) -> None:
    client = EventClient(live.port)
    try:
        client.wait_event("state")
        new = live.site_dir / "content" / "third.md"
        edit(new, article_text("Third release", "2024-06-01", "Brand new."))
        client.wait_event("build", lambda e: e["reload"] == "page")
        assert get(live, "/REPO/2024/06/third-release/")[0] == 200
        assert b"Third release" in get(live, "/REPO/")[2]
        new.unlink()
        client.wait_event("build", lambda e: e["reload"] == "page")
        assert get(live, "/REPO/2024/06/third-release/")[0] == 404
        assert b"Third release" not in get(live, "/REPO/")[2]
    finally:
        client.close()


def test_folders_moved_in_are_picked_up(live: LiveServer, tmp_path: Path) -> None:
    outside = tmp_path / "drafts-folder"
    outside.mkdir()
    (outside / "moved.md").write_text(article_text("Moved in", "2024-07-01", "From elsewhere."))
    client = EventClient(live.port)
    try:
        client.wait_event("state")
        os.rename(outside, live.site_dir / "content" / "batch")
        client.wait_event("build", lambda e: e["reload"] == "page")
        assert b"From elsewhere." in get(live, "/REPO/2024/07/moved-in/")[2]
    finally:
        client.close()


def test_content_folder_replaced_as_a_whole(live: LiveServer, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh-content"
    fresh.mkdir()
    (fresh / "only.md").write_text(article_text("Only one", "2024-08-01", "The new folder."))
    client = EventClient(live.port)
    try:
        client.wait_event("state")
        os.rename(live.site_dir / "content", tmp_path / "old-content")
        os.rename(fresh, live.site_dir / "content")
        wait_for(lambda: get(live, "/REPO/2024/08/only-one/")[0] == 200, 5)
        (live.site_dir / "content" / "only.md").write_text(article_text("Only one", "2024-08-01", "Edited after."))
        wait_for(lambda: b"Edited after." in get(live, "/REPO/2024/08/only-one/")[2], 5)   # watched again
        wait_for(lambda: b"First release" not in get(live, "/REPO/")[2], 5)                # old files gone
    finally:
        client.close()


def test_broken_file_shows_its_error_until_fixed(live: LiveServer) -> None:
    source = live.site_dir / "content" / "first.md"
    client = EventClient(live.port)
    try:
        client.wait_event("state")
        edit(source, "---\ntitle: [unclosed\ndate: 2024-05-01\n---\nBody.\n")
        event = client.wait_event("build", lambda e: bool(e["problems"]))
        assert any(p.startswith("content/first.md:") for p in event["problems"]), event["problems"]
        # the server keeps serving, and a page opened now learns about the error at once
        assert get(live, "/REPO/")[0] == 200
        late = EventClient(live.port)
        try:
            assert any("content/first.md" in p for p in late.wait_event("state")["problems"])
        finally:
            late.close()
        assert "content/first.md" in live.out.getvalue()    # and the terminal shows it
        edit(source, article_text("First release", "2024-05-01", "Fixed again.", "tags: [alpha]\n"))
        event = client.wait_event("build", lambda e: not e["problems"])
        assert event["reload"] == "page"
        assert b"Fixed again." in get(live, ARTICLE)[2]
    finally:
        client.close()


def test_config_and_template_changes_rebuild_and_a_broken_config_is_reported(live: LiveServer) -> None:
    root = live.site_dir
    client = EventClient(live.port)
    try:
        client.wait_event("state")
        (root / "pressroom.toml").write_text('title = "Live"\nbase_url = "https://example.org/REPO/"\nper_page = "ten"\n')
        event = client.wait_event("build", lambda e: bool(e["problems"]))
        assert any(p.startswith("pressroom.toml:") and "per_page" in p for p in event["problems"]), event["problems"]
        assert get(live, ARTICLE)[0] == 200                  # still serving the last good site
        (root / "pressroom.toml").write_text('title = "Renamed Live"\nbase_url = "https://example.org/REPO/"\n')
        event = client.wait_event("build", lambda e: not e["problems"] and e["reload"] == "page")
        assert b"Renamed Live" in get(live, "/REPO/")[2]
        builtin = Path(__file__).resolve().parent.parent / "themes" / "default" / "templates" / "article.html"
        override = root / "themes" / "default" / "templates" / "article.html"
        override.parent.mkdir(parents=True)
        override.write_text(builtin.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}<p>TEMPLATE-MARK</p>", 1))
        client.wait_event("build", lambda e: e["reload"] == "page")
        assert b"TEMPLATE-MARK" in get(live, ARTICLE)[2]
    finally:
        client.close()


def test_css_only_change_swaps_the_stylesheet(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    css = root / "themes" / "default" / "static" / "style.css"
    css.parent.mkdir(parents=True)
    css.write_text("body { color: black; }\n")
    live = start_live(root)
    client = EventClient(live.port)
    try:
        client.wait_event("state")
        css.write_text("body { color: rebeccapurple; }\n")
        event = client.wait_event("build", lambda e: e["reload"] != "none")
        assert event["reload"] == "css"
        assert b"rebeccapurple" in get(live, "/REPO/static/style.css")[2]
        edit(root / "content" / "first.md", article_text("First release", "2024-05-01", "Body edit."))
        assert client.wait_event("build", lambda e: e["reload"] != "none")["reload"] == "page"
    finally:
        client.close()
        live.stop()


def test_a_hundred_clients_all_reload_and_ctrl_c_stops_with_them_open(live: LiveServer) -> None:
    clients = [EventClient(live.port) for _ in range(100)]
    try:
        for client in clients:
            client.wait_event("state")
        wait_for(lambda: len(live.hub) == 100, 5)
        edit(live.site_dir / "content" / "second.md", article_text("Second release", "2024-05-02", "For everyone."))
        for client in clients:
            assert client.wait_event("build")["reload"] == "page"
        started = time.monotonic()
        live.stop()
        assert time.monotonic() - started < 3
        for client in clients[:10]:
            assert client.next_event() == ("", {})        # streams end, nothing hangs
    finally:
        for client in clients:
            client.close()
