"""Watching the sources: watchdog events -> the paths a rebuild may care about -> one batch per burst.

`Watcher` runs the watchdog observer over `pressroom.toml`, `content/`, `seeds/` and `themes/`
(folders that appear, vanish or are replaced later included) and drops paths nobody rebuilds for
(swap and backup files, the output, the cache): it classifies each path once, as a `Changes` value
(`Changes.classify`, the only classification in serve). `Debouncer` merges an editor's burst of them
into one `Changes` and calls `flush(changes)` once.
"""
from __future__ import annotations

import logging
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from ..config import CONFIG_NAME
from ..changes import ChangeKind, Changes

DEBOUNCE_SECONDS = 0.05     # quiet time that ends a burst of editor events
SETTLE_SECONDS = 0.01       # shorter quiet time after an event that ends a save (file closed, renamed into place)
MAX_WAIT_SECONDS = 0.5      # rebuild at the latest this long after the first event of a burst
WATCHED_DIRS = ("content", "seeds", "themes")


class Debouncer:
    """Collects `Changes` and calls `flush(merged)` once none arrived for `quiet` seconds.

    An event that usually ends a save (the file was closed after writing, or renamed into
    place) is `settled`: after it only `settle` seconds of quiet are needed, which keeps
    save-to-reload fast without splitting an editor's burst of events. One worker thread
    runs the flushes, so a rebuild never overlaps another; paths that arrive during a
    rebuild make the next batch. A steady stream of events still flushes every `max_wait`.
    """

    def __init__(self, flush: Callable[[Changes], None], *, quiet: float = DEBOUNCE_SECONDS,
                 settle: float = SETTLE_SECONDS, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self._flush, self.quiet, self.settle, self.max_wait = flush, quiet, min(settle, quiet), max_wait
        self._pending: list[Changes] = []
        self._first = self._due = 0.0
        self._cond = threading.Condition()
        self._stopped = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="pressroom-debounce", daemon=True)
        self._thread.start()

    def add(self, changes: Changes, *, settled: bool = False) -> None:
        if not changes:
            return
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.append(changes)
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
                batch, self._pending = self._pending, []
                self._busy = True
            try:
                self._flush(merged(batch))
            except Exception:   # never let one bad batch kill the watcher
                traceback.print_exc()
            finally:
                with self._cond:
                    self._busy = False


def merged(batch: list[Changes]) -> Changes:
    """One `Changes` for a burst of them, without classifying any path again."""
    grouped: dict[ChangeKind, set[Path]] = {}
    for changes in batch:
        for kind, paths in changes.by_kind:
            grouped.setdefault(kind, set()).update(paths)
    return Changes(batch[0].site_dir, tuple((kind, tuple(sorted(paths))) for kind, paths in grouped.items()))


class Watcher:
    """The watchdog observer over one site folder, feeding the paths that matter to a `Debouncer`."""

    def __init__(self, site_dir: Path, debouncer: Debouncer) -> None:
        self.site_dir = site_dir
        self.debouncer = debouncer
        self._observer: Any = None
        self._handler = _WatchHandler(self)
        self._watched: dict[str, Any] = {}     # top folder name -> its watchdog watch

    def start(self) -> None:
        from watchdog.observers import Observer

        # a folder created with its subfolders at once can make watchdog add one inotify watch twice; harmless
        warnings.filterwarnings("ignore", message="Callback with id", category=RuntimeWarning)
        self._observer = Observer()
        # The site folder itself, not recursively: pressroom.toml (editors replace it by rename,
        # which a watch on the file alone would lose) and content/, seeds/, themes/ appearing later.
        self._observer.schedule(self._handler, str(self.site_dir), recursive=False)
        for name in WATCHED_DIRS:
            self._watch_dir(name)
        self._observer.start()

    def stop(self) -> None:
        """Stop delivering events (`join()` waits for the observer's threads)."""
        if self._observer is not None:
            # its emitter threads may log a harmless race while they stop; nothing to tell the user
            logging.getLogger("watchdog.observers.inotify").setLevel(logging.CRITICAL)
            self._observer.stop()

    def join(self, timeout: float = 5.0) -> None:
        if self._observer is not None:
            self._observer.join(timeout=timeout)

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
        paths = [folder]
        if self._watch_dir(name):                    # moved in whole: its files produced no events
            paths += [path for path in sorted(folder.rglob("*")) if path.is_file()]
        self.debouncer.add(Changes.classify(paths, self.site_dir))

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
        changes = Changes.classify((file,), self.site_dir)
        if not changes:                    # nobody rebuilds for it (a swap file...)
            self.debouncer.touch()
            return
        self.debouncer.add(changes, settled=settled)


class _WatchHandler(FileSystemEventHandler):
    """A watchdog event handler that forwards every path it hears of to the watcher."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__()
        self.watcher = watcher

    def dispatch(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind in ("opened", "closed_no_write"):
            return
        if event.is_directory and kind == "modified":
            return
        self.watcher.notice(event.src_path, settled=kind == "closed")
        if event.dest_path:                 # a move: where it went (watchdog >= 4 gives every event one)
            self.watcher.notice(event.dest_path, settled=not event.is_directory)
