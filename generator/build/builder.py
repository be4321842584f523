"""`SiteBuilder`: the one build engine. `build()` is the recipe, cold or warm (a cold build is the same code
with an empty cache); `rebuild(changes)` (what `serve` runs) reuses the same stages for only what changed.

`serve` holds `builder.lock` for a rebuild; every build also holds the site's and the output folder's
file locks, so two processes never build one site, or write one output folder, at the same time.
"""
from __future__ import annotations

import bisect
import shutil
import threading
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from operator import attrgetter
from datetime import datetime
from functools import partial
from pathlib import Path

from ..cache import DiskCache, digest, fingerprint
from ..changes import ChangeKind, Changes
from ..config import Config, load_config
from ..content import Article, Page
from ..errors import Problem, Problems
from ..model import Model, difference, find_redirects
from ..model.update import Dirty
from ..render import LIST_TEMPLATES, Renderer, static_files
from ..search import available as search_available
from .collect import collect_outputs
from .deps import Keys, Output, Plan, config_repr, plan_pages, theme_fingerprints
from .lock import build_lock
from .record import SavedRecord, due, held_until, manifest_saved, state_key, trusted_digests
from .result import BuildResult
from .contents import Contents, urls_in_use
from .sources import Files, Stamp, import_new_seeds, moved, scan, select
from .bytecode import template_cache
from .cards import cards_key, save_cards, saved_cards
from .journal import recover
from ..model.stored import StoredModel, relinked
from .resume import RESUME_MAX, load_state, save_state, save_state_soon, state_name
from .publish import journal_fits, publish
from .writing import MARKER, SEARCH_DIR, check_output_dir, make_staging, written_by


_source_path = attrgetter("source_path")    # the order `select` keeps releases in


class SiteBuilder:
    """Keeps the last build in memory; `rebuild()` re-renders only what a change touches.

    `search`: index the site with Pagefind (else the previous index is carried over); `one_shot`: a
    `pressroom build` that may answer from the last build's record without building the model."""

    def __init__(self, config: Config, *, search: bool = False, strict: bool = False, run_import: bool = True,
                 overrides: dict[str, object] | None = None, one_shot: bool = False,
                 say: Callable[[str], None] | None = None,
                 progress: Callable[[str, int], None] | None = None) -> None:
        self.config = config
        self.search = search
        self.strict = strict
        self.run_import = run_import
        self.overrides = dict(overrides or {})
        self.one_shot = one_shot
        self.say = say or (lambda text: print(text, file=sys.stderr, flush=True))
        self.progress = progress or (lambda stage, count: None)   # (stage, items), e.g. ('render', 2400)
        self.lock = threading.RLock()
        self.last: BuildResult | None = None
        self.cache = DiskCache(config.site_dir)
        self.contents = Contents(config, self.cache)
        self.renderer: Renderer | None = None
        self.keys = Keys("", {}, b"")
        self.statics: dict[str, Path] = {}
        self._articles: list[Article] = []
        self._pages: tuple[Page, ...] = ()
        self._redirects: tuple[tuple[str, str], ...] = ()
        self._model = Model(config.per_page)
        self._stored: StoredModel | None = None     # the model as last saved (resume.py), while still right
        self._out = Output()
        self.record = SavedRecord(self.cache, config.output_dir)
        self._ready = False
        self._manifest_dirty = False
        self._problems: tuple[Problem, ...] = ()      # the last build's, answered again by an empty rebuild
        self._scan_problems: list[Problem] = []
        self._stamps: dict[str, Stamp] = {}            # each content file's stat stamp, as the last scan took it
        self._select_problems: list[Problem] = []
        self._held: datetime | None = None

    # ----- public API

    def build(self) -> BuildResult:
        """Full build: parse what the cache does not have, render what changed, swap the output in atomically."""
        with self.lock, self._file_lock():
            self.last = self._build(staged=True)
            return self.last

    def rebuild(self, changes: Changes) -> BuildResult:
        """Rebuild after `changes`, writing in place only the files whose bytes change."""
        with self.lock, self._file_lock():
            if not self._ready or written_by(self.config.output_dir) != self._out.build_id:
                # first build, or another process rebuilt the output since: trust nothing we remember of it
                self.last = self._build(staged=True)
            elif not changes:
                return BuildResult(len(self._model.site.articles), self._page_count(), self._files(), 0,
                                   self._problems, 0.0)
            elif ChangeKind.CONFIG in changes:
                self.config = load_config(self.config.site_dir, **self.overrides)
                self.record = SavedRecord(self.cache, self.config.output_dir)
                self._model = Model(self.config.per_page)
                self.last = self._build(staged=True)
            else:
                self.last = self._update(changes)
            return self.last

    def close(self) -> None:
        """Save what in-place rebuilds left only in memory (serve calls this on exit; safe to skip)."""
        with self.lock:
            if self.contents.dirty:
                self.contents.save()
            if self._manifest_dirty:
                self._save_manifest(self._out)

    # ----- the recipe

    def _build(self, *, staged: bool) -> BuildResult:
        """import -> scan -> parse -> select -> model -> plan -> render -> write -> index."""
        started = time.perf_counter()
        config = self.config
        problems = Problems(self.strict)
        self.record.forget()
        recover(config.output_dir)      # a killed build's committed journal is finished first
        check_output_dir(config.output_dir, config.site_dir)
        if self.one_shot and not self._ready:
            self.record.check_early()      # before the progress line's thread starts: the check runs in a fork
        self.progress("import", 0)
        imported = import_new_seeds(config, problems) if self.run_import else 0
        self._prepare()
        self.progress("scan", 0)
        files = self._scan()
        if self.one_shot and not self._ready:
            done = self._unchanged(files, problems, imported, started) or self._resume(files, problems, imported, started)
            if done is not None:
                return done
        self.progress("parse", len(files))
        for item in self.contents.load(files, freeze=self.one_shot):
            problems.add(item)
        articles = self._select(problems)
        self.progress("model", len(articles))
        site = self._model.full(articles, self._pages, self._redirects)
        self._stored = None
        self._articles = articles
        old = self._trusted_output()
        plan = plan_pages(self.keys, site, old, {a.route for a in site.articles}, {page.route for page in site.listings})
        written, search_seconds = self._write(plan, staged=staged, old=old, problems=problems, record=True)
        self.contents.dirty = False
        self._ready = True
        return self._result(imported, written, started, problems, search_seconds)

    def _update(self, changes: Changes) -> BuildResult:
        """The same stages for what `changes` touch: parse the changed files, update the model, plan, render, write."""
        started = time.perf_counter()
        problems = Problems(self.strict)
        run_import = ChangeKind.SEED in changes and self.run_import
        imported = import_new_seeds(self.config, problems) if run_import else 0
        # The importer may have rewritten any file, and a folder that moved (content/ itself included)
        # produced no event for the files in it: rescan content/ rather than trust the paths.
        rescan = run_import or changes.rescan_content
        files = self._scan() if rescan else None
        changed = self.contents.to_read_again(changes, files)
        templates = ChangeKind.TEMPLATE in changes or ChangeKind.STATIC in changes
        if templates:
            self._prepare()
        # after a rescan the set of files may have moved under us: regroup rather than substitute in place
        return self._apply(changed, files, problems, imported, started, templates=templates, staged=False,
                           swap=not (rescan or templates))

    def _resume(self, files: Files, problems: Problems, imported: int, started: float) -> BuildResult | None:
        """`pressroom build` after an edit: the last build's state taken up again (the model, the files as read,
        the output record), then the update `serve` runs for what changed; None when there is no state to trust
        or too much changed (a full build follows)."""
        changed = self.contents.changed_since_saved(files, self._stamps)
        old = self._trusted_output()
        if not old.build_id or len(changed) > RESUME_MAX:
            return None
        entries = self.contents.entries
        resumed = load_state(self.cache, self._state_name(), old.model, entries)
        if resumed is None:
            return None
        self._model, self._stored, self._articles, self._held = resumed.model, resumed.stored, resumed.kept, resumed.held
        self._pages, self._redirects = resumed.model.site.pages, resumed.model.site.redirects
        self._select_problems = [*self._scan_problems, *resumed.select_problems]
        self.keys.hashes = {a.source_path: entries[a.source_path].digest for a in [*self._articles, *self._pages]}
        self.keys.meta = resumed.meta
        self._out, self._ready = old, True
        return self._apply(changed, files, problems, imported, started, templates=False, staged=True, swap=True)

    def _apply(self, changed: set[str], files: Files | None, problems: Problems, imported: int,
               started: float, *, templates: bool, staged: bool, swap: bool) -> BuildResult:
        """Read the `changed` files again, update the model, plan, render and write (`staged`: as a build does,
        kill-safe and indexed; else in place, as `serve` does; `swap`: body and title edits may be substituted)."""
        entries = self.contents.entries
        was = {rel: entries[rel].loaded for rel in changed if rel in entries}
        self.contents.reread(changed, files)
        for item in moved(was, self.contents.entries):
            problems.add(item)
        quick = swap and not due(self._held)      # unless a held-back release has fallen due (it joins the lists)
        pairs = (self.contents.edited_in_place(changed, was, self.keys.hashes, self._model.keeps_order, self._redirects)
                 if quick else None)
        in_use = partial(urls_in_use, self._articles, self._pages, self._redirects)
        added = self.contents.added_releases(changed, was, in_use) if quick and pairs is None else None
        if pairs is not None or added is not None:      # the selection stands: so do its problems
            for item in self._select_problems:
                problems.add(item)
        if pairs is not None:
            site, dirty_articles, dirty_listings = self._substitute(pairs)
        elif added is not None:
            site, dirty_articles, dirty_listings = self._add(added)
        else:
            site, dirty_articles, dirty_listings = self._reselect(problems)
        if templates:
            dirty_articles = {a.route for a in site.articles}
            dirty_listings = {page.route for page in site.listings}
        self._problems = tuple(problems)
        plan = plan_pages(self.keys, site, self._out, dirty_articles, dirty_listings, same_pages=pairs is not None,
                          gone=[old.route for old, new in pairs or () if old.route != new.route])
        written, search_seconds = self._write(plan, staged=staged, old=self._out, problems=problems, record=staged)
        if staged and self.contents.dirty:
            self.contents.save()
        return self._result(imported, written, started, problems, search_seconds)

    def _substitute(self, pairs: list[tuple[Article, Article]]) -> Dirty:
        """Body or title edits: the new articles put where the old ones are, without regrouping the whole site."""
        for _old, new in pairs:
            self.keys.hashes[new.source_path] = self.contents.entries[new.source_path].digest
        subs = {old.route: new for old, new in pairs}
        self._articles = [subs.get(a.route, a) for a in self._articles]
        dirty = self._model.swap(pairs)
        self._stored = relinked(self._stored, dirty[0], dirty[1]) if self._stored else None
        return dirty

    def _add(self, added: list[Article]) -> Dirty:
        """New releases only (`Contents.added_releases`): put in the selection where `select` would keep them."""
        articles = list(self._articles)
        for article in added:
            self.keys.hashes[article.source_path] = self.contents.entries[article.source_path].digest
            bisect.insort(articles, article, key=_source_path)
        return self._updated(articles, [], added)

    def _reselect(self, problems: Problems) -> Dirty:
        """Anything else: select the whole site again, and update the model by the difference."""
        articles = self._select(problems)
        return self._updated(articles, *difference(self._articles, articles))

    def _updated(self, articles: list[Article], removed: list[Article], added: list[Article]) -> Dirty:
        dirty = self._model.update(articles, removed, added, pages=self._pages, redirects=self._redirects)
        self._stored = None
        self._articles = articles
        return dirty

    # ----- stages

    def _prepare(self) -> None:
        """The theme, its fingerprints and the keys every dependency key starts from."""
        config = self.config
        self.renderer = Renderer.create(config)
        self.renderer.env.bytecode_cache = template_cache(self.cache.dir)
        names = ["article.html", "page.html", "alias.html", *sorted(set(LIST_TEMPLATES.values()))]
        everything = sorted(set(self.renderer.env.list_templates()) | set(names))
        tfp = theme_fingerprints(self.renderer.env, everything, self.cache)
        global_key = fingerprint("pages", config_repr(config), sorted(self.renderer.static_versions.items()),
                                 sorted(self.renderer.words.words.items()))   # the theme's words (i18n/*.toml)
        hashes = self.keys.hashes
        self.keys = Keys(global_key, tfp, digest(b"".join(tfp[name] for name in everything)))
        self.keys.hashes = hashes
        self.statics = static_files(config)
        self.contents.configure(config)

    def _scan(self) -> Files:
        clashes = Problems()
        self._stamps = {}
        files = scan(self.config, clashes, self._stamps)
        self._scan_problems = list(clashes)
        return files

    def _select(self, problems: Problems) -> list[Article]:
        """The articles to publish, in build order (and the pages and redirects); remembers the problems an
        in-place edit reports again."""
        start = len(problems)
        for item in self._scan_problems:
            problems.add(item)
        entries = self.contents.entries
        kept, pages = select((entry.loaded for entry in entries.values()), self.config, problems)
        self._redirects, alias_problems = find_redirects([*kept, *pages])
        for item in alias_problems:
            problems.add(item)
        self._pages = tuple(pages)
        self.keys.hashes = {a.source_path: entries[a.source_path].digest for a in [*kept, *pages]}
        self._select_problems = list(problems)[start:]
        self._held = held_until(entries, self.config.drafts)
        return kept

    def _write(self, plan: Plan, *, staged: bool, old: Output, problems: Problems,
               record: bool) -> tuple[tuple[str, ...], float]:
        """Render and write what the plan says (`publish`: staged, journal or serve's in place); returns
        (files whose bytes changed, search index seconds)."""
        config = self.config
        new = Output()
        if record:
            new.state, new.problems, new.held_until = self._state(), tuple(problems), self._held
            new.articles = len(plan.site.articles)
        assert self.renderer is not None
        journal = staged and journal_fits(len(plan.render), old)
        index = self.search and config.search
        staging = None
        try:
            staging = make_staging(config.output_dir) if staged and not journal else None   # a signal still cleans it up
            self.progress("render", len(plan.render))
            cards = saved_cards(self.renderer, self.cache, self.keys, plan.render, self.contents.entries) \
                if self.one_shot else None
            out = collect_outputs(self.renderer, self.keys, self._model.groups, self.statics, config,
                                  plan, old, new, staging, index=index and search_available())
            if cards is not None:
                save_cards(self.cache, cards_key(self.keys), cards, self.renderer.cards, self.contents.entries)
            saving = save_state_soon(self._save_state) if record and self.one_shot else None
            self.progress("write", len(out.payload))
            if index:
                self.progress("index", 0)
            done = publish(out, plan.site, old, config.output_dir, staging=staging, journal=journal,
                           index=index, problems=problems, output_name=config.output)
            staging = None
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        if done.mode == "serve":
            self._manifest_dirty = True
        elif saving or done.mode != "none" or self.contents.dirty or not manifest_saved(old, new):   # a new state
            self._save_manifest(new, saving)
        self._out = new
        self.record.forget()
        return out.written, done.seconds

    # ----- pieces

    def _file_lock(self) -> AbstractContextManager[None]:
        return build_lock(self.config.site_dir, self.config.output_dir, say=self.say)

    def _trusted_output(self) -> Output:
        """The record of what the output folder holds, when the folder on disk still matches it; else nothing."""
        out, output_dir = self._out, self.config.output_dir
        if self._ready and out.build_id and (output_dir / MARKER).is_file() and written_by(output_dir) == out.build_id:
            return out      # the folder is still the one this process last wrote (its marker names our build)
        return self.record.trusted()

    def _unchanged(self, files: Files, problems: Problems, imported: int,
                   started: float) -> BuildResult | None:
        """`pressroom build` with nothing changed since the last build: its result, without building anything."""
        digests = trusted_digests(files, self.contents.saved_stamps(), self._stamps)
        if digests is None:
            return None
        head = self.record.head()
        if head is None or not head.state or head.state != state_key(self.keys, self.contents.key, digests) \
                or due(head.held_until):
            return None
        if self.search and self.config.search and not (self.config.output_dir / SEARCH_DIR).is_dir():
            return None
        for item in head.problems:
            problems.add(item)
        return BuildResult(head.articles, head.files - len(self.statics), head.files, imported, tuple(problems),
                           time.perf_counter() - started)

    def _state(self) -> bytes:
        return state_key(self.keys, self.contents.key, self.contents.digests())

    def _save_manifest(self, out: Output, saving: Callable[[], str | None] | None = None) -> None:
        """The output record, and with it the state a later `pressroom build` takes up (the record names it), unless
        a child saved that state meanwhile (`saving`)."""
        self.record.save_stats(out)       # while a child may still be saving the state
        token = saving() if saving is not None else None
        if token is None:
            token = self._save_state()
        else:
            self._stored, self.contents.dirty = None, False      # the child stored them; this process did not
        out.model = token
        self.record.save(out)
        self._manifest_dirty = False

    def _save_state(self, token: str | None = None) -> str:
        """The state a later `pressroom build` takes up, and the parsed files if read again; returns its token."""
        token, self._stored = save_state(
            self.cache, self._state_name(), self._model, self._stored, self._articles, self.contents.entries,
            [p for p in self._select_problems if p not in self._scan_problems], self._held, self.keys.meta, token)
        if self.contents.dirty:
            self.contents.save()
        return token

    def _state_name(self) -> str:
        return state_name(self.keys.global_key, self.keys.tfp_all, self.contents.key, self.config.per_page,
                          self.record.key)

    def _files(self) -> int:
        return len(self._out.files) + len(self._out.extras)

    def _page_count(self) -> int:
        return self._files() - len(self.statics)

    def _result(self, imported: int, written: tuple[str, ...], started: float, problems: Problems,
                search_seconds: float) -> BuildResult:
        self._problems = tuple(problems)
        return BuildResult(len(self._model.site.articles), self._page_count(), self._files(), imported, tuple(problems),
                           time.perf_counter() - started, written=written, search_seconds=search_seconds)

