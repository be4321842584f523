"""A site model as plain numbers and strings, so the next process can take it up where this one left it.

`pressroom build` after an edit runs the same update `serve` runs (`Model.update` / `Model.swap`) instead of
building the model again: at 10,000 releases a full model took ~0.6 s, and pickling it as objects cost as
much to read back (every reference to an article went through Python). Here each article is its position
in the newest-first order, and the caller hands back the articles themselves (it already holds them).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from ..content import Article, Page
from .neighbours import Neighbours
from .site import Listing, Pager, Site, TagCount, YearCount
from .update import GroupKey, Model

NONE = -1


@dataclass(frozen=True)
class StoredModel:
    """What `Model` holds, with articles as positions in `paths` (source paths, newest first)."""

    per_page: int
    paths: tuple[str, ...]
    listings: tuple[tuple[str, str, str, str, int, int, tuple[int, ...]], ...]   # route kind title key n total arts
    pager_routes: tuple[tuple[str, ...], ...]                                    # per listing: its group's routes id
    routes_of: tuple[int, ...]
    groups: tuple[tuple[GroupKey, tuple[int, ...]], ...]                         # group -> its listings
    tags: tuple[TagCount, ...]
    years: tuple[YearCount, ...]
    links: tuple[tuple[int, int, tuple[int, ...]], ...]                          # per article: newer older related
    pages: tuple[Page, ...]
    redirects: tuple[tuple[str, str], ...]


def store(model: Model) -> StoredModel:
    site = model.site
    position = {a.route: i for i, a in enumerate(site.articles)}
    listing_at = {listing.route: i for i, listing in enumerate(site.listings)}
    route_sets: dict[int, int] = {}
    shared: list[tuple[str, ...]] = []
    routes_of, listings = [], []
    for listing in site.listings:
        routes = listing.pager.routes
        if id(routes) not in route_sets:
            route_sets[id(routes)] = len(shared)
            shared.append(routes)
        routes_of.append(route_sets[id(routes)])
        listings.append((listing.route, listing.kind, listing.title, listing.key, listing.pager.number,
                         listing.pager.total, tuple(position[a.route] for a in listing.articles)))

    links = tuple(_link_positions(site.neighbours[a.route], position) for a in site.articles)
    groups = tuple((key, tuple(listing_at[p.route] for p in pages)) for key, pages in model.groups.items())
    return StoredModel(model.per_page, tuple(a.source_path for a in site.articles), tuple(listings), tuple(shared),
                       tuple(routes_of), groups, site.tags, site.years, links, site.pages, site.redirects)


def relinked(stored: StoredModel, site: Site, routes: set[str]) -> StoredModel:
    """`stored` with the links of `routes` as `site` has them now (after `Model.swap`: positions are the same,
    but a URL moved in place can reorder the related links of releases near it)."""
    position = {a.route: i for i, a in enumerate(site.articles)}
    links = list(stored.links)
    for route in routes:
        if route in position:
            links[position[route]] = _link_positions(site.neighbours[route], position)
    return dataclasses.replace(stored, links=tuple(links))


def _link_positions(links: Neighbours, position: dict[str, int]) -> tuple[int, int, tuple[int, ...]]:
    """An article's newer, older and related releases as positions (`NONE` for no release)."""
    def at(article: Article | None) -> int:
        return NONE if article is None else position[article.route]

    return at(links.newer), at(links.older), tuple(at(r) for r in links.related)


def restore(stored: StoredModel, ordered: Sequence[Article]) -> Model:
    """The model again, around `ordered`: the articles of `stored.paths`, in that order (positions looked up by
    `map` and C calls: 10,000 releases' links and listings are ~200,000 lookups)."""
    at = [*ordered, None]            # NONE (-1) is the None at the end
    get = at.__getitem__
    listings = tuple(Listing(route, kind, title, tuple(map(get, arts)),
                             Pager(number, total, stored.pager_routes[stored.routes_of[n]]), key)
                     for n, (route, kind, title, key, number, total, arts) in enumerate(stored.listings))
    neighbours = {article.route: Neighbours(get(newer), get(older), tuple(map(get, related)))
                  for article, (newer, older, related) in zip(ordered, stored.links)}
    model = Model(stored.per_page)
    model.site = Site(tuple(ordered), listings, stored.tags, stored.years, neighbours, stored.pages, stored.redirects)
    model.groups = {key: [listings[i] for i in members] for key, members in stored.groups}
    return model
