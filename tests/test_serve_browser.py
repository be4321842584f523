"""`pressroom serve` end to end in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

The browser is never touched after opening the page: every change arrives by itself through
the live-reload script. Skips when Chromium is missing, fails instead under CI=true.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium_or_skip, launch
from tests.test_serve import ARTICLE, article_text, make_site, start_live, wait_for

LONG_BODY = "\n\n".join(f"Paragraph {i} of a long release, long enough to scroll." for i in range(120))


@pytest.fixture(scope="module")
def browser():
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def live(tmp_path: Path):
    root = make_site(tmp_path / "site")
    (root / "content" / "first.md").write_text(
        article_text("First release", "2024-05-01", "Original body text.\n\n" + LONG_BODY, "tags: [alpha]\n"))
    custom = root / "themes" / "default" / "static" / "custom.css"
    custom.parent.mkdir(parents=True)
    custom.write_text("body { background-color: rgb(255, 255, 255); }\n")
    server = start_live(root)
    yield server
    server.stop()


def open_page(browser: Any, live: Any, path: str) -> Any:
    connected = len(live.hub)
    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"http://127.0.0.1:{live.port}{path}")
    wait_for(lambda: len(live.hub) > connected, 10)       # its live-reload stream is open
    return page


def test_edit_reloads_the_open_page_and_keeps_the_scroll_position(browser: Any, live: Any) -> None:
    page = open_page(browser, live, ARTICLE)
    try:
        assert "Original body text." in page.inner_text("main")
        page.evaluate("window.scrollTo(0, 900)")
        wait_for(lambda: page.evaluate("window.scrollY") >= 890, 5)
        source = live.site_dir / "content" / "first.md"
        source.write_text(article_text("First release", "2024-05-01", "Edited in the editor.\n\n" + LONG_BODY,
                                       "tags: [alpha]\n"))
        page.wait_for_function("document.querySelector('main').innerText.includes('Edited in the editor.')")
        wait_for(lambda: abs(page.evaluate("window.scrollY") - 900) <= 10, 5)
    finally:
        page.close()


def test_broken_front_matter_shows_an_overlay_until_fixed(browser: Any, live: Any) -> None:
    page = open_page(browser, live, ARTICLE)
    try:
        source = live.site_dir / "content" / "first.md"
        source.write_text("---\ntitle: [unclosed\ndate: 2024-05-01\n---\nBroken.\n")
        overlay = page.wait_for_selector("#pressroom-overlay")
        assert "content/first.md" in overlay.inner_text()
        # a page opened while the error stands shows it too
        other = open_page(browser, live, "/REPO/")
        try:
            assert "content/first.md" in other.wait_for_selector("#pressroom-overlay").inner_text()
        finally:
            other.close()
        source.write_text(article_text("First release", "2024-05-01", "Fixed and back.", "tags: [alpha]\n"))
        page.wait_for_selector("#pressroom-overlay", state="detached")
        page.wait_for_function("document.querySelector('main').innerText.includes('Fixed and back.')")
        assert page.query_selector("#pressroom-overlay") is None
    finally:
        page.close()


def test_css_change_swaps_the_stylesheet_without_reloading(browser: Any, live: Any) -> None:
    page = open_page(browser, live, ARTICLE)
    try:
        page.evaluate("window.__notReloaded = true")
        custom = live.site_dir / "themes" / "default" / "static" / "custom.css"
        custom.write_text("body { background-color: rgb(1, 2, 3); }\n")
        page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'")
        assert page.evaluate("window.__notReloaded === true")
    finally:
        page.close()


def test_page_without_head_or_body_still_updates(browser: Any, live: Any) -> None:
    bare = live.output_dir / "bare.html"
    with live.builder.lock:
        bare.write_text("<p>A fragment with no head and no body.</p>")
    page = open_page(browser, live, "/REPO/bare.html")
    try:
        with live.builder.lock:
            bare.write_text("<p>The fragment, changed.</p>")
        (live.site_dir / "content" / "second.md").write_text(
            article_text("Second release", "2024-05-02", "Touch.", "tags: [alpha, beta]\n"))
        page.wait_for_function("document.body.innerText.includes('The fragment, changed.')")
    finally:
        page.close()


def test_page_with_its_own_scripts_reloads_fully(browser: Any, live: Any) -> None:
    page = open_page(browser, live, "/REPO/search/")
    try:
        page.evaluate("window.__notReloaded = true")
        (live.site_dir / "content" / "second.md").write_text(
            article_text("Second release", "2024-05-02", "Touch again.", "tags: [alpha, beta]\n"))
        page.wait_for_function("window.__notReloaded !== true")
    finally:
        page.close()
