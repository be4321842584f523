"""The parsed articles are cached in chunks: an edit saves the one chunk holding the edited file."""
from __future__ import annotations

import os
import time
from pathlib import Path

from generator.build import build
from generator.build.entries import chunk_of
from generator.cache import CACHE_DIR
from generator.config import load_config
from tests.test_speed_journal import write_site


def chunk_times(site: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (site / CACHE_DIR).glob("articles-*.pickle")}


def test_an_edit_saves_only_the_chunk_of_the_edited_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(site, 60)
    for old in (site / "content").glob("*.md"):       # saved a while ago: their stamps are trusted at once
        os.utime(old, (time.time() - 100, time.time() - 100))
    build(load_config(site), run_import=False)
    before = chunk_times(site)
    assert len(before) == 64
    path = site / "content" / "r021.md"
    path.write_text(path.read_text() + "\nOne more line.\n")
    result = build(load_config(site), run_import=False)
    assert result.written
    after = chunk_times(site)
    assert [name for name in after if after[name] != before[name]] == [f"articles-{chunk_of('content/r021.md'):02d}.pickle"]
