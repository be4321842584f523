"""Writing the output folder, one mechanism for every build.

A full build stages the new site beside the output (changed files written, unchanged ones hard-linked
from the previous output), indexes it for search there and swaps it in at once: an interrupted or failed
build leaves the previous site untouched, and the next build clears the leftovers. `serve`'s rebuilds
replace only the files whose bytes changed, each atomically. A marker file records that Pressroom made
the output folder (so a build never deletes a folder it did not make) and which build wrote it (so a
record that does not match the folder on disk is never trusted).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from array import array
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from ..errors import fail
from .deps import Output

MARKER = ".pressroom-output"
MARKER_TEXT = "This folder is written by Pressroom; every build replaces it.\n"
SEARCH_DIR = "pagefind"
_RENAME_EXCHANGE = 2

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


def clear_leftovers(output_dir: Path) -> None:
    """Remove the staging and old folders an interrupted build left beside the output."""
    for pattern in (f".{output_dir.name}.building-*", f".{output_dir.name}.old-*"):
        for leftover in output_dir.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def swap_in(staging: Path, output_dir: Path) -> None:
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



def make_staging(output_dir: Path) -> Path:
    clear_leftovers(output_dir)
    staging = output_dir.with_name(f".{output_dir.name}.building-{os.getpid()}")
    staging.mkdir(parents=True)
    return staging


def marker_text(build_id: str) -> str:
    return f"{MARKER_TEXT}build {build_id}\n"


def write_staged(output_dir: Path, payload: dict[str, bytes], unchanged: set[str], staging: Path | None, *,
                 build_id: str, before_swap: Callable[[Path], None] | None = None) -> None:
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
        (staging / MARKER).write_text(marker_text(build_id))
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
    """Each changed file replaced atomically (temp file + rename); gone files deleted. The output folder
    and its marker exist already: a full build made them."""
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


FOLDER = -1     # the size recorded for a folder: only its time counts (its size is the file system's own)


def folders_of(names: Iterable[str]) -> set[str]:
    """Every folder holding one of `names`, with the folders above it ('' is the output folder itself)."""
    found = {""}
    for name in names:
        cut = name.rfind("/")
        while cut > 0:
            folder = name[:cut]
            if folder in found:
                break
            found.add(folder)
            cut = folder.rfind("/")
    return found


def record_stats(output_dir: Path, out: Output) -> None:
    """Record each output file's (size, mtime_ns) and each of their folders' mtime, so the next process can
    trust the output folder by its stats alone (only those in `out.fresh` when set, with the folders they or a
    removed file were in: the others are the previous build's, untouched).

    Size and time are what a copy that keeps times keeps too (the Pages workflow's `actions/cache`, GNU tar
    `--posix`, keeps them to the nanosecond), so a restored folder is trusted as it is; an inode is new in any
    copy and tells no more of an edit than its time does. A folder's time moves when a file is added to it
    or removed from it, which a file's own stats cannot show."""
    names = [*out.files, *out.extras]
    if out.fresh is None:
        stats: dict[str, tuple[int, int]] = {}
        todo, folders = names, folders_of(names)
    else:
        removed = [name for name in out.stats.keys() - set(names) if not name.endswith("/")]
        todo, folders = list(out.fresh), folders_of([*out.fresh, *removed])
        stats = dict(out.stats)       # copied whole and trimmed: at 100,000 releases 350,000 entries, a few changed
        for name in removed:
            del stats[name]
        for folder in folders:
            stats.pop(f"{folder}/", None)
    out.fresh = None
    base = f"{output_dir}/"
    stat = os.stat
    for name in todo:
        try:
            st = stat(base + name)
            stats[name] = (st.st_size, st.st_mtime_ns)
        except OSError:
            pass
    for folder in folders:
        try:
            stats[f"{folder}/"] = (FOLDER, stat(f"{base}{folder}").st_mtime_ns)
        except OSError:
            pass
    out.stats = stats


def written_by(output_dir: Path) -> str:
    """The id of the build that made the output folder ('' when none, or not Pressroom's)."""
    try:
        text = (output_dir / MARKER).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    return last.removeprefix("build ") if last.startswith("build ") else ""


def pack_stats(stats: dict[str, tuple[int, int]]) -> tuple[str, bytes]:
    """`Output.stats` as two flat values (names joined by NUL; size and time as 64-bit integers), which load in
    a fraction of the time of a dict of tuples (at 100,000 releases 350,000 entries took ~0.3 s to unpickle)."""
    numbers = array("q")
    for size, mtime_ns in stats.values():
        numbers.append(size)
        numbers.append(mtime_ns)
    return "\0".join(stats), numbers.tobytes()


def unpack_stats(names: str, numbers: bytes) -> dict[str, tuple[int, int]]:
    values = array("q")
    values.frombytes(numbers)
    return dict(zip(names.split("\0"), zip(values[0::2], values[1::2]))) if names else {}


def output_matches(output_dir: Path, build_id: str, names: str, numbers: bytes) -> bool:
    """True when the output folder is the one build `build_id` wrote and still holds exactly its files, as packed
    by `pack_stats`: each file's size and time, each folder's time (a file added or removed by hand moves its
    folder's)."""
    if not names or not build_id or written_by(output_dir) != build_id:
        return False
    values = array("q")
    values.frombytes(numbers)
    base = f"{output_dir}/"
    stat = os.stat
    for i, name in enumerate(names.split("\0")):
        try:
            st = stat(base + name)
        except OSError:
            return False
        size = values[2 * i]
        if st.st_mtime_ns != values[2 * i + 1] or (st.st_size != size and size != FOLDER):
            return False
    return True
