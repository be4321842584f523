"""axe-core (vendored, tests/vendor/axe.min.js) in Debian's headless Chromium: no violations on the
demo site's front page, an article with a figure, a tag page, a year page, the archive and the tags page, in light and
dark colour schemes, at desktop and phone widths. Skips without /usr/bin/chromium, fails on CI (CI=true).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import build
from generator.config import load_config
from tests.browser import chromium_or_skip, describe, launch, run_axe
from tests.crawl import serve_under

ROOT = Path(__file__).resolve().parent.parent
SCHEMES = ("light", "dark")
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own demo site, built (without importing seeds or indexing search) into a temp folder."""
    out = tmp_path_factory.mktemp("a11y") / "site"
    result = build(load_config(ROOT, output=str(out), base_url="https://example.org/REPO/", search=False), run_import=False)
    assert result.errors == []
    return out


def audited_pages(out: Path) -> dict[str, str]:
    articles = sorted(out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    with_figure = [p for p in articles if "<figcaption" in p.read_text(encoding="utf-8")]
    assert with_figure, "the demo site needs an article with a figure"
    tags = sorted(out.glob("tags/*/index.html"), key=lambda p: (-p.stat().st_size, p))
    years = sorted(out.glob("[0-9][0-9][0-9][0-9]/index.html"))
    rel = lambda p: p.parent.relative_to(out).as_posix() + "/"  # noqa: E731
    return {"front": "", "article": rel(with_figure[0]), "tag": rel(tags[0]), "year": rel(years[-1]), "archive": "archive/",
            "tags": "tags/"}


@pytest.fixture(scope="module")
def browser_page(demo: Path) -> Iterator[tuple[object, str]]:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with serve_under(demo) as base, sync_playwright() as pw:
        browser = launch(pw)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        failed: list[str] = []
        # A navigation cancels the icon request of the page it leaves (net::ERR_ABORTED): that is not a broken link.
        page.on("requestfailed", lambda request: None if "ERR_ABORTED" in (request.failure or "") else failed.append(
            f"{request.url} ({request.failure})"))
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        yield page, base
        browser.close()
        assert failed == [], f"requests failed: {failed}"


def test_axe_finds_no_violations_in_either_colour_scheme(browser_page, demo: Path) -> None:
    page, base = browser_page
    problems = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, route in audited_pages(demo).items():
                page.goto(base + route, wait_until="load")
                violations = run_axe(page)
                if violations:
                    problems.append(f"{name} /{route} ({scheme}, {width}px):\n{describe(violations)}")
    assert not problems, "\n\n".join(problems)


def test_dark_scheme_really_changes_the_colours(browser_page) -> None:
    page, base = browser_page
    colours = {}
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        page.goto(base, wait_until="load")
        colours[scheme] = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert colours["light"] != colours["dark"], colours


def test_first_tab_shows_the_skip_link_with_a_visible_focus_ring(browser_page) -> None:
    page, base = browser_page
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(base, wait_until="load")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const el = document.activeElement, box = el.getBoundingClientRect(),
        style = getComputedStyle(el);
        return {href: el.getAttribute('href'), top: box.top, left: box.left, outline: style.outlineStyle}; }""")
    assert focused["href"] == "#main"
    assert focused["top"] >= 0 and focused["left"] >= 0, "the skip link must be on screen when focused"
    assert focused["outline"] != "none"


def test_no_page_scrolls_sideways_at_320_px(browser_page, demo: Path) -> None:
    page, base = browser_page
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 320, "height": 700})
    routes = list(audited_pages(demo).values()) + [
        p.parent.relative_to(demo).as_posix() + "/" for p in demo.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html")]
    wide = []
    for route in routes:
        page.goto(base + route, wait_until="load")
        if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"):
            wide.append(route)
    assert wide == [], "pages wider than a 320 px screen"


def test_the_axe_harness_reports_a_planted_violation(browser_page) -> None:
    """Guards against a silently broken harness: a page with known problems must fail."""
    page, _ = browser_page
    page.set_content("<!doctype html><html><body><img><p style='color:#bbb;background:#fff'>faint</p></body></html>")
    found = {v["id"] for v in run_axe(page)}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= found, found
