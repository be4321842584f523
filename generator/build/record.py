"""The record of the last build, so `pressroom build` with nothing changed answers without building.

Saved in three parts, each naming the build that wrote the output folder: the record (every output file's key
and hash, what the search index holds), its stats packed flat (what checks the folder is still the one it
describes), and a small head carrying the state key (code, config, templates, statics and every content file's
hash), the build's problems and article count, and the date of the earliest release held back for being in the
future (the record expires then). A no-change build reads the head; a forked child checks the stats.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..cache import DiskCache, digest, fingerprint
from ..content import is_future
from .deps import Keys, Output
from .forked import in_child
from .sources import FileEntry, Files, Stamp
from .writing import output_matches, pack_stats, record_stats, unpack_stats, written_by


RECORD, STATS, HEAD = "pages", "pages-stats", "pages-head"


@dataclass(frozen=True)
class Head:
    """What a `pressroom build` with nothing changed answers from, saved apart from the record (which it need not
    load: at 100,000 releases ~45 MB)."""

    build_id: str
    state: bytes
    articles: int
    problems: tuple[Any, ...]
    held_until: datetime | None
    files: int                   # output files, statics included


@dataclass(frozen=True)
class PackedStats:
    build_id: str
    names: str                   # writing.pack_stats
    numbers: bytes


class SavedRecord:
    """The output record of one output folder, in the cache, trusted only while the folder still matches it: the
    record (`pages`), the stats that check it (`pages-stats`) and the no-change answer (`pages-head`) are saved
    apart, each naming the build that wrote the folder, so a build loads only what it asks for."""

    def __init__(self, cache: DiskCache, output_dir: Path) -> None:
        self.cache = cache
        self.output_dir = output_dir
        self.key = fingerprint("output", str(output_dir))
        self._found: Output | None = None
        self._answer: bool | None = None
        self._pending: Callable[[], bool] | None = None

    def check_early(self) -> None:
        """Start checking the folder against the saved stats in a child process, answered when first asked: a
        `pressroom build` scans and loads the content cache meanwhile (at 10,000 releases the ~28,000 stats of
        the check took ~0.1 s, as long as either; at 100,000, 1.3 s)."""
        if self._answer is None and self._pending is None:
            self._pending = matches_soon(self.output_dir, lambda: self.cache.load(STATS, self.key))

    def head(self) -> Head | None:
        """The no-change answer of the build that wrote the folder, when the folder is still what it wrote."""
        head = self.cache.load(HEAD, self.key)
        if isinstance(head, Head) and self._matches() and head.build_id == written_by(self.output_dir):
            return head
        return None

    def trusted(self) -> Output:
        """The saved record when the folder on disk is what it says; else an empty one."""
        if self._found is None:
            self._found = self._load_trusted() or Output()
        return self._found

    def _load_trusted(self) -> Output | None:
        saved = self.cache.load(RECORD, self.key)
        if not isinstance(saved, Output) or not saved.build_id or not self._matches() \
                or saved.build_id != written_by(self.output_dir):
            return None
        stats = self.cache.load(STATS, self.key)
        if not isinstance(stats, PackedStats) or stats.build_id != saved.build_id:
            return None
        saved.stats = unpack_stats(stats.names, stats.numbers)
        return saved

    def _matches(self) -> bool:
        """The answer of the check started early, or of one made now."""
        if self._answer is None:
            pending, self._pending = self._pending, None
            self._answer = pending() if pending is not None else stats_match(self.output_dir,
                                                                             self.cache.load(STATS, self.key))
        return self._answer

    def forget(self) -> None:
        """The folder is being written: read the record again when next asked."""
        if self._pending is not None:
            self._pending()        # reap the child; its answer is about a folder about to change
        self._found, self._answer, self._pending = None, None, None

    def save_stats(self, out: Output) -> None:
        """The output's stats, taken now (its files are written) and saved apart from the record, which `save` saves
        after (a build saves these while a child may still be saving its state)."""
        record_stats(self.output_dir, out)
        names, numbers = pack_stats(out.stats)
        self.cache.save(STATS, self.key, PackedStats(out.build_id, names, numbers))

    def save(self, out: Output) -> None:
        """The record and its head, after `save_stats` (each part names the build: one saved without the others is
        never trusted)."""
        self.cache.save(RECORD, self.key, replace(out, stats={}))
        self.cache.save(HEAD, self.key, Head(out.build_id, out.state, out.articles, out.problems, out.held_until,
                                             len(out.files) + len(out.extras)))


def stats_match(output_dir: Path, stats: Any) -> bool:
    """The folder is the one the saved stats (a `PackedStats`, or anything else: no) describe."""
    return isinstance(stats, PackedStats) and output_matches(output_dir, stats.build_id, stats.names, stats.numbers)


def matches_soon(output_dir: Path, load: Callable[[], Any]) -> Callable[[], bool]:
    """`stats_match` of the stats `load` gives, answered later: loaded and checked in a forked child while the
    caller goes on, or here when forking is not safe (threads)."""
    wait = in_child(lambda: stats_match(output_dir, load()))
    if wait is None:
        matched = stats_match(output_dir, load())
        return lambda: matched

    def answer() -> bool:
        code = wait()
        return code == 0 if code in (0, 1) else stats_match(output_dir, load())
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
