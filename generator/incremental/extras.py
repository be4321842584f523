"""Feeds, sitemap and the other site-wide files, in groups that each carry their own dependency key.

Same files and bytes as `build.extra_files`; the byte-identity tests compare the two. Editing one
release re-makes only the feeds that list it (the site feeds when it is among the newest, the
feeds of its tags); the sitemap depends only on routes, dates and tags, never on bodies.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from .. import feeds
from ..cache import digest
from ..config import Config
from ..model import Listing, Site
from ..urls import Urls
from .deps import Keys

Group = tuple[bytes, Callable[[], Iterable[tuple[str, bytes]]]]    # (key, make the files)


def extra_groups(site: Site, config: Config, page_routes: list[str], keys: Keys,
                 groups_of: dict[tuple[str, str], list[Listing]] | None = None) -> list[Group]:
    urls = Urls.from_config(config)
    n = config.feed_entries
    base = keys.global_key.encode()
    aid = keys.aid
    newest = site.articles[:n]
    groups: list[Group] = [(digest(b"nojekyll"), lambda: [(".nojekyll", b"")])]
    groups_of = groups_of or {}

    def site_feeds() -> list[tuple[str, bytes]]:
        return [("feed.xml", feeds.atom(config, urls, newest, title=config.title, route="", feed_route="feed.xml")),
                ("rss.xml", feeds.rss(config, urls, newest)),
                ("feed.json", feeds.json_feed(config, urls, newest))]

    groups.append((digest(b"\0".join([b"feeds", base, *(aid[id(a)] for a in newest)])), site_feeds))
    for slug, (name, articles) in tag_newest(site, groups_of, n).items():
        def tag_feed(slug: str = slug, name: str = name, articles: list = articles) -> list[tuple[str, bytes]]:
            route = Urls.tag(slug)
            return [(route + "feed.xml", feeds.atom(config, urls, articles, title=f"{name} · {config.title}",
                                                    route=route, feed_route=route + "feed.xml"))]
        groups.append((digest(b"\0".join([b"tag", base, slug.encode(), name.encode(),
                                          *(aid[id(a)] for a in articles)])), tag_feed))
    groups.append((sitemap_key(site, page_routes, keys), lambda: list(feeds.sitemap_files(site, urls, page_routes))))

    def rest() -> list[tuple[str, bytes]]:
        files = [("robots.txt", feeds.robots(urls))]
        if config.cname.strip():
            files.append(("CNAME", (feeds.cname_host(config.cname) + "\n").encode("ascii", "ignore")))
        return files

    groups.append((digest(b"rest\0" + base), rest))
    return groups


def tag_newest(site: Site, groups: dict[tuple[str, str], list[Listing]], limit: int) -> dict[str, tuple[str, list]]:
    """`feeds.tag_articles`, read off the first pages of each tag's listing instead of every article."""
    found: dict[str, tuple[str, list]] = {}
    for item in site.tags:
        pages = groups.get(("tag", item.tag.slug))
        if pages is None:
            return feeds.tag_articles(site, limit)
        members: list = []
        for page in pages:
            members.extend(page.articles[: limit - len(members)])
            if len(members) >= limit:
                break
        found[item.tag.slug] = (item.tag.name, members)
    return found


def sitemap_key(site: Site, page_routes: list[str], keys: Keys) -> bytes:
    """Every route, and each article's route, dates and tags in site order (which fix every listing's date)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(keys.global_key.encode())
    memo, aid = keys.meta, keys.aid
    for article in site.articles:
        a = aid[id(article)]
        meta = memo.get(a)
        if meta is None:
            meta = memo[a] = digest(repr((article.route, article.date.isoformat(), article.updated.isoformat(),
                                          [t.slug for t in article.tags])).encode())
        h.update(meta)
    h.update("\0".join(page_routes).encode())
    return h.digest()
