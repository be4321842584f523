"""The site's content files as last read: each one's stat stamp, content hash and parse, kept in memory between
rebuilds and in the cache between processes. The builder asks it what to read again; it never decides what to
render."""
from __future__ import annotations

import gc
from collections.abc import Callable, Container
from pathlib import Path

from ..cache import DiskCache, fingerprint
from ..changes import ChangeKind, Changes
from ..config import Config
from ..content import CONTENT_SUFFIXES, Article, Loaded, Page, is_future, utc_now
from ..errors import Problem
from ..markup import MarkdownRenderer
from ..model import moves_in_place, same_place
from ..urls import Urls, takes_generated_route
from .entries import EntryStore, Stamped
from .sources import FileEntry, Files, Stamp, load_entries, moved, read_entry, rescanned, same_bytes


class Contents:
    """Every content file's `FileEntry`, in build order; `dirty` when memory holds entries the cache does not."""

    def __init__(self, config: Config, cache: DiskCache) -> None:
        self.cache = cache
        self.config = config
        self.entries: dict[str, FileEntry] = {}
        self.dirty = False
        self.key = ""
        self._store = EntryStore(cache)
        self._urls = Urls.from_config(config)
        self._md: MarkdownRenderer | None = None

    def configure(self, config: Config) -> None:
        """Follow a (re)loaded config; its parse key says which parses stay valid."""
        self.config = config
        self.key = fingerprint("articles", config.timezone, config.permalink, config.unsafe_html, config.site_dir,
                               config.base_path, config.drafts)   # bodies hold base-path links; draft pages
        self._urls = Urls.from_config(config)

    def load(self, files: Files, *, freeze: bool) -> list[Problem]:
        """Every file's entry: from memory or the cache when its stamp (or its bytes) vouch for it, else read.
        Returns a warning for each release whose URL changed since the last build."""
        previous = self.entries or self._store.load(self.key)
        if freeze:
            gc.freeze()       # a one-shot build's objects live until it ends: the collector need not walk them again
        self.entries, parsed_any = load_entries(files, previous, self.config, self._markdown, self._urls)
        if parsed_any or not previous or self.dirty:
            self.save()
        return moved({rel: e.loaded for rel, e in previous.items()}, self.entries)

    def changed_since_saved(self, files: Files, stamps: dict[str, Stamp]) -> set[str]:
        """The files (site-relative) added, deleted or changed on disk since the entries were saved (loaded from
        the cache here); a file with a new stamp but the same bytes (a fresh checkout, `touch`) only gets its
        new stamp. A `pressroom build` that takes up the last build's state reads only these again. `stamps`:
        each file's stamp as the scan took it."""
        if not self.entries:
            gc.disable()     # unpickling every article: the collector would walk the growing heap again and again
            try:
                self.entries = self._store.load(self.key)
            finally:
                gc.freeze()
                gc.enable()
        entries = self.entries
        unsure = {rel for rel, entry in entries.items() if entry.stamp is None}
        stale = [(rel, path) for rel, path in files.items()
                 if rel in entries and rel not in unsure and not _still_trusted(entries[rel], stamps.get(rel))]
        refreshed: dict[str, FileEntry] = {}
        left = same_bytes(stale, entries, refreshed)
        entries.update(refreshed)
        self.dirty = self.dirty or bool(refreshed)
        return {rel for rel, _ in left} | unsure | (set(files) ^ set(entries))

    def to_read_again(self, changes: Changes, files: Files | None) -> set[str]:
        """The files (site-relative) to read again: those named, every one added, deleted or changed on disk after
        a rescan (`files`), and those whose last read failed (a passing OS error is not remembered)."""
        site_dir = self.config.site_dir
        changed = {rel for rel in (_relative(path, site_dir) for path in changes.of(ChangeKind.CONTENT)) if rel}
        if files is not None:
            changed |= rescanned(files, self.entries)
        return changed | {rel for rel, entry in self.entries.items() if entry.stamp is None}

    def reread(self, changed: set[str], files: Files | None) -> None:
        """Read the changed files again (or forget the gone ones), keeping the entries in build order."""
        site_dir = self.config.site_dir
        for rel in sorted(changed):
            path = site_dir / rel
            if path.is_file() and (files is None or rel in files) and path.suffix.lower() in CONTENT_SUFFIXES:
                self.entries[rel] = read_entry(path, rel, self.config, self._markdown(), self._urls,
                                               self.entries.get(rel))
            else:
                self.entries.pop(rel, None)
        if files is not None:
            self.entries = {rel: self.entries[rel] for rel in files if rel in self.entries}
        else:
            self.entries = dict(sorted(self.entries.items(), key=lambda item: item[0].split("/")))
        self.dirty = self.dirty or bool(changed)

    def edited_in_place(self, changed: set[str], was: dict[str, Loaded], published: Container[str],
                        keeps_order: Callable[[Article, Article], bool],
                        redirects: tuple[tuple[str, str], ...]) -> list[tuple[Article, Article]] | None:
        """(old, new) articles when every changed file (`was`: each one's parse before it was read again) is a
        `published` release edited in place (`same_place`, or for one of them a URL moved in place), with no
        problem before or after; else None."""
        pairs, moves = [], 0
        for rel in changed:
            before, entry = was.get(rel), self.entries.get(rel)
            if before is None or entry is None or before.problems or entry.loaded.problems:
                return None
            old, new = before.article, entry.loaded.article
            if old is None or new is None or old.source_path not in published:
                return None
            if not same_place(old, new):
                moves += 1
                if moves > 1 or not (moves_in_place(old, new) and keeps_order(old, new)
                                     and self.route_free(old, new, redirects)):
                    return None
            if old is not new:
                pairs.append((old, new))
        return pairs or None

    def added_releases(self, changed: set[str], was: dict[str, Loaded],
                       in_use: Callable[[], set[str]]) -> list[Article] | None:
        """The new releases, when every changed file is a new one that `select` would publish as it stands: no
        problem, not a draft, not held back, no alias, and a URL no other release, page, alias or generated page
        has (`in_use()`: every URL and alias in use, lower-cased; asked only when the rest holds). Else None: the
        whole site is selected again."""
        added, now = [], utc_now()
        for rel in changed:
            entry = self.entries.get(rel)
            if rel in was or entry is None or entry.loaded.problems or entry.loaded.page is not None:
                return None
            article = entry.loaded.article
            if article is None or article.aliases or (not self.config.drafts and (article.draft or is_future(article, now))):
                return None
            added.append(article)
        routes = [article.route.lower() for article in added]
        if not added or len(set(routes)) < len(routes) or any(map(takes_generated_route, routes)):
            return None
        return None if in_use().intersection(routes) else added

    def route_free(self, old: Article, new: Article, redirects: tuple[tuple[str, str], ...]) -> bool:
        """True when no other content file has or names (as an alias) either URL, and no redirect or generated
        page takes the new one: moving the release cannot change which files `select` keeps or reports."""
        urls = {old.route.lower(), new.route.lower()}
        if takes_generated_route(new.route.lower()) or any(alias.lower() in urls for alias, _ in redirects):
            return False
        for rel, entry in self.entries.items():
            item = entry.loaded.article or entry.loaded.page
            if rel != new.source_path and item is not None and (
                    item.route.lower() in urls or any(alias.lower() in urls for alias in item.aliases)):
                return False
        return True

    def saved_stamps(self) -> dict[str, Stamped]:
        """Each file's stamp as the cache last saved it, with when it was taken and the hash it vouches for."""
        return self._store.stamps(self.key)

    def digests(self) -> dict[str, bytes]:
        return {rel: entry.digest for rel, entry in self.entries.items()}

    def save(self) -> None:
        """The parsed files, and apart from them the small stamps file a no-change build reads alone."""
        self._store.save(self.key, self.entries)
        self.dirty = False

    def _markdown(self) -> MarkdownRenderer:
        if self._md is None:
            self._md = MarkdownRenderer()
        return self._md


def _still_trusted(entry: FileEntry, stamp: Stamp | None) -> bool:
    return stamp is not None and entry.trusted(stamp)


def _relative(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return ""


def urls_in_use(articles: list[Article], pages: tuple[Page, ...], redirects: tuple[tuple[str, str], ...]) -> set[str]:
    """Every URL a release or page has, and every alias redirecting, lower-cased (as `select` compares them)."""
    return ({a.route.lower() for a in articles} | {p.route.lower() for p in pages}
            | {alias.lower() for alias, _ in redirects})
