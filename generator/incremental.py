"""Incremental builds: keep the last build in memory and redo only what a change touches.

`SiteBuilder.build()` is a full build through the disk cache (`.pressroom-cache/`):
unchanged files are not parsed again, pages whose dependency key did not change are
not rendered again, and the new output is staged with hard links to the unchanged files
of the previous one, then swapped in atomically (a killed build leaves the previous
site complete). With nothing changed, nothing is written at all.

`SiteBuilder.rebuild(paths)` (what `serve` runs) re-reads only the changed files,
updates the site model incrementally (groups and related links near the change),
re-renders only the pages whose inputs changed and replaces, file by file and
atomically, only the files whose bytes changed. `serve` holds `builder.lock` while
it reads files the builder writes.

Dependency keys: an article page depends on its template chain, its article and its
newer/older/related articles; a listing page on its template chain, its title, pager
and the articles it lists; everything on the config, the static asset versions and
Pressroom's own code (the global fingerprint). Articles are identified by a hash of
their source path and bytes.
"""
from __future__ import annotations

import enum
import hashlib
import multiprocessing
import os
import shutil
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from . import build as recipe
from .cache import DiskCache, digest, fingerprint
from .config import CONFIG_NAME, Config, load_config
from .content import CONTENT_SUFFIXES, Article, Loaded, is_future
from .errors import problem
from .markup import MarkdownRenderer
from .model import (MONTH_NAMES, RELATED_COUNT, RELATED_WINDOW, Listing, MonthCount, Neighbours, Site, TagCount,
                    YearCount, build_site, find_duplicate_routes, paginate)
from .output import MARKER, MARKER_TEXT, check_output_dir, clear_leftovers, safe_relative, swap_in
from .render import LIST_TEMPLATES, Renderer, static_files
from .urls import Urls, output_file

BuildResult = recipe.BuildResult
RACY_NS = 2_000_000_000        # a file modified this close to when we looked at it is re-hashed next time
PARALLEL_MIN = 400             # fewer files than this: parse in-process
SEARCH_DIR = "pagefind"


class ChangeKind(enum.Enum):
    CONTENT = "content"
    SEED = "seed"
    TEMPLATE = "template"
    STATIC = "static"
    CONFIG = "config"
    IGNORED = "ignored"


_EDITOR_SUFFIXES = (".swp", ".swx", ".swo", ".swn", ".tmp", ".bak", ".orig", ".part", ".crdownload",
                    "___jb_tmp___", "___jb_old___", ".kate-swp")
_EDITOR_NAMES = {"4913", ".DS_Store", "Thumbs.db", "desktop.ini"}
CACHE_DIR_NAME = ".pressroom-cache"


def is_editor_junk(name: str) -> bool:
    """Swap, backup and lock files editors write next to the real one."""
    return (name in _EDITOR_NAMES or name.startswith((".", "#", "~$")) or name.endswith("~")
            or name.endswith(_EDITOR_SUFFIXES))


def change_kind(path: Path, site_dir: Path) -> ChangeKind:
    """What a changed path means for the build; pure (looks only at the path, like Zola's detect_change_kind)."""
    from .render import DEFAULT_THEME

    path, site_dir = Path(path), Path(site_dir)
    if not path.is_absolute():
        path = site_dir / path
    if not path.name or is_editor_junk(path.name):
        return ChangeKind.IGNORED
    try:
        rel = path.relative_to(site_dir).parts
    except ValueError:
        try:
            rel = ("themes", "default", *path.relative_to(DEFAULT_THEME).parts)
        except ValueError:
            return ChangeKind.IGNORED
    if not rel or any(part.startswith((".", "_", "#")) or part.endswith("~") for part in rel[:-1]):
        return ChangeKind.IGNORED
    if rel == (CONFIG_NAME,):
        return ChangeKind.CONFIG
    top = rel[0]
    if top == "content" and len(rel) > 1:
        if rel[-1].startswith("_"):
            return ChangeKind.IGNORED
        suffix = Path(rel[-1]).suffix.lower()
        if suffix in CONTENT_SUFFIXES or not suffix:   # no suffix: maybe a folder that moved
            return ChangeKind.CONTENT
        return ChangeKind.IGNORED
    if top == "seeds" and len(rel) > 1:
        return ChangeKind.SEED
    if top == "themes":
        if len(rel) <= 2:
            return ChangeKind.TEMPLATE   # a theme folder appeared or went away
        if rel[2] == "static":
            return ChangeKind.STATIC
        if rel[2] == "templates":
            return ChangeKind.TEMPLATE
    return ChangeKind.IGNORED


# --------------------------------------------------------------------------- files -> articles

@dataclass
class FileEntry:
    stamp: tuple[int, int, int, int] | None   # (mtime_ns, size, inode, ctime_ns); None: never trust
    seen_ns: int                               # when the stamp was taken
    digest: bytes
    loaded: Loaded

    def trusted(self, stamp: tuple[int, int, int, int]) -> bool:
        return self.stamp == stamp and stamp[0] < self.seen_ns - RACY_NS


def _stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


_worker: dict[str, Any] = {}


def _parse_init(config: Config) -> None:
    _worker["config"], _worker["md"], _worker["urls"] = config, MarkdownRenderer(), Urls.from_config(config)


def _parse_many(items: list[tuple[str, str]]) -> list[tuple[str, FileEntry]]:
    config, md, urls = _worker["config"], _worker["md"], _worker["urls"]
    return [(rel, read_entry(Path(path), rel, config, md, urls)) for rel, path in items]


def read_entry(path: Path, rel: str, config: Config, md: MarkdownRenderer, urls: Urls,
               previous: FileEntry | None = None) -> FileEntry:
    """Hash the file; parse it unless `previous` has the same bytes."""
    seen = time.time_ns()
    try:
        st = os.stat(path)
        data = path.read_bytes()
    except OSError:
        st, data = None, b""
    stamp = _stamp(st) if st is not None and not path.is_symlink() else None
    hashed = digest(rel.encode() + b"\0" + data)
    if previous is not None and previous.digest == hashed and st is not None:
        return FileEntry(stamp, seen, hashed, previous.loaded)
    loaded = recipe.load_file(path, config, md, urls)
    try:
        if stamp is not None and _stamp(os.stat(path)) != stamp:
            stamp = None       # changed while we read it: re-read next time
    except OSError:
        stamp = None
    return FileEntry(stamp, seen, hashed, loaded)


def _fork_ok() -> bool:
    return (os.cpu_count() or 1) > 1 and threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def _chunks(items: list[Any], count: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // count))
    return [items[i:i + size] for i in range(0, len(items), size)]


# --------------------------------------------------------------------------- incremental model

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
        ordered = tuple(sorted(articles, key=lambda a: a.sort_key, reverse=True))
        by_tag: dict[str, list[Article]] = defaultdict(list)
        tag_of: dict[str, Any] = {}
        by_year: dict[int, list[Article]] = defaultdict(list)
        by_month: dict[tuple[int, int], list[Article]] = defaultdict(list)
        for article in ordered:
            for tag in article.tags:
                by_tag[tag.slug].append(article)
                if tag.slug not in tag_of:
                    tag_of[tag.slug] = tag
            year = article.date.year
            by_year[year].append(article)
            by_month[(year, article.date.month)].append(article)

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

        emit("home", "", lambda: paginate("", "home", "Latest releases", ordered, per_page))
        for slug, members in by_tag.items():
            emit("tag", slug, lambda: paginate(f"tags/{slug}/", "tag", tag_of[slug].name, members, per_page, key=slug))
        for year, members in by_year.items():
            emit("year", f"{year:04d}", lambda: paginate(f"{year:04d}/", "year", str(year), members, per_page, key=f"{year:04d}"))
        for (year, month), members in by_month.items():
            emit("month", f"{year:04d}/{month:02d}", lambda: paginate(
                f"{year:04d}/{month:02d}/", "month", f"{MONTH_NAMES[month - 1]} {year}", members, per_page,
                key=f"{year:04d}/{month:02d}"))

        tags = tuple(sorted((TagCount(tag_of[s], f"tags/{s}/", len(m)) for s, m in by_tag.items()),
                            key=lambda t: (-t.count, t.tag.name.lower())))
        years = tuple(
            YearCount(year, f"{year:04d}/", len(by_year[year]), tuple(
                MonthCount(year, month, f"{year:04d}/{month:02d}/", len(by_month[(year, month)]))
                for (y, month) in sorted(by_month, reverse=True) if y == year))
            for year in sorted(by_year, reverse=True)
        )

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


# --------------------------------------------------------------------------- pages and their keys

def template_fingerprints(env: jinja2.Environment, names: Iterable[str]) -> dict[str, bytes]:
    """Template name -> hash of its source and of every template it extends, imports or includes."""
    sources: dict[str, str] = {}
    refs: dict[str, list[str]] = {}

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
            found: list[str] = []
            try:
                for ref in meta.find_referenced_templates(env.parse(source(name).split("\0", 1)[1])):
                    found.extend([ref] if isinstance(ref, str) else env.list_templates())  # dynamic: every template
            except jinja2.TemplateSyntaxError:
                pass
            refs[name] = found
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


@dataclass
class Output:
    """What is (or will be) in the output folder: file -> (dependency key, bytes hash)."""

    files: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    extras_key: bytes = b""
    extras: dict[str, bytes] = field(default_factory=dict)     # feed/sitemap file -> hash (bytes live on disk)
    site_key: bytes = b""
    site_routes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- the builder

def build_cached(config: Config, *, strict: bool = False, run_import: bool = True, search: bool = True) -> BuildResult:
    """`pressroom build`: `build.build`'s result and bytes, through the cache; output swapped in atomically."""
    return SiteBuilder(config, search=search, strict=strict, run_import=run_import).build()


class SiteBuilder:
    """Keeps the last build in memory; rebuild() re-renders only what changes touch."""

    def __init__(self, config: Config, *, search: bool = False, strict: bool = False, run_import: bool = True,
                 overrides: dict[str, Any] | None = None) -> None:
        self.config = config
        self.search = search
        self.strict = strict
        self.run_import = run_import
        self.overrides = dict(overrides or {})
        self.lock = threading.RLock()
        self.last: BuildResult | None = None
        self.cache = DiskCache(config.site_dir)
        self._entries: dict[str, FileEntry] = {}
        self._aid: dict[int, bytes] = {}
        self._articles: list[Article] = []
        self._model = Model(config.per_page)
        self._out = Output()
        self._ready = False
        self._entries_dirty = False
        self._manifest_dirty = False
        self._problems_cached: Any = ()
        self._scan_problems: list[Any] = []
        self._order: set[str] = set()

    # ----- public API

    def build(self) -> BuildResult:
        """Full build: parse what the cache does not have, render what changed, swap the output in atomically."""
        with self.lock:
            self.last = self._build_full(staged=True)
            return self.last

    def rebuild(self, changed: Iterable[Path]) -> BuildResult:
        """Rebuild after `changed` paths (changed, added or deleted) under the site folder; in-place writes."""
        changed = [Path(p) for p in changed]
        kinds: dict[ChangeKind, list[Path]] = defaultdict(list)
        for path in changed:
            kinds[change_kind(path, self.config.site_dir)].append(path)
        kinds.pop(ChangeKind.IGNORED, None)
        with self.lock:
            if not self._ready:
                self.last = self._build_full(staged=True)
                return self.last
            if not kinds:
                return self._result(0, (), time.perf_counter(), self._problems_cached, 0.0)
            if ChangeKind.CONFIG in kinds:
                self.config = load_config(self.config.site_dir, **self.overrides)
                self._model = Model(self.config.per_page)
                self.last = self._build_full(staged=False)
                return self.last
            if ChangeKind.SEED in kinds and self.run_import:
                return self._rebuild(kinds, run_import=True)
            return self._rebuild(kinds, run_import=False)

    # ----- pieces

    def _setup_render(self) -> None:
        config = self.config
        self.renderer = Renderer.create(config)
        names = ["article.html", *sorted(set(LIST_TEMPLATES.values()))]
        everything = sorted(set(self.renderer.env.list_templates()) | set(names))
        self.tfp = template_fingerprints(self.renderer.env, everything)
        self.tfp_all = digest(b"".join(self.tfp[name] for name in everything))
        self.statics = static_files(config)
        self.global_key = fingerprint("pages", _config_repr(config), sorted(self.renderer.static_versions.items()))
        self.parse_key = fingerprint("articles", config.timezone, config.permalink, config.unsafe_html, config.site_dir)
        self._md: MarkdownRenderer | None = None
        self._urls = Urls.from_config(config)

    @property
    def md(self) -> MarkdownRenderer:
        if self._md is None:
            self._md = MarkdownRenderer()
        return self._md

    def _build_full(self, *, staged: bool) -> BuildResult:
        started = time.perf_counter()
        config = self.config
        problems = recipe.Problems(self.strict)
        check_output_dir(config.output_dir, config.site_dir)
        imported = recipe.import_new_seeds(config, problems) if self.run_import else 0
        self._setup_render()
        previous = self.cache.load("articles", self.parse_key) or {} if not self._entries else self._entries
        files = self._scan()
        entries: dict[str, FileEntry] = {}
        todo: list[tuple[str, Path]] = []
        for rel, path in files.items():
            old = previous.get(rel)
            try:
                st = os.stat(path)
            except OSError:
                todo.append((rel, path))
                continue
            if old is not None and old.trusted(_stamp(st)):
                entries[rel] = old
            else:
                todo.append((rel, path))
        parsed_any = bool(todo) or len(entries) != len(previous)
        if len(todo) >= PARALLEL_MIN and _fork_ok():
            context = multiprocessing.get_context("fork")
            workers = os.cpu_count() or 2
            with context.Pool(workers, initializer=_parse_init, initargs=(config,)) as pool:
                items = [(rel, str(path)) for rel, path in todo]
                for chunk in pool.imap_unordered(_parse_many, _chunks(items, workers * 8)):
                    for rel, entry in chunk:
                        old = previous.get(rel)
                        entries[rel] = FileEntry(entry.stamp, entry.seen_ns, entry.digest, old.loaded) if (
                            old is not None and old.digest == entry.digest) else entry
        else:
            for rel, path in todo:
                entries[rel] = read_entry(path, rel, config, self.md, self._urls, previous.get(rel))
        self._entries = {rel: entries[rel] for rel in files}
        if parsed_any or not previous or self._entries_dirty:
            self.cache.save("articles", self.parse_key, self._entries)
        self._order = set(self._entries)
        articles = self._select(problems)
        self._model = Model(config.per_page)
        site = self._model.full(articles)
        self._articles = articles

        if self._ready and (config.output_dir / MARKER).is_file():
            out = self._out
        else:
            out = self.cache.load("pages", self._pages_key()) or Output()
            if not _output_matches(config.output_dir, out):
                out = Output()
        plan = self._plan(site, out, {a.route for a in site.articles}, {listing.route for listing in site.listings},
                          full=True)
        written = self._write(plan, staged=staged, old=out)
        self._entries_dirty = False
        search_seconds = 0.0
        if self.search and config.search and (written or not (config.output_dir / SEARCH_DIR).is_dir()):
            search_seconds = recipe.index_search(config, problems)
        self._ready = True
        return self._result(imported, written, started, problems, search_seconds)

    def _rebuild(self, kinds: dict[ChangeKind, list[Path]], *, run_import: bool) -> BuildResult:
        started = time.perf_counter()
        config = self.config
        problems = recipe.Problems(self.strict)
        imported = recipe.import_new_seeds(config, problems) if run_import else 0
        rescan = run_import or any(not p.suffix for p in kinds.get(ChangeKind.CONTENT, ()))
        changed_rels: set[str] = set()
        site_dir = config.site_dir
        for path in kinds.get(ChangeKind.CONTENT, ()):
            path = path if path.is_absolute() else site_dir / path
            try:
                changed_rels.add(path.relative_to(site_dir).as_posix())
            except ValueError:
                pass
        if rescan:
            files = self._scan()
            changed_rels |= set(files) ^ set(self._entries)
            if run_import:   # the importer may have rewritten any file: check stamps
                for rel, path in files.items():
                    entry = self._entries.get(rel)
                    try:
                        if entry is None or entry.stamp != _stamp(os.stat(path)):
                            changed_rels.add(rel)
                    except OSError:
                        changed_rels.add(rel)
        if ChangeKind.TEMPLATE in kinds or ChangeKind.STATIC in kinds:
            self._setup_render()
        for rel in sorted(changed_rels):
            path = site_dir / rel
            if path.is_file() and (not rescan or rel in files) and path.suffix.lower() in CONTENT_SUFFIXES:
                self._entries[rel] = read_entry(path, rel, config, self.md, self._urls, self._entries.get(rel))
            else:
                self._entries.pop(rel, None)
        if rescan:
            self._entries = {rel: self._entries[rel] for rel in files if rel in self._entries}
        elif any(rel not in order for rel in self._entries for order in [self._order]):
            self._entries = dict(sorted(self._entries.items(), key=lambda item: item[0].split("/")))
        self._order = set(self._entries)
        articles = self._select(problems)
        before = {id(a) for a in self._articles}
        now = {id(a) for a in articles}
        removed = [a for a in self._articles if id(a) not in now]
        added = [a for a in articles if id(a) not in before]
        site, dirty_articles, dirty_listings = self._model.update(articles, removed, added)
        self._articles = articles
        if ChangeKind.TEMPLATE in kinds or ChangeKind.STATIC in kinds:
            dirty_articles = {a.route for a in site.articles}
            dirty_listings = {listing.route for listing in site.listings}
        plan = self._plan(site, self._out, dirty_articles, dirty_listings, full=False)
        written = self._write(plan, staged=False, old=self._out)
        if changed_rels:
            self._entries_dirty = True
        return self._result(imported, written, started, problems, 0.0)

    def close(self) -> None:
        """Save what in-place rebuilds left only in memory (serve calls this on exit; safe to skip)."""
        with self.lock:
            if self._entries_dirty:
                self.cache.save("articles", self.parse_key, self._entries)
                self._entries_dirty = False
            if self._manifest_dirty:
                self.cache.save("pages", self._pages_key(), _with_stats(self.config.output_dir, self._out))
                self._manifest_dirty = False

    def _pages_key(self) -> str:
        return fingerprint("output", str(self.config.output_dir))

    def _select(self, problems: recipe.Problems) -> list[Article]:
        """Same choices, same problems, same order as `build.gather_articles`."""
        for item in self._scan_problems:
            problems.add(item)
        kept = recipe.select_articles((entry.loaded for entry in self._entries.values()), self.config, problems)
        self._aid = {id(a): self._entries[a.source_path].digest for a in kept}
        self._problems_cached = problems
        return kept

    def _scan(self) -> dict[str, Path]:
        """rel -> path of every content file, in build order; remembers case-clash problems."""
        clashes = recipe.Problems(False)
        paths = recipe.content_paths(self.config, clashes)
        self._scan_problems = list(clashes)
        site_dir = self.config.site_dir
        return {path.relative_to(site_dir).as_posix(): path for path in paths}

    def _article_key(self, site: Site, article: Article) -> bytes:
        links = site.neighbours[article.route]
        aid = self._aid
        parts = [b"A", self.global_key.encode(), self.tfp["article.html"], article.route.encode(), aid[id(article)],
                 aid[id(links.newer)] if links.newer else b"-", aid[id(links.older)] if links.older else b"-",
                 *(aid[id(r)] for r in links.related)]
        return digest(b"\0".join(parts))

    def _listing_key(self, listing: Listing) -> bytes:
        aid = self._aid
        parts = [b"L", self.global_key.encode(), self.tfp[LIST_TEMPLATES[listing.kind]], listing.route.encode(),
                 listing.kind.encode(), listing.title.encode(), listing.key.encode(),
                 repr((listing.pager.number, listing.pager.total, listing.pager.routes)).encode(),
                 *(aid[id(a)] for a in listing.articles)]
        return digest(b"\0".join(parts))

    def _plan(self, site: Site, old: Output, dirty_articles: set[str], dirty_listings: set[str], *, full: bool) -> "Plan":
        """Decide every output file: its key, and whether it must be rendered."""
        plan = Plan(self, site)
        files = old.files
        for article in site.articles:
            name = output_file(article.route)
            if article.route in dirty_articles or name not in files:
                key = self._article_key(site, article)
                if files.get(name, (None,))[0] != key:
                    plan.render.append(("a", article, name, key))
                    continue
                plan.keep[name] = (key, files[name][1])
            else:
                plan.keep[name] = files[name]
        for listing in site.listings:
            name = output_file(listing.route)
            if listing.route in dirty_listings or name not in files:
                key = self._listing_key(listing)
                if files.get(name, (None,))[0] != key:
                    plan.render.append(("l", listing, name, key))
                    continue
                plan.keep[name] = (key, files[name][1])
            else:
                plan.keep[name] = files[name]
        return plan

    def _write(self, plan: "Plan", *, staged: bool, old: Output) -> tuple[str, ...]:
        config = self.config
        site = plan.site
        renderer = self.renderer
        output_dir = config.output_dir
        page_routes = [a.route for a in site.articles] + [listing.route for listing in site.listings]
        new = Output()
        new.files.update(plan.keep)
        payload: dict[str, bytes] = {}     # file -> bytes to write

        staged_already: set[str] = set()
        changed: set[str] = set()
        for name, key, data_digest, data in self._render(plan, staged=staged):
            new.files[name] = (key, data_digest)
            previous = old.files.get(name)
            if previous is None or previous[1] != data_digest:
                changed.add(name)
                if data is not None:
                    payload[name] = data
            if data is None:
                staged_already.add(name)
        # Site-wide pages, feeds and the rest: cheap, always recomputed, written when their bytes change.
        # Site-wide pages (tags, archive, search, 404): keyed by everything they could show.
        site_key = digest(repr((self.global_key, self.tfp_all, site.tags, site.years, len(site.articles))).encode())
        previous_routes = old.site_routes if old.site_key == site_key else None
        if previous_routes is not None and all(output_file(r) in old.files for r in previous_routes):
            page_routes.extend(previous_routes)
            for route in previous_routes:
                new.files[output_file(route)] = old.files[output_file(route)]
        else:
            previous_routes = []
            for route, data in renderer.site_pages(site):
                name = output_file(route)
                previous_routes.append(route)
                page_routes.append(route)
                new.files[name] = (b"", digest(data))
                if old.files.get(name, (b"", b""))[1] != new.files[name][1]:
                    payload[name] = data
        new.site_key, new.site_routes = site_key, list(previous_routes)
        extras_key = self._extras_key(site, page_routes)
        if extras_key == old.extras_key and old.extras and all((output_dir / n).is_file() for n in old.extras):
            new.extras, new.extras_key = dict(old.extras), extras_key
        else:
            new.extras_key = extras_key
            for name, data in recipe.extra_files(site, renderer, page_routes):
                new.extras[name] = digest(data)
                if old.extras.get(name) != new.extras[name] or old.files.get(name):
                    payload[name] = data
        for route, source in self.statics.items():
            version = renderer.static_versions.get(route, "")
            new.files[route] = (b"static", version.encode())
            if old.files.get(route, (b"", b""))[1] != version.encode():
                payload[route] = source.read_bytes()
        wanted = set(new.files) | set(new.extras)
        removed = sorted((set(old.files) | set(old.extras)) - wanted)
        written = tuple(sorted(set(payload) | changed))
        if staged:
            if written or removed or not (output_dir / MARKER).is_file():
                write_staged(output_dir, payload, wanted - set(payload) - staged_already, plan.staging)
            elif plan.staging is not None:
                shutil.rmtree(plan.staging, ignore_errors=True)
            self.cache.save("pages", self._pages_key(), _with_stats(output_dir, new))
            self._manifest_dirty = False
        else:
            write_in_place(output_dir, payload, removed)
            self._manifest_dirty = True
        self._out = new
        return written

    def _render(self, plan: "Plan", *, staged: bool) -> list[tuple[str, bytes, bytes, bytes | None]]:
        """Render the planned pages: (file, key, hash, bytes); in parallel (forked workers) when many."""
        renderer, site = self.renderer, plan.site
        jobs = plan.render
        if staged:
            plan.staging = make_staging(self.config.output_dir)
        if len(jobs) >= PARALLEL_MIN and _fork_ok() and staged:
            return self._render_forked(plan)
        out: list[tuple[str, bytes, bytes, bytes | None]] = []
        for kind, item, name, key in jobs:
            data = renderer.article(site, item) if kind == "a" else renderer.listing(item)
            out.append((name, key, digest(data), data))
        return out

    def _render_forked(self, plan: "Plan") -> list[tuple[str, bytes, bytes, bytes | None]]:
        """Children inherit the site; each renders a share and writes it into the staging folder itself."""
        global _render_state
        workers = os.cpu_count() or 2
        _render_state = (self.renderer, plan.site, plan.staging, plan.render)
        shares = [list(range(i, len(plan.render), workers * 4)) for i in range(workers * 4)]
        results: list[tuple[str, bytes, bytes, bytes | None]] = []
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for chunk in pool.imap_unordered(_render_share, shares):
                    results.extend((name, key, data_digest, None) for name, key, data_digest in chunk)
        finally:
            _render_state = None
        return results

    def _extras_key(self, site: Site, page_routes: list[str]) -> bytes:
        aid = self._aid
        n = self.config.feed_entries
        h = hashlib.blake2b(digest_size=16)
        h.update(self.global_key.encode())
        for article in site.articles[:n]:
            h.update(aid[id(article)])
        newest: dict[str, int] = {}
        for article in site.articles:
            for tag in article.tags:
                if newest.get(tag.slug, 0) < n:
                    newest[tag.slug] = newest.get(tag.slug, 0) + 1
                    h.update(tag.slug.encode() + b"\0" + aid[id(article)])
            h.update(article.route.encode() + b"\0" + article.updated.isoformat().encode())
        h.update("\0".join(page_routes).encode())
        return h.digest()

    def _result(self, imported: int, written: tuple[str, ...], started: float, problems: Any,
                search_seconds: float) -> BuildResult:
        site = self._model.site
        files = len(self._out.files) + len(self._out.extras)
        pages = files - len(self.statics)
        return BuildResult(len(site.articles), pages, files, imported, tuple(problems),
                           time.perf_counter() - started, written=written, search_seconds=search_seconds)


_render_state: Any = None


def _render_share(indices: list[int]) -> list[tuple[str, bytes, bytes]]:
    renderer, site, staging, jobs = _render_state
    out = []
    made: set[Path] = set()
    for i in indices:
        kind, item, name, key = jobs[i]
        data = renderer.article(site, item) if kind == "a" else renderer.listing(item)
        target = staging / safe_relative(name)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        with open(target, "xb") as handle:
            handle.write(data)
        out.append((name, key, digest(data)))
    return out


@dataclass
class Plan:
    builder: SiteBuilder
    site: Site
    keep: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    render: list[tuple[str, Any, str, bytes]] = field(default_factory=list)
    staging: Path | None = None
    written_by_workers: set[str] = field(default_factory=set)
    rendered_meta: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)


def _config_repr(config: Config) -> str:
    return repr([(f.name, getattr(config, f.name)) for f in fields(config)])


# --------------------------------------------------------------------------- writing

def make_staging(output_dir: Path) -> Path:
    clear_leftovers(output_dir)
    staging = output_dir.with_name(f".{output_dir.name}.building-{os.getpid()}")
    staging.mkdir(parents=True)
    return staging


def write_staged(output_dir: Path, payload: dict[str, bytes], unchanged: set[str], staging: Path | None) -> None:
    """New output = bytes for changed files + hard links to the unchanged files of the previous output; swapped in."""
    staging = staging or make_staging(output_dir)
    try:
        made: set[Path] = set()

        def parent(target: Path) -> None:
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)

        for name, data in payload.items():
            target = staging / safe_relative(name)
            parent(target)
            with open(target, "xb") as handle:
                handle.write(data)
        for name in unchanged:
            target = staging / safe_relative(name)
            if target.exists():
                continue    # a worker wrote it
            parent(target)
            source = output_dir / safe_relative(name)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        index = output_dir / SEARCH_DIR
        if index.is_dir() and not index.is_symlink() and not (staging / SEARCH_DIR).exists():
            shutil.copytree(index, staging / SEARCH_DIR, copy_function=_link_or_copy)
        (staging / MARKER).write_text(MARKER_TEXT)
        swap_in(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_in_place(output_dir: Path, payload: dict[str, bytes], removed: Iterable[str]) -> None:
    """Each changed file replaced atomically (temp file + rename); gone files deleted."""
    output_dir.mkdir(parents=True, exist_ok=True)
    marker = output_dir / MARKER
    if not marker.exists():
        marker.write_text(MARKER_TEXT)
    for name, data in payload.items():
        target = output_dir / safe_relative(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.pressroom-tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    for name in removed:
        target = output_dir / safe_relative(name)
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != output_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _with_stats(output_dir: Path, out: Output) -> Output:
    """Record each output file's (size, mtime) so the next process can trust the output folder cheaply."""
    stats = {}
    for name in list(out.files) + list(out.extras):
        try:
            st = os.stat(output_dir / name)
            stats[name] = (st.st_size, st.st_mtime_ns, st.st_ino)
        except OSError:
            pass
    saved = Output(dict(out.files), out.extras_key, dict(out.extras), out.site_key, list(out.site_routes))
    saved.stats = stats   # type: ignore[attr-defined]
    return saved


def _output_matches(output_dir: Path, out: Output) -> bool:
    """True when the output folder still holds exactly the files the manifest describes."""
    stats = getattr(out, "stats", None)
    if not stats or not (output_dir / MARKER).is_file():
        return False
    for name, expected in stats.items():
        try:
            st = os.stat(output_dir / name)
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns, st.st_ino) != expected:
            return False
    return True
