"""Does `pressroom serve` hold up? 50 concurrent clients for 10 s; the same while 200 clients send their
headers a byte a second (slow loris); requests during a full rebuild (pressroom.toml saved); then 100
open live-reload connections that must all hear about one edit, then Ctrl-C with them still open.

    python bench/load_serve.py [--articles 1000] [--clients 50] [--seconds 10] [--streams 100] [--slow 200]

The server runs in its own process; the clients run here, in threads. Prints requests served,
errors, latency percentiles, how long requests took while a full rebuild ran, how many streams got
the reload, and how long the server took to stop.
"""
from __future__ import annotations

import argparse
import http.client
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_serve import Events, edited, fetch, start_server, target_article  # noqa: E402
from corpus import write_corpus  # noqa: E402


def hammer(port: int, paths: list[str], seconds: float, clients: int) -> tuple[int, list[str], list[float]]:
    """`clients` threads with keep-alive connections, each cycling through `paths` for `seconds`."""
    errors: list[str] = []
    timings: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, i = [], offset
        while time.monotonic() < stop_at:
            path = paths[i % len(paths)]
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    with lock:
                        errors.append(f"{response.status} {path}")
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{type(exc).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - started)
            i += 1
        conn.close()
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(timings), errors, timings


def report(label: str, served: int, errors: list[str], timings: list[float], seconds: float) -> None:
    timings = sorted(timings) or [0.0]
    print(f"{label}: {served} requests ({served / seconds:.0f}/s), {len(errors)} errors {errors[:3] if errors else ''}")
    print(f"  latency p50 {statistics.median(timings) * 1000:.1f} ms, "
          f"p99 {timings[int(len(timings) * 0.99)] * 1000:.1f} ms, max {timings[-1] * 1000:.1f} ms")


def slow_loris(port: int, count: int, seconds: float) -> tuple[list[threading.Thread], list[float]]:
    """`count` clients sending a request header a byte a second; each records when the server cut it off."""
    cut: list[float] = []
    lock = threading.Lock()
    started = time.monotonic()
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " + b"s" * 200 + b"\r\n\r\n"

    def client() -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            return
        with sock:
            for byte in request:
                if time.monotonic() - started > seconds:
                    return
                try:
                    sock.sendall(bytes([byte]))
                    time.sleep(1.0)
                except OSError:
                    with lock:
                        cut.append(time.monotonic() - started)
                    return

    threads = [threading.Thread(target=client, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, cut


def during_full_rebuild(port: int, site: Path, paths: list[str]) -> tuple[int, list[float], float]:
    """Retitle the site in pressroom.toml (every page rebuilt) and fetch `paths` in a loop until its reload event arrives:
    (requests, their latencies, seconds the rebuild took)."""
    events = Events(port)
    events.next()
    config = site / "pressroom.toml"
    timings: list[float] = []
    done = threading.Event()

    def hammer_until_done() -> None:
        i = 0
        while not done.is_set():
            started = time.perf_counter()
            fetch(port, paths[i % len(paths)])
            timings.append(time.perf_counter() - started)
            i += 1

    worker = threading.Thread(target=hammer_until_done)
    started = time.perf_counter()
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('title = "', f'title = "Renamed {time.time_ns()} ', 1), encoding="utf-8")
    worker.start()
    events.wait_reload()
    rebuild = time.perf_counter() - started
    done.set()
    worker.join()
    events.sock.close()
    return len(timings), timings, rebuild


def streams_hear_one_edit(port: int, site: Path, count: int) -> int:
    """Open `count` event streams, edit one article once, count the streams that get the reload."""
    streams = [Events(port) for _ in range(count)]
    for stream in streams:
        stream.next()                         # the initial state event
    file, _, text = target_article(site, 0)
    heard = [0]
    lock = threading.Lock()

    def listen(stream: Events) -> None:
        if stream.wait_reload():
            with lock:
                heard[0] += 1

    listeners = [threading.Thread(target=listen, args=(s,), daemon=True) for s in streams]
    for listener in listeners:
        listener.start()
    file.write_text(edited(text, "Load test edit."), encoding="utf-8")
    deadline = time.monotonic() + 30
    for listener in listeners:
        listener.join(max(0.0, deadline - time.monotonic()))
    return heard[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--slow", type=int, default=200, help="slow-loris clients during the second round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = write_corpus(args.articles, Path(tmp) / "site")
        process, url, _ = start_server(site)
        try:
            port, base = urlsplit(url).port, urlsplit(url).path
            _, article, _ = target_article(site, args.articles)
            paths = [base, base.rstrip("/") + article, f"{base}static/style.css", f"{base}tags/", f"{base}archive/"]
            served, errors, timings = hammer(port, paths, args.seconds, args.clients)
            report(f"{args.clients} clients for {args.seconds:.0f} s", served, errors, timings, args.seconds)
            _, cut = slow_loris(port, args.slow, args.seconds + 15)
            time.sleep(1.0)
            served, errors, timings = hammer(port, paths, args.seconds, args.clients)
            report(f"the same with {args.slow} slow-loris clients", served, errors, timings, args.seconds)
            time.sleep(max(0.0, 12 - args.seconds))
            print(f"  slow-loris clients cut off by the server: {len(cut)} of {args.slow}"
                  + (f", after {statistics.median(cut):.1f} s (median)" if cut else ""))
            count, timings, rebuild = during_full_rebuild(port, site, paths)
            report(f"during a full rebuild ({rebuild:.2f} s, site retitled)", count, [], timings, rebuild)
            heard = streams_hear_one_edit(port, site, args.streams)
            print(f"{heard} of {args.streams} open live-reload streams got the reload after one edit")
            started = time.perf_counter()
            process.send_signal(signal.SIGINT)
            code = process.wait(timeout=30)
            print(f"Ctrl-C with {args.streams} streams open: stopped in {time.perf_counter() - started:.2f} s, exit {code}")
        finally:
            if process.poll() is None:
                process.kill()


if __name__ == "__main__":
    main()
