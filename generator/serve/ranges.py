"""Byte ranges (RFC 9110 §14): which part of a response a `Range` header asks for.

Safari plays `<video>` only from a server that answers `Range: bytes=0-1` with 206. A single range
is answered; several ranges, another unit or a malformed header are ignored (the whole response,
200, as the RFC allows). `If-Range` never matches: the preview sends no validators, so a client
that asks for a range "only if unchanged" gets the whole response.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ByteRange:
    """Bytes `start` to `end`, both included, of a representation of `size` bytes."""

    start: int
    end: int
    size: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end}/{self.size}"


class Unsatisfiable(Exception):
    """The range starts past the end (416; `Content-Range: bytes */size`)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"bytes */{size}")
        self.content_range = f"bytes */{size}"


def requested_range(header: str | None, size: int, *, if_range: str | None = None) -> ByteRange | None:
    """The one range `header` asks for within `size` bytes; None for the whole; raises `Unsatisfiable`."""
    if header is None or if_range is not None:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (first.isdigit() or first == "") or not (last.isdigit() or last == "") or first == last == "":
        return None
    if first == "":                      # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable(size)
        return ByteRange(max(0, size - suffix), size - 1, size)
    start = int(first)
    end = int(last) if last else size - 1
    if last and int(last) < start:
        return None                      # invalid: ignored
    if start >= size:
        raise Unsatisfiable(size)
    return ByteRange(start, min(end, size - 1), size)
