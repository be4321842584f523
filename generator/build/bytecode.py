"""Compiled templates kept in the cache folder between processes: each `pressroom build` is a new process, and
compiling the theme's templates again took ~0.1-0.2 s of a one-edit build. Jinja2 keys each entry by the template's
name and checks its source's checksum, so an edited template is compiled again."""
from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.bccache import Bucket


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's file cache that never fails a build: an unreadable entry is compiled again, an unwritable one skipped."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged entry (truncated, foreign) is only a slower start
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache(cache_dir: Path) -> TemplateCache | None:
    """The compiled-template cache under `cache_dir`, or None when that folder cannot be made."""
    folder = cache_dir / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return TemplateCache(str(folder))
