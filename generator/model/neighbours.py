"""Newer, older and related releases of an article: one rule, for a full build and for an update alike.

Related releases share the most tags with the article; candidates come from a window around it
in each of its tags' lists, so a tag shared by thousands of releases costs a constant, not a scan.
Ties go to the nearest date, then to the route.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..content import Article

RELATED_COUNT = 3
RELATED_WINDOW = 12   # candidates looked at on each side of an article in each of its tags


@dataclass(frozen=True)
class Neighbours:
    newer: Article | None
    older: Article | None
    related: tuple[Article, ...]


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)


class Lookup:
    """What `neighbours_of` computes once and shares between calls: each tag's positions by route, and each
    article's time in whole microseconds (their difference divided once is exactly `total_seconds()`)."""

    def __init__(self) -> None:
        self.positions: dict[str, dict[str, int]] = {}
        self.micros: dict[str, int] = {}

    def position(self, slug: str, members: Sequence[Article], route: str) -> int:
        where = self.positions.get(slug)
        if where is None:
            where = self.positions[slug] = {a.route: i for i, a in enumerate(members)}
        return where[route]

    def time(self, article: Article) -> int:
        found = self.micros.get(article.route)
        if found is None:
            found = self.micros[article.route] = (article.date - EPOCH) // MICROSECOND
        return found


def neighbours_of(index: int, ordered: Sequence[Article], by_tag: Mapping[str, Sequence[Article]],
                  lookup: Lookup) -> Neighbours:
    """The neighbours of `ordered[index]`; `lookup` is filled lazily and may be shared between calls."""
    article = ordered[index]
    route, at_time = article.route, lookup.time(article)
    shared: dict[str, int] = {}
    distance: dict[str, float] = {}
    candidates: dict[str, Article] = {}
    for tag in article.tags:
        members = by_tag[tag.slug]
        at = lookup.position(tag.slug, members, route)
        for other in members[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]:
            other_route = other.route
            if other_route != route:
                shared[other_route] = shared.get(other_route, 0) + 1
                candidates[other_route] = other
                distance[other_route] = abs(lookup.time(other) - at_time) / 1_000_000
    related = sorted(candidates, key=lambda r: (-shared[r], distance[r], r))[:RELATED_COUNT]
    return Neighbours(newer=ordered[index - 1] if index > 0 else None,
                      older=ordered[index + 1] if index + 1 < len(ordered) else None,
                      related=tuple(candidates[r] for r in related))


def all_neighbours(ordered: Sequence[Article], by_tag: Mapping[str, Sequence[Article]]) -> dict[str, Neighbours]:
    lookup = Lookup()
    return {article.route: neighbours_of(i, ordered, by_tag, lookup) for i, article in enumerate(ordered)}
