"""The parsed content files in the cache, in chunks: a build that parsed one file again saves one chunk, not the
whole site's articles (at 10,000 releases the whole pickle took ~0.4 s to write after every edit)."""
from __future__ import annotations

import zlib

from ..cache import DiskCache
from .sources import FileEntry

CHUNKS = 64


def chunk_of(rel: str) -> int:
    return zlib.crc32(rel.encode()) % CHUNKS


def _signature(part: dict[str, FileEntry]) -> int:
    """What a chunk holds, cheaply: each file's name, hash and stamp (an entry is new when one of these is)."""
    return hash(tuple((rel, e.digest, e.stamp, e.seen_ns) for rel, e in part.items()))


class EntryStore:
    """`articles-NN` cache files; remembers what each holds on disk, so `save` writes only the changed ones."""

    def __init__(self, cache: DiskCache) -> None:
        self.cache = cache
        self.saved: dict[int, int] = {}

    def load(self, key: str) -> dict[str, FileEntry]:
        """Every entry the cache holds under `key` (a missing or stale chunk: its files are parsed again)."""
        entries: dict[str, FileEntry] = {}
        self.saved = {}
        for number in range(CHUNKS):
            part = self.cache.load(f"articles-{number:02d}", key)
            if isinstance(part, dict):
                entries.update(part)
                self.saved[number] = _signature(part)
        return entries

    def save(self, key: str, entries: dict[str, FileEntry]) -> None:
        parts: list[dict[str, FileEntry]] = [{} for _ in range(CHUNKS)]
        for rel, entry in entries.items():
            parts[chunk_of(rel)][rel] = entry
        for number, part in enumerate(parts):
            signature = _signature(part)
            if self.saved.get(number) != signature:
                self.cache.save(f"articles-{number:02d}", key, part)
                self.saved[number] = signature
