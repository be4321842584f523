"""Search in shards: each release in one shard, only the changed shard indexed again, and every kind of edit
found on the search page (a real browser, under /REPO/) right after the build."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.build import shards
from tests.browser import chromium_or_skip
from tests.crawl import serve_under
from tests.test_search import _browser_page, needs_pagefind, pagefind  # noqa: F401 - the fixture

TOPICS = ["harbour", "ferry", "grant", "bridge", "clinic", "rail", "solar", "school"]


@pytest.fixture
def sharded(site, monkeypatch):
    monkeypatch.setattr(shards, "SHARD_PAGES", 2)      # eight releases: four shards
    site.config('title = "Harbour City"\n')
    for n, topic in enumerate(TOPICS):
        site.article(f"r{n}", f"Release about the {topic}", f"2024-0{1 + n % 9}-1{n}", body=f"The {topic} news.")
    return site


def entries(out: Path) -> dict[str, bytes]:
    listed = json.loads((out / "pagefind" / "shards.json").read_text())["shards"]
    return {name: (out / "pagefind" / name / "pagefind-entry.json").read_bytes() for name in listed}


@needs_pagefind
def test_each_release_is_in_one_shard_and_an_edit_indexes_one_shard_again(sharded):
    result = sharded.build()
    assert not result.problems, result.problems
    before = entries(sharded.out)
    assert sorted(before) == ["4-0/", "4-1/", "4-2/", "4-3/"]
    counts = [json.loads(data)["languages"]["en"]["page_count"] for data in before.values()]
    assert sum(counts) == len(TOPICS) and all(counts)
    path = sharded.root / "content" / "r3.md"
    path.write_text(path.read_text() + "\nA pelican landed.\n")
    sharded.build()
    after = entries(sharded.out)
    assert [name for name in before if before[name] != after[name]] == [
        f"4-{shards.shard_of('content/r3.md', 4)}/"]
    assert sharded.build().written == ()


def search_for(page, base: str, word: str) -> list[str]:
    from playwright.sync_api import expect

    page.goto(base + "search/")
    page.locator(".pagefind-ui__search-input").fill(word)
    expect(page.locator(".pagefind-ui__result").first).to_be_visible(timeout=20_000)
    return page.locator(".pagefind-ui__result-link").all_inner_texts()


@needs_pagefind
def test_every_kind_of_edit_is_found_on_the_search_page_right_after(sharded):
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    sharded.build()
    body = sharded.root / "content" / "r2.md"
    body.write_text(body.read_text() + "\nThe quokka count is up.\n")
    sharded.build()
    found = {}
    with serve_under(sharded.out, "/REPO/") as base, sync_playwright() as pw:
        browser, page, errors = _browser_page(pw)
        try:
            found["body"] = search_for(page, base, "quokka")
            sharded.article("r9", "Wombat census", "2024-10-01", body="Every wombat counted.")
            sharded.build()
            found["new"] = search_for(page, base, "wombat")
            title = sharded.root / "content" / "r5.md"
            title.write_text(title.read_text().replace("Release about the rail", "Platypus sighting by the rail"))
            sharded.build()
            found["title"] = search_for(page, base, "platypus")
            found["untouched shard"] = search_for(page, base, "harbour")
            assert not errors, errors
        finally:
            browser.close()
    assert found == {"body": ["Release about the grant"], "new": ["Wombat census"],
                     "title": ["Platypus sighting by the rail"], "untouched shard": ["Release about the harbour"]}


def test_what_pagefind_reads_of_a_page_leaves_out_the_links_to_other_releases():
    page = (b'<html lang="en"><head><title>A</title></head><body><nav>menu</nav>'
            b'<article class="release" data-pagefind-body><h1>A</h1><article>quoted</article><p>Text</p></article>'
            b'<section class="related"><a href="/b/">B, renamed</a></section></body></html>')
    part = shards.indexed_part(page)
    assert b"<title>A</title>" in part and b"<p>Text</p></article>" in part and b"quoted" in part
    assert b"renamed" not in part and b"menu" not in part
    assert shards.indexed_part(b"<html><body><p>no region</p></body></html>") == b"<html><body><p>no region</p></body></html>"


@needs_pagefind
def test_a_title_change_indexes_only_the_shard_of_the_renamed_release(sharded):
    sharded.build()
    before = entries(sharded.out)
    path = sharded.root / "content" / "r5.md"
    path.write_text(path.read_text().replace("Release about the rail", "Platypus sighting by the rail"))
    result = sharded.build()
    assert len(result.written) > 3            # its neighbours' pages show the new title...
    after = entries(sharded.out)
    assert [name for name in before if before[name] != after[name]] == [   # ...but only its shard is indexed
        f"4-{shards.shard_of('content/r5.md', 4)}/"]
