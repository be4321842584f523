"""Site -> feeds and discovery files: Atom (site and every tag), RSS 2.0, JSON Feed 1.1,
sitemap.xml, robots.txt and an optional CNAME, in groups that each carry a dependency key.

A cold build makes every group; a warm one makes only those whose key moved: editing one
release re-makes the feeds that list it (the site feeds when it is among the newest, the
feeds of its tags); the sitemap depends only on routes, dates and tags, never on bodies.

Every file is built as data and serialised by `xml.etree` or `json`, never by pasting
strings, so a title like `<script>`, `&` or `]]>` stays text and every feed parses.
URLs are absolute, from `base_url`; entry ids are tag: URIs that survive a change of
the permalink pattern.
"""
from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape        # &, < and >, as XML text needs (xml.sax.saxutils pulled in urllib.request, ssl: ~11 ms)
from operator import attrgetter
from urllib.parse import urlsplit

from .cache import digest
from .config import Config
from .content import Article
from .model import Listing, Site
from .urls import Urls

Files = list[tuple[str, bytes]]
Group = tuple[bytes, Callable[[], Files]]      # (dependency key, make the group's files)
Ident = Callable[[Article], bytes]             # an article's identity for keys: hash of its path and bytes

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
SITEMAP_LIMIT = 50_000            # URLs per sitemap file (sitemaps.org)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
GENERATOR = "Pressroom"
NOT_IN_SITEMAP = {"404.html"}
# Characters XML 1.0 forbids; a stray one from a pasted release would make a feed unreadable.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


def feed_groups(site: Site, config: Config, page_routes: Sequence[str], ident: Ident, salt: bytes,
                tag_pages: Mapping[tuple[str, str], Sequence[Listing]], memo: dict[bytes, bytes]) -> list[Group]:
    """Every feed and discovery file, grouped, each group with the key of everything its bytes depend on.

    `salt` covers config, templates and code; `tag_pages` are the model's listings by (kind, key);
    `memo` keeps each article's sitemap key between builds."""
    urls = Urls.from_config(config)
    newest = site.articles[: config.feed_entries]
    groups: list[Group] = [(digest(b"nojekyll"), lambda: [(".nojekyll", b"")])]

    def site_feeds() -> Files:
        return [("feed.xml", atom(config, urls, newest, title=config.title, route="", feed_route="feed.xml")),
                ("rss.xml", rss(config, urls, newest)),
                ("feed.json", json_feed(config, urls, newest))]

    groups.append((digest(b"\0".join([b"feeds", salt, *map(ident, newest)])), site_feeds))
    for route, (name, articles) in term_newest(tag_pages, config.feed_entries).items():
        def term_feed(route: str = route, name: str = name, articles: list[Article] = articles) -> Files:
            return [(route + "feed.xml", atom(config, urls, articles, title=f"{name} · {config.title}",
                                              route=route, feed_route=route + "feed.xml"))]
        groups.append((digest(b"\0".join([b"term", salt, route.encode(), name.encode(), *map(ident, articles)])),
                       term_feed))
    groups.append((sitemap_key(site, page_routes, ident, salt, memo), lambda: list(sitemap_files(site, urls, page_routes))))

    def rest() -> Files:
        files = [("robots.txt", robots(urls))]
        if config.cname.strip():
            files.append(("CNAME", (cname_host(config.cname) + "\n").encode("ascii", "ignore")))
        return files

    groups.append((digest(b"rest\0" + salt), rest))
    return groups


FEED_KINDS = ("tag", "source", "author")     # listings that have their own Atom feed


def term_newest(listings: Mapping[tuple[str, str], Sequence[Listing]], limit: int) -> dict[str, tuple[str, list[Article]]]:
    """Listing route -> (name, its newest `limit` articles) for every topic, issuing office and author, read off
    the first pages of its listing."""
    found: dict[str, tuple[str, list[Article]]] = {}
    for (kind, _key), pages in listings.items():
        if kind not in FEED_KINDS or not pages:
            continue
        members: list[Article] = []
        for page in pages:
            members.extend(page.articles[: limit - len(members)])
            if len(members) >= limit:
                break
        found[pages[0].pager.routes[0]] = (pages[0].title, members)
    return found


def sitemap_key(site: Site, page_routes: Sequence[str], ident: Ident, salt: bytes, memo: dict[bytes, bytes]) -> bytes:
    """Every route, and each article's route, dates and tags in site order (which fix every listing's date)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(salt)
    for article in site.articles:
        key = ident(article)
        meta = memo.get(key)
        if meta is None:
            meta = memo[key] = digest(repr((article.route, article.date.isoformat(), article.updated.isoformat(),
                                            [t.slug for t in article.tags])).encode())
        h.update(meta)
    h.update("\0".join(page_routes).encode())
    return h.digest()


def entry_id(urls: Urls, article: Article) -> str:
    """RFC 4151 tag URI: host, publication date and slug; stable when the permalink pattern changes."""
    parts = urlsplit(urls.base_url)
    host = parts.hostname or "localhost"
    return f"tag:{host},{article.date.date().isoformat()}:{parts.path.rstrip('/')}/{article.slug}"


def updated_of(articles: Iterable[Article]) -> datetime:
    return max((a.updated for a in articles), default=EPOCH)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_"): clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def atom(config: Config, urls: Urls, articles: list[Article] | tuple[Article, ...], *, title: str, route: str,
         feed_route: str) -> bytes:
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": config.language})
    _sub(feed, "id", urls.absolute_url(feed_route))
    _sub(feed, "title", title)
    if config.description:
        _sub(feed, "subtitle", config.description)
    _sub(feed, "updated", _iso(updated_of(articles)))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=urls.absolute_url(feed_route))
    _sub(feed, "link", rel="alternate", type="text/html", href=urls.absolute_url(route))
    author = _sub(feed, "author")
    _sub(author, "name", config.author or config.title)
    _sub(feed, "generator", GENERATOR)
    for article in articles:
        link = urls.absolute_url(article.route)
        entry = ET.SubElement(feed, "entry")
        _sub(entry, "id", entry_id(urls, article))
        _sub(entry, "title", article.title, type="text")
        _sub(entry, "link", rel="alternate", type="text/html", href=link)
        _sub(entry, "published", _iso(article.date))
        _sub(entry, "updated", _iso(article.updated))
        for name in article.authors:
            _sub(_sub(entry, "author"), "name", name)
        for tag in article.tags:
            _sub(entry, "category", term=tag.slug, label=tag.name, scheme=urls.absolute_url(Urls.tag(tag.slug)))
        if article.summary:
            _sub(entry, "summary", article.summary, type="text")
        if config.feed_full_content:
            _sub(entry, "content", article.html, type="html", **{"xml:base": link})
    return _xml(feed)


def rss(config: Config, urls: Urls, articles: list[Article] | tuple[Article, ...]) -> bytes:
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS})
    channel = ET.SubElement(root, "channel")
    _sub(channel, "title", config.title)
    _sub(channel, "link", urls.absolute_url(""))
    _sub(channel, "description", config.description or config.title)
    _sub(channel, "language", config.language)
    _sub(channel, "generator", GENERATOR)
    _sub(channel, "lastBuildDate", format_datetime(updated_of(articles)))
    _sub(channel, "atom:link", rel="self", type="application/rss+xml", href=urls.absolute_url("rss.xml"))
    for article in articles:
        item = ET.SubElement(channel, "item")
        _sub(item, "title", article.title)
        _sub(item, "link", urls.absolute_url(article.route))
        _sub(item, "guid", entry_id(urls, article), isPermaLink="false")
        _sub(item, "pubDate", format_datetime(article.date))
        for name in article.authors:
            _sub(item, "dc:creator", name)
        for tag in article.tags:
            _sub(item, "category", tag.name, domain=urls.absolute_url(Urls.tag(tag.slug)))
        _sub(item, "description", article.html if config.feed_full_content else article.summary)
    return _xml(root)


def json_feed(config: Config, urls: Urls, articles: list[Article] | tuple[Article, ...]) -> bytes:
    feed: dict = {
        "version": JSON_FEED_VERSION,
        "title": config.title,
        "home_page_url": urls.absolute_url(""),
        "feed_url": urls.absolute_url("feed.json"),
        "description": config.description,
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": [],
    }
    for article in articles:
        item: dict = {
            "id": entry_id(urls, article),
            "url": urls.absolute_url(article.route),
            "title": article.title,
            "date_published": _iso(article.date),
            "date_modified": _iso(article.updated),
        }
        if config.feed_full_content:
            item["content_html"] = article.html
        else:
            item["content_text"] = article.summary
        if article.summary:
            item["summary"] = article.summary
        if article.authors:
            item["authors"] = [{"name": name} for name in article.authors]
        if article.tags:
            item["tags"] = [tag.name for tag in article.tags]
        if article.image:
            item["image"] = article.image if "://" in article.image else urls.absolute_url(article.image.lstrip("/"))
        feed["items"].append(item)
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def page_dates(site: Site) -> dict[str, datetime]:
    """Last modification of every generated page we know: an article's, or the newest of a list's."""
    dates = {article.route: article.updated for article in site.articles}
    updated = attrgetter("updated")
    for listing in site.listings:
        dates[listing.route] = max(map(updated, listing.articles), default=EPOCH)
    return dates


def sitemap_files(site: Site, urls: Urls, page_routes: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """sitemap.xml listing every HTML page (a sitemap index past 50,000 pages)."""
    dates, newest = page_dates(site), updated_of(site.articles)
    routes = [route for route in page_routes if route not in NOT_IN_SITEMAP]
    chunks = [routes[i: i + SITEMAP_LIMIT] for i in range(0, len(routes), SITEMAP_LIMIT)] or [[]]
    if len(chunks) == 1:
        yield "sitemap.xml", _urlset(urls, chunks[0], dates, newest)
        return
    index = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for number, chunk in enumerate(chunks, 1):
        name = f"sitemap-{number}.xml"
        yield name, _urlset(urls, chunk, dates, newest)
        entry = ET.SubElement(index, "sitemap")
        _sub(entry, "loc", urls.absolute_url(name))
        _sub(entry, "lastmod", _iso(max((dates.get(r, newest) for r in chunk), default=newest)))
    yield "sitemap.xml", _xml(index)


def _urlset(urls: Urls, routes: list[str], dates: dict[str, datetime], newest: datetime) -> bytes:
    """The bytes ElementTree wrote (indented by one space), written as text: ElementTree took ~0.3 s for the 17,000
    URLs of a 10,000-release site, and a new release or a changed URL writes the sitemap again."""
    if not routes:
        return _xml(ET.Element("urlset", {"xmlns": SITEMAP_NS}))
    iso: dict[datetime, str] = {}      # a list page has the date of one of its releases: each formatted once
    lastmods = [iso.get(moment) or iso.setdefault(moment, _iso(moment)) for moment in
                (dates.get(route, newest) for route in routes)]
    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="{SITEMAP_NS}">']
    parts += [f"\n <url>\n  <loc>{loc}</loc>\n  <lastmod>{lastmod}</lastmod>\n </url>"
              for loc, lastmod in zip(_locs(urls, routes), lastmods)]
    parts.append("\n</urlset>\n")
    return "".join(parts).encode("utf-8")


def _locs(urls: Urls, routes: list[str]) -> list[str]:
    """Each route's absolute URL, cleaned and escaped for XML: all of them in one pass over one string (a route
    with a line break in it, should there be one, sends them one by one)."""
    base = urls.absolute_url("")
    locs = escape(clean("\n".join(base + route for route in routes)), quote=False).split("\n")
    if len(locs) != len(routes):
        locs = [escape(clean(base + route), quote=False) for route in routes]
    return locs


def robots(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute_url('sitemap.xml')}\n".encode("utf-8")


def cname_host(value: str) -> str:
    """'https://news.example.org/' or 'news.example.org' -> 'news.example.org'."""
    value = value.strip()
    return (urlsplit(value).hostname or "") if "://" in value else value.strip("/").lower()
