"""Search: Pagefind indexes the articles after the build; the search page works under /REPO/."""
from __future__ import annotations

import json
import re

import pytest

from generator import search as search_index
from tests.browser import chromium_or_skip, in_ci, launch
from tests.crawl import serve_under

PAGEFIND_MISSING = "Pagefind is not installed (pip install 'pagefind[bin]')"


@pytest.fixture
def pagefind() -> None:
    """Skip a test that needs Pagefind when it is missing; fail it on CI (CI=true), like the browser."""
    if not search_index.available():
        if in_ci():
            pytest.fail(f"CI=true but {PAGEFIND_MISSING}")
        pytest.skip(PAGEFIND_MISSING)


needs_pagefind = pytest.mark.usefixtures("pagefind")

ARTICLES = [
    ("harbour", "New harbour opens", "2024-03-12", "The harbour welcomes container ships from Monday."),
    ("quokka", "Wildlife survey published", "2024-05-20",
     "Rangers counted every quokka on the island; the survey runs each spring."),
    ("budget", "Budget approved", "2024-07-01", "The council approved the budget for the harbour district."),
]


@pytest.fixture
def searchable(site):
    site.config('title = "Harbour City"\n')
    for name, title, date, body in ARTICLES:
        site.article(name, title, date, body=body, tags="[News]")
    return site


@needs_pagefind
def test_build_indexes_exactly_the_articles_and_reports_its_time(searchable):
    result = searchable.build()
    assert not result.problems, result.problems
    assert 0 < result.search_seconds <= result.seconds
    assert "search index" in result.summary()
    bundle = searchable.out / "pagefind"
    assert (bundle / "pagefind-ui.js").is_file() and (bundle / "pagefind-ui.css").is_file()
    shards = json.loads((bundle / "shards.json").read_text())["shards"]
    assert shards == ["1-0/"]      # three releases: one shard
    entry = json.loads((bundle / shards[0] / "pagefind-entry.json").read_text())
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(ARTICLES)


def test_article_pages_mark_the_indexed_region_and_the_date(searchable):
    searchable.build(search=False)
    html = searchable.html("2024/05/wildlife-survey-published/")
    assert len(re.findall(r"data-pagefind-body", html)) == 1
    assert re.search(r'<article class="release" data-pagefind-body data-pagefind-meta="date:May 20, 2024"', html)


def test_search_page_loads_the_bundle_from_the_base_path(searchable):
    searchable.build()
    html = searchable.html("search/")
    assert 'data-bundle="/REPO/pagefind/"' in html and 'data-base="/REPO/"' in html
    assert 'id="search-unavailable" hidden' in html


def test_search_disabled_in_config_says_so(searchable):
    searchable.build(search=False)      # the config key `search = false`
    assert "Search is not enabled" in searchable.html("search/")
    assert not (searchable.out / "pagefind").exists()


def test_without_pagefind_the_build_succeeds_with_a_warning(searchable, monkeypatch):
    monkeypatch.setattr(search_index, "pagefind_command", lambda: None)   # as on a machine without Pagefind
    result = searchable.build()
    assert not result.errors
    [warning] = result.problems
    assert warning.warning and "Pagefind is not installed" in warning.message
    assert not (searchable.out / "pagefind").exists()


@needs_pagefind
def test_a_build_that_skips_indexing_keeps_the_previous_index(searchable):
    from generator.build import build
    from generator.config import load_config

    config = load_config(searchable.root, base_url="https://example.org/REPO/")
    build(config, run_import=False)
    searchable.article("later", "Later release", "2024-08-01")
    result = build(config, run_import=False, search=False)      # what `serve` does on every edit
    assert result.search_seconds == 0
    assert (searchable.out / "pagefind" / "pagefind-ui.js").is_file()
    assert (searchable.out / "2024" / "08" / "later-release" / "index.html").is_file()


def _browser_page(playwright):
    browser = launch(playwright)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return browser, page, errors


@needs_pagefind
def test_browser_search_finds_the_article_and_follows_the_first_result(searchable):
    chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    searchable.build()
    with serve_under(searchable.out, "/REPO/") as base, sync_playwright() as pw:
        browser, page, errors = _browser_page(pw)
        try:
            page.goto(base + "search/")
            page.locator(".pagefind-ui__search-input").fill("quokka")
            first = page.locator(".pagefind-ui__result").first
            expect(first.locator(".pagefind-ui__result-link")).to_have_text("Wildlife survey published", timeout=10_000)
            expect(first.locator(".pagefind-ui__result-tag")).to_contain_text("May 20, 2024")
            expect(first.locator(".pagefind-ui__result-excerpt")).to_contain_text("quokka")
            expect(page.locator(".pagefind-ui__result")).to_have_count(1)
            first.locator(".pagefind-ui__result-link").click()
            page.wait_for_url(base + "2024/05/wildlife-survey-published/")
            expect(page.locator("h1")).to_have_text("Wildlife survey published")
            assert not errors, errors
        finally:
            browser.close()


def test_browser_search_page_says_unavailable_without_an_index(searchable, monkeypatch):
    chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setattr(search_index, "pagefind_command", lambda: None)
    searchable.build()
    with serve_under(searchable.out, "/REPO/") as base, sync_playwright() as pw:
        browser, page, _ = _browser_page(pw)
        try:
            page.goto(base + "search/")
            expect(page.locator("#search-unavailable")).to_be_visible(timeout=10_000)
            expect(page.locator("#search")).to_be_hidden()
        finally:
            browser.close()
