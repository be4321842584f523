"""`pressroom check`: every internal link, image and anchor of a built site, and every feed, under its base path.

Pure functions over the output folder: `check_output(output_dir, base_url)` reads what a build wrote and returns a
`Report`; nothing is written. `Checker(output_dir, base_url).run()` is the same, for a folder checked after every
rebuild (`serve`): it reads again only the pages whose size or modification time changed. `Report.lines()` are the `page: broken link -> target` lines the command prints
(and `serve` shows), `Report.summary()` its one line.

| module | one idea |
|---|---|
| `targets` | where a link leads on the published site: a file of the output folder, elsewhere, or nowhere |
| `pages` | the ids, links, images and files of one HTML page (lxml) |
| `feeds` | each feed and sitemap parsed (Atom, RSS, JSON Feed, sitemap): what is wrong, and its links |
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..errors import Problem, problem
from .feeds import is_feed, read_feed
from .pages import Page, read_page
from .targets import TOP_ANCHORS, Site

SKIPPED_DIRS = frozenset({"pagefind"})     # the search index: Pagefind's own files, checked by Pagefind
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")
PER_TARGET = 5                             # lines shown per broken target before '... and N more pages'


@dataclass(frozen=True, order=True)
class Broken:
    """One broken link (or an invalid feed, with `target` empty) on the page or feed `page`."""

    page: str       # its path on the site, e.g. '/REPO/2024/05/slug/'
    target: str     # the link as written
    why: str = ""

    def __str__(self) -> str:
        if not self.target:
            return f"{self.page}: invalid feed: {self.why}"
        return f"{self.page}: broken link -> {self.target}" + (f" ({self.why})" if self.why else "")


@dataclass(frozen=True)
class Report:
    pages: int
    feeds: int
    links: int
    broken: tuple[Broken, ...]

    @property
    def ok(self) -> bool:
        return not self.broken

    def summary(self) -> str:
        return (f"{self.pages} pages, {self.feeds} feeds, {self.links} internal links: "
                f"{len(self.broken)} broken")

    def problems(self) -> tuple[Problem, ...]:
        """The broken links as warnings (`page: warning: broken link -> target (why)`), for `serve`'s problem list."""
        return tuple(problem(item.page, 0, str(item)[len(item.page) + 2:], warning=True) for item in self.broken)

    def lines(self, per_target: int = PER_TARGET) -> list[str]:
        """One line per broken link; past `per_target` pages with the same broken target, one line for the rest."""
        by_target: dict[tuple[str, str], list[Broken]] = defaultdict(list)
        for item in self.broken:
            by_target[(item.target, item.why)].append(item)
        out: list[str] = []
        for (target, _why), items in by_target.items():
            out += [str(item) for item in items[:per_target]]
            if target and len(items) > per_target:
                out.append(f"  ... and {len(items) - per_target} more pages link to {target}")
        return out


def output_files(output_dir: Path) -> list[str]:
    """Every file of the output folder (output-relative, '/'-separated), the search index and dot files left out."""
    found = []
    for path in sorted(output_dir.rglob("*")):
        rel = path.relative_to(output_dir).as_posix()
        if path.is_file() and rel.split("/", 1)[0] not in SKIPPED_DIRS and not path.name.startswith("."):
            found.append(rel)
    return found


def check_output(output_dir: Path, base_url: str) -> Report:
    """Check the site in `output_dir` as published at `base_url`."""
    return Checker(output_dir, base_url).run()


class Checker:
    """`check_output` for a folder checked again after each rebuild (`serve`): a page whose size and modification
    time are unchanged is not read again; links are always followed afresh, since files come and go."""

    def __init__(self, output_dir: Path, base_url: str) -> None:
        self.output_dir = Path(output_dir)
        self.base_url = base_url
        self._read: dict[str, tuple[tuple[int, int], Page]] = {}

    def run(self) -> Report:
        site = Site(self.output_dir, self.base_url)
        files = output_files(site.output_dir)
        pages = {rel: self._page(rel) for rel in files if rel.endswith(".html")}
        self._read = {rel: self._read[rel] for rel in pages if rel in self._read}
        broken: list[Broken] = []
        links = 0
        for rel, page in pages.items():
            links += _check_page(site, rel, page, pages, broken)
        feeds = [rel for rel in files if is_feed(rel) and not rel.startswith("static/")]
        for rel in feeds:
            links += _check_feed(site, rel, pages, broken)
        for rel in (rel for rel in files if rel.endswith(".css")):
            links += _check_stylesheet(site, rel, broken)
        return Report(len(pages), len(feeds), links, tuple(broken))

    def _page(self, rel: str) -> Page:
        path = self.output_dir / rel
        try:
            info = path.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            return read_page(path)
        known = self._read.get(rel)
        if known is not None and known[0] == stamp:
            return known[1]
        page = read_page(path)
        self._read[rel] = (stamp, page)
        return page


def _check_page(site: Site, rel: str, page: Page, pages: dict[str, Page], broken: list[Broken]) -> int:
    """Add the page's broken links to `broken`; the number of internal links it has."""
    label, here = site.label(rel), site.page_url(rel)
    if page.problem:
        broken.append(Broken(label, "", page.problem))
        return 0
    count = 0
    for link in page.links:
        if link.target.startswith("#"):
            why = _anchor_problem(link.target[1:], page)
        else:
            resolved = site.resolve(here, link.target)
            if resolved.external:
                continue
            why = resolved.problem or _anchor_problem(resolved.fragment, pages.get(resolved.file))
        count += 1
        if why:
            broken.append(Broken(label, link.target, why if link.kind == "link" else f"{link.kind}: {why}"))
    return count


def _anchor_problem(fragment: str, page: Page | None) -> str:
    """Why `#fragment` finds nothing on `page` ('' when it does, or when the target is no HTML page)."""
    fragment = unquote(fragment)
    if page is None or fragment in TOP_ANCHORS or fragment in page.ids:
        return ""
    return f'no element with id="{fragment}"'


def _check_stylesheet(site: Site, rel: str, broken: list[Broken]) -> int:
    """The `url(...)` and `@import` files of a stylesheet (fonts, backgrounds), relative to the stylesheet."""
    try:
        css = (site.output_dir / rel).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    label, here = site.label(rel), site.page_url(rel)
    count = 0
    for target in _CSS_URL.findall(css):
        if target.startswith(("data:", "#")):
            continue
        resolved = site.resolve(here, target)
        if resolved.external:
            continue
        count += 1
        if resolved.problem:
            broken.append(Broken(label, target, f"stylesheet: {resolved.problem}"))
    return count


def _check_feed(site: Site, rel: str, pages: dict[str, Page], broken: list[Broken]) -> int:
    feed = read_feed(site.output_dir / rel)
    label, here = site.label(rel), site.page_url(rel)
    broken.extend(Broken(label, "", why) for why in feed.problems)
    count = 0
    for target in feed.links:
        resolved = site.resolve(here, target)
        if resolved.external:
            continue
        count += 1
        why = resolved.problem or _anchor_problem(resolved.fragment, pages.get(resolved.file))
        if why:
            broken.append(Broken(label, target, why))
    return count
