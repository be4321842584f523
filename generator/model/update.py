"""The site model kept up to date article by article: equal to `build_site` at every step.

A change regroups only the listings it touches (home, its tags, year, month) and recomputes
newer/older/related links only near it; the pages whose inputs moved are reported dirty.
Articles are known by their route (unique in a site), never by object identity.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import chain
from operator import attrgetter

from ..content import Article, Page
from .neighbours import RELATED_WINDOW, Lookup, Neighbours, neighbours_of
from .regroup import GroupKey, group_keys, regroup
from .site import Listing, Site, build_site, group_articles

_route = attrgetter("route")

Dirty = tuple[Site, set[str], set[str]]   # the new site, article routes and listing routes to render again


class Model:
    """The site model and its listings by group, kept up to date article by article."""

    def __init__(self, per_page: int) -> None:
        self.per_page = per_page
        self.site: Site = build_site([], per_page)
        self.groups: dict[GroupKey, list[Listing]] = {}

    def full(self, articles: list[Article], pages: tuple[Page, ...] = (),
             redirects: tuple[tuple[str, str], ...] = ()) -> Site:
        self.site = dataclasses.replace(build_site(articles, self.per_page), pages=pages, redirects=redirects)
        groups: dict[GroupKey, list[Listing]] = defaultdict(list)
        for listing in self.site.listings:
            groups[(listing.kind, listing.key)].append(listing)
        self.groups = dict(groups)
        return self.site

    def update(self, articles: list[Article], removed: list[Article], added: list[Article], *,
               pages: tuple[Page, ...] = (), redirects: tuple[tuple[str, str], ...] = ()) -> Dirty:
        """New site after `removed` went and `added` came (pages and redirects are taken as given)."""
        grouped = regroup(self.groups, removed, added)
        if grouped is None or len(grouped.ordered) != len(articles):
            grouped = group_articles(articles)
        touched = removed + added
        affected = {("home", ""), *group_keys(touched)}
        old_pages = {listing.route: listing for key in affected for listing in self.groups.get(key, ())}
        groups: dict[GroupKey, list[Listing]] = {}
        dirty_listings: set[str] = set()
        listings: list[Listing] = []
        for kind, key, make in grouped.listing_makers(self.per_page):
            group = self._regroup((kind, key), make, affected, old_pages, dirty_listings)
            groups[(kind, key)] = group
            listings.extend(group)
        if set(grouped.by_month) != {(int(k[:4]), int(k[5:])) for kind, k in self.groups if kind == "month"}:
            # a month came or went: every month page links to its neighbours, so look at all of them again
            dirty_listings.update(page.route for page in listings if page.kind == "month")
        else:     # a month page shows its count: each page of a month whose count moved
            counts = {(m.year, m.month): m.count for year in self.site.years for m in year.months}
            moved = {f"{y:04d}/{m:02d}" for (y, m), members in grouped.by_month.items() if counts.get((y, m)) != len(members)}
            dirty_listings.update(page.route for page in listings if page.kind == "month" and page.key in moved)
        neighbours, dirty_articles = self._relink(grouped.ordered, grouped.by_tag, removed, added)
        self.site = Site(grouped.ordered, tuple(listings), grouped.tag_counts(), grouped.year_counts(), neighbours,
                         pages, redirects)
        self.groups = groups
        return self.site, dirty_articles, dirty_listings

    def swap(self, pairs: list[tuple[Article, Article]]) -> Dirty:
        """`update` for articles replaced in place (`same_place`, or `moves_in_place` where `keeps_order`):
        substitutes them wherever they appear."""
        sub = {old.route: new for old, new in pairs}

        def new(article: Article | None) -> Article | None:
            return sub.get(article.route, article) if article is not None else None

        site = self.site
        dirty_listings: set[str] = set()
        replaced: dict[str, Listing] = {}
        for key in set(group_keys([old for old, _ in pairs])):
            fresh = []
            for page in self.groups[key]:
                if not sub.keys().isdisjoint(map(_route, page.articles)):     # C loops: 1,000s of pages
                    page = replaced[page.route] = dataclasses.replace(
                        page, articles=tuple(sub.get(a.route, a) for a in page.articles))
                    dirty_listings.add(page.route)
                fresh.append(page)
            self.groups[key] = fresh
        neighbours = dict(site.neighbours)
        dirty_articles = {new.route for new in sub.values()}
        for route, links in site.neighbours.items():
            if (links.newer is not None and links.newer.route in sub or links.older is not None and links.older.route
                    in sub or not sub.keys().isdisjoint(map(_route, links.related))):
                neighbours[route] = Neighbours(new(links.newer), new(links.older),
                                               tuple(sub.get(r.route, r) for r in links.related))
                dirty_articles.add(route)
        ordered = tuple(sub.get(a.route, a) for a in site.articles)
        moves = []
        for old, moved in pairs:
            if old.route != moved.route:
                neighbours[moved.route] = neighbours.pop(old.route)
                moves.append(moved)
        if moves:       # related links break ties by route: look again at every release near a moved one
            dirty_articles |= _relink_near(moves, ordered, neighbours)
        self.site = dataclasses.replace(
            site, articles=ordered,
            listings=tuple(replaced.get(listing.route, listing) for listing in site.listings), neighbours=neighbours)
        return self.site, dirty_articles, dirty_listings

    def keeps_order(self, old: Article, new: Article) -> bool:
        """True when `new`, put where `old` is, sorts strictly between old's neighbours (newest first): a title
        edit that moved the URL leaves every list in the same order."""
        articles = self.site.articles
        at = next((i for i, a in enumerate(articles) if a.route == old.route), None)
        if at is None:
            return False
        key = new.sort_key
        return ((at == 0 or articles[at - 1].sort_key > key)
                and (at + 1 == len(articles) or key > articles[at + 1].sort_key))

    # ----- pieces

    def _regroup(self, group: GroupKey, make: Callable[[], list[Listing]], affected: set[GroupKey],
                 old_pages: dict[str, Listing], dirty: set[str]) -> list[Listing]:
        """A group's pages: kept when the change cannot touch it, else made again (unchanged pages reused)."""
        if group not in affected and group in self.groups:
            return self.groups[group]
        pages = make()
        for i, page in enumerate(pages):
            old = old_pages.get(page.route)
            if old is not None and _same_listing(old, page):
                pages[i] = old
            else:
                dirty.add(page.route)
        return pages

    def _relink(self, ordered: tuple[Article, ...], by_tag: dict[str, list[Article]], removed: list[Article],
                added: list[Article]) -> tuple[dict[str, Neighbours], set[str]]:
        """Neighbours after the change: only articles near it (in date order, or in a tag's window) move."""
        neighbours = dict(self.site.neighbours)
        for article in removed:
            neighbours.pop(article.route, None)
        index_of = {a.route: i for i, a in enumerate(ordered)}
        old_ordered = self.site.articles
        old_index = {a.route: i for i, a in enumerate(old_ordered)} if removed else {}   # (none for additions)
        redo: set[int] = set()
        for article in removed:
            i = old_index.get(article.route)
            if i is not None:
                redo.update(index_of[a.route] for a in old_ordered[max(0, i - 1): i + 2] if a.route in index_of)
        for article in added:
            i = index_of[article.route]
            redo.update(range(max(0, i - 1), min(len(ordered), i + 2)))
        touched = removed + added
        old_by_tag = {slug: list(chain.from_iterable(page.articles for page in self.groups.get(("tag", slug), ())))
                      for slug in {t.slug for a in touched for t in a.tags}}      # each tag's releases before
        redo.update(_near_in_tags(touched, old_by_tag, by_tag, index_of))
        lookup = Lookup()
        dirty = {article.route for article in added}
        for index in redo:
            article = ordered[index]
            links = neighbours_of(index, ordered, by_tag, lookup)
            old = neighbours.get(article.route)     # None for a release new to the site, or one read again
            if old is None or not _same_links(old, links):
                dirty.add(article.route)
                neighbours[article.route] = links
        return neighbours, dirty


def difference(before: list[Article], after: list[Article]) -> tuple[list[Article], list[Article]]:
    """(removed, added): articles of `before` that `after` no longer holds as they were (a file read again
    gives a new article), and the reverse: what `Model.update` takes."""
    old = {a.source_path: a for a in before}
    new = {a.source_path: a for a in after}
    return ([a for a in before if new.get(a.source_path) is not a],
            [a for a in after if old.get(a.source_path) is not a])


def same_place(old: Article, new: Article) -> bool:
    """True when `new` sits exactly where `old` did: same route, date, slug, tags, source, authors, embargo and
    draft state (a body or title edit); only the pages showing it change, and no listing, order or related link
    moves."""
    return (old.route == new.route and old.date == new.date and old.slug == new.slug and old.tags == new.tags
            and old.source == new.source and old.authors == new.authors and old.embargo == new.embargo
            and old.draft == new.draft and old.sort_key == new.sort_key and old.aliases == new.aliases)


def moves_in_place(old: Article, new: Article) -> bool:
    """`same_place` but for the URL (a title edit that changed the slug): the release stays in every list it
    was in. Whether it keeps its place in them is `Model.keeps_order`; aliases, whose redirects name the URL,
    are left to the full update."""
    return (old.date == new.date and old.tags == new.tags and old.source == new.source and old.authors == new.authors
            and old.embargo == new.embargo and old.draft == new.draft and not old.aliases and not new.aliases)


def _relink_near(moves: list[Article], ordered: tuple[Article, ...], neighbours: dict[str, Neighbours]) -> set[str]:
    """Neighbours again for the releases within the related window of a moved one, in `neighbours`; returns the
    routes whose links changed."""
    by_tag = _by_tag(ordered)
    index_of = {a.route: i for i, a in enumerate(ordered)}
    redo = _near_in_tags(moves, by_tag, by_tag, index_of)
    for article in moves:
        at = index_of[article.route]
        redo.update(range(max(0, at - 1), min(len(ordered), at + 2)))
    lookup, changed = Lookup(), set()
    for index in redo:
        links = neighbours_of(index, ordered, by_tag, lookup)
        route = ordered[index].route
        if not _same_links(neighbours[route], links):
            neighbours[route] = links
            changed.add(route)
    return changed


def _near_in_tags(touched: list[Article], old_by_tag: dict[str, list[Article]], by_tag: dict[str, list[Article]],
                  index_of: dict[str, int]) -> set[int]:
    """Indices (in the new order) of articles within the related window of a touched one, in any of its tags."""
    near: set[int] = set()
    for slug in {t.slug for a in touched for t in a.tags}:
        for members in (old_by_tag.get(slug, []), by_tag.get(slug, [])):
            position = {a.route: i for i, a in enumerate(members)}
            for article in touched:
                at = position.get(article.route)
                if at is None:
                    continue
                window = members[max(0, at - RELATED_WINDOW - 1): at + RELATED_WINDOW + 2]
                near.update(index_of[a.route] for a in window if a.route in index_of)
    return near


def _by_tag(ordered: Sequence[Article]) -> dict[str, list[Article]]:
    """Each tag's articles in `ordered`'s order."""
    found: dict[str, list[Article]] = defaultdict(list)
    for article in ordered:
        for tag in article.tags:
            found[tag.slug].append(article)
    return found


def _same_listing(a: Listing, b: Listing) -> bool:
    return (a.route == b.route and a.title == b.title and a.kind == b.kind and a.key == b.key
            and a.pager == b.pager and len(a.articles) == len(b.articles)
            and all(x is y for x, y in zip(a.articles, b.articles)))


def _same_links(a: Neighbours, b: Neighbours) -> bool:
    return (a.newer is b.newer and a.older is b.older and len(a.related) == len(b.related)
            and all(x is y for x, y in zip(a.related, b.related)))
