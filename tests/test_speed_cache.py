"""The parsed articles and the summary cards are cached in chunks: an edit saves the one chunk holding what changed."""
from __future__ import annotations

import os
import time
from pathlib import Path

from generator.build import build
from generator.build.entries import chunk_of
from generator.cache import CACHE_DIR
from generator.config import load_config
from tests.test_speed_journal import write_site
from tests.trees import clean_build, output_tree


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


def test_a_new_release_saves_only_the_chunk_of_its_summary_card(tmp_path: Path) -> None:
    """A new release moves every page of the front page's list: the cards saved by the last build are used, and
    only the chunk its own card falls in is written again; the site equals a cold build."""
    site = tmp_path / "site"
    write_site(site, 250)                    # 50 front pages of 5: enough list pages for the saved cards to be read
    build(load_config(site), run_import=False)
    cards = {p.name: p.stat().st_mtime_ns for p in (site / CACHE_DIR).glob("cards-*.pickle")}
    assert len(cards) > 32
    (site / "content" / "zz-new.md").write_text("---\ntitle: The newest\ndate: 2024-12-31\ntags: [t1]\n---\nNew.\n")
    result = build(load_config(site), run_import=False)
    assert sum(1 for name in result.written if name.startswith("page/")) > 40
    after = {p.name: p.stat().st_mtime_ns for p in (site / CACHE_DIR).glob("cards-*.pickle")}
    assert [name for name in after if after[name] != cards.get(name)] == [f"cards-{chunk_of('content/zz-new.md'):02d}.pickle"]
    assert output_tree(site / "_site") == clean_build(site, tmp_path)


def test_new_stamps_on_the_same_bytes_save_the_stamps_file_alone(tmp_path: Path) -> None:
    """A fresh checkout (or `touch`) gives every file a new stamp, not new bytes: the parses are kept, and only the
    small stamps file is written again; the next build trusts the new stamps without hashing the files again."""
    site = tmp_path / "site"
    write_site(site, 60)
    for old in (site / "content").glob("*.md"):
        os.utime(old, (time.time() - 100, time.time() - 100))
    build(load_config(site), run_import=False)
    before = chunk_times(site)
    stamps = (site / CACHE_DIR / "stamps.pickle").stat().st_mtime_ns
    for path in (site / "content").glob("*.md"):
        path.write_bytes(path.read_bytes())                # same bytes, new time (and a new inode's worth)
        os.utime(path, (time.time() - 50, time.time() - 50))
    result = build(load_config(site), run_import=False)
    assert not result.written
    assert chunk_times(site) == before
    assert (site / CACHE_DIR / "stamps.pickle").stat().st_mtime_ns != stamps
    stamps = (site / CACHE_DIR / "stamps.pickle").stat().st_mtime_ns
    build(load_config(site), run_import=False)          # nothing changed: answered from the record, stamps trusted
    assert (site / CACHE_DIR / "stamps.pickle").stat().st_mtime_ns == stamps
    assert chunk_times(site) == before
