"""Lighthouse (npm `lighthouse`, driving Debian's /usr/bin/chromium): 100 in performance, accessibility, best
practices and SEO on the front page, an article, a tag page, a month page and search with results, for the demo
site at a domain root and under /REPO/, in every shipped theme.

Skips when the `lighthouse` command is not installed (`npm install -g lighthouse`, or set PRESSROOM_LIGHTHOUSE
to its path) or Chromium is missing; under CI=true a missing tool fails. Slow: about 10 s a page.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import build
from generator.config import load_config
from tests.browser import CHROMIUM, chromium_or_skip, in_ci
from tests.crawl import serve_under

ROOT = Path(__file__).resolve().parent.parent
THEMES = sorted(p.name for p in (ROOT / "themes").iterdir() if (p / "templates").is_dir())
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse_or_skip() -> str:
    found = os.environ.get("PRESSROOM_LIGHTHOUSE") or shutil.which("lighthouse")
    if not found:
        reason = "npm lighthouse is not installed (npm install -g lighthouse, or set PRESSROOM_LIGHTHOUSE)"
        if in_ci():
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return found


def scores(lighthouse: str, url: str) -> tuple[dict[str, float], list[str]]:
    """Category scores of one page, and the audits that lost points."""
    run = subprocess.run(
        [lighthouse, url, "--quiet", "--output=json", "--output-path=stdout", f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        capture_output=True, text=True, timeout=180, env={**os.environ, "CHROME_PATH": CHROMIUM})
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    categories = {name: report["categories"][name]["score"] for name in CATEGORIES}
    lost = sorted({ref["id"] for category in report["categories"].values() for ref in category["auditRefs"]
                   if ref["weight"] > 0 and _score(report["audits"][ref["id"]]) < 1})
    return categories, lost


def _score(audit: dict) -> float:
    """An audit's score; one with none (not applicable, informative) loses no points. (`score or 1` counted a
    failed audit, score 0, as passed, so the message never named it.)"""
    score = audit.get("score")
    return 1.0 if score is None else float(score)


@pytest.mark.parametrize("prefix", ["/", "/REPO/"])
@pytest.mark.parametrize("theme", THEMES)
def test_lighthouse_scores_100_in_every_category(theme: str, prefix: str, tmp_path: Path) -> None:
    chromium_or_skip()
    lighthouse = lighthouse_or_skip()
    out = tmp_path / "site"
    with serve_under(out, prefix) as base:
        config = load_config(ROOT, output=str(out), base_url=base, theme=theme)   # canonical URLs on this server
        result = build(config, run_import=False)
        assert result.errors == []
        article = next(p for p in sorted(out.glob("[0-9]*/[0-9]*/*/index.html")) if "<figure" in p.read_text(encoding="utf-8"))
        month = sorted(out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"))[-1]
        tag = sorted(out.glob("tags/*/index.html"), key=lambda p: -p.stat().st_size)[0]
        rel = lambda p: p.parent.relative_to(out).as_posix() + "/"  # noqa: E731
        pages = {"front": "", "article": rel(article), "tag": rel(tag), "month": rel(month), "search": "search/?q=shelter"}
        below = []
        for name, route in pages.items():
            found, lost = scores(lighthouse, base + route)
            if any(score != 1 for score in found.values()):
                below.append(f"{name} ({theme}, {prefix}): {found}, lost points on {lost}")
    assert below == []
