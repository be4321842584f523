"""What a reader sees, measured in Debian's headless Chromium on the demo site, in every shipped theme:

- content never touches the header or the footer (a gap of at least 16 px on every page kind, phone and desktop);
- the search page with results shown has no axe violations, light and dark, and its box has a real <label>;
- search excerpts keep a figure's title and caption apart, and give dates as the site writes them;
- at 390 px no dateline line ends or starts with a dangling "·", and an issuing office never breaks inside;
- the browser never asks for /favicon.ico (the theme declares its icon).

Skips without /usr/bin/chromium (fails on CI=true).
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
THEMES = sorted(p.name for p in (ROOT / "themes").iterdir() if (p / "templates").is_dir())
GAP = 16

GAPS_JS = """() => {
  const header = document.querySelector('body > header:last-of-type'), footer = document.querySelector('body > footer');
  const main = document.querySelector('main');
  let top = Infinity, bottom = -Infinity;
  for (const el of main.querySelectorAll('*')) {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (box.width < 2 || box.height < 2 || style.visibility === 'hidden' || el.closest('.visually-hidden, [hidden], .usa-sr-only')) continue;
    top = Math.min(top, box.top); bottom = Math.max(bottom, box.bottom);
  }
  return {top: top - header.getBoundingClientRect().bottom, bottom: footer.getBoundingClientRect().top - bottom};
}"""

DATELINE_JS = """() => {
  const problems = [];
  for (const line of document.querySelectorAll('.dateline')) {
    const items = [...line.children], first = items[0].getBoundingClientRect().left;
    const inset = (getComputedStyle(line).clipPath.match(/inset\\(([^)]*)\\)/) || [, '0'])[1].split(/\\s+/).map(parseFloat);
    const visibleLeft = line.getBoundingClientRect().left + (inset.length === 4 ? inset[3] : inset.length > 1 ? inset[1] : inset[0]);
    items.forEach((item, n) => {
      const box = item.getBoundingClientRect(), dot = getComputedStyle(item, '::before').content;
      const startsLine = n > 0 && item.offsetTop > items[n - 1].offsetTop;
      if (startsLine && Math.abs(box.left - first) > 1) problems.push('a line starts away from the edge: ' + item.textContent);
      if (startsLine && dot && dot !== 'none' && dot !== 'normal' && box.left > visibleLeft + 1)
        problems.push('a visible dot starts a line: ' + item.textContent);
      if (/^\\s*·\\s*$/.test(item.textContent)) problems.push('a separator in the text, not drawn by CSS');
      const range = document.createRange(); range.selectNodeContents(item);
      const pieces = [...range.getClientRects()].filter(r => r.width > 0);
      const oneLine = pieces.reduce((sum, r) => sum + r.width, 0);
      if (item.matches('.source, time') && new Set(pieces.map(r => Math.round(r.top))).size > 1 && oneLine < line.getBoundingClientRect().width * 0.9)
        problems.push('broken inside though it fits on a line: ' + item.textContent);
    });
  }
  return problems;
}"""


def pick(out: Path) -> dict[str, str]:
    rel = lambda p: p.parent.relative_to(out).as_posix() + "/"  # noqa: E731
    articles = sorted(out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    figure = [p for p in articles if "<figcaption" in p.read_text(encoding="utf-8")]
    tags = sorted(out.glob("tags/*/index.html"), key=lambda p: (-p.stat().st_size, p))
    return {"front": "", "front-2": "page/2/", "article": rel(figure[0]), "tag": rel(tags[0]),
            "year": rel(sorted(out.glob("[0-9][0-9][0-9][0-9]/index.html"))[-1]),
            "month": rel(sorted(out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"))[-1]),
            "tags": "tags/", "archive": "archive/", "search": "search/?q=shelter", "404": "404.html",
            **{kind: rel(found[0]) for kind, pattern in (("source", "sources/*/index.html"), ("author", "authors/*/index.html"),
                                                         ("page", "about/index.html"))
               if (found := sorted(out.glob(pattern)))}}     # the newsroom's pages, where the site has them


@pytest.fixture(scope="module", params=THEMES)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str, dict[str, str]]]:
    """(page, base URL, page kinds) for the demo site built with one theme, searchable, served under /REPO/."""
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    out = tmp_path_factory.mktemp(f"reader-{request.param}") / "site"
    config = load_config(ROOT, output=str(out), base_url="https://example.org/REPO/", theme=request.param)
    result = build(config, run_import=False)
    assert result.errors == []
    if not (out / "pagefind" / "pagefind-ui.js").is_file():
        pytest.skip("Pagefind did not index the site (pip install pagefind[bin])")
    with serve_under(out) as base, sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/favicon.ico") else None)
        yield page, base, pick(out)
        browser.close()
        assert asked == [], f"the browser asked for {asked}: declare an icon"


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="load")
    if "/search/" in url:
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
        page.wait_for_timeout(300)


def test_content_never_touches_the_header_or_the_footer(demo) -> None:
    page, base, kinds = demo
    page.emulate_media(color_scheme="light")
    tight = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, route in kinds.items():
            open_page(page, base + route)
            gaps = page.evaluate(GAPS_JS)
            if gaps["top"] < GAP or gaps["bottom"] < GAP:
                tight.append(f"{name} at {width}px: {gaps['top']:.0f} px under the header, {gaps['bottom']:.0f} px above the footer")
    assert tight == []


def test_the_gap_measure_sees_a_page_that_touches_its_header(demo) -> None:
    page, base, kinds = demo
    open_page(page, base + kinds["tag"])
    page.add_style_tag(content="main { padding-top: 0 !important; } main > :first-child, main > :first-child > :first-child,"
                               " main * { margin-top: 0 !important; padding-top: 0 !important; }")
    assert page.evaluate(GAPS_JS)["top"] < GAP


def test_search_with_results_passes_axe_in_light_and_dark(demo) -> None:
    page, base, kinds = demo
    problems = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            open_page(page, base + kinds["search"])
            assert page.locator(".pagefind-ui__result").count() >= 1
            violations = run_axe(page)
            if violations:
                problems.append(f"search ({scheme}, {width}px):\n{describe(violations)}")
    assert not problems, "\n\n".join(problems)


def test_the_search_box_has_a_label_and_results_read_well(demo) -> None:
    page, base, kinds = demo
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 900})
    open_page(page, base + kinds["search"])
    label = page.evaluate("() => { const input = document.querySelector('.pagefind-ui__search-input');"
                          " return input.labels.length ? input.labels[0].textContent.trim() : ''; }")
    assert label
    excerpt = page.locator(".pagefind-ui__result-excerpt").first.inner_text()
    assert "Check-InRed" not in excerpt and "Check-In Red Oak" in excerpt, excerpt
    dates = page.locator(".pagefind-ui__result-tag").all_inner_texts()
    assert dates and all(d.split(": ", 1)[-1][:3] in {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
                         for d in dates), dates          # "July 8, 2025", as the site writes dates
    fonts = page.evaluate("() => [getComputedStyle(document.querySelector('.pagefind-ui__result-excerpt')).fontFamily,"
                          " getComputedStyle(document.querySelector('main p, main h1')).fontFamily,"
                          " parseFloat(getComputedStyle(document.querySelector('.pagefind-ui__result-excerpt')).fontSize)]")
    assert fonts[0] == fonts[1] or "Source Sans" in fonts[0], fonts
    assert fonts[2] >= 15, "excerpts at a readable size"


def test_datelines_never_dangle_a_dot_at_phone_width(demo) -> None:
    page, base, kinds = demo
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})
    problems = []
    for name in ("front", "article", "tag", "month"):
        open_page(page, base + kinds[name])
        problems += [f"{name}: {p}" for p in page.evaluate(DATELINE_JS)]
    assert problems == []


def test_every_page_kind_passes_axe_in_a_shipped_theme(demo) -> None:
    """The default theme is audited page by page in test_accessibility.py; every other shipped theme here."""
    page, base, kinds = demo
    open_page(page, base)
    if page.evaluate("() => !document.querySelector('.usa-banner')"):
        pytest.skip("the default theme: see tests/test_accessibility.py")
    problems = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for name, route in kinds.items():
                open_page(page, base + route)
                violations = run_axe(page)
                if violations:
                    problems.append(f"{name} ({scheme}, {width}px):\n{describe(violations)}")
    assert not problems, "\n\n".join(problems)


def test_uswds_theme_has_the_banner_and_the_identifier(demo) -> None:
    page, base, kinds = demo
    page.set_viewport_size({"width": 1280, "height": 900})
    open_page(page, base + kinds["article"])
    if not page.evaluate("() => !!document.querySelector('.usa-banner')"):
        pytest.skip("not the USWDS theme")
    assert page.locator(".usa-banner").inner_text().startswith("An official website of the United States government")
    assert not page.locator(".usa-banner__content").is_visible()
    page.locator(".usa-banner__header").click()                       # "Here's how you know", without JavaScript
    assert page.locator(".usa-banner__content").is_visible()
    identifier = page.locator(".usa-identifier").inner_text()
    assert "An official website of" in identifier and "Visit USA.gov" in identifier
    sizes = page.evaluate("() => [getComputedStyle(document.body).fontSize, getComputedStyle(document.querySelector('h1')).fontWeight]")
    assert sizes == ["16.96px", "700"], sizes                         # USWDS body size md (1.06rem), bold headings
