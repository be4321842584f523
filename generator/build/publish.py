"""The write and index stages of one build: how the new output reaches the output folder, search shards included.

- staged: a large change set (or no trusted previous output) builds the whole new site beside the old one,
  indexes the changed search shards there, and swaps it in at once (`writing.write_staged`);
- journal: a small change set (`pressroom build` after an edit) writes only the changed files and shards,
  through a journal, so a killed build still leaves the previous site or the complete new one (`journal`);
- serve: `serve`'s rebuilds replace each changed file atomically and keep the previous search index.
"""
from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import search
from ..errors import Problems, problem
from ..model import Site
from .deps import Output
from .collect import Collected
from .journal import Journal
from .delta import index_search, plan_delta
from .shards import SearchPlan, carry_shards, finish_search_plan, plan_search
from .writing import SEARCH_DIR, marker_text, write_in_place, write_staged, written_by

JOURNAL_SHARE = 4          # at most a quarter of the site's files go through the journal; more are staged


def journal_fits(render_count: int, old: Output) -> bool:
    """A change set small enough to write in place (cheaper than linking every unchanged file into a staged
    copy), when the previous output is trusted."""
    total = len(old.files) + len(old.extras)
    return bool(old.build_id and old.stats) and render_count <= max(20, total // JOURNAL_SHARE)


@dataclass
class Written:
    mode: str             # "staged", "journal", "serve" or "none"
    seconds: float = 0.0  # search indexing


def publish(out: Collected, site: Site, old: Output, output_dir: Path, *, staging: Path | None, journal: bool,
            index: bool, problems: Problems, output_name: str) -> Written:
    """Write `out` the way the change set calls for; index the shards whose pages changed when `index`."""
    new = out.new
    removed = sorted((old.files.keys() - new.files.keys() - new.extras.keys())
                     | (old.extras.keys() - new.extras.keys() - new.files.keys()))
    if index and not search.available():
        problems.add(problem(f"{output_name}/{search.INDEX_DIR}", 0, search.NOT_INSTALLED, warning=True))
    plan = _search_plan(out, site, old, output_dir, staging, index and search.available())
    if index and plan is None:
        new.shards, new.search_base = {}, {}
    if staging is None and not journal:
        new.build_id, new.stats, new.shards, new.indexed = old.build_id, old.stats, dict(old.shards), dict(old.indexed)
        new.search_base = dict(old.search_base)
        write_in_place(output_dir, out.payload, removed)
        return Written("serve")
    changed = bool(out.written or removed or (plan and (plan.dirty or plan.delta_fresh)))
    if not changed and written_by(output_dir) == old.build_id and old.build_id:
        new.build_id, new.stats = old.build_id, dict(old.stats)
        if plan is not None:
            _record(new, plan)      # (a build that writes records them once indexed)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        return Written("none")
    new.build_id = secrets.token_hex(8)
    if staging is None:
        seconds = _journaled(out, old, output_dir, removed, plan, problems, output_name)
        return Written("journal", seconds)
    seconds = _staged(out, output_dir, staging, plan, index, problems, output_name)
    return Written("staged", seconds)


def _search_plan(out: Collected, site: Site, old: Output, output_dir: Path, staging: Path | None,
                 index: bool) -> SearchPlan | None:
    """The shards and the delta to index, when indexing; else the previous index is carried over with its keys."""
    if not index:
        out.new.shards, out.new.indexed, out.new.search_base = dict(old.shards), dict(old.indexed), dict(old.search_base)
        return None

    def read(name: str) -> bytes:
        data = out.payload.get(name)
        if data is not None:
            return data
        staged = staging / name if staging is not None else None
        return (staged if staged is not None and staged.is_file() else output_dir / name).read_bytes()

    if out.search is not None:      # begun while the list pages were rendered (collect.py)
        plan = finish_search_plan(out.search, out.new.files, old, out.new, read)
    else:
        plan = plan_search(site, out.new.files, old, out.new, read)
    index_dir = output_dir / SEARCH_DIR
    ui_missing = not (index_dir / "pagefind-ui.js").is_file() or not (index_dir / search.SHARDS_FILE).is_file()
    plan_delta(plan, old, index_dir, ui_missing=ui_missing)
    return plan


def _record(new: Output, plan: SearchPlan) -> None:
    """What the index holds, for the next build: each shard's key and each base page's version and id."""
    new.shards, new.search_base = plan.keys(), dict(plan.base)


def _staged(out: Collected, output_dir: Path, staging: Path, plan: SearchPlan | None, index: bool,
            problems: Problems, output_name: str) -> float:
    new = out.new
    unchanged = set(new.files) | set(new.extras)
    seconds = [0.0]

    def before_swap(folder: Path) -> None:
        target = folder / SEARCH_DIR
        if plan is None:
            return        # searching, without Pagefind: no index
        seconds[0] = _index(plan, folder, out.payload, target, output_dir / SEARCH_DIR, problems, output_name)
        if seconds[0] < 0:
            shutil.rmtree(target, ignore_errors=True)
            new.shards, new.search_base = {}, {}
            return
        carry_shards(plan, output_dir / SEARCH_DIR, target)
        (target / search.SHARDS_FILE).write_bytes(plan.listing)
        _record(new, plan)

    carry = plan is None and not index
    write_staged(output_dir, out.payload, unchanged - set(out.payload) - out.staged_already, staging,
                 build_id=new.build_id, before_swap=None if carry else before_swap)
    return max(seconds[0], 0.0)


def _journaled(out: Collected, old: Output, output_dir: Path, removed: list[str], plan: SearchPlan | None,
               problems: Problems, output_name: str) -> float:
    new = out.new
    journal = Journal(output_dir)
    try:
        for name, data in out.payload.items():
            journal.add_file(name, data)
        seconds = 0.0
        gone: list[str] = []
        if plan is not None:
            side = journal.dir / "index"
            side.mkdir()
            seconds = _index(plan, output_dir, out.payload, side, output_dir / SEARCH_DIR, problems, output_name)
            if seconds < 0:         # the previous index stays, as it was
                new.shards, new.search_base, seconds = dict(old.shards), dict(old.search_base), 0.0
            else:
                _record(new, plan)
                gone += _journal_index(journal, plan, old, new, side, output_dir / SEARCH_DIR)
        journal.commit([*removed, *gone], marker_text(new.build_id))
    except BaseException:
        journal.abandon()
        raise
    fresh = set(out.payload) | set(out.changed)
    new.stats = dict(old.stats)
    for name in fresh:
        new.stats.pop(name, None)
    new.fresh = fresh
    return seconds


def _journal_index(journal: Journal, plan: SearchPlan, old: Output, new: Output, side: Path,
                   index_dir: Path) -> list[str]:
    """The shards indexed again (as file changes), a new delta (a folder), `shards.json` and the UI files into
    the journal; returns the files and folders to remove (the old delta among them)."""
    gone: list[str] = []
    for shard in plan.dirty:
        if (side / shard).is_dir():
            gone += _merge_shard(journal, side / shard, index_dir / shard, f"{SEARCH_DIR}/{shard}")
    if plan.delta and plan.delta_fresh and (side / plan.delta).is_dir():
        (side / plan.delta).rename(journal.folder(f"{SEARCH_DIR}/{plan.delta}"))
    gone += [f"{SEARCH_DIR}/{name}" for name in old.shards if name not in new.shards]
    listing = index_dir / search.SHARDS_FILE
    if not listing.is_file() or listing.read_bytes() != plan.listing:
        journal.add_file(f"{SEARCH_DIR}/{search.SHARDS_FILE}", plan.listing)
    for name in search.UI_FILES:
        if (side / name).is_file() and not (index_dir / name).is_file():
            journal.add_file(f"{SEARCH_DIR}/{name}", (side / name).read_bytes())
    return gone


def _merge_shard(journal: Journal, new_dir: Path, old_dir: Path, prefix: str) -> list[str]:
    """A shard indexed again, as file changes (returns the files to remove). Pagefind names its chunks and
    fragments by their content's hash, so only new ones are added, then the entry file that names them, and
    the ones no longer named are removed: a one-page edit moves a dozen files, not the shard's hundreds."""
    if not old_dir.is_dir():
        new_dir.rename(journal.folder(prefix))
        return []
    fresh = {p.relative_to(new_dir).as_posix(): p for p in new_dir.rglob("*") if p.is_file()}
    before = {p.relative_to(old_dir).as_posix() for p in old_dir.rglob("*") if p.is_file()}
    for rel in sorted(fresh, key=lambda name: name == "pagefind-entry.json"):    # the entry file last
        if rel in before and (_hash_named(rel) or (old_dir / rel).read_bytes() == fresh[rel].read_bytes()):
            continue
        journal.move_file(f"{prefix}/{rel}", fresh[rel])
    return [f"{prefix}/{rel}" for rel in sorted(before - set(fresh))]


def _hash_named(rel: str) -> bool:
    return rel.startswith(("fragment/", "index/", "filter/")) or rel.endswith(".pf_meta")


def _index(plan: SearchPlan, folder: Path, payload: dict[str, bytes], target: Path, old_index: Path,
           problems: Problems, output_name: str) -> float:
    """Index the dirty shards and the delta: seconds taken, or -1 when Pagefind failed (a warning, not an error)."""
    def read(name: str) -> bytes:
        data = payload.get(name)
        return data if data is not None else (folder / name).read_bytes()

    try:
        return index_search(plan, read, target, old_index)
    except (search.PagefindError, OSError) as exc:
        problems.add(problem(f"{output_name}/{search.INDEX_DIR}", 0,
                             f"search index not built: Pagefind failed ({exc})", warning=True))
        return -1.0
