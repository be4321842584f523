"""Save-to-reloaded-page latency of `pressroom serve`, at 1,000 and 10,000 generated articles.

    python bench/bench_serve.py                    # N = 1000 and 10000, 9 edits each
    python bench/bench_serve.py --sizes 1000 --edits 5 --browser

For each N: generate the deterministic corpus (bench/corpus.py), start `pressroom serve` in its
own process, open the live-reload event stream, then edit one article's body several times.
One measurement runs from just before the file is saved until the server's reload event has
arrived and the page, fetched again, holds the new text (what the injected script does in a
browser). With --browser (needs /usr/bin/chromium and Playwright) it is also measured in headless
Chromium, from the save until the open page shows the new text (timed by the page's own clock).
Prints the medians.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import write_corpus  # noqa: E402

from generator.urls import slugify  # noqa: E402


class Events:
    """The server's Server-Sent Events stream, read line by line."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.sock.sendall(b"GET /__pressroom/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.file = self.sock.makefile("rb")
        while self.file.readline() not in (b"\r\n", b""):
            pass

    def next(self) -> tuple[str, dict]:
        name = data = ""
        while True:
            line = self.file.readline().decode().rstrip("\r\n")
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
            elif line == "" and name:
                return name, json.loads(data)

    def wait_reload(self) -> dict:
        while True:
            name, data = self.next()
            if name == "build" and data["reload"] != "none":
                return data


def start_server(site: Path) -> tuple[subprocess.Popen, str, float]:
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0", "--no-open"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for line in process.stdout:
        match = re.search(r"(http://127\.0\.0\.1:\d+/\S*)", line)
        if match:
            return process, match.group(1), time.perf_counter() - started
    raise SystemExit(f"pressroom serve did not start (exit {process.wait()})")


def fetch(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        return conn.getresponse().read()
    finally:
        conn.close()


def target_article(site: Path, n: int) -> tuple[Path, str, str]:
    """(file, URL path, text) of an article in the middle of the corpus."""
    files = sorted((site / "content").rglob("*.md"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    title = re.search(r'^title: "(.*)"$', text, re.M).group(1)
    year, month = re.search(r"^date: (\d{4})-(\d{2})", text, re.M).groups()
    return path, f"/{year}/{month}/{slugify(title)}/", text


def edited(text: str, marker: str) -> str:
    head, sep, body = text.partition("\n---\n\n")
    return head + sep + marker + " " + body


def measure_http(port: int, path: Path, url: str, text: str, edits: int) -> list[float]:
    events = Events(port)
    events.next()                                   # the 'state' event: connected
    times = []
    for number in range(edits):
        marker = f"Benchmark-edit-{number}-{time.time_ns()}"
        started = time.perf_counter()
        path.write_text(edited(text, marker), encoding="utf-8")
        events.wait_reload()
        page = fetch(port, url)
        elapsed = time.perf_counter() - started
        if marker.encode() not in page:
            raise SystemExit(f"the reloaded page {url} does not show the edit")
        times.append(elapsed)
        time.sleep(0.3)
    events.sock.close()
    return times


WATCH_JS = """marker => {
    window.__shownAt = null;
    const check = () => {
        if (window.__shownAt === null && document.body && document.body.textContent.includes(marker)) {
            window.__shownAt = performance.timeOrigin + performance.now();
        }
    };
    new MutationObserver(check).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
}"""
# after a full reload the observer is gone: use the new document's first contentful paint instead
SHOWN_AT_JS = """() => {
    if (window.__shownAt) return window.__shownAt;
    const paint = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
    const nav = performance.getEntriesByType('navigation')[0];
    return performance.timeOrigin + (paint ? paint.startTime : nav.domContentLoadedEventEnd);
}"""


def measure_browser(port: int, path: Path, url: str, text: str, edits: int) -> list[float]:
    """Save -> the open page shows the new text, timed by the page's own clock (same machine)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    times = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}{url}")
        page.wait_for_timeout(300)                  # the event stream connects
        for number in range(edits):
            marker = f"Browser-edit-{number}-{time.time_ns()}"
            page.evaluate(WATCH_JS, marker)
            saved_at = time.time() * 1000
            path.write_text(edited(text, marker), encoding="utf-8")
            page.wait_for_function(f"document.body && document.body.textContent.includes({json.dumps(marker)})",
                                   polling=5, timeout=60_000)
            page.wait_for_load_state("load")
            times.append((page.evaluate(SHOWN_AT_JS) - saved_at) / 1000)
            page.wait_for_timeout(300)
        browser.close()
    return times


def run(n: int, edits: int, browser: bool, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix=f"pressroom-serve-{n}-") as temp:
        site = keep / f"serve-{n}" if keep else Path(temp) / "site"
        if not (site / "content").is_dir():
            write_corpus(n, site)
        process, base, startup = start_server(site)
        try:
            port = int(base.split(":")[2].split("/")[0])
            path, route, text = target_article(site, n)
            url = urlsplit(base).path + route.lstrip("/")
            original = text
            try:
                times = measure_http(port, path, url, text, edits)
                line = (f"N={n:>6}: save -> reload event -> page fetched: median {statistics.median(times) * 1000:6.1f} ms "
                        f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {edits} edits; startup {startup:.1f} s)")
                print(line, flush=True)
                if browser:
                    times = measure_browser(port, path, url, text, edits)
                    print(f"N={n:>6}: save -> reloaded page in Chromium:    median {statistics.median(times) * 1000:6.1f} ms "
                          f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {edits} edits)", flush=True)
            finally:
                path.write_text(original, encoding="utf-8")
        finally:
            process.send_signal(2)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=9)
    parser.add_argument("--browser", action="store_true", help="also measure in headless Chromium")
    parser.add_argument("--keep", type=Path, help="keep generated corpora in this folder (reused next time)")
    args = parser.parse_args()
    for n in args.sizes:
        run(n, args.edits, args.browser, args.keep.resolve() if args.keep else None)


if __name__ == "__main__":
    main()
