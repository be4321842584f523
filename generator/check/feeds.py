"""Feeds and sitemaps of the built site, parsed with lxml (XML) or json: what is wrong with each, and its links.

Atom (RFC 4287), RSS 2.0, JSON Feed 1.1 and sitemaps (urlset and sitemapindex) are recognised by their root;
any other XML file only has to parse.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass
class Feed:
    problems: list[str] = field(default_factory=list)   # what makes it invalid
    links: list[str] = field(default_factory=list)      # URLs it points readers at


def is_feed(rel: str) -> bool:
    """A file the check parses as a feed or sitemap: any .xml, and JSON feeds by name."""
    name = rel.rsplit("/", 1)[-1]
    return name.endswith(".xml") or name == "feed.json"


def read_feed(path: Path) -> Feed:
    feed = Feed()
    try:
        data = path.read_bytes()
    except OSError as exc:
        feed.problems.append(f"cannot read it ({exc.strerror})")
        return feed
    if path.name.endswith(".json"):
        _json_feed(data, feed)
        return feed
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        feed.problems.append(f"not well-formed XML ({exc.msg}, line {exc.lineno})")
        return feed
    reader = {f"{ATOM}feed": _atom, "rss": _rss, f"{SITEMAP}urlset": _sitemap,
              f"{SITEMAP}sitemapindex": _sitemap}.get(root.tag)
    if reader is not None:
        reader(root, feed)
    return feed


def _atom(root: etree._Element, feed: Feed) -> None:
    _require(root, feed, "feed", (f"{ATOM}id", f"{ATOM}title", f"{ATOM}updated"))
    _atom_date(root.find(f"{ATOM}updated"), feed, "feed")
    feed.links += [link.get("href", "") for link in root.findall(f"{ATOM}link")]
    for n, entry in enumerate(root.findall(f"{ATOM}entry"), 1):
        _require(entry, feed, f"entry {n}", (f"{ATOM}id", f"{ATOM}title", f"{ATOM}updated"))
        for name in ("updated", "published"):
            _atom_date(entry.find(f"{ATOM}{name}"), feed, f"entry {n}")
        feed.links += [link.get("href", "") for link in entry.findall(f"{ATOM}link")]


def _rss(root: etree._Element, feed: Feed) -> None:
    channel = root.find("channel")
    if channel is None:
        feed.problems.append("RSS without a <channel>")
        return
    _require(channel, feed, "channel", ("title", "link", "description"))
    feed.links += [item.text or "" for item in channel.findall("link")]
    for n, item in enumerate(channel.findall("item"), 1):
        if item.find("title") is None and item.find("description") is None:
            feed.problems.append(f"item {n} has neither <title> nor <description>")
        feed.links += [link.text or "" for link in item.findall("link")]
        for date in item.findall("pubDate"):
            try:
                parsedate_to_datetime(date.text or "")
            except (TypeError, ValueError):
                feed.problems.append(f"item {n}: <pubDate> '{date.text}' is not an RFC 822 date")


def _sitemap(root: etree._Element, feed: Feed) -> None:
    for n, loc in enumerate(root.iter(f"{SITEMAP}loc"), 1):
        if not (loc.text or "").strip():
            feed.problems.append(f"<loc> {n} is empty")
        feed.links.append(loc.text or "")
    for n, lastmod in enumerate(root.iter(f"{SITEMAP}lastmod"), 1):
        _atom_date(lastmod, feed, f"<lastmod> {n}")


def _json_feed(data: bytes, feed: Feed) -> None:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        feed.problems.append(f"not valid JSON ({exc})")
        return
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/"):
        feed.problems.append("not a JSON Feed (no 'version': 'https://jsonfeed.org/version/1.1')")
        return
    if not isinstance(doc.get("items"), list) or not doc.get("title"):
        feed.problems.append("a JSON Feed needs 'title' and a list of 'items'")
        return
    feed.links += [doc[key] for key in ("home_page_url", "feed_url") if isinstance(doc.get(key), str)]
    for n, item in enumerate(doc["items"], 1):
        if not isinstance(item, dict) or "id" not in item:
            feed.problems.append(f"item {n} has no 'id'")
            continue
        feed.links += [item[key] for key in ("url", "image") if isinstance(item.get(key), str)]


def _require(element: etree._Element, feed: Feed, where: str, children: tuple[str, ...]) -> None:
    for child in children:
        if element.find(child) is None:
            feed.problems.append(f"{where} has no <{child.rsplit('}', 1)[-1]}>")


def _atom_date(element: etree._Element | None, feed: Feed, where: str) -> None:
    if element is None:
        return
    try:
        datetime.fromisoformat((element.text or "").strip())
    except ValueError:
        feed.problems.append(f"{where}: '{element.text}' is not an RFC 3339 date")
