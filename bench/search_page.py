"""What the search page costs a reader: requests, bytes and time to the first result, in headless Chromium.

    python bench/search_page.py SITE_OUTPUT [SITE_OUTPUT ...] --words harbour zqnothing

Serves each built site (its `_site/`) locally and, for each word, opens /search/ in a fresh browser,
types the word and waits for the first result (or "No results"); prints the requests made, the bytes
received (uncompressed, as served locally), the milliseconds from typing to results (the page may have
loaded the index before), and from opening `/search/?q=word` to results (everything, from nothing).
Local serving has no network latency: on a real host each request adds a round trip, in parallel.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import launch  # noqa: E402
from tests.crawl import serve_under  # noqa: E402


RESULTS = ".pagefind-ui__result, .pagefind-ui__message:has-text('No results')"


def measure(output: Path, word: str) -> tuple[int, int, float, float]:
    from playwright.sync_api import sync_playwright

    with serve_under(output, "/") as base, sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page()
        sizes: list[int] = []
        page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
        page.goto(base + "search/")
        page.wait_for_load_state("networkidle")
        started = time.perf_counter()
        page.locator(".pagefind-ui__search-input").fill(word)
        page.wait_for_selector(RESULTS, timeout=60_000)
        page.wait_for_load_state("networkidle")
        seconds = time.perf_counter() - started
        fresh = browser.new_page()
        started = time.perf_counter()
        fresh.goto(base + f"search/?q={word}")
        fresh.wait_for_selector(RESULTS, timeout=60_000)
        opened = time.perf_counter() - started
        browser.close()
    return len(sizes), sum(sizes), seconds, opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outputs", type=Path, nargs="+")
    parser.add_argument("--words", nargs="+", default=["harbour", "zqnothing"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for output in args.outputs:
        for word in args.words:
            runs = [measure(output, word) for _ in range(args.rounds)]
            print(f"{output}  '{word}': {runs[0][0]} requests, {runs[0][1] / 1024:.0f} KB, "
                  f"{statistics.median(r[2] for r in runs) * 1000:.0f} ms from typing to results, "
                  f"{statistics.median(r[3] for r in runs) * 1000:.0f} ms from opening ?q= (medians of {args.rounds})")


if __name__ == "__main__":
    main()
