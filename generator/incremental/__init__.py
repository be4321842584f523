"""Incremental builds: keep the last build in memory and redo only what a change touches.

`SiteBuilder.build()` is a full build through the disk cache (`.pressroom-cache/`):
unchanged files are not parsed again, pages whose dependency key did not change are
not rendered again, and the new output is staged with hard links to the unchanged files
of the previous one, indexed for search there, then swapped in atomically (a killed
build leaves the previous site complete). With nothing changed, nothing is written.

`SiteBuilder.rebuild(paths)` (what `serve` runs) re-reads only the changed files,
updates the site model incrementally, re-renders only the pages whose inputs changed
and replaces, file by file and atomically, only the files whose bytes changed.

One idea per module, in the order data flows:

| module | one idea |
|---|---|
| `sources` | content files -> parsed articles, with stat stamps, hashes and a process pool |
| `sitemodel` | the site model updated article by article, reporting the pages that moved |
| `deps` | each output page's dependency key, and the plan of what to render |
| `extras` | feeds, sitemap and the other site-wide files, a key per group |
| `record` | the last build's record, so a no-change `pressroom build` answers without building |
| `rendering` | render the pages to redo, forked over the cores when many |
| `writing` | staged + swapped output (`build`) or atomic in-place files (`rebuild`) |
| `builder` | `SiteBuilder`, which runs the above |
"""
from __future__ import annotations

from .builder import BuildResult, SiteBuilder, build_cached
from ..changes import ChangeKind, change_kind, is_editor_junk

__all__ = ["BuildResult", "ChangeKind", "SiteBuilder", "build_cached", "change_kind", "is_editor_junk"]
