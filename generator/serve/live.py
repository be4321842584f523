"""`LiveServer`: one running preview. Builds the site, serves it, watches the sources, pushes reloads.

A save flows: `Watcher` -> `Debouncer` (one batch per burst) -> `LiveServer.apply`
(`SiteBuilder.rebuild`, which writes the changed pages under its lock) -> `Hub` (an event to
every open page) -> the injected `reload_client` script reloads the page, swaps the
stylesheets, or shows the errors in an overlay.
"""
from __future__ import annotations

import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

from ..config import Config
from ..errors import PressroomError, Problem
from ..incremental import ChangeKind, SiteBuilder, change_kind
from .events import Hub, format_event
from .http import is_loopback, make_server
from .report import BuildOutcome, Terminal
from .watch import DEBOUNCE_SECONDS, Debouncer, Watcher


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
        self.terminal = Terminal(self.out, self.site_dir)
        self.hub = Hub()
        self.server_id = secrets.token_hex(6)
        self.generation = 0
        self.problems: list[str] = []
        self._state_lock = threading.Lock()
        self.debouncer = Debouncer(self.apply, quiet=quiet)
        self.watcher = Watcher(self.site_dir, self.debouncer) if watch else None
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
    def loopback(self) -> bool:
        return is_loopback(self.bind)

    @property
    def url(self) -> str:
        host = self.bind if ":" not in self.bind else f"[{self.bind}]"
        if host in ("0.0.0.0", "[::]", ""):
            host = "127.0.0.1"
        return f"http://{host}:{self.port}{self.base_path}"

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "LiveServer":
        """Listen, watch, build, then serve in background threads; returns once the site is built."""
        self.httpd = make_server(self)               # fails fast when the port is taken
        self.port = self.httpd.server_address[1]
        if self.watcher is not None:
            self.watcher.start()          # before building: a save during a long first build is not lost
        started = time.perf_counter()
        outcome = self._run_build(lambda: self.builder.build())
        with self._state_lock:
            self.problems = [str(p) for p in outcome[1] if not p.warning]
        self.terminal.report(outcome, "built", started, initial=True)
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
        if self.watcher is not None:
            self.watcher.stop()
        self.debouncer.stop()               # waits for a rebuild in progress
        close = getattr(self.builder, "close", None)
        if close is not None:
            try:
                close()                     # the builder saves what rebuilds kept only in memory
            except Exception as exc:        # never block the exit on the cache
                self.terminal.print(f"warning: could not save the build cache: {exc}")
        self.hub.close()
        if self.httpd is not None:
            if self._thread is not None:
                self.httpd.shutdown()        # waits for serve_forever, which must have started
            self.httpd.server_close()
        if self.watcher is not None:
            self.watcher.join(timeout=5)

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- rebuilding ------------------------------------------------------------------------

    def apply(self, changed: Iterable[Path]) -> None:
        """Rebuild what `changed` touches, then tell every open page. Runs on the debouncer thread."""
        paths = sorted({Path(p) for p in changed})
        if not paths:
            return
        started = time.perf_counter()
        outcome = self._run_build(lambda: self.builder.rebuild(paths))
        written, problems, _ = outcome
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
        self.terminal.report(outcome, self.terminal.describe(paths), started)

    def _run_build(self, run: Callable[[], Any]) -> BuildOutcome:
        """(written files, problems, summary) of one build; errors in it never escape."""
        try:
            result = run()
        except PressroomError as exc:
            return (), (exc.problem,), ""
        except Exception as exc:   # a bug in Pressroom must not stop the server
            detail = traceback.format_exc().strip().splitlines()[-1]
            self.terminal.print(f"internal error in Pressroom while rebuilding (please report it): {detail}")
            return (), (Problem("pressroom", 0, f"internal error: {type(exc).__name__}: {exc}"),), ""
        written = tuple(str(p) for p in getattr(result, "written", ("*",)) or ())
        problems = tuple(getattr(result, "problems", ()) or ())
        summary = result.summary() if hasattr(result, "summary") else ""
        return written, problems, summary

    # -- state for new pages ---------------------------------------------------------------

    def state_event(self) -> bytes:
        with self._state_lock:
            return format_event("state", {"build": self.generation, "server": self.server_id, "problems": self.problems})
