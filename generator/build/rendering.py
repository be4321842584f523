"""Rendering the planned pages: in-process; on every core (forked workers that inherit the site and write their
share straight into the staging folder) when there are many to stage; or, for a few hundred written through the
journal (a new release moves every list page by one), half of them in one forked child that sends its bytes back."""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2

from ..cache import digest
from ..errors import PressroomError
from ..failures import template_problem
from ..model import Site
from ..render import Renderer
from .deps import Job
from .forked import fork_ok, sent_back
from .sources import PARALLEL_MIN
from .writing import safe_relative

Rendered = tuple[str, bytes, bytes, "bytes | None"]   # (output file, key, bytes hash, bytes or None: already staged)
SPLIT_MIN = 100     # pages to render in place before a second core shares them (a fork costs ~10 ms)
SHARE = 8           # jobs a process takes from the shared queue at a time (~4 ms of list pages)
QUEUE_MAX = 2048    # shares in the queue: 4 KiB, one page, the least pipe buffer Linux gives


def render_jobs(renderer: Renderer, site: Site, jobs: list[Job], staging: Path | None,
                meanwhile: Callable[[], None] = lambda: None) -> list[Rendered]:
    """(file, key, hash, bytes) for each job; bytes None when a worker already wrote the file into `staging`.
    `meanwhile` (work of this process's own, run once) runs while a second core renders, if one does."""
    if len(renderer.cards) > 2 * len(site.articles) + 1000:
        renderer.cards.clear()      # cards of articles edited away (serve): let them go
    if staging is not None and len(jobs) >= PARALLEL_MIN and fork_ok():
        rendered = _render_forked(renderer, site, jobs, staging)
    elif len(jobs) >= SPLIT_MIN and fork_ok():
        return _render_split(renderer, site, jobs, meanwhile)
    else:
        rendered = _render_here(renderer, site, jobs)
    meanwhile()
    return rendered


def _render_here(renderer: Renderer, site: Site, jobs: list[Job]) -> list[Rendered]:
    out: list[Rendered] = []
    for kind, item, name, key in jobs:
        data = render_page(renderer, site, kind, item)
        out.append((name, key, digest(data), data))
    return out


def _render_split(renderer: Renderer, site: Site, jobs: list[Job], meanwhile: Callable[[], None]) -> list[Rendered]:
    """The first job of each kind rendered here first (the child inherits the templates it loaded and Babel's
    dates, ~50 ms that each process paid); then a forked child and this process (after `meanwhile`) take the
    other jobs a few at a time from one queue, so neither waits long for the other. Jobs the child did not send
    back (it failed in any way, a template error included) are rendered here, so an error is reported as an
    in-process render reports it. In job order."""
    first: dict[str, int] = {}
    for i, job in enumerate(jobs):
        first.setdefault(job[0], i)
    done = dict(zip(first.values(), _render_here(renderer, site, [jobs[i] for i in first.values()])))
    rest = [i for i in range(len(jobs)) if i not in done]
    size = max(SHARE, -(-len(rest) // QUEUE_MAX))
    shares = [rest[i:i + size] for i in range(0, len(rest), size)]
    queue = _queue(len(shares))
    known = set(renderer.cards)

    def render_taken() -> dict[int, Rendered]:
        taken: dict[int, Rendered] = {}
        for number in _taken(queue):
            taken.update(zip(shares[number], _render_here(renderer, site, [jobs[i] for i in shares[number]])))
        return taken

    def child() -> tuple[dict[int, Rendered], list[tuple[str, str]]]:
        taken = render_taken()
        return taken, [(path, card) for path, (_, card) in renderer.cards.items() if path not in known]

    def here() -> None:
        meanwhile()
        done.update(render_taken())

    if queue < 0:
        meanwhile()
    else:
        try:
            done.update(_received(renderer, site, sent_back(child, here)) or {})
        finally:
            os.close(queue)
    missing = [i for i in range(len(jobs)) if i not in done]
    done.update(zip(missing, _render_here(renderer, site, [jobs[i] for i in missing])))
    return [done[i] for i in range(len(jobs))]


def _queue(count: int) -> int:
    """A pipe holding the numbers 0..count-1 (two bytes each), for processes that share it to take in turn (a read
    of two bytes from a pipe is never split between readers); its read end, or -1 when there is none (this process
    then renders every job). Filled without blocking: a pipe too small for them is no queue."""
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return -1
    numbers = b"".join(number.to_bytes(2, "big") for number in range(count))
    try:
        os.set_blocking(write_fd, False)
        filled = os.write(write_fd, numbers) == len(numbers)
    except OSError:
        filled = False
    finally:
        os.close(write_fd)
    if not filled:
        os.close(read_fd)
        return -1
    return read_fd


def _taken(queue: int) -> Iterator[int]:
    """The numbers this process takes from `queue` until it is empty."""
    while queue >= 0 and len(token := os.read(queue, 2)) == 2:
        yield int.from_bytes(token, "big")


def _received(renderer: Renderer, site: Site, sent: Any) -> dict[int, Rendered] | None:
    """The child's pages by job, its cards put in the renderer (with this process's article objects); None if
    garbled."""
    try:
        rendered, cards = sent
    except (TypeError, ValueError):
        return None
    if cards:
        wanted = dict(cards)
        for article in site.articles:
            card = wanted.get(article.source_path)
            if card is not None:
                renderer.cards[article.source_path] = (article, card)
    return rendered if isinstance(rendered, dict) else None


def render_page(renderer: Renderer, site: Site, kind: str, item: Any) -> bytes:
    """One page's bytes; a template error becomes the user's problem, with the template's own file and line."""
    try:
        if kind == "a":
            return renderer.article(site, item)
        if kind == "l":
            return renderer.listing(item, site)
        return renderer.standalone(item) if kind == "p" else renderer.redirect(*item)
    except (jinja2.TemplateError, RecursionError) as exc:
        raise PressroomError(template_problem(exc, renderer.config.site_dir)) from None


_render_state: Any = None


def _render_forked(renderer: Renderer, site: Site, jobs: list[Job], staging: Path) -> list[Rendered]:
    """Articles first, each worker rendering with each article page the article's summary card; then the listings,
    in workers forked with every card already made, so no card is rendered twice."""
    global _render_state
    listed = {article.source_path for kind, item, _, _ in jobs if kind == "l" for article in item.articles}
    results: list[Rendered] = []
    try:
        for kind in ("a", "l"):
            indices = [i for i, job in enumerate(jobs) if job[0] == kind]
            if not indices:
                continue
            if len(indices) < PARALLEL_MIN:
                for i in indices:
                    name, key, data_digest, _ = _render_one(renderer, site, jobs[i], staging, set())
                    results.append((name, key, data_digest, None))
                continue
            workers = os.cpu_count() or 2
            _render_state = (renderer, site, staging, jobs, listed if kind == "a" else set())
            count = workers * 16
            shares = [indices[i::count] for i in range(count) if indices[i::count]]
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for chunk, cards in pool.imap_unordered(_render_share, shares):
                    results.extend((name, key, data_digest, None) for name, key, data_digest in chunk)
                    for i, card in cards:
                        article = jobs[i][1]
                        renderer.cards[article.source_path] = (article, card)
    finally:
        _render_state = None
    return results


def _render_one(renderer: Renderer, site: Site, job: Job, staging: Path, made: set[Path]) -> tuple[str, bytes, bytes, None]:
    kind, item, name, key = job
    data = render_page(renderer, site, kind, item)
    target = staging / safe_relative(name)
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    with open(target, "xb") as handle:
        handle.write(data)
    return name, key, digest(data), None


def _render_share(indices: list[int]) -> tuple[list[tuple[str, bytes, bytes]], list[tuple[int, str]]]:
    """Render and stage the jobs at `indices`; returns their (file, key, hash) and the cards made for listed articles."""
    renderer, site, staging, jobs, listed = _render_state
    out = []
    cards = []
    made: set[Path] = set()
    for i in indices:
        name, key, data_digest, _ = _render_one(renderer, site, jobs[i], staging, made)
        out.append((name, key, data_digest))
        article = jobs[i][1]
        if jobs[i][0] == "a" and article.source_path in listed:
            cards.append((i, str(renderer.summary_card(article))))
    return out, cards
