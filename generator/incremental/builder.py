"""`SiteBuilder`: keeps the last build in memory; `build()` goes through the disk cache, `rebuild(paths)` redoes
only what the changed paths touch. `serve` holds `builder.lock` while it reads files the builder writes."""
from __future__ import annotations

import os
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import build as recipe
from .. import search as search_index
from ..cache import DiskCache, digest, fingerprint
from ..config import Config, load_config
from ..content import CONTENT_SUFFIXES, Article
from ..errors import problem
from ..markup import MarkdownRenderer
from ..output import MARKER, check_output_dir
from ..render import LIST_TEMPLATES, Renderer, static_files
from ..urls import Urls
from ..changes import ChangeKind, change_kind, needs_rescan
from .collect import collect_outputs
from .deps import Keys, Output, Plan, config_repr, plan_pages, template_fingerprints
from .record import due, held_until, manifest_saved, state_key, trusted_digests
from .sitemodel import Model, same_place, swap
from .sources import FileEntry, load_entries, read_entry, stamp_of
from .writing import SEARCH_DIR, make_staging, output_matches, with_stats, write_in_place, write_staged

BuildResult = recipe.BuildResult


def build_cached(config: Config, *, strict: bool = False, run_import: bool = True, search: bool = True) -> BuildResult:
    """`pressroom build`: `build.build`'s result and bytes, through the cache; output swapped in atomically."""
    builder = SiteBuilder(config, search=search, strict=strict, run_import=run_import)
    builder._one_shot = True
    return builder.build()


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
        self._articles: list[Article] = []
        self._model = Model(config.per_page)
        self._out = Output()
        self._ready = False
        self._entries_dirty = False
        self._manifest_dirty = False
        self._problems_cached: Any = ()
        self._scan_problems: list[Any] = []
        self._order: set[str] = set()
        self._select_problems: list[Any] = []
        self._held: datetime | None = None
        self._one_shot = False      # build_cached: may answer from the last build's record without a model

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

    def close(self) -> None:
        """Save what in-place rebuilds left only in memory (serve calls this on exit; safe to skip)."""
        with self.lock:
            if self._entries_dirty:
                self._save_entries()
                self._entries_dirty = False
            if self._manifest_dirty:
                self.cache.save("pages", self._pages_key(), with_stats(self.config.output_dir, self._out))
                self._manifest_dirty = False

    # ----- pieces

    def _setup_render(self) -> None:
        config = self.config
        self.renderer = Renderer.create(config)
        names = ["article.html", *sorted(set(LIST_TEMPLATES.values()))]
        everything = sorted(set(self.renderer.env.list_templates()) | set(names))
        tfp = template_fingerprints(self.renderer.env, everything)
        global_key = fingerprint("pages", config_repr(config), sorted(self.renderer.static_versions.items()))
        self.keys = Keys(global_key, tfp, digest(b"".join(tfp[name] for name in everything)))
        self.statics = static_files(config)
        self.parse_key = fingerprint("articles", config.timezone, config.permalink, config.unsafe_html, config.site_dir)
        self._md: MarkdownRenderer | None = None
        self._urls = Urls.from_config(config)

    def _markdown(self) -> MarkdownRenderer:
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
        files = self._scan()
        if self._one_shot and not self._ready:    # nothing changed? the stamps alone can tell, without the articles
            stamps = self.cache.load("stamps", self.parse_key) or {}
            digests = trusted_digests(files, stamps)
            if digests is not None:
                done = self._unchanged(problems, imported, started, state_key(self.keys, self.parse_key, digests))
                if done is not None:
                    return done
        previous = self.cache.load("articles", self.parse_key) or {} if not self._entries else self._entries
        self._entries, parsed_any = load_entries(files, previous, config, self._markdown, self._urls)
        if parsed_any or not previous or self._entries_dirty:
            self._save_entries()
        self._order = set(self._entries)
        articles = self._select(problems)
        self._model = Model(config.per_page)
        site = self._model.full(articles)
        self._articles = articles

        if self._ready and (config.output_dir / MARKER).is_file():
            out = self._out
        else:
            out = self.cache.load("pages", self._pages_key()) or Output()
            if not output_matches(config.output_dir, out):
                out = Output()
        plan = plan_pages(self.keys, site, out, {a.route for a in site.articles}, {listing.route for listing in site.listings})
        written, search_seconds = self._write(plan, staged=staged, old=out, problems=problems,
                                              state=(self._state(), tuple(problems), self._held))
        self._entries_dirty = False
        self._ready = True
        return self._result(imported, written, started, problems, search_seconds)

    def _rebuild(self, kinds: dict[ChangeKind, list[Path]], *, run_import: bool) -> BuildResult:
        started = time.perf_counter()
        config = self.config
        problems = recipe.Problems(self.strict)
        imported = recipe.import_new_seeds(config, problems) if run_import else 0
        site_dir = config.site_dir
        # The importer may have rewritten any file, and a folder that moved (content/ itself included)
        # produced no event for the files in it: rescan content/ rather than trust the paths.
        rescan = run_import or any(needs_rescan(p, site_dir) for p in kinds.get(ChangeKind.CONTENT, ()))
        changed_rels: set[str] = set()
        for path in kinds.get(ChangeKind.CONTENT, ()):
            path = path if path.is_absolute() else site_dir / path
            try:
                changed_rels.add(path.relative_to(site_dir).as_posix())
            except ValueError:
                pass
        if rescan:
            files = self._scan()
            changed_rels |= self._rescanned(files)
        templates = ChangeKind.TEMPLATE in kinds or ChangeKind.STATIC in kinds
        if templates:
            self._setup_render()
        was = {rel: self._entries[rel].loaded for rel in changed_rels if rel in self._entries}
        for rel in sorted(changed_rels):
            path = site_dir / rel
            if path.is_file() and (not rescan or rel in files) and path.suffix.lower() in CONTENT_SUFFIXES:
                self._entries[rel] = read_entry(path, rel, config, self._markdown(), self._urls, self._entries.get(rel))
            else:
                self._entries.pop(rel, None)
        if rescan:
            self._entries = {rel: self._entries[rel] for rel in files if rel in self._entries}
        elif any(rel not in self._order for rel in self._entries):
            self._entries = dict(sorted(self._entries.items(), key=lambda item: item[0].split("/")))
        self._order = set(self._entries)
        pairs = None if rescan or templates else self._in_place(changed_rels, was)
        if pairs is not None:     # body or title edits: substitute, without regrouping the whole site
            for item in self._select_problems:
                problems.add(item)
            self._problems_cached = problems
            sub = {id(old): new for old, new in pairs}
            for old, new in pairs:
                self.keys.aid[id(new)] = self._entries[new.source_path].digest
                del self.keys.aid[id(old)]
            self._articles = [sub.get(id(a), a) for a in self._articles]
            site, dirty_articles, dirty_listings = swap(self._model, pairs)
        else:
            articles = self._select(problems)
            before = {id(a) for a in self._articles}
            now = {id(a) for a in articles}
            removed = [a for a in self._articles if id(a) not in now]
            added = [a for a in articles if id(a) not in before]
            site, dirty_articles, dirty_listings = self._model.update(articles, removed, added)
            self._articles = articles
        if templates:
            dirty_articles = {a.route for a in site.articles}
            dirty_listings = {listing.route for listing in site.listings}
        plan = plan_pages(self.keys, site, self._out, dirty_articles, dirty_listings, same_pages=pairs is not None)
        written, _ = self._write(plan, staged=False, old=self._out, problems=problems)
        if changed_rels:
            self._entries_dirty = True
        return self._result(imported, written, started, problems, 0.0)

    def _rescanned(self, files: dict[str, Path]) -> set[str]:
        """The content files on disk (`files`) against the ones this builder knows: added, deleted,
        and those whose stat stamp no longer vouches for what was read (edited, or replaced by another file)."""
        changed = set(files) ^ set(self._entries)
        for rel, path in files.items():
            entry = self._entries.get(rel)
            if entry is None:
                continue
            try:
                if not entry.trusted(stamp_of(os.stat(path))):
                    changed.add(rel)
            except OSError:
                changed.add(rel)
        return changed

    def _in_place(self, changed: set[str], was: dict[str, Any]) -> list[tuple[Article, Article]] | None:
        """(old, new) articles when every changed file is a published release edited in place (`same_place`)
        with no problem before or after, and no held-back release has fallen due; else None."""
        if due(self._held):
            return None
        pairs = []
        for rel in changed:
            before, entry = was.get(rel), self._entries.get(rel)
            if before is None or entry is None or before.problems or entry.loaded.problems:
                return None
            old, new = before.article, entry.loaded.article
            if old is None or new is None or id(old) not in self.keys.aid or not same_place(old, new):
                return None
            if old is not new:
                pairs.append((old, new))
        return pairs or None

    def _state(self) -> bytes:
        return state_key(self.keys, self.parse_key, {rel: entry.digest for rel, entry in self._entries.items()})

    def _save_entries(self) -> None:
        """The parsed articles, and apart from them the small stamps file a no-change build reads alone."""
        self.cache.save("articles", self.parse_key, self._entries)
        self.cache.save("stamps", self.parse_key, {rel: (e.stamp, e.seen_ns, e.digest) for rel, e in self._entries.items()})

    def _unchanged(self, problems: recipe.Problems, imported: int, started: float, state: bytes) -> BuildResult | None:
        """`pressroom build` with nothing changed since the last build: its result, without building anything."""
        config = self.config
        out = self.cache.load("pages", self._pages_key())
        if out is None or not out.state or out.state != state:
            return None
        if due(out.held_until):
            return None     # a release held back for its date is due now
        if self.search and config.search and not (config.output_dir / SEARCH_DIR).is_dir():
            return None
        if not output_matches(config.output_dir, out):
            return None
        for item in out.problems:
            problems.add(item)
        self._out = out
        files = len(out.files) + len(out.extras)
        return BuildResult(out.articles, files - len(self.statics), files, imported, tuple(problems),
                           time.perf_counter() - started, written=(), search_seconds=0.0)

    def _pages_key(self) -> str:
        return fingerprint("output", str(self.config.output_dir))

    def _select(self, problems: recipe.Problems) -> list[Article]:
        """Same choices, same problems, same order as `build.gather_articles`."""
        start = len(problems)
        for item in self._scan_problems:
            problems.add(item)
        kept = recipe.select_articles((entry.loaded for entry in self._entries.values()), self.config, problems)
        self.keys.aid = {id(a): self._entries[a.source_path].digest for a in kept}
        self._problems_cached = problems
        self._select_problems = list(problems)[start:]
        self._held = held_until(self._entries, self.config.drafts)
        return kept

    def _scan(self) -> dict[str, Path]:
        """rel -> path of every content file, in build order; remembers case-clash problems."""
        clashes = recipe.Problems(False)
        paths = recipe.content_paths(self.config, clashes)
        self._scan_problems = list(clashes)
        site_dir = self.config.site_dir
        return {path.relative_to(site_dir).as_posix(): path for path in paths}

    def _write(self, plan: Plan, *, staged: bool, old: Output, problems: recipe.Problems,
               state: tuple[bytes, tuple[Any, ...], datetime | None] | None = None) -> tuple[tuple[str, ...], float]:
        """Render and write what the plan says; returns (files whose bytes changed, search index seconds)."""
        config = self.config
        output_dir = config.output_dir
        new = Output()
        if state is not None:
            new.state, new.problems, new.held_until = state
            new.articles = len(plan.site.articles)

        staging = make_staging(output_dir) if staged else None
        try:
            out = collect_outputs(self.renderer, self.keys, self._model.groups, self.statics, config,
                                  plan, old, new, staging)
            payload, staged_already, written = out.payload, out.staged_already, out.written
            wanted = set(new.files) | set(new.extras)
            removed = sorted((set(old.files) | set(old.extras)) - wanted)
            search = self.search and config.search
            index = search and (bool(written) or not (output_dir / SEARCH_DIR).is_dir())
            seconds: list[float] = []
            if staging is not None:
                if written or removed or index or not (output_dir / MARKER).is_file():
                    before_swap = (lambda folder: seconds.append(self._index(folder, problems))) if index else None
                    write_staged(output_dir, payload, wanted - set(payload) - staged_already, staging,
                                 before_swap=before_swap)
                    self.cache.save("pages", self._pages_key(), with_stats(output_dir, new))
                else:
                    shutil.rmtree(staging, ignore_errors=True)
                    if not manifest_saved(old, new):
                        self.cache.save("pages", self._pages_key(), with_stats(output_dir, new))
                staging = None
                self._manifest_dirty = False
            else:
                write_in_place(output_dir, payload, removed)
                self._manifest_dirty = True
                if index:
                    seconds.append(self._index(output_dir, problems))
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        self._out = new
        return written, sum(seconds)

    def _index(self, folder: Path, problems: recipe.Problems) -> float:
        """Pagefind over `folder`; a missing or failing Pagefind is a warning, not an error."""
        result = search_index.index_site(folder)
        if not result.ok:
            problems.add(problem(f"{self.config.output}/{search_index.INDEX_DIR}", 0, result.message, warning=True))
        return result.seconds

    def _result(self, imported: int, written: tuple[str, ...], started: float, problems: Any,
                search_seconds: float) -> BuildResult:
        site = self._model.site
        files = len(self._out.files) + len(self._out.extras)
        pages = files - len(self.statics)
        return BuildResult(len(site.articles), pages, files, imported, tuple(problems),
                           time.perf_counter() - started, written=written, search_seconds=search_seconds)
