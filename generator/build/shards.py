"""The search index in shards: each release belongs to one of K shards (a hash of its source path), K the
smallest power of two that keeps a shard near `SHARD_PAGES` releases, so a new release or an edit moves
one shard's key and only that shard is indexed again; the search page merges the shards in the browser.
A shard's key is a hash of its pages' bytes hashes and of the Pagefind that indexes them."""
from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import search
from ..cache import digest
from ..model import Site
from ..urls import output_file
from .deps import Output

SHARD_PAGES = 1024         # a shard holds between half this and this many releases (Pagefind: ~2 ms a page);
                           # 16 shards at 10,000: the search page makes 61 requests (64 shards: 206) and answers
                           # in 0.9 s (2.0 s), for about 1.5 s of re-indexing after an edit (0.4 s)
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


@dataclass
class SearchPlan:
    """Which pages each shard indexes, each shard's key, and the shards to index again."""

    members: dict[str, list[str]] = field(default_factory=dict)    # shard -> output files, sorted
    keys: dict[str, bytes] = field(default_factory=dict)
    dirty: list[str] = field(default_factory=list)

    @property
    def listing(self) -> bytes:
        """`pagefind/shards.json`: the shards the search page merges."""
        return (json.dumps({"shards": [f"{name}/" for name in sorted(self.members)]}) + "\n").encode()


def plan_search(site: Site, files: dict[str, tuple[bytes, bytes]], old: Output, new: Output, index_dir: Path,
                read: Callable[[str], bytes]) -> SearchPlan:
    """Group the release pages into shards and compare each shard's key with the last index's. A page counts by
    what Pagefind reads of it (`indexed_part`), so a neighbour's new title in its links moves no shard."""
    count = shard_count(len(site.articles))
    members: dict[str, list[str]] = {}
    for article in site.articles:
        members.setdefault(shard_name(count, shard_of(article.source_path, count)), []).append(output_file(article.route))
    stamp = search.binary_stamp().encode()
    plan = SearchPlan()
    for name in sorted(members):
        pages = sorted(members[name])
        plan.members[name] = pages
        parts = [stamp]
        for page in pages:
            known = old.indexed.get(page)
            if known is None or known[0] != files[page][1]:
                known = (files[page][1], digest(indexed_part(read(page))))
            new.indexed[page] = known
            parts.append(page.encode() + known[1])
        plan.keys[name] = digest(b"\0".join(parts))
    ui_missing = not (index_dir / "pagefind-ui.js").is_file() or not (index_dir / search.SHARDS_FILE).is_file()
    plan.dirty = [name for name in plan.members if old.shards.get(name) != plan.keys[name]
                  or not (index_dir / name / "pagefind-entry.json").is_file()]
    if ui_missing and plan.members and not plan.dirty:
        plan.dirty = [min(plan.members)]
    return plan


_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")
_MARK = b"data-pagefind-body"


def indexed_part(html: bytes) -> bytes:
    """What Pagefind reads of a page: its head (title, language, metadata) and each `data-pagefind-body`
    element; the whole page when these cannot be told apart (a larger key is never wrong, only slower)."""
    body = html.find(b"<body")
    at = html.find(_MARK, body) if body >= 0 else -1
    if at < 0:
        return html
    parts = [html[:body]]
    while at >= 0:
        start = html.rfind(b"<", 0, at)
        tag = _TAG.match(html, start) if start >= 0 else None
        end = _element_end(html, tag.group(1), start) if tag else -1
        if end < 0:
            return html
        parts.append(html[start:end])
        at = html.find(_MARK, end)
    return b"\0".join(parts)


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


def index_shards(plan: SearchPlan, site_folder: Path, payload: dict[str, bytes], target: Path) -> float:
    """Index every dirty shard into `target/<shard>/` (on as many Pagefind services as cores, at most one per
    shard), reading pages from `payload` or the complete site in `site_folder`; the UI files go to `target`."""
    started = time.perf_counter()
    command = search.pagefind_command()
    if command is None:
        raise search.PagefindError(search.NOT_INSTALLED)
    todo = list(plan.dirty)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def read(name: str) -> bytes:
        data = payload.get(name)
        return data if data is not None else (site_folder / name).read_bytes()

    def work() -> None:
        try:
            with search.Pagefind(command) as service:
                while True:
                    with lock:
                        if not todo or errors:
                            return
                        shard = todo.pop(0)
                    _index_one(service, shard, plan.members[shard], read, target)
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
    return time.perf_counter() - started


def _index_one(service: search.Pagefind, shard: str, pages: list[str], read: Callable[[str], bytes],
               target: Path) -> None:
    out = target / shard
    if out.exists():
        shutil.rmtree(out)
    service.write_index([("/" + name.removesuffix("index.html"), read(name)) for name in pages], out)
    search.move_ui_files(out, target)
    search.keep_shard_files(out)


def carry_shards(plan: SearchPlan, old_index: Path, target: Path) -> None:
    """Shards whose key did not move, and the UI files, linked from the previous index into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in plan.members:
        if name not in plan.dirty and not (target / name).exists():
            shutil.copytree(old_index / name, target / name, copy_function=_link_or_copy)
    for name in search.UI_FILES:
        if (old_index / name).is_file() and not (target / name).exists():
            _link_or_copy(str(old_index / name), str(target / name))


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
