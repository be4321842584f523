"""The site model kept up to date article by article: equal to `model.build_site` at every step.

A change regroups only the listings it touches (home, its tags, year, month) and recomputes
newer/older/related links only near it; the pages whose inputs moved are reported dirty.
"""
from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from ..content import Article
from ..model import RELATED_COUNT, RELATED_WINDOW, Listing, Neighbours, Site, build_site, group_articles


class Model:
    """The site model, kept up to date article by article; equal to `model.build_site` at every step."""

    def __init__(self, per_page: int) -> None:
        self.per_page = per_page
        self.site: Site = build_site([], per_page)
        self.groups: dict[tuple[str, str], list[Listing]] = {}

    def full(self, articles: list[Article]) -> Site:
        self.site = build_site(articles, self.per_page)
        self.groups = defaultdict(list)
        for listing in self.site.listings:
            self.groups[(listing.kind, listing.key)].append(listing)
        self.groups = dict(self.groups)
        return self.site

    def update(self, articles: list[Article], removed: list[Article], added: list[Article]) -> tuple[Site, set[str], set[str]]:
        """New site after `removed` went and `added` came; returns (site, article routes, listing routes) to re-render."""
        per_page = self.per_page
        grouped = group_articles(articles)
        ordered, by_tag = grouped.ordered, grouped.by_tag

        touched = removed + added
        affected: set[tuple[str, str]] = {("home", "")}
        for article in touched:
            affected.update(("tag", t.slug) for t in article.tags)
            affected.add(("year", f"{article.date.year:04d}"))
            affected.add(("month", f"{article.date.year:04d}/{article.date.month:02d}"))
        old_pages = {listing.route: listing for key in affected for listing in self.groups.get(key, ())}

        groups: dict[tuple[str, str], list[Listing]] = {}
        dirty_listings: set[str] = set()
        listings: list[Listing] = []

        def emit(kind: str, key: str, make: Callable[[], list[Listing]]) -> None:
            if (kind, key) in affected or (kind, key) not in self.groups:
                pages = make()
                for i, page in enumerate(pages):
                    old = old_pages.get(page.route)
                    if old is not None and _same_listing(old, page):
                        pages[i] = old
                    else:
                        dirty_listings.add(page.route)
            else:
                pages = self.groups[(kind, key)]
            groups[(kind, key)] = pages
            listings.extend(pages)

        for kind, key, make in grouped.listing_makers(per_page):
            emit(kind, key, make)
        tags, years = grouped.tag_counts(), grouped.year_counts()

        # Neighbours: only articles near a change (in date order, or within the window of a tag) move.
        neighbours = dict(self.site.neighbours)
        for article in removed:
            neighbours.pop(article.route, None)
        redo: set[int] = set()
        index_of = {id(a): i for i, a in enumerate(ordered)}
        old_ordered = self.site.articles
        old_index = {id(a): i for i, a in enumerate(old_ordered)}
        for article in removed:
            i = old_index.get(id(article))
            if i is not None:
                for near in old_ordered[max(0, i - 1): i + 2]:
                    if id(near) in index_of:
                        redo.add(index_of[id(near)])
        for article in added:
            i = index_of[id(article)]
            redo.update(range(max(0, i - 1), min(len(ordered), i + 2)))
        old_by_tag = _by_tag(old_ordered, {t.slug for a in touched for t in a.tags})
        for slug in {t.slug for a in touched for t in a.tags}:
            for members in (old_by_tag.get(slug, []), by_tag.get(slug, [])):
                position = {id(a): i for i, a in enumerate(members)}
                for article in touched:
                    at = position.get(id(article))
                    if at is None:
                        continue
                    for near in members[max(0, at - RELATED_WINDOW - 1): at + RELATED_WINDOW + 2]:
                        if id(near) in index_of:
                            redo.add(index_of[id(near)])
        positions: dict[str, dict[int, int]] = {}
        dirty_articles: set[str] = set()
        for index in redo:
            article = ordered[index]
            links = _neighbours_of(index, ordered, by_tag, positions)
            old = neighbours.get(article.route)
            if old is None or not _same_links(old, links) or id(article) not in old_index:
                dirty_articles.add(article.route)
                neighbours[article.route] = links
        for article in added:
            dirty_articles.add(article.route)
        self.site = Site(ordered, tuple(listings), tags, years, neighbours)
        self.groups = groups
        return self.site, dirty_articles, dirty_listings


def same_place(old: Article, new: Article) -> bool:
    """True when `new` sits exactly where `old` did: same route, date, slug, tags and draft state (a body or
    title edit); only the pages showing it change, and no listing, order or related link moves."""
    return (old.route == new.route and old.date == new.date and old.slug == new.slug and old.tags == new.tags
            and old.draft == new.draft and old.sort_key == new.sort_key)


def swap(model: Model, pairs: list[tuple[Article, Article]]) -> tuple[Site, set[str], set[str]]:
    """`model.update` for articles replaced in place (`same_place`): substitutes them wherever they appear."""
    sub = {id(old): new for old, new in pairs}
    site = model.site
    ordered = tuple(sub.get(id(a), a) for a in site.articles)
    replaced: dict[int, Listing] = {}
    dirty_listings: set[str] = set()
    groups = dict(model.groups)
    affected = {("home", "")}
    for old, _new in pairs:
        affected.update(("tag", t.slug) for t in old.tags)
        affected.add(("year", f"{old.date.year:04d}"))
        affected.add(("month", f"{old.date.year:04d}/{old.date.month:02d}"))
    for key in affected:
        fresh = []
        for page in groups[key]:
            if any(id(a) in sub for a in page.articles):
                new_page = dataclasses.replace(page, articles=tuple(sub.get(id(a), a) for a in page.articles))
                replaced[id(page)] = new_page
                dirty_listings.add(page.route)
                page = new_page
            fresh.append(page)
        groups[key] = fresh
    listings = tuple(replaced.get(id(listing), listing) for listing in site.listings)
    neighbours = dict(site.neighbours)
    dirty_articles = {new.route for _old, new in pairs}
    for route, links in site.neighbours.items():
        if (id(links.newer) in sub or id(links.older) in sub or any(id(r) in sub for r in links.related)):
            neighbours[route] = Neighbours(sub.get(id(links.newer), links.newer), sub.get(id(links.older), links.older),
                                           tuple(sub.get(id(r), r) for r in links.related))
            dirty_articles.add(route)
    model.site = Site(ordered, listings, site.tags, site.years, neighbours)
    model.groups = groups
    return model.site, dirty_articles, dirty_listings


def _by_tag(ordered: Iterable[Article], slugs: set[str]) -> dict[str, list[Article]]:
    found: dict[str, list[Article]] = defaultdict(list)
    for article in ordered:
        for tag in article.tags:
            if tag.slug in slugs:
                found[tag.slug].append(article)
    return found


def _same_listing(a: Listing, b: Listing) -> bool:
    return (a.route == b.route and a.title == b.title and a.kind == b.kind and a.key == b.key
            and a.pager == b.pager and len(a.articles) == len(b.articles)
            and all(x is y for x, y in zip(a.articles, b.articles)))


def _same_links(a: Neighbours, b: Neighbours) -> bool:
    return (a.newer is b.newer and a.older is b.older and len(a.related) == len(b.related)
            and all(x is y for x, y in zip(a.related, b.related)))


def _neighbours_of(index: int, ordered: tuple[Article, ...], by_tag: dict[str, list[Article]],
                   positions: dict[str, dict[int, int]]) -> Neighbours:
    """Exactly what `model._neighbours` computes for one article."""
    article = ordered[index]
    shared: Counter[str] = Counter()
    distance: dict[str, float] = {}
    candidates: dict[str, Article] = {}
    for tag in article.tags:
        members = by_tag[tag.slug]
        where = positions.get(tag.slug)
        if where is None:
            where = positions[tag.slug] = {id(a): i for i, a in enumerate(members)}
        at = where[id(article)]
        for other in members[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]:
            if other.route != article.route:
                shared[other.route] += 1
                candidates[other.route] = other
                distance[other.route] = abs((other.date - article.date).total_seconds())
    related = sorted(candidates, key=lambda r: (-shared[r], distance[r], r))[:RELATED_COUNT]
    return Neighbours(newer=ordered[index - 1] if index > 0 else None,
                      older=ordered[index + 1] if index + 1 < len(ordered) else None,
                      related=tuple(candidates[r] for r in related))
