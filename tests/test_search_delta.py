"""The search delta (generator/build/delta.py), with the real Pagefind: what the search page can find, read from
the index as the page reads it (every base shard and the delta, less the stale ids), is every release as it is
now, each once, after edits, undos, deletions, twins, folds and an id that clashes."""
from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from generator import search as search_index
from generator.build import delta, shards
from tests.test_search import needs_pagefind, pagefind  # noqa: F401 - the fixture
from tests.test_search_shards import CODES, TOPICS, entries, listing, sharded  # noqa: F401 - the fixture


def findable(out: Path) -> Counter[str]:
    """URL -> how many results the search page can show for it (1 for every release, as it is now)."""
    index = listing(out)
    names = [*index["shards"], *([index["delta"]] if "delta" in index else [])]
    stale = set(index.get("stale", []))
    return Counter(url for name in names for url, pid in search_index.page_ids(out / "pagefind" / name).items()
                   if pid not in stale)


def text_of(out: Path, url: str) -> str:
    """The indexed text of the live copy of `url`."""
    index = listing(out)
    stale = set(index.get("stale", []))
    for name in [*index["shards"], *([index["delta"]] if "delta" in index else [])]:
        folder = out / "pagefind" / name
        for found, pid in search_index.page_ids(folder).items():
            if found == url and pid not in stale:
                data = gzip.decompress((folder / "fragment" / f"{pid}.pf_fragment").read_bytes())
                return json.loads(data[data.find(b"{"):])["content"]
    raise AssertionError(f"{url} is not findable")


def releases(site) -> list[str]:
    out = site.out
    return sorted("/" + p.parent.relative_to(out).as_posix() + "/" for p in out.glob("2024/*/*/index.html"))


def check(site) -> None:
    assert findable(site.out) == Counter(releases(site))


def edit(site, n: int, old: str, new: str) -> None:
    path = site.root / "content" / f"r{n}.md"
    path.write_text(path.read_text().replace(old, new))


@needs_pagefind
def test_edits_undo_and_deletion_keep_every_release_findable_once(sharded):
    sharded.build()
    check(sharded)
    edit(sharded, 1, "bronze", "osprey")
    sharded.build()
    check(sharded)
    assert "osprey" in text_of(sharded.out, "/2024/02/release-about-the-ferry/")
    edit(sharded, 1, "osprey", "bronze")                  # undone: the base copy is current again
    sharded.build()
    check(sharded)
    assert "delta" not in listing(sharded.out) and "stale" not in listing(sharded.out)
    gone = sharded.root / "content" / "r4.md"
    gone.unlink()
    sharded.build()
    check(sharded)
    assert "delta" not in listing(sharded.out) and len(listing(sharded.out)["stale"]) == 1


@needs_pagefind
def test_an_edit_pagefind_does_not_read_leaves_no_delta(sharded):
    sharded.build()
    before = entries(sharded.out)
    edit(sharded, 3, "date:", "summary: Only the page's description changes.\ndate:")
    result = sharded.build()
    assert result.written                                   # the page's head changed...
    assert "delta" not in listing(sharded.out) and "stale" not in listing(sharded.out)   # ...its base copy is the same
    assert entries(sharded.out) == before
    assert sharded.build().written == ()
    check(sharded)


@needs_pagefind
def test_a_delta_past_its_limit_is_folded_into_the_base_shards(sharded, monkeypatch):
    monkeypatch.setattr(delta, "DELTA_PAGES", 2)
    sharded.build()
    before = entries(sharded.out)
    for n in range(len(TOPICS)):
        edit(sharded, n, CODES[n], f"{CODES[n]}x")
    sharded.build()
    check(sharded)
    index = listing(sharded.out)
    delta_pages = len(search_index.page_ids(sharded.out / "pagefind" / index["delta"])) if "delta" in index else 0
    assert delta_pages + len(index.get("stale", [])) <= 2           # folded, the fullest shards first, till it fits
    assert [name for name in before if before[name] != entries(sharded.out)[name]]   # shards indexed again
    for n, topic in enumerate(TOPICS):
        url = next(u for u in releases(sharded) if u.endswith(f"release-about-the-{topic}/"))
        assert f"{CODES[n]}x" in text_of(sharded.out, url)


@needs_pagefind
def test_a_stale_id_another_page_has_folds_the_stale_pages_shard(sharded, monkeypatch):
    sharded.build()
    edit(sharded, 2, "cobalt", "quokka")
    stale_shard = f"4-{shards.shard_of('content/r2.md', 4)}/"
    old_id = search_index.page_ids(sharded.out / "pagefind" / stale_shard)["/2024/03/release-about-the-grant/"]
    real = search_index.page_ids

    def clashing(folder: Path) -> dict[str, str]:       # the delta's new page gets the id the stale copy has
        ids = real(folder)
        if folder.name.startswith("delta-"):
            ids = {url: old_id if url == "/2024/10/wombat-census/" else pid for url, pid in ids.items()}
        return ids

    monkeypatch.setattr(search_index, "page_ids", clashing)
    sharded.article("r9", "Wombat census", "2024-10-01", body="Every wombat counted.")
    before = entries(sharded.out)
    sharded.build()
    monkeypatch.setattr(search_index, "page_ids", real)
    assert before[stale_shard] != entries(sharded.out)[stale_shard]     # folded: the grant's new text is in it
    assert old_id not in listing(sharded.out).get("stale", [])
    check(sharded)


@needs_pagefind
def test_a_renamed_file_in_a_folded_shard_leaves_no_copy_in_its_old_shard(sharded, monkeypatch):
    """A release's file renamed (same URL, another shard), and its new shard folded but not its old one."""
    monkeypatch.setattr(delta, "DELTA_PAGES", 1)
    sharded.build()
    before = shards.shard_of("content/r3.md", 4)
    name = next(f"r3-{n}" for n in range(100) if shards.shard_of(f"content/r3-{n}.md", 4) != before)
    after = shards.shard_of(f"content/{name}.md", 4)
    other = next(n for n in range(len(TOPICS)) if shards.shard_of(f"content/r{n}.md", 4) == after)
    (sharded.root / "content" / "r3.md").rename(sharded.root / "content" / f"{name}.md")
    edit(sharded, other, CODES[other], "kestrel")          # its new shard has the most to fold
    sharded.build()
    check(sharded)
    sharded.build()
    check(sharded)


@needs_pagefind
def test_a_killed_delta_build_leaves_the_previous_site_and_index(sharded, monkeypatch):
    sharded.build()
    before = {p.relative_to(sharded.out).as_posix(): p.read_bytes() for p in sharded.out.rglob("*") if p.is_file()}
    edit(sharded, 5, "fern", "heron")

    def killed(service, shard, pages, read, target):
        (target / shard).mkdir(parents=True)
        (target / shard / "pagefind-entry.json").write_text("half an index")
        raise KeyboardInterrupt

    monkeypatch.setattr(shards, "_index_one", killed)
    with pytest.raises(KeyboardInterrupt):
        sharded.build()
    after = {p.relative_to(sharded.out).as_posix(): p.read_bytes() for p in sharded.out.rglob("*") if p.is_file()}
    assert after == before
    monkeypatch.undo()
    monkeypatch.setattr(shards, "SHARD_PAGES", 3)
    sharded.build()
    check(sharded)
    assert "heron" in text_of(sharded.out, "/2024/06/release-about-the-rail/")
