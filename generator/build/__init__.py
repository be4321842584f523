"""The build engine: one recipe, cold or warm, and incremental rebuilds that reuse its stages.

    import -> scan -> parse -> select -> model -> plan -> render -> write -> index

`build(config)` is `pressroom build`: the recipe through the cache in `.pressroom-cache/` (a cold build
is the same code with an empty cache), the output staged beside the old one and swapped in at once, or,
for a small change set, written in place through a journal.
`SiteBuilder.rebuild(changes)` is what `serve` runs: the same stages for only what changed.

One idea per module, in the order data flows:

| module | one idea |
|---|---|
| `sources` | seeds imported; content scanned, parsed (stat stamps, hashes, every core) and selected |
| `entries` | the parsed files in the cache, in chunks: an edit saves one |
| `contents` | every content file as last read (stamp, hash, parse): what to read again after a change |
| `deps` | each output page's dependency key, and the plan of what to render |
| `forked` | the one place that forks (parse and render workers aside): `fork_ok`, `in_child`, `sent_back`, `on_two_cores` |
| `rendering` | render the planned pages, forked over the cores when many; a few hundred shared with one child through a queue |
| `collect` | the bytes of every output file: pages, site-wide pages, feeds, statics |
| `writing` | staged + swapped output, or atomic in-place files; the output marker |
| `journal` | in-place writes of a small change set that a killed build never leaves half done |
| `shards` | the search index in shards: which releases each holds, its key, indexing a shard |
| `delta` | an edit's pages indexed into a small delta, their base copies listed stale; folded when it grows |
| `publish` | the write and index stages: staged, journal or `serve`'s in place, by the size of the change |
| `record` | the last build's record (record, packed stats, head), so a no-change build answers without building |
| `lock` | one build at a time per site and per output folder, across processes |
| `builder` | `SiteBuilder`, which runs the above |
"""
from __future__ import annotations

from collections.abc import Callable

from ..config import Config
from .builder import SiteBuilder
from .result import BuildResult


def build(config: Config, *, strict: bool = False, run_import: bool = True, search: bool = True,
          progress: Callable[[str, int], None] | None = None, held: list[object] | None = None) -> BuildResult:
    """`pressroom build`: the recipe, through the cache; a no-change build answers from the last build's record.

    `search=False` skips Pagefind and carries the previous index over; `progress(stage, count)` hears each stage;
    `held` gets the builder, for the caller to drop when it likes (the command leaves first: `cli.run`)."""
    builder = SiteBuilder(config, search=search, strict=strict, run_import=run_import, one_shot=True,
                          progress=progress)
    if held is not None:
        held.append(builder)
    return builder.build()


__all__ = ["BuildResult", "SiteBuilder", "build"]
