"""Writing the site: into a fresh folder beside the output, then swapped in at once.

An interrupted or failed build leaves the previous site untouched; the next build
clears the leftovers. A marker file records that Pressroom made the output folder, so
a build never deletes a folder it did not make.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import fail

MARKER = ".pressroom-output"
MARKER_TEXT = "This folder is written by Pressroom; every build replaces it.\n"
_RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class WriteStats:
    files: int
    bytes: int


def check_output_dir(output_dir: Path, site_dir: Path) -> None:
    """Refuse an output folder that holds the site's sources or files Pressroom did not make."""
    output_dir, site_dir = output_dir.resolve(), site_dir.resolve()
    for protected in (site_dir, site_dir / "content", site_dir / "seeds", site_dir / "themes"):
        if protected == output_dir or output_dir in protected.parents:
            raise fail(str(output_dir), 0, f"the output folder would contain {protected}; choose another --output")
    if output_dir.exists():
        if not output_dir.is_dir():
            raise fail(str(output_dir), 0, "the output path is a file, not a folder; choose another --output")
        if any(output_dir.iterdir()) and not (output_dir / MARKER).is_file():
            raise fail(str(output_dir), 0, f"this folder holds files Pressroom did not write (no {MARKER}); "
                       "empty it, delete it or choose another --output")


def safe_relative(route_file: str) -> PurePosixPath:
    """A generated file's path, guaranteed to stay inside the output folder."""
    path = PurePosixPath(route_file)
    bad = (path.is_absolute() or ".." in path.parts or "\\" in route_file or ":" in route_file
           or any(ord(c) < 32 for c in route_file) or not path.parts)
    if bad:
        raise ValueError(f"refusing to write outside the output folder: {route_file!r}")
    return path


def write_site(files: Iterable[tuple[str, bytes]], copies: dict[str, Path], output_dir: Path) -> WriteStats:
    """Write every file into a new folder, then swap it for the old output in one step."""
    output_dir = output_dir.resolve()
    clear_leftovers(output_dir)
    staging = output_dir.with_name(f".{output_dir.name}.building-{os.getpid()}")
    staging.mkdir(parents=True)
    count = size = 0
    try:
        made_dirs: set[Path] = set()
        for route_file, data in files:
            target = staging / safe_relative(route_file)
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            with open(target, "xb") as handle:   # 'x': two pages claiming one file is a bug, not a silent overwrite
                handle.write(data)
            count, size = count + 1, size + len(data)
        for route_file, source in copies.items():
            target = staging / safe_relative(route_file)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            count, size = count + 1, size + target.stat().st_size
        (staging / MARKER).write_text(MARKER_TEXT)
        _swap_in(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteStats(count, size)


def clear_leftovers(output_dir: Path) -> None:
    """Remove the staging and old folders an interrupted build left beside the output."""
    for pattern in (f".{output_dir.name}.building-*", f".{output_dir.name}.old-*"):
        for leftover in output_dir.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, output_dir: Path) -> None:
    if not output_dir.exists():
        os.replace(staging, output_dir)
        return
    if _exchange(staging, output_dir):
        shutil.rmtree(staging)   # now holds the previous site
        return
    old = output_dir.with_name(f".{output_dir.name}.old-{os.getpid()}")
    os.replace(output_dir, old)
    os.replace(staging, output_dir)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two folders (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


swap_in = _swap_in   # public name, used by the incremental engine
