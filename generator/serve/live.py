"""`LiveServer`: one running preview. Builds the site, serves it, watches the sources, pushes reloads.

A save flows: `Watcher` -> `Debouncer` (one `Changes` per burst) -> `LiveServer.apply`
(`Builder.rebuild`, which writes the changed pages) -> `Hub` (an event to every open page) ->
the injected `reload_client` script reloads the page, swaps the stylesheets, or shows the errors
in an overlay. Every call into the build engine is in the "engine" section below.
"""
from __future__ import annotations

import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TextIO

from ..build import BuildResult, SiteBuilder
from ..changes import Changes
from ..check import Checker
from ..config import Config
from ..errors import Problem
from ..failures import failure_problem, is_bug
from .events import Hub, format_event
from .http import make_server
from .paths import is_loopback
from .report import BuildOutcome, Terminal
from .server import Limits, Server
from .watch import DEBOUNCE_SECONDS, Debouncer, Watcher

# -- the engine: every call into it is in this section ---------------------------------------


class Builder(Protocol):
    """The build engine as the preview uses it (`SiteBuilder` satisfies it)."""

    @property
    def config(self) -> Config: ...

    def build(self) -> BuildResult: ...

    def rebuild(self, changes: Changes) -> BuildResult: ...

    def close(self) -> None: ...


def new_builder(config: Config, overrides: dict[str, Any] | None = None) -> Builder:
    """The engine for a preview: no search index (serve skips Pagefind), the command line's overrides kept."""
    return SiteBuilder(config, search=False, overrides=dict(overrides or {}))


def _build(builder: Builder) -> BuildResult:
    return builder.build()


def _rebuild(builder: Builder, changes: Changes) -> BuildResult:
    return builder.rebuild(changes)


def _close(builder: Builder) -> None:
    builder.close()          # saves what rebuilds kept only in memory


def _outcome(result: BuildResult) -> BuildOutcome:
    return tuple(str(p) for p in result.written), tuple(result.problems), result.summary()


# -- the preview ------------------------------------------------------------------------------


class LiveServer:
    """Builds the site, serves it, watches the sources and pushes reloads. `start()`, then `stop()`."""

    def __init__(self, config: Config, *, bind: str = "127.0.0.1", port: int = 8000,
                 builder: Builder | None = None, quiet: float = DEBOUNCE_SECONDS,
                 out: TextIO | None = None, watch: bool = True, limits: Limits | None = None) -> None:
        self.config = config
        self.site_dir = config.site_dir.resolve()
        self.bind, self.port = bind, port
        self.limits = limits or Limits()
        self.builder: Builder = builder or new_builder(config)
        self.out = out if out is not None else sys.stderr
        self.terminal = Terminal(self.out, self.site_dir)
        self.hub = Hub()
        self.server_id = secrets.token_hex(6)
        self.generation = 0
        self.problems: list[str] = []
        self.checker: Checker | None = None         # `pressroom check` over the preview, after each build
        self._link_warnings: set[str] = set()
        self._state_lock = threading.Lock()
        self.debouncer = Debouncer(self.apply, quiet=quiet)
        self.watcher = Watcher(self.site_dir, self.debouncer) if watch else None
        self.httpd: Server | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._closed = False

    # -- what the request handler reads (`http.Preview`) ---------------------------------------

    @property
    def base_path(self) -> str:
        return self.builder.config.base_path

    @property
    def output_dir(self) -> Path:
        return self.builder.config.output_dir.resolve()

    @property
    def loopback(self) -> bool:
        return is_loopback(self.bind)

    @property
    def url(self) -> str:
        host = self.bind if ":" not in self.bind else f"[{self.bind}]"
        if host in ("0.0.0.0", "[::]", ""):
            host = "127.0.0.1"
        return f"http://{host}:{self.port}{self.base_path}"

    def state_event(self) -> bytes:
        with self._state_lock:
            return format_event("state", {"build": self.generation, "server": self.server_id, "problems": self.problems})

    def subscribe(self, wfile: BinaryIO) -> None:
        """Stream build events to one open page until it goes away or the server stops."""
        client = self.hub.connect()
        try:
            self.hub.stream(client, wfile, self.state_event())
        finally:
            self.hub.disconnect(client)

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> "LiveServer":
        """Listen, watch, build, then serve in background threads; returns once the site is built."""
        self.httpd = make_server(self, self.port, self.limits)     # fails fast when the port is taken
        self.port = self.httpd.server_address[1]
        if self.watcher is not None:
            self.watcher.start()          # before building: a save during a long first build is not lost
        started = time.perf_counter()
        outcome = self._run_build(lambda: _build(self.builder))
        with self._state_lock:
            self.problems = shown_once(outcome[1])
        self.terminal.report(outcome, "built", started, initial=True)
        self._check_links()
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="pressroom-http", daemon=True)
        self._thread.start()
        return self

    def wait(self) -> None:
        """Block until `stop()` (or Ctrl-C / SIGTERM in the calling thread)."""
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
        self._close_builder()
        self.hub.close()
        if self.httpd is not None:
            if self._thread is not None:
                self.httpd.shutdown()        # waits for serve_forever, which must have started
            self.httpd.server_close()
        if self.watcher is not None:
            self.watcher.join(timeout=5)

    def _close_builder(self) -> None:
        try:
            _close(self.builder)
        except Exception as exc:            # never block the exit on the cache
            self.terminal.print(f"warning: could not save the build cache: {exc}")

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- rebuilding -------------------------------------------------------------------------------

    def apply(self, changes: Changes) -> None:
        """Rebuild what `changes` touch, then tell every open page. Runs on the debouncer thread."""
        if not changes:
            return
        started = time.perf_counter()
        outcome = self._run_build(lambda: _rebuild(self.builder, changes))
        written = outcome[0]
        self.terminal.report(outcome, self.terminal.describe(changes.paths), started)   # before the pages hear of it
        with self._state_lock:
            if written:
                self.generation += 1
            self.problems = shown_once(outcome[1])
            event = {"build": self.generation, "server": self.server_id,
                     "reload": ("css" if changes.css_only else "page") if written else "none",
                     "written": len(written), "problems": self.problems}
            self.hub.publish("build", event)
        if written:
            self._check_links()

    def _check_links(self) -> None:
        """`pressroom check`'s warnings (broken links, images, anchors, feeds) after a build, each said once."""
        try:
            if self.checker is None:
                self.checker = Checker(self.output_dir, self.builder.config.base_url)
            lines = self.checker.run().lines()
        except Exception as exc:            # checking links never stops the preview
            self.terminal.print(f"warning: could not check the links: {type(exc).__name__}: {exc}")
            return
        for line in lines:
            if line not in self._link_warnings:
                self.terminal.print(f"warning: {line}")
        self._link_warnings = set(lines)

    def _run_build(self, run: Callable[[], BuildResult]) -> BuildOutcome:
        """(written files, problems, summary) of one build; an exception in it becomes its one problem."""
        try:
            return _outcome(run())
        except Exception as exc:            # never let one build stop the server
            if is_bug(exc):
                self.terminal.print(traceback.format_exc().rstrip())
            return (), (failure_problem(exc, self.site_dir),), ""


def shown_once(problems: Sequence[Problem]) -> list[str]:
    """The errors for the overlay: each once, in the order found."""
    return list(dict.fromkeys(str(p) for p in problems if not p.warning))
