"""Search in shards: each release in one base shard; an edit goes to the small delta index, not its shard; and
every kind of edit (body, title, new release, deletion) found, or no longer found, on the search page (a real
browser, under /REPO/) right after the build. The delta's own rules are in test_search_delta.py."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.build import shards
from tests.browser import chromium_or_skip
from tests.crawl import serve_under
from tests.test_deploy_cache import fragments_with
from generator import search as search_index
from tests.test_search import _browser_page, needs_pagefind, pagefind  # noqa: F401 - the fixture

TOPICS = ["harbour", "ferry", "grant", "bridge", "clinic", "rail", "solar", "school"]
CODES = ["amber", "bronze", "cobalt", "denim", "ebony", "fern", "garnet", "hazel"]    # one word in one body each


@pytest.fixture
def sharded(site, monkeypatch):
    monkeypatch.setattr(shards, "SHARD_PAGES", 3)      # eight or nine releases: four shards
    site.config('title = "Harbour City"\n')
    for n, topic in enumerate(TOPICS):
        site.article(f"r{n}", f"Release about the {topic}", f"2024-0{1 + n % 9}-1{n}",
                     body=f"The {topic} news, filed under {CODES[n]}.")
    return site


def listing(out: Path) -> dict:
    return json.loads((out / "pagefind" / "shards.json").read_text())


def entries(out: Path) -> dict[str, bytes]:
    return {name: (out / "pagefind" / name / "pagefind-entry.json").read_bytes() for name in listing(out)["shards"]}


def page_count(index: Path) -> int:
    return sum(language["page_count"] for language in json.loads((index / "pagefind-entry.json").read_text())["languages"].values())


@needs_pagefind
def test_each_release_is_in_one_shard_and_an_edit_goes_to_the_delta_not_its_shard(sharded):
    result = sharded.build()
    assert not result.problems, result.problems
    before = entries(sharded.out)
    assert sorted(before) == ["4-0/", "4-1/", "4-2/", "4-3/"] and "delta" not in listing(sharded.out)    # cold: no delta
    assert sum(page_count(sharded.out / "pagefind" / name) for name in before) == len(TOPICS)
    path = sharded.root / "content" / "r3.md"
    path.write_text(path.read_text() + "\nA pelican landed.\n")
    sharded.build()
    assert entries(sharded.out) == before                    # no base shard indexed again
    after = listing(sharded.out)
    assert page_count(sharded.out / "pagefind" / after["delta"]) == 1
    shard = sharded.out / "pagefind" / f"4-{shards.shard_of('content/r3.md', 4)}"
    assert after["stale"] == [search_index.page_ids(shard)["/2024/04/release-about-the-bridge/"]]
    assert sharded.build().written == ()


def search_for(page, base: str, word: str) -> list[str]:
    """The titles the search page lists for `word` (every one, "Load more results" pressed till it goes)."""
    from playwright.sync_api import expect

    page.goto(base + "search/")
    page.locator(".pagefind-ui__search-input").fill(word)
    expect(page.locator(".pagefind-ui__message")).to_contain_text(word, timeout=20_000)
    more = page.locator(".pagefind-ui__button")
    while more.is_visible():
        shown = page.locator(".pagefind-ui__result").count()
        more.click()
        expect(page.locator(".pagefind-ui__result")).not_to_have_count(shown)
    return page.locator(".pagefind-ui__result-link").all_inner_texts()


@needs_pagefind
def test_every_kind_of_edit_is_found_on_the_search_page_right_after(sharded):
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    sharded.build()
    found = {}
    with serve_under(sharded.out, "/REPO/") as base, sync_playwright() as pw:
        browser, page, errors = _browser_page(pw)
        try:
            body = sharded.root / "content" / "r2.md"
            body.write_text(body.read_text().replace("cobalt", "quokka"))
            sharded.build()
            found["body"] = search_for(page, base, "quokka")
            found["word the edit removed"] = search_for(page, base, "cobalt")
            sharded.article("r9", "Wombat census", "2024-10-01", body="Every wombat counted.")
            sharded.build()
            found["new"] = search_for(page, base, "wombat")
            title = sharded.root / "content" / "r5.md"
            title.write_text(title.read_text().replace("Release about the rail", "Platypus sighting by the rail"))
            sharded.build()
            found["title"] = search_for(page, base, "platypus")
            found["renamed, by its body"] = search_for(page, base, "fern")        # once: its old title is dropped
            (sharded.root / "content" / "r6.md").unlink()
            sharded.build()
            found["deleted"] = search_for(page, base, "garnet")
            found["untouched shard"] = search_for(page, base, "harbour")
            found["every release"] = sorted(search_for(page, base, "news"))
            assert listing(sharded.out)["stale"], "the edits are in the delta, their base copies stale"
            assert not errors, errors
        finally:
            browser.close()
    assert found == {"body": ["Release about the grant"], "word the edit removed": [], "new": ["Wombat census"],
                     "title": ["Platypus sighting by the rail"], "renamed, by its body": ["Platypus sighting by the rail"],
                     "deleted": [], "untouched shard": ["Release about the harbour"],
                     "every release": sorted(["Platypus sighting by the rail", *(f"Release about the {topic}" for topic in
                                                                                TOPICS if topic not in ("rail", "solar"))])}


@needs_pagefind
def test_a_listing_rewritten_in_the_same_second_is_not_taken_from_the_browser_cache(sharded):
    """Python's http.server (and others) date files to the second: a build within the second of the last one
    leaves `shards.json` with the Last-Modified the browser has cached, and a revalidation answers 304."""
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    sharded.build()
    with serve_under(sharded.out, "/REPO/") as base, sync_playwright() as pw:
        browser, page, errors = _browser_page(pw)
        try:
            assert search_for(page, base, "cobalt") == ["Release about the grant"]
            listed = sharded.out / "pagefind" / "shards.json"
            seen = listed.stat().st_mtime
            body = sharded.root / "content" / "r2.md"
            body.write_text(body.read_text().replace("cobalt", "quokka"))
            sharded.build()
            os.utime(listed, (seen, seen))
            assert search_for(page, base, "quokka") == ["Release about the grant"]
            assert not errors, errors
        finally:
            browser.close()


PAGE = (b'<html lang="en"><head><title>A</title></head><body class="x"><header><img src="/logo.png" alt=""></header>'
        b'<nav>menu</nav><article class="release" data-pagefind-body><h1>A</h1><article>quoted</article><p>Text</p>'
        b'</article><section class="related"><a href="/b/">B, renamed</a></section></body></html>')


def test_what_pagefind_reads_of_a_page_is_its_head_and_indexed_region_not_the_links_to_other_releases():
    assert shards.indexed_part(PAGE) == (b'<html lang="en"><head><title>A</title></head><body class="x">'
                                         b'<article class="release" data-pagefind-body><h1>A</h1><article>quoted'
                                         b'</article><p>Text</p></article></body></html>')
    assert shards.indexed_part(b"<html><body><p>no region</p></body></html>") == b"<html><body><p>no region</p></body></html>"


@pytest.mark.parametrize("outside", [
    b'<section class="related"><span data-pagefind-filter="topic">Rail</span></section>',   # a filter: read anywhere
    b'<footer data-pagefind-meta="issuer:Port"></footer>',                                    # metadata
    b'<section class="related"><img src="/b.jpg" alt="B"></section>',                        # an image after the title
    b'<aside><H1>Other</H1></aside>',                                                          # a title
])
def test_a_page_whose_other_parts_pagefind_reads_is_keyed_whole(outside: bytes):
    page = PAGE.replace(b"</body>", outside + b"</body>")
    assert shards.indexed_part(page) == page


@pytest.mark.parametrize("page", [
    b'<html><body><p>about data-pagefind-body</p><div data-pagefind-body>x</div></body></html>',  # the mark as text
    b'<html><body data-pagefind-body><p>x</p></body></html>',                                      # on <body> itself
    b'<html><body><div data-pagefind-body><p>never closed</p></body></html>',
])
def test_a_page_whose_indexed_region_cannot_be_told_apart_is_keyed_whole(page: bytes):
    assert shards.indexed_part(page) == page


@needs_pagefind
def test_a_filter_beside_the_indexed_region_is_indexed_again_when_it_alone_changes(sharded):
    sharded.write("themes/default/templates/article.html",
                  '{% extends "base.html" %}{% block main %}<article data-pagefind-body><h1>{{ article.title }}</h1>'
                  '{{ present.body(article) }}</article><ul>{% for tag in article.tags %}'
                  '<li data-pagefind-filter="topic">{{ tag.name }}</li>{% endfor %}</ul>{% endblock %}')
    for topic in ("Walrus", "Narwhal"):
        sharded.article("r3", "Release about the bridge", "2024-04-13", body="The bridge news.", tags=f"[{topic}]")
        sharded.build()
        assert fragments_with(sharded.out, f'"topic":["{topic}"]') == 1


@needs_pagefind
def test_a_title_change_indexes_no_base_shard(sharded):
    sharded.build()
    before = entries(sharded.out)
    path = sharded.root / "content" / "r5.md"
    path.write_text(path.read_text().replace("Release about the rail", "Platypus sighting by the rail"))
    result = sharded.build()
    assert len(result.written) > 3            # its neighbours' pages show the new title...
    assert entries(sharded.out) == before     # ...but no base shard is indexed: the delta holds the one page
    assert page_count(sharded.out / "pagefind" / listing(sharded.out)["delta"]) == 1
