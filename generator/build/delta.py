"""The search delta: the two levels of an LSM tree over the search index, so an edit indexes a few pages, not
a shard of a thousand.

The base shards stay as they were indexed (`Output.search_base` says which version of each page each holds
and its Pagefind page id). A release page whose indexed part no longer matches its base copy, or that is new,
goes to one small delta index of its own (`pagefind/delta-<key>/`); the base copies it replaces, and those of
deleted pages, are listed as stale in `shards.json`, and the search page drops them before counting results.
When the delta passes `DELTA_PAGES` (pages plus stale entries), the shards with the most of it are folded
(indexed again, which empties their share of the delta) until it fits: after one edit that is one shard, so
no build pays more than the old one-shard re-index. A cold build indexes every shard: no delta.

Pagefind names a page by a short hash of its fragment, so two checks follow each indexing: a delta page
whose fragment is its base copy's (an edit Pagefind does not read) leaves the delta, its base copy current;
a stale id that another live page also has would hide that page, so the stale page's shard is folded.
"""
from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from .. import search
from ..cache import digest
from .deps import Output
from .shards import SearchPlan, index_shards, page_url, shard_key

DELTA_PAGES = 96     # past this many delta pages and stale entries, fold: Pagefind takes ~1.1 ms a page, so
                     # each edit indexes ~0.1 s of delta, and one shard (~0.7 s at 10,000) is folded every few edits
ENTRY = "pagefind-entry.json"


def plan_delta(plan: SearchPlan, old: Output, index_dir: Path, *, ui_missing: bool) -> None:
    """Which base shards stand as indexed (their key is that of what `old.search_base` says they hold, and
    they are on disk), which to index; the delta of every page that differs from a standing shard's copy."""
    held: dict[str, dict[str, tuple[str, bytes, str]]] = {}
    for page, entry in old.search_base.items():
        held.setdefault(entry[0], {})[page] = entry
    for name in plan.members:
        entries = held.get(name, {})
        key = shard_key(plan.stamp, {page: entry[1] for page, entry in entries.items()})
        if entries and old.shards.get(name) == key and (index_dir / name / ENTRY).is_file():
            plan.base.update(entries)
        else:
            plan.dirty.append(name)
    if ui_missing and plan.members and not plan.dirty:
        _fold(plan, [min(plan.members)])
    counts = _differences(plan)
    if sum(counts.values()) > DELTA_PAGES:
        fold, left = [], sum(counts.values())
        for name in sorted(counts, key=lambda n: (-counts[n], n)):
            if left <= DELTA_PAGES:
                break
            fold.append(name)
            left -= counts[name]
        _fold(plan, fold)
    _set_delta(plan, old.shards, index_dir)


def changed_pages(plan: SearchPlan) -> list[str]:
    """Pages of standing shards that their shard does not hold as they are now: the delta's pages (sorted; a
    handful of 10,000, so they are picked first and sorted after)."""
    dirty, base, parts, missing = set(plan.dirty), plan.base, plan.parts, ("", b"", "")
    return sorted(page for page, shard in plan.shard_of.items() if shard not in dirty
                  and base.get(page, missing)[:2] != (shard, parts[page]))


def stale_pages(plan: SearchPlan) -> list[str]:
    """Pages a base shard holds in a version the site no longer has (changed, moved or gone)."""
    shard_of, parts = plan.shard_of, plan.parts
    return sorted(page for page, (shard, part, _) in plan.base.items()
                  if shard_of.get(page) != shard or parts.get(page) != part)


def _differences(plan: SearchPlan) -> dict[str, int]:
    """Standing shard -> how many delta pages and stale entries it accounts for."""
    counts: dict[str, int] = {}
    for page in changed_pages(plan):
        counts[plan.shard_of[page]] = counts.get(plan.shard_of[page], 0) + 1
    for page in stale_pages(plan):
        shard = plan.base[page][0]
        counts[shard] = counts.get(shard, 0) + 1
    return counts


def _fold(plan: SearchPlan, names: list[str]) -> None:
    """Index these base shards again: they will hold every page as it is now."""
    folding = set(names) - set(plan.dirty)
    plan.dirty += sorted(folding)
    for page in [page for page, entry in plan.base.items() if entry[0] in folding]:
        del plan.base[page]


def _set_delta(plan: SearchPlan, indexed: dict[str, bytes], index_dir: Path) -> None:
    """The delta for the pages that differ now, named by its key; fresh unless that index is on disk."""
    pages = changed_pages(plan)
    plan.delta_pages = pages
    if not pages:
        plan.delta, plan.delta_key, plan.delta_fresh = "", b"", False
        return
    plan.delta_key = digest(b"\0".join([plan.stamp, b"delta", *(page.encode() + plan.parts[page] for page in pages)]))
    plan.delta = f"delta-{plan.delta_key.hex()[:16]}"
    plan.delta_fresh = indexed.get(plan.delta) != plan.delta_key or not (index_dir / plan.delta / ENTRY).is_file()


def index_search(plan: SearchPlan, read: Callable[[str], bytes], target: Path, old_index: Path) -> float:
    """Index the dirty shards and a fresh delta into `target`, then settle the two checks above (which may
    index the delta or a shard once more); sets the stale list. Returns the seconds taken."""
    started = time.perf_counter()
    todo = plan.dirty + ([plan.delta] if plan.delta_fresh else [])
    delta_ids: dict[str, str] = {}
    while True:
        found = index_shards(plan, todo, read, target) if todo else {}
        moved: set[str] = set()        # standing shards that still hold a page this one now holds (a renamed file)
        for name in todo:
            if name != plan.delta:
                ids = found[name]
                moved |= {plan.base[page][0] for page in plan.members[name] if page in plan.base} - {name}
                plan.base.update({page: (name, plan.parts[page], ids.get(page_url(page), ""))
                                  for page in plan.members[name]})
        if plan.delta:
            delta_ids = found.get(plan.delta) or search.page_ids((target if plan.delta_fresh else old_index) / plan.delta)
        todo = _settle(plan, delta_ids, target, moved - set(plan.dirty))
        if not todo:
            break
    plan.stale = sorted({plan.base[page][2] for page in stale_pages(plan)} - {""})
    return time.perf_counter() - started


def _settle(plan: SearchPlan, delta_ids: dict[str, str], target: Path, moved: set[str]) -> list[str]:
    """Twins leave the delta (their base copy is current); a stale id that a live page also has folds the
    stale page's shard, as does holding a copy the record no longer names (`moved`). Returns what to index
    now (nothing when settled)."""
    twins: set[str] = set()
    for page in plan.delta_pages:
        held = plan.base.get(page)
        if held and held[0] == plan.shard_of[page] and held[2] and delta_ids.get(page_url(page)) == held[2]:
            plan.base[page] = (held[0], plan.parts[page], held[2])
            twins.add(page_url(page))
    stale = set(stale_pages(plan))
    live = {entry[2] for page, entry in plan.base.items() if page not in stale}
    live |= {pid for url, pid in delta_ids.items() if url not in twins}
    clashes = sorted(moved | {plan.base[page][0] for page in stale if plan.base[page][2] in live and plan.base[page][2]})
    if not twins and not clashes:
        return []
    was, was_fresh = plan.delta, plan.delta_fresh
    _fold(plan, clashes)
    _set_delta(plan, {}, target)
    if plan.delta == was:
        plan.delta_fresh = was_fresh
        return clashes
    if was and was_fresh and (target / was).is_dir():
        shutil.rmtree(target / was)        # indexed this build, replaced before anyone saw it
    return clashes + ([plan.delta] if plan.delta else [])
