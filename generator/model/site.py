"""Articles -> Site: the complete, plain-data description of every page to write.

Python computes every list, count, neighbour and pager here, once; templates only
present. Groupings are built in one pass over the articles (never one scan per tag),
and duplicate URLs are found here, before anything is written.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from math import ceil

from ..content import Article, Page, Tag
from ..errors import Problem, problem
from ..urls import Urls, paginated, slugify, takes_generated_route
from .neighbours import Neighbours, all_neighbours


@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    routes: tuple[str, ...]   # route of every page of this listing

    @property
    def previous(self) -> str | None:
        return self.routes[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.routes[self.number] if self.number < self.total else None


@dataclass(frozen=True)
class Listing:
    """One page of a paginated list of articles (front page, a tag, a year, a month)."""

    route: str
    kind: str                 # 'home' | 'tag' | 'year' | 'month'
    title: str
    articles: tuple[Article, ...]
    pager: Pager
    key: str = ""             # tag slug, 'YYYY' or 'YYYY/MM'


@dataclass(frozen=True)
class TagCount:
    tag: Tag
    route: str
    count: int


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    route: str
    count: int


@dataclass(frozen=True)
class YearCount:
    year: int
    route: str
    count: int
    months: tuple[MonthCount, ...]


@dataclass(frozen=True)
class Site:
    articles: tuple[Article, ...]                 # newest first
    listings: tuple[Listing, ...]
    tags: tuple[TagCount, ...]                    # by count, then name
    years: tuple[YearCount, ...]                  # newest first
    neighbours: dict[str, Neighbours] = field(default_factory=dict)  # by article route
    pages: tuple[Page, ...] = ()                  # content/pages/: in no list or feed
    redirects: tuple[tuple[str, str], ...] = ()   # (alias route, target route), from `aliases:`


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def find_duplicate_routes(articles: list[Article], pages: list[Page] = ()) -> tuple[list[Article], list[Page], list[Problem]]:
    """Keep the first release or page per URL (case-insensitively, for macOS and Windows checkouts), in file order."""
    kept: dict[str, Article | Page] = {}
    problems = []
    for item in sorted([*articles, *pages], key=lambda a: a.source_path):
        key = item.route.lower()
        if takes_generated_route(key):
            problems.append(problem(item.source_path, 1, f"its URL /{item.route} is taken by a generated page; give it another 'slug'"))
        elif key in kept:
            other = kept[key]
            problems.append(problem(item.source_path, 1, f"same URL /{item.route} as {other.source_path}; give one of them another 'slug'"))
        else:
            kept[key] = item
    return ([a for a in kept.values() if isinstance(a, Article)], [p for p in kept.values() if isinstance(p, Page)],
            problems)


def find_redirects(items: list[Article] | list[Page]) -> tuple[tuple[tuple[str, str], ...], list[Problem]]:
    """(alias route, target route) for every `aliases:` entry that takes no page's URL."""
    taken = {item.route.lower() for item in items}
    found: dict[str, tuple[str, str]] = {}
    problems = []
    for item in sorted(items, key=lambda a: a.source_path):
        for alias in item.aliases:
            key = alias.lower()
            if key in taken or takes_generated_route(key) or key in found:
                problems.append(problem(item.source_path, 1, f"alias /{alias} is already the URL of another page; "
                                                             "remove it from 'aliases'"))
            else:
                found[key] = (alias, item.route)
    return tuple(sorted(found.values())), problems


@dataclass(frozen=True)
class Groups:
    """Articles newest first, grouped by tag, year and month in one pass."""

    ordered: tuple[Article, ...]
    by_tag: dict[str, list[Article]]
    tag_of: dict[str, Tag]
    by_year: dict[int, list[Article]]
    by_month: dict[tuple[int, int], list[Article]]
    by_source: dict[str, list[Article]] = field(default_factory=dict)   # issuing office slug -> its releases
    by_author: dict[str, list[Article]] = field(default_factory=dict)
    name_of: dict[tuple[str, str], str] = field(default_factory=dict)   # ("source"|"author", slug) -> name

    def listing_makers(self, per_page: int) -> Iterator[tuple[str, str, Callable[[], list[Listing]]]]:
        """(kind, key, make its pages) for every paginated listing: home, tags, years, months, sources, authors."""
        yield "home", "", partial(paginate, "", "home", "Latest releases", self.ordered, per_page)
        for slug, members in self.by_tag.items():
            yield "tag", slug, partial(paginate, Urls.tag(slug), "tag", self.tag_of[slug].name, members, per_page, key=slug)
        for year, members in self.by_year.items():
            yield "year", f"{year:04d}", partial(paginate, Urls.year(year), "year", str(year), members, per_page, key=f"{year:04d}")
        for (year, month), members in self.by_month.items():
            key = f"{year:04d}/{month:02d}"
            yield "month", key, partial(paginate, Urls.month(year, month), "month", f"{MONTH_NAMES[month - 1]} {year}", members, per_page, key=key)
        for kind, groups, route in (("source", self.by_source, Urls.source), ("author", self.by_author, Urls.author)):
            for slug, members in groups.items():
                yield kind, slug, partial(paginate, route(slug), kind, self.name_of[(kind, slug)], members, per_page,
                                          key=slug)

    def tag_counts(self) -> tuple[TagCount, ...]:
        return tuple(sorted((TagCount(self.tag_of[s], Urls.tag(s), len(m)) for s, m in self.by_tag.items()),
                            key=lambda t: (-t.count, t.tag.name.lower())))

    def year_counts(self) -> tuple[YearCount, ...]:
        return tuple(
            YearCount(year, Urls.year(year), len(self.by_year[year]), tuple(
                MonthCount(year, month, Urls.month(year, month), len(self.by_month[(year, month)]))
                for (y, month) in sorted(self.by_month, reverse=True) if y == year))
            for year in sorted(self.by_year, reverse=True)
        )


def group_articles(articles: list[Article]) -> Groups:
    ordered = tuple(sorted(articles, key=lambda a: a.sort_key, reverse=True))
    by_tag: dict[str, list[Article]] = defaultdict(list)
    tag_of: dict[str, Tag] = {}
    by_year: dict[int, list[Article]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[Article]] = defaultdict(list)
    people: dict[str, dict[str, list[Article]]] = {"source": defaultdict(list), "author": defaultdict(list)}
    name_of: dict[tuple[str, str], str] = {}
    for article in ordered:
        for tag in article.tags:
            by_tag[tag.slug].append(article)
            tag_of.setdefault(tag.slug, tag)
        by_year[article.date.year].append(article)
        by_month[(article.date.year, article.date.month)].append(article)
        for kind, names in (("source", (article.source,) if article.source else ()), ("author", article.authors)):
            for slug, name in taxonomy_terms(names):
                people[kind][slug].append(article)
                name_of.setdefault((kind, slug), name)
    return Groups(ordered, dict(by_tag), tag_of, dict(by_year), dict(by_month), dict(people["source"]),
                  dict(people["author"]), name_of)


def taxonomy_terms(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(slug, name) of each issuing office or author, once per release (spellings merged by slug)."""
    seen: dict[str, str] = {}
    for name in names:
        slug = slugify(name)
        if slug and slug not in seen:
            seen[slug] = " ".join(name.split())
    return list(seen.items())


def build_site(articles: list[Article], per_page: int) -> Site:
    groups = group_articles(articles)
    listings = tuple(page for _, _, make in groups.listing_makers(per_page) for page in make())
    return Site(groups.ordered, listings, groups.tag_counts(), groups.year_counts(),
                all_neighbours(groups.ordered, groups.by_tag))


def paginate(route: str, kind: str, title: str, articles: list[Article] | tuple[Article, ...], per_page: int, key: str = "") -> list[Listing]:
    total = max(1, ceil(len(articles) / per_page))
    routes = tuple(paginated(route, n) for n in range(1, total + 1))
    return [
        Listing(routes[n - 1], kind, title, tuple(articles[(n - 1) * per_page: n * per_page]), Pager(n, total, routes), key)
        for n in range(1, total + 1)
    ]


def month_context(years: tuple[YearCount, ...], key: str) -> tuple[int, str | None, str | None]:
    """A month page's count and the routes of the months just newer and older than it (what its page shows
    besides its own articles, so part of its dependency key)."""
    months = [m for year in years for m in year.months]          # newest first
    for n, month in enumerate(months):
        if f"{month.year:04d}/{month.month:02d}" == key:
            newer = months[n - 1].route if n > 0 else None
            older = months[n + 1].route if n + 1 < len(months) else None
            return month.count, newer, older
    return 0, None, None
