#!/usr/bin/env python3
"""Screenshots of the demo site: front page, an article with a figure, a tag, a year and the archive,
at phone (390 px) and desktop (1280 px) widths, in light and dark colour schemes.

    python scripts/screenshots.py [OUT_DIR] [--site DIR] [--full-page] [--axe]

Builds the site (default: this repository, without importing seeds) into a temporary folder, serves it on
127.0.0.1 and writes OUT_DIR/<page>-<width>-<scheme>.png (default OUT_DIR: docs/screenshots/). Uses
Debian's /usr/bin/chromium through Playwright; it never downloads a browser.
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

WIDTHS = {390: 844, 1280: 900}
SCHEMES = ("light", "dark")


def pick_pages(out: Path) -> dict[str, str]:
    """name -> route of the pages to shoot, found in the built site."""
    pages = {"front": ""}
    articles = sorted(p for p in out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    with_figure = [p for p in articles if "<figure" in p.read_text(encoding="utf-8")]
    if with_figure or articles:
        pages["article"] = (with_figure or articles)[-1].parent.relative_to(out).as_posix() + "/"
    tags = sorted((p for p in out.glob("tags/*/index.html")), key=lambda p: -p.stat().st_size)
    if tags:
        pages["tag"] = tags[0].parent.relative_to(out).as_posix() + "/"
    years = sorted(out.glob("[0-9][0-9][0-9][0-9]/index.html"))
    if years:
        pages["year"] = years[-1].parent.relative_to(out).as_posix() + "/"
    pages["archive"] = "archive/"
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--site", type=Path, default=ROOT, help="site folder to build (default: this repository)")
    parser.add_argument("--full-page", action="store_true", help="shoot the whole page, not only the first screen")
    parser.add_argument("--axe", action="store_true", help="also run axe-core on every page and report violations")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="pressroom-shots-") as tmp:
        out = Path(tmp) / "site"
        config = load_config(args.site, output=str(out), base_url="https://example.org/")
        result = build(config, run_import=False)
        print(result.summary())
        pages = pick_pages(out)
        with serve_under(out, "/") as base, sync_playwright() as pw:
            browser = launch(pw)
            for scheme in SCHEMES:
                for width, height in WIDTHS.items():
                    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                    page = context.new_page()
                    for name, route in pages.items():
                        page.goto(base + route, wait_until="load")
                        target = args.out / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(target), full_page=args.full_page)
                        print(f"{target}  ({route or '/'})")
                        if args.axe and width == 1280:
                            violations = run_axe(page)
                            if violations:
                                failures += 1
                                print(f"axe {scheme} {route or '/'}:\n{describe(violations)}")
                    context.close()
            browser.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
