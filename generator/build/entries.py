"""The parsed content files in the cache, in chunks, and apart from them each file's stat stamp.

A build that parsed one file again saves one chunk, not the whole site's articles (at 10,000 releases the whole
pickle took ~0.4 s to write after every edit). Stamps live in one small file of their own (`stamps`, which a
no-change build reads alone): a fresh checkout, or a `touch`, gives every file a new stamp but the same bytes and
parse, and saves that file rather than every chunk (~60 MB at 10,000 releases).
"""
from __future__ import annotations

import zlib

from ..cache import DiskCache
from ..content import Loaded
from .sources import FileEntry, Stamp

CHUNKS = 64
STAMPS = "stamps"

Saved = tuple[tuple[str, bytes, Loaded], ...]     # what a chunk on disk holds, as it was loaded or saved
Stamped = tuple[Stamp | None, int, bytes]           # a file's stamp, when it was taken, the hash it vouches for


def chunk_of(rel: str) -> int:
    return zlib.crc32(rel.encode()) % CHUNKS


def _held(part: dict[str, FileEntry]) -> Saved:
    """A chunk's files, hashes and parses (compared by identity first: a stamp alone never makes a chunk new)."""
    return tuple((rel, e.digest, e.loaded) for rel, e in part.items())


class EntryStore:
    """`articles-NN` cache files and the `stamps` file; remembers what each chunk holds on disk, so `save` writes
    only the changed ones."""

    def __init__(self, cache: DiskCache) -> None:
        self.cache = cache
        self.saved: dict[int, Saved] = {}
        self._stamps: tuple[str, dict[str, Stamped]] | None = None     # (key, the stamps file as last read)

    def stamps(self, key: str) -> dict[str, Stamped]:
        """The `stamps` file: rel -> (stamp, when taken, the hash it vouches for); read once per process (a
        no-change check reads it, and a build that goes on to load the entries needs it again)."""
        if self._stamps is None or self._stamps[0] != key:
            stamps = self.cache.load(STAMPS, key)
            self._stamps = (key, stamps if isinstance(stamps, dict) else {})
        return self._stamps[1]

    def load(self, key: str) -> dict[str, FileEntry]:
        """Every entry the cache holds under `key` (a missing or stale chunk: its files are parsed again), with the
        stamp saved for the same bytes (else none: the file is hashed again before its parse is trusted)."""
        stamps = self.stamps(key)
        entries: dict[str, FileEntry] = {}
        self.saved = {}
        for number in range(CHUNKS):
            part = self.cache.load(f"articles-{number:02d}", key)
            if not isinstance(part, dict):
                continue
            held = []
            for rel, (hashed, loaded) in part.items():
                stamp, seen_ns, stamped = stamps.get(rel, (None, 0, b""))
                entries[rel] = FileEntry(stamp, seen_ns, hashed, loaded) if stamped == hashed else \
                    FileEntry(None, 0, hashed, loaded)
                held.append((rel, hashed, loaded))
            self.saved[number] = tuple(held)
        return entries

    def save(self, key: str, entries: dict[str, FileEntry]) -> None:
        parts: list[dict[str, FileEntry]] = [{} for _ in range(CHUNKS)]
        for rel, entry in entries.items():
            parts[chunk_of(rel)][rel] = entry
        for number, part in enumerate(parts):
            held = _held(part)
            if self.saved.get(number) != held:
                self.cache.save(f"articles-{number:02d}", key, {rel: (hashed, loaded) for rel, hashed, loaded in held})
                self.saved[number] = held
        stamps = {rel: (e.stamp, e.seen_ns, e.digest) for rel, e in entries.items()}
        self.cache.save(STAMPS, key, stamps)
        self._stamps = (key, stamps)
