"""Newer, older and related releases of an article: one rule, for a full build and for an update alike.

Related releases share the most tags with the article; candidates come from a window around it
in each of its tags' lists, so a tag shared by thousands of releases costs a constant, not a scan.
Ties go to the nearest date, then to the route.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..content import Article

RELATED_COUNT = 3
RELATED_WINDOW = 12   # candidates looked at on each side of an article in each of its tags


@dataclass(frozen=True)
class Neighbours:
    newer: Article | None
    older: Article | None
    related: tuple[Article, ...]


Positions = dict[str, dict[str, int]]   # tag slug -> article route -> its index in the tag's list


def neighbours_of(index: int, ordered: Sequence[Article], by_tag: Mapping[str, Sequence[Article]],
                  positions: Positions) -> Neighbours:
    """The neighbours of `ordered[index]`; `positions` is filled lazily and may be shared between calls."""
    article = ordered[index]
    shared: dict[str, int] = {}
    distance: dict[str, float] = {}
    candidates: dict[str, Article] = {}
    for tag in article.tags:
        members = by_tag[tag.slug]
        where = positions.get(tag.slug)
        if where is None:
            where = positions[tag.slug] = {a.route: i for i, a in enumerate(members)}
        at = where[article.route]
        for other in members[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]:
            if other.route != article.route:
                shared[other.route] = shared.get(other.route, 0) + 1
                candidates[other.route] = other
                distance[other.route] = abs((other.date - article.date).total_seconds())
    related = sorted(candidates, key=lambda r: (-shared[r], distance[r], r))[:RELATED_COUNT]
    return Neighbours(newer=ordered[index - 1] if index > 0 else None,
                      older=ordered[index + 1] if index + 1 < len(ordered) else None,
                      related=tuple(candidates[r] for r in related))


def all_neighbours(ordered: Sequence[Article], by_tag: Mapping[str, Sequence[Article]]) -> dict[str, Neighbours]:
    positions: Positions = {}
    return {article.route: neighbours_of(i, ordered, by_tag, positions) for i, article in enumerate(ordered)}
