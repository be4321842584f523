"""Feeds, sitemap, robots.txt and CNAME, read back the way subscribers and crawlers read them."""
from __future__ import annotations

import json
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from lxml import etree

BASE = "https://example.org/REPO/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

# name, title, date, tags: newest last; distinct dates so the order is unambiguous
RELEASES = [
    ("a", "Budget approved", "2023-03-01", ["Finance"]),
    ("b", "New harbour opens", "2023-07-15", ["Transport", "Ports"]),
    ("c", "Rail strike ends", "2023-11-02", ["Transport"]),
    ("d", "Bond issue priced", "2024-01-20", ["Finance"]),
    ("e", "Ferry timetable", "2024-02-10", ["transport"]),       # merges with 'Transport'
    ("f", "Annual report", "2024-05-05", ["Finance", "Reports"]),
    ("g", "Airport expansion", "2024-09-30", ["Transport"]),
]


def newest_first(tag: str | None = None) -> list[str]:
    chosen = [r for r in RELEASES if tag is None or tag in [t.lower() for t in r[3]]]
    return [title for _, title, _, _ in sorted(chosen, key=lambda r: r[2], reverse=True)]


def local_file(out: Path, url: str) -> Path:
    """The built file an absolute site URL points at; fails if it is outside /REPO/ or missing."""
    assert url.startswith(BASE), f"{url} is not under {BASE}"
    rel = url[len(BASE):].split("#", 1)[0]
    path = out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
    assert path.is_file(), f"{url} does not resolve to a file in the built site"
    return path


@pytest.fixture
def built(site):
    site.config('title = "Harbour City"\nfeed_entries = 5\nper_page = 2\nauthor = "Press Office"\n')
    for name, title, date, tags in RELEASES:
        site.article(name, title, date, body=f"Full text of {title}.\n\nSecond paragraph.", tags=json.dumps(tags))
    result = site.build(search=False)
    assert not result.errors, result.errors
    return site


def parse_feed(path: Path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, f"{path.name}: {feed.get('bozo_exception')}"
    return feed


def test_atom_feed_has_the_newest_entries_in_order_with_links_that_resolve(built):
    feed = parse_feed(built.out / "feed.xml")
    assert feed.version == "atom10"
    assert feed.feed.title == "Harbour City"
    assert [e.title for e in feed.entries] == newest_first()[:5]
    for entry in feed.entries:
        assert local_file(built.out, entry.link).read_text().count(entry.title) >= 1
        assert entry.id.startswith("tag:example.org,")
        assert "Full text of" in entry.content[0].value
        assert entry.published_parsed and entry.updated_parsed
    assert len({e.id for e in feed.entries}) == 5
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == BASE + "feed.xml"
    local_file(built.out, feed.feed.link)


def test_rss_feed_reads_back_the_same_entries(built):
    feed = parse_feed(built.out / "rss.xml")
    assert feed.version == "rss20"
    assert [e.title for e in feed.entries] == newest_first()[:5]
    atom_ids = [e.id for e in parse_feed(built.out / "feed.xml").entries]
    assert [e.id for e in feed.entries] == atom_ids
    for entry in feed.entries:
        local_file(built.out, entry.link)
        assert entry.published_parsed


def test_json_feed_has_the_required_fields(built):
    feed = json.loads((built.out / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Harbour City"
    assert feed["feed_url"] == BASE + "feed.json"
    local_file(built.out, feed["home_page_url"])
    assert [item["title"] for item in feed["items"]] == newest_first()[:5]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")
        local_file(built.out, item["url"])
        datetime.fromisoformat(item["date_published"])


def test_every_tag_has_an_atom_feed_of_exactly_its_articles(built):
    tag_dirs = sorted(p for p in (built.out / "tags").iterdir() if p.is_dir() and p.name != "page")
    assert {p.name for p in tag_dirs} == {"finance", "transport", "ports", "reports"}
    for tag_dir in tag_dirs:
        feed = parse_feed(tag_dir / "feed.xml")
        assert [e.title for e in feed.entries] == newest_first(tag_dir.name)[:5], tag_dir.name
        for entry in feed.entries:
            local_file(built.out, entry.link)
        assert f'href="/REPO/tags/{tag_dir.name}/feed.xml"' in (tag_dir / "index.html").read_text()


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.found.setdefault(attrs["type"], attrs["href"])


@pytest.mark.parametrize("route", ["", "2024/09/airport-expansion/", "tags/", "archive/", "search/"])
def test_every_page_advertises_the_three_site_feeds(built, route):
    parser = _Alternates()
    parser.feed(built.html(route))
    assert parser.found == {"application/atom+xml": "/REPO/feed.xml", "application/rss+xml": "/REPO/rss.xml",
                            "application/feed+json": "/REPO/feed.json"}


def test_summary_only_feeds_when_full_content_is_off(site):
    site.config("feed_full_content = false\n")
    site.article("one", "Only one", "2024-01-01", body="The summary paragraph.\n\nThe secret second paragraph.")
    site.build(search=False)
    atom = parse_feed(site.out / "feed.xml")
    assert "content" not in atom.entries[0]
    assert atom.entries[0].summary == "The summary paragraph."
    item = json.loads((site.out / "feed.json").read_text())["items"][0]
    assert "content_html" not in item and item["content_text"] == "The summary paragraph."
    assert b"secret" not in (site.out / "rss.xml").read_bytes()


def test_entry_ids_stay_the_same_when_the_permalink_pattern_changes(site):
    site.article("one", "Stable id", "2024-03-04")
    site.build(search=False)
    first = parse_feed(site.out / "feed.xml").entries[0]
    site.config('permalink = "/news/{slug}/"\n')
    site.build(search=False)
    second = parse_feed(site.out / "feed.xml").entries[0]
    assert first.link != second.link
    assert first.id == second.id


def test_hostile_titles_and_bodies_stay_escaped_and_every_feed_parses(site):
    hostile = 'Alert <script>alert(1)</script> & "quotes" ]]> done'
    site.article("bad", hostile, "2024-06-01", body="Body with ]]> and <em>markup</em> & \x0b a control char.",
                 tags='["<b>Tag</b> & co"]')
    result = site.build(search=False)
    assert not result.errors, result.errors
    for name in ("feed.xml", "rss.xml", "tags/b-tag-b-co/feed.xml"):
        raw = (site.out / name).read_bytes()
        assert b"<script>" not in raw, name
        assert parse_feed(site.out / name).entries[0].title == hostile, name
    item = json.loads((site.out / "feed.json").read_text(encoding="utf-8"))["items"][0]
    assert item["title"] == hostile
    etree.fromstring((site.out / "sitemap.xml").read_bytes())


def html_pages(out: Path) -> set[str]:
    """Absolute URL of every HTML page on disk, as a crawler would see it."""
    urls = set()
    for path in out.rglob("*.html"):
        rel = path.relative_to(out).as_posix()
        if rel == "404.html" or rel.startswith("pagefind/"):
            continue
        urls.add(BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return urls


def test_sitemap_lists_every_html_page_exactly_with_lastmod(built):
    tree = etree.fromstring((built.out / "sitemap.xml").read_bytes())
    entries = {u.findtext("s:loc", namespaces=SITEMAP_NS): u.findtext("s:lastmod", namespaces=SITEMAP_NS)
               for u in tree.findall("s:url", SITEMAP_NS)}
    assert len(entries) == len(tree.findall("s:url", SITEMAP_NS)), "a page is listed twice"
    assert set(entries) == html_pages(built.out)
    for loc, lastmod in entries.items():
        local_file(built.out, loc)
        assert datetime.fromisoformat(lastmod).tzinfo is not None, loc
    assert entries[BASE + "2024/09/airport-expansion/"].startswith("2024-09-30")
    assert entries[BASE + "tags/finance/"].startswith("2024-05-05")     # its newest article
    assert entries[BASE].startswith("2024-09-30")


def test_robots_txt_points_to_the_absolute_sitemap(built):
    robots = (built.out / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()
    assert "User-agent: *" in robots
    assert not (built.out / "CNAME").exists()


def test_cname_comes_from_config(site):
    site.config('cname = "news.example.org"\n')
    site.article("one", "One", "2024-01-01")
    site.build(search=False)
    assert (site.out / "CNAME").read_text() == "news.example.org\n"


def test_feeds_of_an_empty_site_still_parse(site):
    result = site.build(search=False)
    assert not result.errors
    for name in ("feed.xml", "rss.xml"):
        assert parse_feed(site.out / name).entries == []
    assert json.loads((site.out / "feed.json").read_text())["items"] == []
    assert {loc.text for loc in etree.fromstring((site.out / "sitemap.xml").read_bytes()).iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")} == html_pages(site.out)
