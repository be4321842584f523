"""`pressroom serve`: build, serve the output under the site's base path, rebuild on save, reload the browser.

Pieces, in the order a save flows through them:
  watchdog events -> `Debouncer` (one batch per burst of editor events) -> `LiveServer.apply`
  (`SiteBuilder.rebuild`, which writes the changed pages under its lock) -> `Hub` (Server-Sent
  Events to every open page) -> the injected `reload_client` script reloads the page, swaps the
  stylesheets, or shows the errors in an overlay.

The HTTP side serves only files inside the output folder: anything that could name a file
elsewhere (`..`, encoded or not, backslashes, absolute paths, symlinks out, hidden files) is a 404.
"""
from __future__ import annotations

import json
import logging
import mimetypes
import queue
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEventHandler

from .config import CONFIG_NAME, Config
from .errors import PressroomError, Problem
from .incremental import ChangeKind, SiteBuilder, change_kind
from .reload_client import EVENTS_PATH, LIVE_JS, SCRIPT_PATH, inject

DEBOUNCE_SECONDS = 0.05     # quiet time that ends a burst of editor events
SETTLE_SECONDS = 0.01       # shorter quiet time after an event that ends a save (file closed, renamed into place)
MAX_WAIT_SECONDS = 0.5      # rebuild at the latest this long after the first event of a burst
KEEPALIVE_SECONDS = 15.0
WATCHED_DIRS = ("content", "seeds", "themes")
_TEXT_TYPES = {"text/html", "text/css", "text/plain", "text/xml", "application/xml", "application/json",
               "application/javascript", "text/javascript", "application/atom+xml", "application/rss+xml",
               "application/feed+json", "image/svg+xml"}
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("font/woff2", ".woff2")


# ---------------------------------------------------------------------------------------------
# Debouncing: many file events in a burst -> one batch of changed paths


class Debouncer:
    """Collects paths and calls `flush(paths)` once no new path arrived for `quiet` seconds.

    An event that usually ends a save (the file was closed after writing, or renamed into
    place) is `settled`: after it only `settle` seconds of quiet are needed, which keeps
    save-to-reload fast without splitting an editor's burst of events. One worker thread
    runs the flushes, so a rebuild never overlaps another; paths that arrive during a
    rebuild make the next batch. A steady stream of events still flushes every `max_wait`.
    """

    def __init__(self, flush: Callable[[set[Path]], None], *, quiet: float = DEBOUNCE_SECONDS,
                 settle: float = SETTLE_SECONDS, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self._flush, self.quiet, self.settle, self.max_wait = flush, quiet, min(settle, quiet), max_wait
        self._pending: set[Path] = set()
        self._first = self._due = 0.0
        self._cond = threading.Condition()
        self._stopped = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="pressroom-debounce", daemon=True)
        self._thread.start()

    def add(self, path: Path, *, settled: bool = False) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.add(path)
            self._due = now + (self.settle if settled else self.quiet)
            self._cond.notify()

    def touch(self) -> None:
        """An event for a path nobody rebuilds for (a swap file...): the burst is still going on."""
        with self._cond:
            if self._pending:
                self._due = max(self._due, time.monotonic() + self.settle)

    def idle(self) -> bool:
        """No path waiting and no flush running."""
        with self._cond:
            return not self._pending and not self._busy

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                while True:
                    now = time.monotonic()
                    due = min(self._due, self._first + self.max_wait)
                    if now >= due or self._stopped:
                        break
                    self._cond.wait(due - now)
                if self._stopped:
                    return
                batch, self._pending = self._pending, set()
                self._busy = True
            try:
                self._flush(batch)
            except Exception:   # never let one bad batch kill the watcher
                traceback.print_exc()
            finally:
                with self._cond:
                    self._busy = False


# ---------------------------------------------------------------------------------------------
# Server-Sent Events: one queue per open page


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
        self.closed.set()
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.put(None)


def format_event(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Mapping a request path to a file, safely


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
# The server


class LiveServer:
    """Builds the site, serves it, watches the sources and pushes reloads. `start()`, then `stop()`."""

    def __init__(self, config: Config, *, bind: str = "127.0.0.1", port: int = 8000,
                 builder: SiteBuilder | None = None, quiet: float = DEBOUNCE_SECONDS,
                 out: TextIO | None = None, watch: bool = True) -> None:
        self.config = config
        self.site_dir = config.site_dir.resolve()
        self.bind, self.port = bind, port
        self.builder = builder or SiteBuilder(config)
        self.out = out if out is not None else sys.stderr
        self.hub = Hub()
        self.server_id = secrets.token_hex(6)
        self.generation = 0
        self.problems: list[str] = []
        self._state_lock = threading.Lock()
        self._shown: set[str] = set()        # problems already printed in the terminal
        self._had_errors = False
        self.debouncer = Debouncer(self.apply, quiet=quiet)
        self._watch = watch
        self._observer: Any = None
        self._watched: dict[str, Any] = {}     # top folder name -> its watchdog watch
        self.httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._closed = False

    # -- paths and URLs --------------------------------------------------------------------

    @property
    def base_path(self) -> str:
        return getattr(self.builder, "config", self.config).base_path

    @property
    def output_dir(self) -> Path:
        return getattr(self.builder, "config", self.config).output_dir.resolve()

    @property
    def url(self) -> str:
        host = self.bind if ":" not in self.bind else f"[{self.bind}]"
        if host in ("0.0.0.0", "[::]", ""):
            host = "127.0.0.1"
        return f"http://{host}:{self.port}{self.base_path}"

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "LiveServer":
        """Listen, watch, build, then serve in background threads; returns once the site is built."""
        handler = type("Handler", (LiveHandler,), {"live": self})
        server_class = _DualStackServer if ":" in self.bind else _Server
        self.httpd = server_class((self.bind, self.port), handler)   # fails fast when the port is taken
        self.port = self.httpd.server_address[1]
        if self._watch:
            self._start_watching()          # before building: a save during a long first build is not lost
        started = time.perf_counter()
        self._report(self._run_build(lambda: self.builder.build()), "built", started, initial=True)
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="pressroom-http", daemon=True)
        self._thread.start()
        return self

    def wait(self) -> None:
        """Block until `stop()` or SIGTERM (or Ctrl-C in the calling thread)."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching, end every event stream, close the socket; safe to call twice."""
        with self._state_lock:
            if self._closed:
                return
            self._closed = True
        self._stopped.set()
        if self._observer is not None:
            # its emitter threads may log a harmless race while they stop; nothing to tell the user
            logging.getLogger("watchdog.observers.inotify").setLevel(logging.CRITICAL)
            self._observer.stop()
        self.debouncer.stop()               # waits for a rebuild in progress
        close = getattr(self.builder, "close", None)
        if close is not None:
            try:
                close()                     # the builder saves what rebuilds kept only in memory
            except Exception as exc:        # never block the exit on the cache
                print(f"warning: could not save the build cache: {exc}", file=self.out)
        self.hub.close()
        if self.httpd is not None:
            if self._thread is not None:
                self.httpd.shutdown()        # waits for serve_forever, which must have started
            self.httpd.server_close()
        if self._observer is not None:
            self._observer.join(timeout=5)

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- watching --------------------------------------------------------------------------

    def _start_watching(self) -> None:
        from watchdog.observers import Observer

        # a folder created with its subfolders at once can make watchdog add one inotify watch twice; harmless
        warnings.filterwarnings("ignore", message="Callback with id", category=RuntimeWarning)
        self._observer = Observer()
        self._handler = _WatchHandler(self)
        # The site folder itself, not recursively: pressroom.toml (editors replace it by rename,
        # which a watch on the file alone would lose) and content/, seeds/, themes/ appearing later.
        self._observer.schedule(self._handler, str(self.site_dir), recursive=False)
        for name in WATCHED_DIRS:
            self._watch_dir(name)
        self._observer.start()

    def _watch_dir(self, name: str) -> bool:
        folder = self.site_dir / name
        if name in self._watched or not folder.is_dir() or folder.is_symlink():
            return False
        self._watched[name] = self._observer.schedule(self._handler, str(folder), recursive=True)
        return True

    def _top_folder_event(self, name: str) -> None:
        """content/, seeds/ or themes/ itself appeared, went away or was replaced."""
        folder = self.site_dir / name
        watch = self._watched.pop(name, None)
        if watch is not None:
            try:
                self._observer.unschedule(watch)
            except (KeyError, OSError):
                pass
        if self._watch_dir(name):
            for path in sorted(folder.rglob("*")):   # moved in whole: its files produced no events
                if path.is_file():
                    self.debouncer.add(path)
        self.debouncer.add(folder)

    def notice(self, path: str | bytes, *, settled: bool = False) -> None:
        """One raw file-system event path: keep it if a rebuild may care.

        `settled`: the event usually ends a save (closed after writing, renamed into place)."""
        if isinstance(path, bytes):
            path = path.decode("utf-8", "surrogateescape")
        if not path:
            return
        file = Path(path)
        try:
            rel = file.relative_to(self.site_dir)
        except ValueError:
            return
        if not rel.parts:
            return
        top = rel.parts[0]
        if len(rel.parts) == 1:
            if top in WATCHED_DIRS and self._observer is not None:
                self._top_folder_event(top)
                return
            if top != CONFIG_NAME:
                return
        elif top not in WATCHED_DIRS:
            return
        if change_kind(file, self.site_dir) is ChangeKind.IGNORED:
            self.debouncer.touch()
            return
        self.debouncer.add(file, settled=settled)

    # -- rebuilding ------------------------------------------------------------------------

    def apply(self, changed: Iterable[Path]) -> None:
        """Rebuild what `changed` touches, then tell every open page. Runs on the debouncer thread."""
        paths = sorted({Path(p) for p in changed})
        if not paths:
            return
        started = time.perf_counter()
        result = self._run_build(lambda: self.builder.rebuild(paths))
        written, problems, _ = result
        css_only = bool(written) and all(
            p.suffix.lower() == ".css" and change_kind(p, self.site_dir) is ChangeKind.STATIC for p in paths)
        with self._state_lock:
            if written:
                self.generation += 1
            self.problems = [str(p) for p in problems if not p.warning]
            event = {"build": self.generation, "server": self.server_id,
                     "reload": ("css" if css_only else "page") if written else "none",
                     "written": len(written), "problems": self.problems}
            self.hub.publish("build", event)
        self._report(result, self._describe(paths), started)

    def _run_build(self, run: Callable[[], Any]) -> tuple[tuple[str, ...], tuple[Problem, ...], str]:
        """(written files, problems, summary) of one build; errors in it never escape."""
        try:
            result = run()
        except PressroomError as exc:
            return (), (exc.problem,), ""
        except Exception as exc:   # a bug in Pressroom must not stop the server
            detail = traceback.format_exc().strip().splitlines()[-1]
            print(f"internal error in Pressroom while rebuilding (please report it): {detail}", file=self.out)
            return (), (Problem("pressroom", 0, f"internal error: {type(exc).__name__}: {exc}"),), ""
        written = tuple(str(p) for p in getattr(result, "written", ("*",)) or ())
        problems = tuple(getattr(result, "problems", ()) or ())
        summary = result.summary() if hasattr(result, "summary") else ""
        return written, problems, summary

    def _describe(self, paths: list[Path]) -> str:
        names = []
        for path in paths[:3]:
            try:
                names.append(path.relative_to(self.site_dir).as_posix())
            except ValueError:
                names.append(str(path))
        more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        return ", ".join(names) + more

    def _report(self, result: tuple[tuple[str, ...], tuple[Problem, ...], str], what: str, started: float,
                *, initial: bool = False) -> None:
        """One line per build in the terminal, then the problems not shown before (all of them at first)."""
        written, problems, summary = result
        millis = (time.perf_counter() - started) * 1000
        errors = [p for p in problems if not p.warning]
        texts = {str(p) for p in problems}
        with self._state_lock:
            if initial:
                self.problems = [str(p) for p in errors]
            new = sorted(p for p in problems if str(p) not in self._shown)
            had_errors = self._had_errors
            self._shown, self._had_errors = texts, bool(errors)
        stamp = time.strftime("%H:%M:%S")
        if initial:
            line = f"{stamp} built: {summary}" if summary else f"{stamp} built in {millis:.0f} ms"
        else:
            count = f"{len(written)} file{'s' if len(written) != 1 else ''}"
            line = f"{stamp} {what} changed: {count} updated in {millis:.0f} ms"
            if errors:
                line += f", {len(errors)} error{'s' if len(errors) != 1 else ''}"
            elif had_errors:
                line += ", all errors fixed"
        print(line, file=self.out)
        for item in new:
            print(f"  {item}", file=self.out)
        try:
            self.out.flush()
        except (OSError, ValueError):
            pass

    # -- state for new pages ---------------------------------------------------------------

    def state_event(self) -> bytes:
        with self._state_lock:
            return format_event("state", {"build": self.generation, "server": self.server_id, "problems": self.problems})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _DualStackServer(_Server):
    address_family = socket.AF_INET6


class _WatchHandler(FileSystemEventHandler):
    """A watchdog event handler that forwards every path it hears of to the server."""

    def __init__(self, live: LiveServer) -> None:
        super().__init__()
        self.live = live

    def dispatch(self, event: Any) -> None:
        kind = getattr(event, "event_type", "")
        if kind in ("opened", "closed_no_write"):
            return
        if event.is_directory and kind == "modified":
            return
        dest = getattr(event, "dest_path", "")
        self.live.notice(event.src_path, settled=kind == "closed")
        if dest:
            self.live.notice(dest, settled=not event.is_directory)


class LiveHandler(BaseHTTPRequestHandler):
    live: LiveServer
    server_version = "pressroom"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:   # quiet: the terminal is for builds and errors
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
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
            self.wfile.write(b"retry: 500\n\n" + live.state_event())
            self.wfile.flush()
            while not live.hub.closed.is_set():
                try:
                    message = client.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    message = b": keep-alive\n\n"
                if message is None:
                    break
                self.wfile.write(message)
                self.wfile.flush()
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


def is_loopback(bind: str) -> bool:
    return bind in ("localhost", "::1") or bind.startswith("127.")


def serve(config: Config, *, bind: str = "127.0.0.1", port: int = 8000, open_browser: bool = True,
          overrides: dict[str, Any] | None = None, out: TextIO | None = None) -> int:
    """The `pressroom serve` command: runs until Ctrl-C.

    `overrides` are the command-line settings `load_config` got, re-applied when pressroom.toml changes."""
    out = out if out is not None else sys.stdout
    builder = SiteBuilder(config, search=False, overrides=dict(overrides or {}))
    live = LiveServer(config, bind=bind, port=port, out=out, builder=builder)
    try:
        live.start()
    except OSError as exc:
        live.stop()
        print(f"error: cannot listen on {bind}:{port}: {exc.strerror or exc}; try another --port", file=sys.stderr)
        return 1
    if not is_loopback(bind):
        print(f"warning: listening on {bind}: other machines on the network can read this site", file=out)
    print(f"Serving {live.output_dir} at {live.url}  (Ctrl-C to stop)", file=out, flush=True)
    if open_browser:
        import webbrowser
        threading.Thread(target=webbrowser.open, args=(live.url,), daemon=True).start()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: live._stopped.set())   # `kill` stops as cleanly as Ctrl-C
    try:
        live.wait()
    except KeyboardInterrupt:
        print("\nstopping", file=out, flush=True)
    finally:
        live.stop()
    return 0
