"""Deciding the bytes of every output file of one build: rendered pages, site-wide pages, feeds and
statics, each compared with the previous build's record so only changed bytes are carried to writing."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import digest
from ..config import Config
from ..feeds import feed_groups
from ..model import Listing, Site
from ..render import Renderer
from ..urls import output_file
from .deps import Keys, Output, Plan
from .rendering import render_jobs
from .shards import SearchPlan, plan_search

TagPages = dict[tuple[str, str], list[Listing]]


@dataclass
class Collected:
    """What one build produces, before anything is written."""

    new: Output                                             # the record of this build's output
    payload: dict[str, bytes] = field(default_factory=dict)  # file -> bytes to write
    changed: set[str] = field(default_factory=set)           # files whose bytes differ from the last build
    staged_already: set[str] = field(default_factory=set)    # written into staging by render workers
    search: SearchPlan | None = None                         # the search plan, begun while pages render

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.payload) | self.changed))


def collect_outputs(renderer: Renderer, keys: Keys, groups: TagPages, statics: dict[str, Path], config: Config,
                    plan: Plan, old: Output, new: Output, staging: Path | None, *, index: bool = False) -> Collected:
    """The bytes of every output file; only what the plan, a group key or a static's version says is new.
    `index`: the search plan is begun too (`Collected.search`), for every release page not rendered now."""
    out = Collected(new)
    new.files.update(plan.keep)
    site = plan.site
    page_routes = ([a.route for a in site.articles] + [listing.route for listing in site.listings]
                   + [page.route for page in site.pages])

    def site_wide() -> None:        # while a second core renders, if one does: it needs no page rendered now
        page_routes.extend(_site_pages(renderer, keys, plan, old, out))
        _extras(site, config, page_routes, keys, groups, old, out)
        if index:
            rendered = {name for kind, _, name, _ in plan.render if kind == "a"}
            out.search = plan_search(site, new.files, old, new, lambda name: (config.output_dir / name).read_bytes(),
                                     later=rendered)

    for name, key, data_digest, data in render_jobs(renderer, site, plan.render, staging, site_wide):
        new.files[name] = (key, data_digest)
        previous = old.files.get(name)
        if previous is None or previous[1] != data_digest:
            out.changed.add(name)
            if data is not None:
                out.payload[name] = data
        if data is None:
            out.staged_already.add(name)
    _assets(site, config, old, out)
    for route, source in statics.items():
        version = renderer.static_versions.get(route, "").encode()
        new.files[route] = (b"static", version)
        if old.files.get(route, (b"", b""))[1] != version:
            out.payload[route] = source.read_bytes()
    return out


def _site_pages(renderer: Renderer, keys: Keys, plan: Plan, old: Output, out: Collected) -> list[str]:
    """Tags, archive, search, 404: recomputed only when their key moves, written when their bytes change."""
    site, new = plan.site, out.new
    site_key = keys.site_pages(site)
    routes = old.site_routes if old.site_key == site_key else None
    if routes is not None and all(output_file(r) in old.files for r in routes):
        for route in routes:
            new.files[output_file(route)] = old.files[output_file(route)]
    else:
        routes = []
        for route, data in renderer.site_pages(site):
            name = output_file(route)
            routes.append(route)
            new.files[name] = (b"", digest(data))
            if old.files.get(name, (b"", b""))[1] != new.files[name][1]:
                out.payload[name] = data
    new.site_key, new.site_routes = site_key, list(routes)
    return list(routes)


def _extras(site: Site, config: Config, page_routes: list[str], keys: Keys, groups: TagPages, old: Output,
            out: Collected) -> None:
    """Feeds, sitemap and the rest, one dependency key per group of files."""
    new, output_dir = out.new, config.output_dir
    for key, make in feed_groups(site, config, page_routes, keys.ident, keys.global_key.encode(), groups, keys.meta):
        names = old.extra_groups.get(key)
        if names is not None and all(n in old.extras and os.path.isfile(f"{output_dir}/{n}") for n in names):
            new.extra_groups[key] = names
            new.extras.update((n, old.extras[n]) for n in names)
            continue
        made = []
        for name, data in make():
            made.append(name)
            new.extras[name] = digest(data)
            if old.extras.get(name) != new.extras[name] or old.files.get(name):
                out.payload[name] = data
        new.extra_groups[key] = tuple(made)


def _assets(site: Site, config: Config, old: Output, out: Collected) -> None:
    """Files published beside a release or page (`links.Asset`): copied when their size or time changed."""
    new = out.new
    for item in (*site.articles, *site.pages):
        for asset in item.assets:
            if asset.target in new.files:
                continue        # a generated page wins over a file of the same name
            source = config.site_dir / asset.source
            try:
                st = os.stat(source)
            except OSError:
                continue        # gone since it was parsed; the next build drops it
            version = digest(f"{st.st_size}:{st.st_mtime_ns}:{asset.source}".encode())
            new.files[asset.target] = (b"asset", version)
            if old.files.get(asset.target, (b"", b""))[1] != version:
                out.payload[asset.target] = source.read_bytes()
