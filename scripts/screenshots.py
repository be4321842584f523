#!/usr/bin/env python3
"""Screenshots of the demo site for the README: every page kind (front, article with figures, tag, year, month,
archive, topics, search with results, 404, source, author, a content page) in both shipped themes, each kind once, spread over light and dark,
phone (390 px) and desktop (1280 px) so every theme shows both schemes and both widths. Few, small PNGs.

    python scripts/screenshots.py [OUT_DIR] [--site DIR] [--full-page] [--axe] [--all]

Builds the site (default: this repository, without importing seeds) into a temporary folder per theme, with
its search index, serves it on 127.0.0.1 and writes OUT_DIR/[<theme>-]<page>-<width>-<scheme>.png (default
OUT_DIR: docs/screenshots/; the default theme has no prefix). `--all` shoots every page in every combination
instead (to look at, not to commit). Uses Debian's /usr/bin/chromium through Playwright; never downloads a browser.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import build  # noqa: E402
from generator.config import load_config  # noqa: E402
from tests.browser import describe, launch, run_axe  # noqa: E402
from tests.crawl import serve_under  # noqa: E402

HEIGHTS = {390: 844, 1280: 900}
# (theme, page, width, scheme): each theme shows every page kind once, both widths and both schemes.
SHOTS = (
    ("default", "front", 1280, "light"), ("default", "article", 390, "light"), ("default", "article", 1280, "dark"),
    ("default", "tag", 390, "dark"), ("default", "month", 1280, "light"), ("default", "search", 1280, "dark"),
    ("default", "archive", 390, "light"), ("default", "year", 390, "dark"), ("default", "tags", 1280, "light"),
    ("default", "404", 390, "light"), ("default", "source", 1280, "dark"), ("default", "author", 390, "light"),
    ("default", "page", 1280, "light"),
    ("uswds", "front", 1280, "light"), ("uswds", "article", 390, "light"), ("uswds", "article", 1280, "dark"),
    ("uswds", "tag", 390, "dark"), ("uswds", "month", 1280, "dark"), ("uswds", "search", 390, "light"),
    ("uswds", "archive", 1280, "light"), ("uswds", "year", 390, "dark"), ("uswds", "tags", 390, "light"),
    ("uswds", "404", 1280, "dark"), ("uswds", "source", 390, "light"), ("uswds", "author", 1280, "dark"),
    ("uswds", "page", 390, "dark"),
)


def pick_pages(out: Path) -> dict[str, str]:
    """name -> route of the pages to shoot, found in the built site."""
    rel = lambda p: p.parent.relative_to(out).as_posix() + "/"  # noqa: E731
    articles = sorted(out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    with_figure = [p for p in articles if "<figure" in p.read_text(encoding="utf-8")]
    tags = sorted(out.glob("tags/*/index.html"), key=lambda p: (-p.stat().st_size, p))
    months = sorted(out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"), key=lambda p: (-p.stat().st_size, p))
    return {"front": "", "article": rel((with_figure or articles)[-1]), "tag": rel(tags[0]),
            "year": rel(sorted(out.glob("[0-9][0-9][0-9][0-9]/index.html"))[-1]), "month": rel(months[0]),
            "archive": "archive/", "tags": "tags/", "search": "search/?q=shelter", "404": "404.html",
            **{kind: rel(found[0]) for kind, pattern in (("source", "sources/*/index.html"), ("author", "authors/*/index.html"),
                                                         ("page", "about/index.html")) if (found := sorted(out.glob(pattern)))}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--site", type=Path, default=ROOT, help="site folder to build (default: this repository)")
    parser.add_argument("--full-page", action="store_true", help="shoot the whole page, not only the first screen")
    parser.add_argument("--axe", action="store_true", help="also run axe-core on every page shot and report violations")
    parser.add_argument("--all", action="store_true", help="every page, theme, width and scheme")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    shots = SHOTS
    if args.all:
        kinds = dict.fromkeys(page for _, page, _, _ in SHOTS)
        shots = tuple((t, p, w, s) for t in ("default", "uswds") for p in kinds for w in HEIGHTS for s in ("light", "dark"))
    failures = 0
    with tempfile.TemporaryDirectory(prefix="pressroom-shots-") as tmp, sync_playwright() as pw:
        browser = launch(pw)
        for theme in dict.fromkeys(t for t, *_ in shots):
            out = Path(tmp) / theme
            config = load_config(args.site, output=str(out), theme=theme)   # the site's own base_url and base path
            with serve_under(out, config.base_path) as base:
                result = build(config, run_import=False)
                print(theme, result.summary())
                pages = pick_pages(out)
                for _, name, width, scheme in (shot for shot in shots if shot[0] == theme and shot[1] in pages):
                    context = browser.new_context(viewport={"width": width, "height": HEIGHTS[width]}, color_scheme=scheme)
                    page = context.new_page()
                    page.goto(base + pages[name], wait_until="load")
                    if name == "search":
                        page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
                        page.evaluate("() => document.activeElement && document.activeElement.blur()")
                        page.wait_for_timeout(300)
                    prefix = "" if theme == "default" else f"{theme}-"
                    target = args.out / f"{prefix}{name}-{width}-{scheme}.png"
                    page.screenshot(path=str(target), full_page=args.full_page)
                    print(f"{target}  ({pages[name] or '/'})")
                    if args.axe:
                        violations = run_axe(page)
                        if violations:
                            failures += 1
                            print(f"axe {theme} {scheme} {width} {pages[name] or '/'}:\n{describe(violations)}")
                    context.close()
        browser.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
