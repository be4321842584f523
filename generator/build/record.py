"""The record of the last full build, so `pressroom build` with nothing changed answers without building.

The pages manifest carries a state key (code, config, templates, statics and every content
file's hash), the build's problems and article count, and the date of the earliest release
held back for being in the future (the record expires then).
"""
from __future__ import annotations

import os
import signal
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..cache import DiskCache, digest, fingerprint
from ..content import is_future
from .deps import Keys, Output
from .sources import FileEntry, Files, Stamp, fork_ok
from .writing import output_matches, record_stats


class SavedRecord:
    """The output record of one output folder, in the cache: read once per build and trusted only while the folder
    still matches it (the no-change answer, a resumed build and a full build all ask), saved after a build."""

    def __init__(self, cache: DiskCache, output_dir: Path) -> None:
        self.cache = cache
        self.output_dir = output_dir
        self.key = fingerprint("output", str(output_dir))
        self._found: Output | None = None
        self._pending: tuple[Output, Callable[[], bool]] | None = None

    def check_early(self) -> None:
        """Start checking the saved record against the folder in a child process, to be answered by `trusted()`: a
        `pressroom build` scans and loads the content cache meanwhile (at 10,000 releases the ~28,000 stats of
        the check took ~0.1 s, as long as either)."""
        if self._found is None and self._pending is None:
            self._pending = self._check(forked=True)

    def trusted(self) -> Output:
        """The saved record when the folder on disk is what it says; else an empty one."""
        if self._found is None:
            saved, answer = self._pending or self._check(forked=False)
            self._pending = None
            self._found = saved if answer() else Output()
        return self._found

    def _check(self, *, forked: bool) -> tuple[Output, Callable[[], bool]]:
        saved = self.cache.load("pages", self.key)
        saved = saved if isinstance(saved, Output) else Output()      # an empty record matches no folder
        if forked:
            return saved, matches_soon(self.output_dir, saved)
        return saved, lambda: output_matches(self.output_dir, saved)

    def forget(self) -> None:
        """The folder is being written: read the record again when next asked."""
        if self._pending is not None:
            self._pending[1]()        # reap the child; its answer is about a folder about to change
        self._found, self._pending = None, None

    def save(self, out: Output) -> None:
        record_stats(self.output_dir, out)
        self.cache.save("pages", self.key, out)


def matches_soon(output_dir: Path, out: Output) -> Callable[[], bool]:
    """`output_matches`, answered later: checked in a forked child while the caller goes on (a thread would not do:
    it gets the interpreter back for one stat per switch interval), or here when forking is not safe (threads)."""
    try:
        pid = os.fork() if out.stats and fork_ok() else -1
    except OSError:
        pid = -1
    if pid < 0:
        answer = output_matches(output_dir, out)
        return lambda: answer
    if pid == 0:                                   # the child: stats only, then gone without running any cleanup
        code = 2
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0 if output_matches(output_dir, out) else 1
        finally:
            os._exit(code)

    def answer() -> bool:
        try:
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
        except ChildProcessError:
            return output_matches(output_dir, out)
    return answer


def state_key(keys: Keys, parse_key: str, digests: dict[str, bytes]) -> bytes:
    """Everything a full build's output depends on: code, config, templates, statics, every content file."""
    parts = [keys.global_key.encode(), keys.tfp_all, parse_key.encode()]
    for rel, hashed in digests.items():
        parts += [rel.encode(), hashed]
    return digest(b"\0".join(parts))


def trusted_digests(files: Files, stamps: dict[str, tuple[Any, int, bytes]],
                    now: dict[str, Stamp]) -> dict[str, bytes] | None:
    """rel -> content hash of every file, when each one's stat stamp (`now`, as the scan took it) vouches for the
    hash recorded; else None."""
    if len(files) != len(stamps):
        return None
    digests = {}
    for rel, path in files.items():
        known = stamps.get(rel)
        if known is None:
            return None
        stamp, seen_ns, hashed = known
        current = now.get(rel)
        if stamp is None or current is None or not FileEntry(stamp, seen_ns, hashed, None).trusted(current):   # type: ignore[arg-type]
            return None
        digests[rel] = hashed
    return digests


def held_until(entries: dict[str, FileEntry], drafts: bool) -> datetime | None:
    """The date of the earliest release held back for being in the future (the build changes then)."""
    if drafts:
        return None
    now = datetime.now(timezone.utc)
    held = [e.loaded.article.date for e in entries.values() if e.loaded.article is not None
            and not e.loaded.article.draft and is_future(e.loaded.article, now)]
    return min(held, default=None)


def due(moment: datetime | None) -> bool:
    """True when a release held back until `moment` is published by a build now."""
    return moment is not None and moment <= datetime.now(timezone.utc) + timedelta(minutes=1)


def manifest_saved(old: Output, new: Output) -> bool:
    """True when the cache already holds `new` with the stats of the files on disk (nothing was written)."""
    return (bool(old.stats) and old.files == new.files and old.extras == new.extras
            and old.extra_groups == new.extra_groups and old.site_key == new.site_key
            and old.site_routes == new.site_routes and old.state == new.state and old.problems == new.problems
            and old.held_until == new.held_until and old.articles == new.articles and old.build_id == new.build_id
            and old.shards == new.shards and old.indexed == new.indexed)
