"""Writing the output: staged beside it with hard links to unchanged files and swapped in at once (`build`),
or file by file, each replaced atomically (`rebuild`, what `serve` runs)."""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from ..output import MARKER, MARKER_TEXT, clear_leftovers, safe_relative, swap_in
from .deps import Output

SEARCH_DIR = "pagefind"


def make_staging(output_dir: Path) -> Path:
    clear_leftovers(output_dir)
    staging = output_dir.with_name(f".{output_dir.name}.building-{os.getpid()}")
    staging.mkdir(parents=True)
    return staging


def write_staged(output_dir: Path, payload: dict[str, bytes], unchanged: set[str], staging: Path | None, *,
                 before_swap: Callable[[Path], None] | None = None) -> None:
    """New output = bytes for changed files + hard links to the unchanged files of the previous output; swapped in.

    `before_swap(staging)` runs on the complete new site just before the swap (the search index is built there,
    so a build killed while indexing leaves the previous site and its index whole). Without it, the previous
    search index is carried over as it is."""
    staging = staging or make_staging(output_dir)
    try:
        made: set[Path] = set()

        def parent(target: Path) -> None:
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)

        for name, data in payload.items():
            target = staging / safe_relative(name)
            parent(target)
            with open(target, "xb") as handle:
                handle.write(data)
        for name in unchanged:
            target = staging / safe_relative(name)
            if target.exists():
                continue    # a worker wrote it
            parent(target)
            source = output_dir / safe_relative(name)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        index = output_dir / SEARCH_DIR
        if before_swap is not None:
            before_swap(staging)
        elif index.is_dir() and not index.is_symlink() and not (staging / SEARCH_DIR).exists():
            shutil.copytree(index, staging / SEARCH_DIR, copy_function=_link_or_copy)
        (staging / MARKER).write_text(MARKER_TEXT)
        swap_in(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_in_place(output_dir: Path, payload: dict[str, bytes], removed: Iterable[str]) -> None:
    """Each changed file replaced atomically (temp file + rename); gone files deleted."""
    output_dir.mkdir(parents=True, exist_ok=True)
    marker = output_dir / MARKER
    if not marker.exists():
        marker.write_text(MARKER_TEXT)
    for name, data in payload.items():
        target = output_dir / safe_relative(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.pressroom-tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    for name in removed:
        target = output_dir / safe_relative(name)
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != output_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def with_stats(output_dir: Path, out: Output) -> Output:
    """Record each output file's (size, mtime) so the next process can trust the output folder cheaply."""
    stats = {}
    base = f"{output_dir}/"
    stat = os.stat
    for name in list(out.files) + list(out.extras):
        try:
            st = stat(base + name)
            stats[name] = (st.st_size, st.st_mtime_ns, st.st_ino)
        except OSError:
            pass
    saved = Output(dict(out.files), dict(out.extras), dict(out.extra_groups), out.site_key, list(out.site_routes),
                   out.state, out.articles, out.problems, out.held_until)
    saved.stats = stats   # type: ignore[attr-defined]
    return saved


def output_matches(output_dir: Path, out: Output) -> bool:
    """True when the output folder still holds exactly the files the manifest describes."""
    stats = getattr(out, "stats", None)
    if not stats or not (output_dir / MARKER).is_file():
        return False
    base = f"{output_dir}/"
    stat = os.stat
    for name, expected in stats.items():
        try:
            st = stat(base + name)
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns, st.st_ino) != expected:
            return False
    return True