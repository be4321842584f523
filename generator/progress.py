"""A build's progress on a terminal: one line on stderr, rewritten in place, gone before the summary.

The engine reports stages through a callback, `progress(stage, count)` (e.g. `("render", 2400)`), and knows
nothing of terminals; `progress_for(stream, quiet)` gives the callback for `pressroom build` and `check`: a
`Progress` line when `stream` is a terminal, else one that does nothing. A ticker redraws the line a few times a
second so the seconds of a long stage keep counting.

The build forks (parse and render workers, the output check) and forks only while no other thread runs, except
one marked `fork_safe`: the ticker is, because it draws only under a lock this process holds across every fork,
so a child never starts life with the stream half written or its lock taken (a build at a terminal parsed and
rendered on one core before, 1.7x slower cold at 2,000 releases).
"""
from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import TextIO

ProgressFn = Callable[[str, int], None]
BUILD_STAGES = ("import", "scan", "parse", "model", "render", "write", "index")   # as SiteBuilder reports them
CHECK_STAGES = (*BUILD_STAGES, "check")
TICK = 0.25          # seconds between redraws of the clock
CLEAR = "\r\x1b[K"   # back to the line's start, erase it


def describe(stage: str, count: int) -> str:
    """'render 2,400 pages': a stage and what it works on."""
    things = {"parse": "files", "scan": "files", "render": "pages", "write": "files", "check": "pages"}.get(stage, "")
    return f"{stage} {count:,} {things}" if count and things else stage


class Progress:
    """The in-place line: `[7/9] render 2,400 pages 3.1 s`. Call it per stage; `close()` erases the line."""

    def __init__(self, stream: TextIO, *, stages: tuple[str, ...] = BUILD_STAGES, tick: float = TICK,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.stages = stages
        self.clock = clock
        self.started = clock()
        self.text = ""
        self.shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._tick = tick
        _hold_across_forks(self)

    def __call__(self, stage: str, count: int = 0) -> None:
        number = self.stages.index(stage) + 1 if stage in self.stages else 0
        prefix = f"[{number}/{len(self.stages)}] " if number else ""
        with self._lock:
            self.text = prefix + describe(stage, count)
            self._draw()
        if self._ticker is None and self._tick > 0:
            self._ticker = threading.Thread(target=self._run, name="pressroom-progress", daemon=True)
            self._ticker.fork_safe = True        # type: ignore[attr-defined]    # see _hold_across_forks
            self._ticker.start()

    def _draw(self) -> None:
        if self._stop.is_set():
            return
        self.stream.write(f"{CLEAR}{self.text} {self.clock() - self.started:.1f} s")
        self.stream.flush()
        self.shown = True

    def _run(self) -> None:
        while not self._stop.wait(self._tick):
            with self._lock:
                self._draw()

    def close(self) -> None:
        """Stop redrawing and erase the line, so what is printed next starts on a clean line."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self.shown:
                self.stream.write(CLEAR)
                self.stream.flush()
                self.shown = False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _hold_across_forks(progress: Progress) -> None:
    """Take the line's lock before every fork and give it back after, in both processes (weakly: the hooks stay
    registered for the life of the process, the `Progress` need not)."""
    ref = weakref.ref(progress)

    def before() -> None:
        line = ref()
        if line is not None:
            line._lock.acquire()

    def after() -> None:
        line = ref()
        if line is not None and line._lock.locked():
            line._lock.release()

    if hasattr(os, "register_at_fork"):
        os.register_at_fork(before=before, after_in_parent=after, after_in_child=after)


def shows_progress(stream: TextIO, quiet: bool = False) -> bool:
    """A progress line only on a terminal, and never with --quiet."""
    try:
        return not quiet and stream.isatty()
    except (AttributeError, ValueError):      # a closed or unusual stream
        return False


class Silent:
    """The progress of a run that shows none: does nothing, closes nothing."""

    def __call__(self, stage: str, count: int = 0) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> "Silent":
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


def progress_for(stream: TextIO, quiet: bool = False, stages: tuple[str, ...] = BUILD_STAGES) -> Progress | Silent:
    """The progress display for a command writing to `stream`: a line on a terminal, else nothing."""
    return Progress(stream, stages=stages) if shows_progress(stream, quiet) else Silent()
