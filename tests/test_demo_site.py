"""The repository's own demo site (seeds/ + content/) builds cleanly and crawls clean under /REPO/,
feeds and sitemap included."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from lxml import etree

from generator.cli import main
from tests.crawl import crawl, serve_under

REPO = Path(__file__).resolve().parent.parent
BASE = "https://example.org/REPO/"


def demo_copy(tmp_path: Path) -> Path:
    site = tmp_path / "demo"
    for name in ("content", "seeds", "static"):
        shutil.copytree(REPO / name, site / name)
    shutil.copy(REPO / "pressroom.toml", site / "pressroom.toml")
    return site


def feed_links(out: Path) -> set[str]:
    """Every URL the feeds and the sitemap point at."""
    links = set()
    for feed in [out / "feed.xml", out / "rss.xml", *out.glob("tags/*/feed.xml")]:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, f"{feed} does not parse: {parsed.bozo_exception}"
        links.update(entry.link for entry in parsed.entries)
    links.update(item["url"] for item in json.loads((out / "feed.json").read_text())["items"])
    sitemap = etree.parse(str(out / "sitemap.xml"))
    links.update(loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"))
    return links


def test_demo_site_builds_and_crawls_clean_under_a_project_path(tmp_path, capsys):
    site = demo_copy(tmp_path)
    assert main(["build", "--site", str(site), "--base-url", BASE]) == 0
    assert "0 errors" in capsys.readouterr().out
    out = site / "_site"
    assert len(list((site / "content").rglob("*.md"))) >= 13, "a dozen releases of our own plus the seed"
    with serve_under(out) as start:
        reached, problems = crawl(start)
        assert problems == []
        linked = feed_links(out)
        assert all(url.startswith(BASE) for url in linked)
        local = {start + urlsplit(url).path.removeprefix("/REPO/") for url in linked}
        assert local <= reached, f"feed or sitemap links no page reaches: {sorted(local - reached)[:5]}"
    pages = {p.relative_to(out).parent.as_posix() for p in out.rglob("index.html") if "pagefind" not in p.parts}
    assert {start + ("" if p == "." else p + "/") for p in pages} <= reached
    tags = [p for p in (out / "tags").iterdir() if p.is_dir()]
    years = [p for p in out.iterdir() if p.name.isdigit()]
    assert len(tags) >= 4 and len(years) >= 2 and (out / "page/2/index.html").is_file()
