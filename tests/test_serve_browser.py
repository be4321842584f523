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
        page.evaluate("window.__notReloaded = true")
        source = live.site_dir / "content" / "first.md"
        source.write_text("---\ntitle: [unclosed\ndate: 2024-05-01\n---\nBroken.\n")
        overlay = page.wait_for_selector("#pressroom-overlay pre")
        assert "content/first.md" in overlay.inner_text()
        # the build took this article away: the overlay sits over the last good page, not over a 404
        assert "Original body text." in page.inner_text("main") and page.evaluate("window.__notReloaded === true")
        # a page opened while the error stands shows it too
        other = open_page(browser, live, "/REPO/")
        try:
            assert "content/first.md" in other.wait_for_selector("#pressroom-overlay pre").inner_text()
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


# A theme at its worst for the overlay: near-white text on white (issue 16's `pre`), tiny type, hidden boxes.
HOSTILE_CSS = """
:root { --hostile: 1; }
* { color: #fdfdfd; background-color: #ffffff; font-family: serif; font-size: 7px; letter-spacing: 3px; }
pre { color: #fafafa; background: #fff; font-size: 6px; }
div, span, button { display: none; opacity: .2; }
[role=alert] { visibility: hidden; }
body > * { position: static; z-index: 0; }
@media (prefers-color-scheme: dark) { * { color: #111; background-color: #000; } pre { color: #0a0a0a; } }
"""

# The lowest text contrast inside the overlay (WCAG 2 ratio of each text element against the first opaque
# background behind it), and whether the overlay is what sits at its own centre.
MEASURE = """() => {
    const host = document.getElementById('pressroom-overlay');
    const root = host.shadowRoot;
    const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
        .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const background = (el) => {
        for (let node = el; node; node = node.parentNode === root ? host : node.parentElement) {
            const [r, g, b, a = 1] = rgba(getComputedStyle(node).backgroundColor);
            if (a >= 1) return [r, g, b];
            if (node === host) break;
        }
        return null;
    };
    const texts = [...root.querySelectorAll('*')].filter(el => el.localName !== 'style' &&
        [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
    const ratios = texts.map(el => {
        const fg = lum(rgba(getComputedStyle(el).color)), bg = background(el);
        if (!bg) return 0;
        const [hi, lo] = [Math.max(fg, lum(bg)), Math.min(fg, lum(bg))];
        return (hi + 0.05) / (lo + 0.05);
    });
    const box = root.querySelector('[role=alert]').getBoundingClientRect();
    const onTop = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === host;
    return {min: Math.min(...ratios), count: texts.length, onTop, height: box.height,
            size: parseFloat(getComputedStyle(root.querySelector('pre')).fontSize),
            text: root.querySelector('pre').innerText};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_overlay_is_readable_whatever_the_theme_in_both_schemes(browser: Any, live: Any, scheme: str) -> None:
    custom = live.site_dir / "themes" / "default" / "static" / "custom.css"
    custom.write_text(HOSTILE_CSS)
    page = browser.new_page(color_scheme=scheme)
    page.set_default_timeout(10_000)
    try:
        connected = len(live.hub)
        page.goto(f"http://127.0.0.1:{live.port}{ARTICLE}")
        wait_for(lambda: len(live.hub) > connected, 10)
        page.wait_for_function("getComputedStyle(document.documentElement).getPropertyValue('--hostile').trim() === '1'")
        (live.site_dir / "content" / "first.md").write_text("---\ntitle: [unclosed\ndate: 2024-05-01\n---\nBroken.\n")
        page.wait_for_selector("#pressroom-overlay pre")
        found = page.evaluate(MEASURE)
        assert "content/first.md" in found["text"]
        assert found["count"] >= 2 and found["min"] >= 4.5, found
        assert found["onTop"] and found["height"] > 20 and found["size"] >= 12, found
        assert "Original body text." in page.text_content("main")         # over the last good page
    finally:
        page.close()
