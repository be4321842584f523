"""Reading one seed: its bytes (gzip'd or not, any encoding) to releases, by the first reader that recognises it."""
from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import tzinfo
from pathlib import PurePath
from zoneinfo import ZoneInfo

from generator.errors import PressroomError, Problem, fail

from .capture import parse_capture
from .feeds import looks_like_feed, read_feed
from .html import looks_like_html, parse_html
from .mail import looks_like_mail_or_plain_release, parse_plain_release
from .bare import looks_like_bare_markdown, parse_bare_markdown
from .markdown import has_front_matter, parse_markdown
from .model import Release
from .newsml import looks_like_newsml, parse_newsml
from .review import finish
from .text import decode, repair

SEED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".xml", ".rss", ".atom", ".gz", "")
MAX_SEED_BYTES = 20 * 1024 * 1024
MAX_CONTENT_BYTES = 5 * 1024 * 1024   # the build refuses bigger content files (content.MAX_FILE_BYTES)
UTC = ZoneInfo("UTC")


def parse_seed(path: PurePath | str, data: bytes, *, vocabulary: Sequence[str] = (), zone: tzinfo = UTC,
               site_language: str = "en") -> list[Release]:
    """Parse one seed file's bytes. Pure. Raises only `PressroomError`.

    `zone` (the site's time zone) decides the day of a timestamp; `language` is written only when
    the release is not in `site_language`."""
    return read_seed(path, data, vocabulary=vocabulary, zone=zone, site_language=site_language)[0]


def read_seed(path: PurePath | str, data: bytes, *, vocabulary: Sequence[str] = (), zone: tzinfo = UTC,
              site_language: str = "en") -> tuple[list[Release], list[Problem]]:
    """`parse_seed`, plus a warning for each part of the seed left out (a feed's teaser items)."""
    rel = PurePath(path).as_posix()
    try:
        data, suffix = _uncompressed(rel, data)
        text = decode(rel, data)
        releases, left_out = _dispatch(rel, text, suffix, tuple(vocabulary))
    except PressroomError:
        raise
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError, OverflowError) as exc:
        raise fail(rel, 0, f"cannot make sense of this capture ({type(exc).__name__}: {str(exc)[:80]})") from None
    digest = hashlib.sha256(data).hexdigest()
    return [finish(replace(r, seed=rel, seed_sha256=digest), zone, site_language) for r in releases], left_out


def _dispatch(rel: str, text: str, suffix: str, vocab: tuple[str, ...]) -> tuple[list[Release], list[Problem]]:
    if has_front_matter(text):
        return [parse_markdown(rel, repair(text), vocab)], []
    if looks_like_newsml(text):
        return parse_newsml(rel, text, vocab), []
    if looks_like_feed(text, suffix):
        return read_feed(rel, text, vocab)
    if looks_like_html(text, suffix):
        return [parse_html(rel, text, vocab)], []
    text = repair(text)    # plain text only: markup keeps its bytes and entities
    if looks_like_bare_markdown(text, suffix):
        return [parse_bare_markdown(rel, text, vocab)], []
    if looks_like_mail_or_plain_release(text):
        return [parse_plain_release(rel, text, vocab)], []
    return [parse_capture(rel, text, vocab)], []


def _uncompressed(rel: str, data: bytes) -> tuple[bytes, str]:
    """gzip-compressed seeds (`.html.gz`) are read as the file they hold; the suffix is the inner one."""
    path = PurePath(rel)
    suffix = path.suffix.lower()
    if not data.startswith(b"\x1f\x8b"):
        return data, (PurePath(path.stem).suffix.lower() if suffix == ".gz" else suffix)
    try:
        inner = gzip.GzipFile(fileobj=io.BytesIO(data)).read(MAX_SEED_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        raise fail(rel, 0, "compressed file that cannot be decompressed; save the page uncompressed") from None
    if len(inner) > MAX_SEED_BYTES:
        raise fail(rel, 0, f"compressed file holds over {MAX_SEED_BYTES // 1024 // 1024} MB, over the limit")
    return inner, PurePath(path.stem).suffix.lower() if suffix == ".gz" else ""


