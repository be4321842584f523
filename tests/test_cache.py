"""The build cache: checksummed, keyed, and never able to make a build wrong."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_corpus  # noqa: E402
from generator.build import build  # noqa: E402
from tests.trees import output_tree  # noqa: E402
from generator.cache import CACHE_DIR, DiskCache, MAGIC  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.fastmd import plain as undo_shortcuts, speed_up  # noqa: E402
from generator.markup import MarkdownRenderer  # noqa: E402


def test_round_trip_and_key(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.save("articles", "k1", {"a": 1})
    assert cache.load("articles", "k1") == {"a": 1}
    assert cache.load("articles", "other-key") is None
    assert cache.load("missing", "k1") is None
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_damaged_cache_is_ignored(tmp_path: Path, damage: str) -> None:
    cache = DiskCache(tmp_path)
    cache.save("articles", "k", list(range(1000)))
    path = cache.path("articles")
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[-10] ^= 0xFF
    elif damage == "garbage":
        data = bytearray(b"not a cache at all")
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    assert cache.load("articles", "k") is None


def test_checksum_covers_payload(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.save("pages", "k", "value")
    assert cache.path("pages").read_bytes().startswith(MAGIC)


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    root = write_corpus(25, tmp_path / "site")
    (root / "pressroom.toml").write_text('title = "T"\nbase_url = "https://example.org/"\nper_page = 4\nsearch = false\n')
    return root


def test_corrupted_cache_gives_the_same_site(site: Path) -> None:
    config = load_config(site)
    build(config, run_import=False)
    first = output_tree(site / "_site")
    corrupted = [*(site / CACHE_DIR).glob("articles-*.pickle"), site / CACHE_DIR / "pages.pickle"]
    assert len(corrupted) > 2          # the parsed articles are saved in chunks
    for path in corrupted:
        path.write_bytes(path.read_bytes()[:100])
    build(config, run_import=False)
    assert output_tree(site / "_site") == first
    shutil.rmtree(site / CACHE_DIR)
    build(config, run_import=False)
    assert output_tree(site / "_site") == first


def test_edit_between_builds_is_seen(site: Path) -> None:
    config = load_config(site)
    build(config, run_import=False)
    path = sorted((site / "content").rglob("*.md"))[3]
    text = path.read_text()
    path.write_text(text.replace('title: "', 'title: "Changed ', 1))   # same second, maybe same size class
    result = build(config, run_import=False)
    assert result.written
    assert b"Changed " in (site / "_site" / result.written[0]).read_bytes() or any(
        b"Changed " in (site / "_site" / name).read_bytes() for name in result.written if name.endswith(".html"))


def test_output_edited_by_hand_is_repaired(site: Path) -> None:
    config = load_config(site)
    build(config, run_import=False)
    first = output_tree(site / "_site")
    (site / "_site" / "index.html").write_text("vandalised")
    build(config, run_import=False)
    assert output_tree(site / "_site") == first


def test_config_change_invalidates(site: Path) -> None:
    build(load_config(site), run_import=False)
    (site / "pressroom.toml").write_text('title = "Other"\nbase_url = "https://example.org/x/"\nper_page = 4\nsearch = false\n')
    build(load_config(site), run_import=False)
    assert b"Other" in (site / "_site" / "index.html").read_bytes()
    assert b"/x/tags/" in (site / "_site" / "index.html").read_bytes()


MARKDOWN_SAMPLES = [
    "plain words only, nothing special at all",
    "a  \nb *c* _d_ `e` \\* &amp; <span>x</span> <http://x.y> <a@b.c> [l](u) ![i](s) [^1]\n\n[^1]: note",
    "**bold** and __also__ and ***both*** * not * _ not _",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\nTerm\n: definition\n\n*[HTML]: Hyper Text\nHTML here",
    "```\ncode *not em*\n```\n\n# Heading {#id .cls}\n\ntext with &copy; and &#169; and < lone",
    "<div markdown=\"1\">*inside*</div>\n\n[ref][x]\n\n[x]: http://example.org \"t\"",
    "Title\n=====\n\nSub\n---\n\n***\n\n- - -\n\n> quoted\n> > nested\n\nTerm\n:   def\n\n[^n]: foot\n\n*[ABBR]: x\n\nABBR.",
    "a | b\n--|--\n1 | 2\n\n|single|\n|---|\n|x|\n\n1. one\n2. two\n\n* star\n+ plus\n\n    code # not a header",
    "para\n# not setext but header\ntext\n\n___\n\n[id]: <http://x.y> (title)\n[id2]: http://z 'q'\n\nuse [id] and [id2]",
]


@pytest.mark.parametrize("allow_html", [True, False])
def test_fast_inline_pass_is_output_identical(allow_html: bool, tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parent.parent / "content"             # the repo's demo content
    bench = write_corpus(150, tmp_path / "bench") / "content"            # bench/corpus.py output
    files = sorted(demo.rglob("*.md")) + sorted(bench.rglob("*.md"))
    assert len(files) > 150
    samples = MARKDOWN_SAMPLES + [p.read_text().split("---", 2)[-1] for p in files]
    plain, fast = MarkdownRenderer(), MarkdownRenderer()
    for md in (plain._trusted, plain._escaped):   # undo the shortcuts on the reference renderer
        undo_shortcuts(md)
        assert type(md.parser).parseBlocks is md.parser.parseBlocks.__func__
        assert "replace_marker" not in md.treeprocessors["toc"].__dict__
    for md in (fast._trusted, fast._escaped):
        speed_up(md)
        assert "parseBlocks" in md.parser.__dict__ and "_InlineProcessor__handleInline" in md.treeprocessors["inline"].__dict__
    for text in samples:
        assert plain.render(text, allow_html=allow_html) == fast.render(text, allow_html=allow_html)


def test_fast_passes_match_plain_markdown_on_random_text() -> None:
    """Random documents made of the characters every shortcut looks at, lines and blank lines."""
    import random

    rng = random.Random(7)
    pieces = ["#", "##", ">", ":", "|", "[", "]", "[^1]", "*[", "-", "---", "=", "===", "*", "_", "__", "`", "&amp;",
              "<", "<b>", "(", ")", "1.", "2)", "+", "!", "\\", "    ", "  ", " ", "word", "more", "x:", "http://a.b",
              "'", '"', "...", "--", "'90s", "\n", "\n", "\n\n", "\n\n", "\n    ", "[x]", "![",
              "\n\n[x]: http://r.s\n\n", "[^", "[TOC]", "\n\n[TOC]\n\n", "```", "~~~", "{: #i .c}", "{", "}"]
    plain, fast = MarkdownRenderer(), MarkdownRenderer()
    for md in (fast._trusted, fast._escaped):       # the shortcuts are on both inline passes, smarty's too
        assert all("_InlineProcessor__handleInline" in md.treeprocessors[name].__dict__ for name in ("inline", "smarty"))
    for md in (plain._trusted, plain._escaped):
        undo_shortcuts(md)
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60)))
        for allow_html in (True, False):
            assert plain.render(text, allow_html=allow_html) == fast.render(text, allow_html=allow_html), text


@pytest.mark.parametrize("tamper", ["none", "edited", "deleted", "added", "folder"])
def test_the_output_check_run_in_a_child_answers_as_the_inline_one(site: Path, tamper: str) -> None:
    """`pressroom build` checks the output folder against its record in a forked child while it scans; the answer
    must be the one the inline check gives, for an untouched folder and for each kind of hand edit."""
    import os
    import threading

    from generator.build.record import STATS, SavedRecord, matches_soon, stats_match
    config = load_config(site)
    build(config, run_import=False)
    cache = DiskCache(site)
    stats = cache.load(STATS, SavedRecord(cache, site / "_site").key)
    page = site / "_site" / "index.html"
    if tamper == "edited":
        page.write_bytes(page.read_bytes().upper())       # same size, new time
    elif tamper == "deleted":
        page.unlink()
    elif tamper == "added":
        (site / "_site" / "tags" / "stray.html").write_text("x")
    elif tamper == "folder":
        (site / "_site" / "tags").mkdir(exist_ok=True)
        os.utime(site / "_site" / "tags", ns=(1, 1))
    inline = stats_match(site / "_site", stats)
    assert inline is (tamper == "none")
    assert threading.active_count() == 1        # else no child is forked and this test checks nothing new
    assert matches_soon(site / "_site", lambda: stats)() is inline


@pytest.mark.parametrize("part", ["pages", "pages-stats", "pages-head"])
def test_a_record_part_from_another_build_never_makes_a_build_wrong(site: Path, tmp_path: Path, part: str) -> None:
    """The record, its stats and its head are saved apart: one of them left from an earlier build (a save cut
    short) names that build, not the folder's; the next build still gives the site a clean build gives."""
    from tests.trees import clean_build

    build(load_config(site), run_import=False, search=False)
    kept = (site / CACHE_DIR / f"{part}.pickle").read_bytes()
    page = sorted((site / "content").rglob("*.md"))[0]
    original = page.read_text()
    page.write_text(original.replace("\n---\n", "\n---\n\nA paragraph the second build adds.\n", 1))
    build(load_config(site), run_import=False, search=False)
    (site / CACHE_DIR / f"{part}.pickle").write_bytes(kept)
    page.write_text(original)        # back to the first build's content, which the old part describes
    build(load_config(site), run_import=False, search=False)
    assert output_tree(site / "_site") == clean_build(site, tmp_path)
