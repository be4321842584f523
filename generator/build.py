"""One build: gather everything (seeds, content, site model, pages), then write.

Reads as a recipe, in the order data flows: seeds -> content -> site model -> pages -> files.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import feeds
from . import search as search_index
from .config import Config
from .content import Article, Loaded, content_files, drop_case_collisions, is_future, parse_article, read_text
from .errors import PressroomError, Problem, problem
from .ingest import import_seeds
from .markup import MarkdownRenderer
from .model import Site, build_site, find_duplicate_routes
from .output import check_output_dir, write_site
from .render import Renderer, static_files
from .urls import Urls, output_file

RESERVED_ROUTES = {"tags/", "archive/", "search/", "page/", "static/", "feed.xml", "rss.xml", "feed.json", "pagefind/",
                   "sitemap.xml", "robots.txt", "404.html", "CNAME", ".nojekyll", "index.html"}


class BuildStopped(Exception):
    """--strict: the build stopped at its first error."""

    def __init__(self, problem_: Problem) -> None:
        super().__init__(str(problem_))
        self.problem = problem_


@dataclass(frozen=True)
class BuildResult:
    articles: int
    pages: int
    files: int
    imported: int
    problems: tuple[Problem, ...]
    seconds: float
    written: tuple[str, ...] = ()     # output files whose bytes changed (relative, '/'-separated)
    search_seconds: float = 0.0       # Pagefind indexing, included in `seconds`

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.pages} pages, {self.files} files, {self.imported} imported, "
                f"{len(self.errors)} errors, {len(self.problems) - len(self.errors)} warnings in {self.seconds:.2f} s"
                + (f" (search index {self.search_seconds:.2f} s)" if self.search_seconds else ""))


class Problems(list[Problem]):
    """The problems of one build; in strict mode the first error stops it."""

    def __init__(self, strict: bool) -> None:
        super().__init__()
        self.strict = strict

    def add(self, item: Problem) -> None:
        self.append(item)
        if self.strict and not item.warning:
            raise BuildStopped(item)


def build(config: Config, *, strict: bool = False, run_import: bool = True, search: bool = True) -> BuildResult:
    """The straightforward recipe, without cache or incremental work: the reference the fast path must match.

    `search=False` skips Pagefind (live preview) and keeps the previous build's index.
    `pressroom build` runs the cached, incremental `incremental.build_cached`, which writes the same bytes.
    """
    started = time.perf_counter()
    problems = Problems(strict)
    check_output_dir(config.output_dir, config.site_dir)
    imported = import_new_seeds(config, problems) if run_import else 0
    articles = gather_articles(config, problems)
    site = build_site(articles, config.per_page)
    renderer = Renderer.create(config)
    pages = list(render_site(site, renderer))
    keep_index = config.search and not search      # serve: reuse the last index rather than re-index
    copies = {**search_index.previous_index(config.output_dir), **static_files(config)} if keep_index else static_files(config)
    stats = write_site(pages, copies, config.output_dir)
    search_seconds = index_search(config, problems) if search and config.search else 0.0
    return BuildResult(len(site.articles), len(pages), stats.files, imported, tuple(problems),
                       time.perf_counter() - started, search_seconds=search_seconds)


def index_search(config: Config, problems: Problems) -> float:
    """Pagefind over the written site; a missing or failing Pagefind is a warning, not an error."""
    result = search_index.index_site(config.output_dir)
    if not result.ok:
        problems.add(problem(f"{config.output}/{search_index.INDEX_DIR}", 0, result.message, warning=True))
    return result.seconds


def import_new_seeds(config: Config, problems: Problems) -> int:
    seeds = config.site_dir / "seeds"
    if not seeds.is_dir():
        return 0
    report = import_seeds(seeds, config.site_dir / "content", site_dir=config.site_dir,
                          vocabulary=config.tag_vocabulary)
    for item in report.skipped:
        problems.add(item)
    return len(report.written)


def gather_articles(config: Config, problems: Problems) -> list[Article]:
    """Every publishable article: parsed, validated, drafts and future releases held back."""
    renderer, urls = MarkdownRenderer(), Urls.from_config(config)
    loaded = (load_file(path, config, renderer, urls) for path in content_paths(config, problems))
    return select_articles(loaded, config, problems)


def content_paths(config: Config, problems: Problems) -> list[Path]:
    """The content files to read, in build order."""
    files, clashes = drop_case_collisions(content_files(config.site_dir / "content"), config.site_dir)
    for item in clashes:
        problems.add(item)
    return files


def select_articles(loaded: Iterable[Loaded], config: Config, problems: Problems) -> list[Article]:
    """Report each file's problems; hold back drafts, future releases and duplicate URLs."""
    articles = []
    for item_loaded in loaded:
        for item in item_loaded.problems:
            problems.add(item)
        article = item_loaded.article
        if article is None:
            continue
        if article.draft and not config.drafts:
            continue
        if is_future(article) and not config.drafts:
            problems.add(problem(article.source_path, 1, f"dated {article.date.date()}, in the future: held back until then (--drafts shows it)", warning=True))
            continue
        articles.append(article)
    kept, duplicates = find_duplicate_routes(articles, RESERVED_ROUTES)
    for item in duplicates:
        problems.add(item)
    return kept


def load_file(path: Path, config: Config, renderer: MarkdownRenderer, urls: Urls) -> Loaded:
    rel = path.relative_to(config.site_dir).as_posix()
    try:
        real = path.resolve(strict=True)
        if config.site_dir not in real.parents:
            return Loaded(None, (problem(rel, 0, "is a link to a file outside the site folder; copy the file in instead"),))
        return parse_article(rel, read_text(real, rel), config, renderer, urls)
    except PressroomError as exc:
        return Loaded(None, (exc.problem,))
    except (FileNotFoundError, RuntimeError, OSError):
        return Loaded(None, (problem(rel, 0, "is a broken or looping link, or vanished during the build; fix or remove it"),))


def render_site(site: Site, renderer: Renderer) -> Iterator[tuple[str, bytes]]:
    """Every generated file as (output path, bytes)."""
    routes = []
    for route, html in renderer.pages(site):
        routes.append(route)
        yield output_file(route), html
    yield from extra_files(site, renderer, routes)


def extra_files(site: Site, renderer: Renderer, page_routes: list[str]) -> Iterator[tuple[str, bytes]]:
    """Everything besides the HTML pages (feeds, sitemap, .nojekyll...), given every page's route.

    The incremental engine regenerates these when the newest articles, any route or any
    date changes; add new site-wide files here.
    """
    yield ".nojekyll", b""
    yield from feeds.feed_files(site, renderer.config, page_routes)


build_uncached = build   # the name the incremental tests use for the reference
