"""The search index in shards: each release belongs to one of K base shards (a hash of its source path), K the
smallest power of two that keeps a shard near `SHARD_PAGES` releases; the search page merges the shards in the
browser. An edit does not index its shard again: its pages go to a small delta index (`delta.py`), folded into
the base shards when it grows. A shard's key is a hash of its pages' indexed parts and of the Pagefind that
indexes them."""
from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from pathlib import Path

from .. import search
from ..cache import digest
from ..model import Site
from ..urls import output_file
from .deps import Output

SHARD_PAGES = 1024         # a shard holds between half this and this many releases (Pagefind: ~1.1 ms a page);
                           # 16 shards at 10,000: the search page makes 61 requests (64 shards: 206) and answers
                           # in 0.9 s (2.0 s); an edit indexes the delta, not its shard (delta.py)
MAX_SHARDS = 1024


def shard_count(pages: int) -> int:
    count = 1
    while pages > count * SHARD_PAGES and count < MAX_SHARDS:
        count *= 2
    return count


def shard_of(source_path: str, count: int) -> int:
    return int.from_bytes(digest(source_path.encode())[:8], "big") % count


def shard_name(count: int, number: int) -> str:
    return f"{count}-{number:0{len(str(count - 1))}d}"


Base = dict[str, tuple[str, bytes, str]]     # page -> (base shard, indexed part's hash, Pagefind page id)


@dataclass
class SearchPlan:
    """The base shards and their pages, the delta, and what this build indexes (filled in by `delta.py`)."""

    members: dict[str, list[str]] = field(default_factory=dict)    # base shard -> output files, sorted
    shard_of: dict[str, str] = field(default_factory=dict)         # output file -> its base shard
    parts: dict[str, bytes] = field(default_factory=dict)          # output file -> hash of its indexed part
    stamp: bytes = b""
    base: Base = field(default_factory=dict)      # what the base shards hold (the dirty ones once indexed)
    dirty: list[str] = field(default_factory=list)                 # base shards to index (again)
    delta: str = ""                               # the delta's folder under pagefind/, "" when there is none
    delta_key: bytes = b""
    delta_pages: list[str] = field(default_factory=list)
    delta_fresh: bool = False                     # this build indexes the delta
    stale: list[str] = field(default_factory=list)   # Pagefind ids of base pages changed or gone since
    later: list[str] = field(default_factory=list)   # pages to hash once rendered (`finish_search_plan`)

    def pages_of(self, name: str) -> list[str]:
        return self.delta_pages if name == self.delta else self.members[name]

    def keys(self) -> dict[str, bytes]:
        """Each shard's key, from the pages it holds (a base shard may hold older versions than the site)."""
        held: dict[str, dict[str, bytes]] = {name: {} for name in self.members}
        for page, (shard, part, _) in self.base.items():
            held.setdefault(shard, {})[page] = part
        keys = {name: shard_key(self.stamp, pages) for name, pages in held.items()}
        if self.delta:
            keys[self.delta] = self.delta_key
        return keys

    @property
    def listing(self) -> bytes:
        """`pagefind/shards.json`: the base shards and the delta the search page merges, and the results to drop."""
        listing: dict[str, object] = {"shards": [f"{name}/" for name in sorted(self.members)]}
        if self.delta:
            listing["delta"] = f"{self.delta}/"
        if self.stale:
            listing["stale"] = self.stale
        return (json.dumps(listing) + "\n").encode()


def shard_key(stamp: bytes, pages: dict[str, bytes]) -> bytes:
    return digest(b"\0".join([stamp, *(page.encode() + pages[page] for page in sorted(pages))]))


def plan_search(site: Site, files: dict[str, tuple[bytes, bytes]], old: Output, new: Output,
                read: Callable[[str], bytes], *, later: Container[str] = ()) -> SearchPlan:
    """Group the release pages into base shards and hash what Pagefind reads of each (`indexed_part`), so a
    neighbour's new title in its links changes nothing; `delta.plan_delta` then decides what to index. Pages in
    `later` (still being rendered) are hashed by `finish_search_plan`."""
    count = shard_count(len(site.articles))
    names = [shard_name(count, number) for number in range(count)]
    plan = SearchPlan(stamp=search.binary_stamp().encode())
    members, shards = plan.members, plan.shard_of
    for article in site.articles:
        page = output_file(article.route)
        shard = shards[page] = names[shard_of(article.source_path, count)]
        members.setdefault(shard, []).append(page)
        if page in later:
            plan.later.append(page)
        else:
            _hash_part(plan, page, files, old, new, read)
    for pages in members.values():
        pages.sort()
    return plan


def finish_search_plan(plan: SearchPlan, files: dict[str, tuple[bytes, bytes]], old: Output, new: Output,
                       read: Callable[[str], bytes]) -> SearchPlan:
    """The pages `plan_search` left for later, hashed now that they are rendered."""
    for page in plan.later:
        _hash_part(plan, page, files, old, new, read)
    plan.later = []
    return plan


def _hash_part(plan: SearchPlan, page: str, files: dict[str, tuple[bytes, bytes]], old: Output, new: Output,
               read: Callable[[str], bytes]) -> None:
    """The hash of what Pagefind reads of `page`: the last build's, while the page's bytes are the same."""
    known = old.indexed.get(page)
    if known is None or known[0] != files[page][1]:
        known = (files[page][1], digest(indexed_part(read(page))))
    new.indexed[page], plan.parts[page] = known, known[1]


def page_url(page: str) -> str:
    """The URL Pagefind is given for an output file (and writes into its fragment)."""
    return "/" + page.removesuffix("index.html")


_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")
_MARK = b"data-pagefind-body"
# What Pagefind takes from anywhere in a page, not only from its `data-pagefind-body` elements: filters, metadata
# and sort keys (a `data-pagefind-*` attribute other than `-ignore`), the first <h1> as the result's title, the
# first <title> as its fallback, and the first <img> after a title as its image.
_READ_ANYWHERE = re.compile(rb"data-pagefind-(?!ignore)|<h1[\s>/]", re.IGNORECASE)
_TITLE = re.compile(rb"<title[\s>/]", re.IGNORECASE)
_IMAGE = re.compile(rb"<img[\s>/]", re.IGNORECASE)


def indexed_part(html: bytes) -> bytes:
    """What Pagefind reads of a page, for its index key: the head (title, language, metadata), the `<body>` tag
    and each `data-pagefind-body` element (so a neighbour's new title in the related links changes nothing). The
    whole page when the rest of it holds anything Pagefind reads (`_READ_ANYWHERE`: a theme that puts a filter
    beside the indexed region), or when the elements cannot be told apart (a larger key is never wrong, only
    slower)."""
    body = html.find(b"<body")
    at = html.find(_MARK, body) if body >= 0 else -1
    opened = html.find(b">", body) + 1
    if at < 0 or not 0 < opened <= at:
        return html
    kept, left = [html[:opened]], []
    end = opened
    while at >= 0:
        start = html.rfind(b"<", 0, at)
        tag = _TAG.match(html, start) if start >= end else None
        close = _element_end(html, tag.group(1), start) if tag and html.find(b">", start, at) < 0 else -1
        if close < 0:
            return html          # the mark is not in a start tag, or its element never ends
        left.append(html[end:start])
        kept.append(html[start:close])
        end = close
        at = html.find(_MARK, end)
    left.append(html[end:])
    head = kept[0]
    if any(_READ_ANYWHERE.search(part) or _TITLE.search(part) and not _TITLE.search(head) for part in left) \
            or any(_IMAGE.search(part) for part in left[1:]) or _IMAGE.search(left[0]) and b"data-pagefind-" in head:
        return html              # an image before the first element counts only when the head names a title
    return b"".join([*kept, b"</body></html>"])


def _element_end(html: bytes, tag: bytes, start: int) -> int:
    """Where the element opened at `start` ends (after its matching close tag), or -1."""
    opening, closing = b"<" + tag, b"</" + tag
    depth, pos = 0, start
    while True:
        next_open, next_close = html.find(opening, pos), html.find(closing, pos)
        if next_close < 0:
            return -1
        if 0 <= next_open < next_close:
            pos = next_open + len(opening)
            depth += html[pos:pos + 1] in (b" ", b">", b"/", b"\n", b"\t")
            continue
        depth -= 1
        pos = next_close + len(closing)
        if depth == 0:
            end = html.find(b">", pos)
            return end + 1 if end >= 0 else -1


def index_shards(plan: SearchPlan, names: list[str], read: Callable[[str], bytes],
                 target: Path) -> dict[str, dict[str, str]]:
    """Index each named shard (base or delta) into `target/<name>/`, on as many threads as cores (at most one per
    shard), each shard on a Pagefind service of its own; the UI files go to `target`. Returns each shard's
    Pagefind page ids by URL.

    A service that indexed a shard keeps most of the memory it took (it grew from ~90 MB for one shard of 10,000
    releases to 200-320 MB after eight, more when the cores are busy), so each shard gets a new one: starting
    Pagefind takes a few milliseconds."""
    command = search.pagefind_command()
    if command is None:
        raise search.PagefindError(search.NOT_INSTALLED)
    todo = list(names)
    found: dict[str, dict[str, str]] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            while True:
                with lock:
                    if not todo or errors:
                        return
                    shard = todo.pop(0)
                with search.Pagefind(command) as service:
                    _index_one(service, shard, plan.pages_of(shard), read, target)
                ids = search.page_ids(target / shard)
                with lock:
                    found[shard] = ids
        except BaseException as exc:      # noqa: BLE001 - handed to the caller below
            with lock:
                errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(min(len(todo), os.cpu_count() or 1, 4))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return found


def _index_one(service: search.Pagefind, shard: str, pages: list[str], read: Callable[[str], bytes],
               target: Path) -> None:
    """One shard's pages, read one at a time as Pagefind takes them (a shard is ~8 MB of HTML at 10,000)."""
    out = target / shard
    if out.exists():
        shutil.rmtree(out)
    service.write_index(((page_url(name), read(name)) for name in pages), out)
    search.move_ui_files(out, target)
    search.keep_shard_files(out)


def carry_shards(plan: SearchPlan, old_index: Path, target: Path) -> None:
    """Shards (and the delta) this build did not index, and the UI files, linked from the previous index."""
    target.mkdir(parents=True, exist_ok=True)
    carried = [name for name in plan.members if name not in plan.dirty]
    if plan.delta and not plan.delta_fresh:
        carried.append(plan.delta)
    for name in carried:
        if not (target / name).exists():
            shutil.copytree(old_index / name, target / name, copy_function=_link_or_copy)
    for name in search.UI_FILES:
        if (old_index / name).is_file() and not (target / name).exists():
            _link_or_copy(str(old_index / name), str(target / name))


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
