"""Rendering the planned pages: in-process, or on every core (forked workers that inherit the site and write
their share straight into the staging folder) when there are many."""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

from ..cache import digest
from ..model import Site
from ..output import safe_relative
from ..render import Renderer
from .deps import Job
from .sources import PARALLEL_MIN, fork_ok

Rendered = tuple[str, bytes, bytes, "bytes | None"]   # (output file, key, bytes hash, bytes or None: already staged)


def render_jobs(renderer: Renderer, site: Site, jobs: list[Job], staging: Path | None) -> list[Rendered]:
    """(file, key, hash, bytes) for each job; bytes None when a worker already wrote the file into `staging`."""
    if staging is not None and len(jobs) >= PARALLEL_MIN and fork_ok():
        return _render_forked(renderer, site, jobs, staging)
    out: list[Rendered] = []
    for kind, item, name, key in jobs:
        data = renderer.article(site, item) if kind == "a" else renderer.listing(item)
        out.append((name, key, digest(data), data))
    return out


_render_state: Any = None


def _render_forked(renderer: Renderer, site: Site, jobs: list[Job], staging: Path) -> list[Rendered]:
    global _render_state
    workers = os.cpu_count() or 2
    _render_state = (renderer, site, staging, jobs)
    shares = [list(range(i, len(jobs), workers * 4)) for i in range(workers * 4)]
    results: list[Rendered] = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for chunk in pool.imap_unordered(_render_share, shares):
                results.extend((name, key, data_digest, None) for name, key, data_digest in chunk)
    finally:
        _render_state = None
    return results


def _render_share(indices: list[int]) -> list[tuple[str, bytes, bytes]]:
    renderer, site, staging, jobs = _render_state
    out = []
    made: set[Path] = set()
    for i in indices:
        kind, item, name, key = jobs[i]
        data = renderer.article(site, item) if kind == "a" else renderer.listing(item)
        target = staging / safe_relative(name)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        with open(target, "xb") as handle:
            handle.write(data)
        out.append((name, key, digest(data)))
    return out
