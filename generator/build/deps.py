"""Dependency keys: what each output file depends on, hashed, so a page is rendered again only when its key moves.

An article page depends on its template chain, its article and its newer/older/related
articles; a listing page on its template chain, its title, pager and the articles it lists;
everything on the config, the static asset versions and Pressroom's own code (the global
key). Articles are identified by a hash of their source path and bytes (`ident`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import jinja2
from jinja2 import meta

from ..cache import DiskCache, digest
from ..config import Config
from ..content import Article, Page
from ..model import Listing, Site, YearCount, month_context
from ..render import CARD_TEMPLATE, LIST_TEMPLATES
from ..urls import output_file

Job = tuple[str, Any, str, bytes]                 # ("a" article | "l" listing, item, output file, key)


def template_fingerprints(env: jinja2.Environment, names: Iterable[str],
                          parsed: dict[bytes, tuple[tuple[str, ...], bool]] | None = None) -> dict[str, bytes]:
    """Template name -> hash of its source and of every template it extends, imports or includes.

    `parsed` remembers what each template source (by hash) refers to, between builds: parsing the theme's
    templates to find out took ~0.1 s of every build; it is filled in here."""
    sources: dict[str, str] = {}
    refs: dict[str, list[str]] = {}
    memo = parsed if parsed is not None else {}

    def source(name: str) -> str:
        if name not in sources:
            try:
                text, filename, _ = env.loader.get_source(env, name)   # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                text, filename = "", "missing"
            sources[name] = f"{filename}\0{text}"
        return sources[name]

    def references(name: str) -> list[str]:
        if name not in refs:
            text = source(name).split("\0", 1)[1]
            key = digest(text.encode())
            if key not in memo:
                memo[key] = _referenced(env, text)
            static, dynamic = memo[key]
            refs[name] = [*static, *(env.list_templates() if dynamic else ())]   # dynamic: every template
        return refs[name]

    result = {}
    for name in names:
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(references(current))
        result[name] = digest("\1".join(source(n) for n in sorted(seen)).encode())
    return result


def theme_fingerprints(env: jinja2.Environment, names: Iterable[str], cache: DiskCache) -> dict[str, bytes]:
    """`template_fingerprints`, with what each template source refers to kept in the cache between builds."""
    key = f"refs, jinja {jinja2.__version__}"
    parsed = cache.load("template-refs", key) or {}
    known = len(parsed)
    found = template_fingerprints(env, names, parsed)
    if len(parsed) != known:
        cache.save("template-refs", key, dict(list(parsed.items())[-500:]))    # the most recent sources
    return found


def _referenced(env: jinja2.Environment, text: str) -> tuple[tuple[str, ...], bool]:
    """The templates `text` names (and whether it names one by an expression, which could be any)."""
    found: list[str] = []
    dynamic = False
    try:
        for ref in meta.find_referenced_templates(env.parse(text)):
            if isinstance(ref, str):
                found.append(ref)
            else:
                dynamic = True
        if "summary_card" in text:
            found.append(CARD_TEMPLATE)    # rendered through the summary_card() global, not an import
    except jinja2.TemplateSyntaxError:
        pass
    return tuple(found), dynamic


@dataclass
class Output:
    """What is (or will be) in the output folder: file -> (dependency key, bytes hash)."""

    files: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    extras: dict[str, bytes] = field(default_factory=dict)     # feed/sitemap file -> hash (bytes live on disk)
    extra_groups: dict[bytes, tuple[str, ...]] = field(default_factory=dict)   # group key -> its files
    site_key: bytes = b""
    site_routes: list[str] = field(default_factory=list)
    # What a `pressroom build` with nothing changed needs to answer without building the model:
    state: bytes = b""                      # SiteBuilder.state_key() of the build that wrote this output
    articles: int = 0
    problems: tuple[Any, ...] = ()
    held_until: datetime | None = None      # the earliest future release held back: the state expires then
    build_id: str = ""                      # the build that made the output folder (its marker says so)
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)   # file -> (size, mtime_ns); folder/ -> (-1,
                                                                      # mtime_ns) (writing.record_stats)
    fresh: set[str] | None = None           # files whose stats are still to take (None: all of them)
    shards: dict[str, bytes] = field(default_factory=dict)   # search shard -> the key it was indexed under
    indexed: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)   # page -> (bytes hash, indexed part's)
    # release page -> (search shard, indexed part's hash, Pagefind page id) as its base shard holds it (delta.py)
    search_base: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)
    model: str = ""                         # the token of the build state saved with this record (resume.py)


def config_repr(config: Config) -> str:
    return repr([(f.name, getattr(config, f.name)) for f in fields(config)])


class Keys:
    """The dependency keys of one site state: global key, template fingerprints, article ids."""

    def __init__(self, global_key: str, tfp: dict[str, bytes], tfp_all: bytes) -> None:
        self.global_key = global_key
        self.tfp = tfp
        self.tfp_all = tfp_all
        self.hashes: dict[str, bytes] = {}   # source path -> hash of the file's path and bytes
        self.meta: dict[bytes, bytes] = {}   # article hash -> hash of its route, dates and tags (sitemap)
        self._months: tuple[tuple[YearCount, ...] | None, dict[str, bytes]] = (None, {})   # month_context, per key

    def ident(self, article: Article) -> bytes:
        """The article's identity for dependency keys: a hash of its source path and bytes."""
        return self.hashes[article.source_path]

    def article(self, site: Site, article: Article) -> bytes:
        links = site.neighbours[article.route]
        ident = self.ident
        parts = [b"A", self.global_key.encode(), self.tfp["article.html"], article.route.encode(), ident(article),
                 ident(links.newer) if links.newer else b"-", ident(links.older) if links.older else b"-",
                 *(ident(r) for r in links.related)]
        return digest(b"\0".join(parts))

    def listing(self, listing: Listing, years: tuple[YearCount, ...]) -> bytes:
        pager = listing.pager
        around = self._month_context(years, listing.key) if listing.kind == "month" else b"-"
        hashes = self.hashes
        parts = [b"L", around, self.global_key.encode(), self.tfp[LIST_TEMPLATES[listing.kind]], listing.route.encode(),
                 listing.kind.encode(), listing.title.encode(), listing.key.encode(),
                 repr((pager.number, pager.total, pager.previous, pager.next, pager.routes[0])).encode(),
                 *[hashes[a.source_path] for a in listing.articles]]
        return digest(b"\0".join(parts))

    def _month_context(self, years: tuple[YearCount, ...], key: str) -> bytes:
        """`month_context` once per month of one site state (a month's pages share it)."""
        seen, known = self._months
        if seen is not years:
            known = {}
            self._months = (years, known)
        if key not in known:
            known[key] = repr(month_context(years, key)).encode()
        return known[key]

    def page(self, page: Page) -> bytes:
        return digest(b"\0".join([b"P", self.global_key.encode(), self.tfp["page.html"], page.route.encode(),
                                   self.hashes[page.source_path]]))

    def redirect(self, alias: str, target: str) -> bytes:
        return digest(b"\0".join([b"R", self.global_key.encode(), self.tfp["alias.html"], alias.encode(),
                                   target.encode()]))

    def site_pages(self, site: Site) -> bytes:
        """Site-wide pages (tags, archive, search, 404): keyed by everything they could show."""
        return digest(repr((self.global_key, self.tfp_all, site.tags, site.years, len(site.articles))).encode())


@dataclass
class Plan:
    """Every output page of one build: kept as it is, or to render."""

    site: Site
    keep: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    render: list[Job] = field(default_factory=list)


def plan_pages(keys: Keys, site: Site, old: Output, dirty_articles: set[str], dirty_listings: set[str], *,
               same_pages: bool = False, gone: Iterable[str] = ()) -> Plan:
    """Decide every output page: its key, and whether it must be rendered.

    `same_pages`: the site has the pages of `old` (an in-place edit) but for the routes `gone` (a URL that
    moved in place; its new route is dirty): only dirty ones are looked at."""
    plan = Plan(site)
    files = old.files
    if same_pages:
        plan.keep = dict(files)
        for route in gone:
            plan.keep.pop(output_file(route), None)
        by_route = {a.route: a for a in site.articles if a.route in dirty_articles} if dirty_articles else {}
        pages: Iterable[tuple[str, Any]] = [("a", by_route[r]) for r in sorted(dirty_articles)]
        pages = [*pages, *(("l", listing) for listing in site.listings if listing.route in dirty_listings)]
        for kind, item in pages:
            name = output_file(item.route)
            key = keys.article(site, item) if kind == "a" else keys.listing(item, site.years)
            if files.get(name, (None,))[0] != key:
                plan.keep.pop(name, None)
                plan.render.append((kind, item, name, key))
            else:
                plan.keep[name] = (key, files[name][1])
        _plan_standalone(keys, site, files, plan)
        return plan
    for kind, items, dirty in (("a", site.articles, dirty_articles), ("l", site.listings, dirty_listings)):
        for item in items:
            route = item.route
            name = output_file(route)
            if route in dirty or name not in files:
                key = keys.article(site, item) if kind == "a" else keys.listing(item, site.years)
                if files.get(name, (None,))[0] != key:
                    plan.render.append((kind, item, name, key))
                    continue
                plan.keep[name] = (key, files[name][1])
            else:
                plan.keep[name] = files[name]
    _plan_standalone(keys, site, files, plan)
    return plan


def _plan_standalone(keys: Keys, site: Site, files: dict[str, tuple[bytes, bytes]], plan: Plan) -> None:
    """Pages and redirects: few, so every one is keyed on every build."""
    jobs: list[tuple[str, Any, str, bytes]] = [
        ("p", page, output_file(page.route), keys.page(page)) for page in site.pages]
    jobs += [("r", redirect, output_file(redirect[0]), keys.redirect(*redirect)) for redirect in site.redirects]
    for kind, item, name, key in jobs:
        if files.get(name, (None,))[0] == key:
            plan.keep[name] = files[name]
        else:
            plan.keep.pop(name, None)
            plan.render.append((kind, item, name, key))
