"""Serve a built site under /REPO/ as GitHub Pages does, and crawl it like a reader would."""
from __future__ import annotations

import contextlib
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit


class _SubPathHandler(SimpleHTTPRequestHandler):
    prefix = "/REPO/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__not_found__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve_under(root: Path, prefix: str = "/REPO/") -> Iterator[str]:
    handler = type("Handler", (_SubPathHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and not (tag == "link" and ("rel", "canonical") in attrs):
                self.links.append(value)


def crawl(start: str) -> tuple[set[str], list[str]]:
    """Return (pages reached, problems) following every same-origin link from `start`."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    prefix = urlsplit(start).path
    seen, queue, problems = set(), [start], []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url) as response:
                body, kind = response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            problems.append(f"{exc.code} {url}")
            continue
        if kind != "text/html":
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.links:
            target = urljoin(url, link).split("#", 1)[0].split("?", 1)[0]
            if not target.startswith(origin):
                continue
            if not urlsplit(target).path.startswith(prefix):
                problems.append(f"escapes {prefix}: {link} on {url}")
                continue
            queue.append(target)
    return seen, problems
