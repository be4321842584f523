"""In-place writes for small change sets, with a journal so a killed build never leaves a half-written site.

Every new page is first written complete into a journal folder beside the output (`.<output>.journal/`), all
of them into one pack file; search index files and folders each as a file or folder of their own. Then a
`COMMIT` list is renamed into place, the commit point; then each folder is swapped in, each search file
renamed over its old self (an index's entry file after the files it names), each page written over its old
self in place, gone files deleted, and the output marker replaced last. A build killed before the commit
leaves the previous site untouched (the next build deletes the journal); one killed after it is finished by
the next build (`recover`) before anything else, by the same steps, which are safe to repeat. So the output is
the previous site, or the complete new one once the steps of a commit are done.

Pages are written into their files rather than renamed over them: on ext4 mounted with `discard` (this
project's CI machines) a new file and the old one's release cost ~0.2-0.5 ms each, twenty times an
overwrite, and a new release moves a thousand list pages at 10,000 releases. A file with other links, or
that is not a plain file, is replaced whole instead, so no other name ever sees the new bytes. Search files
stay renamed: the search page reads them while the site is served.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from .writing import MARKER, SEARCH_DIR, safe_relative

COMMIT = "COMMIT"
PACK = "new.pack"        # the new pages, one after another (their places are in the commit list)


def journal_dir(output_dir: Path) -> Path:
    return output_dir.with_name(f".{output_dir.name}.journal")


class Journal:
    """The new files and folders of one in-place build, staged beside the output until `commit()`."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.dir = journal_dir(output_dir)
        recover(output_dir)
        (self.dir / "new").mkdir(parents=True)
        self.files: list[list[str | int]] = []   # [name, number of its file] or [name, offset, length] in the pack
        self.folders: list[str] = []
        self.committed = False
        self._pack: BinaryIO | None = None
        self._packed = 0

    def add_file(self, name: str, data: bytes) -> None:
        if name == MARKER or name.startswith(f"{SEARCH_DIR}/"):
            with open(self._next(name), "wb") as handle:
                handle.write(data)
            return
        if self._pack is None:
            self._pack = open(self.dir / PACK, "wb")
        self.files.append([name, self._packed, len(data)])
        self._pack.write(data)
        self._packed += len(data)

    def move_file(self, name: str, source: Path) -> None:
        """`source` (on the same file system) becomes the new `name`."""
        os.replace(source, self._next(name))

    def _next(self, name: str) -> str:
        """Where the journal keeps the next new file of its own: numbered, in one folder (a folder per file,
        made and removed again, was most of a one-release build's syscalls)."""
        number = str(len(self.files))
        self.files.append([name, number])
        return f"{self.dir}/new/{number}"

    def folder(self, name: str) -> Path:
        """Where to make the new version of the folder `name` (it replaces the old one whole)."""
        self.folders.append(name)
        path = self.dir / "folders" / safe_relative(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def commit(self, removed: Iterable[str], marker: str) -> None:
        """The commit point, then the steps; the marker, naming the new build, goes last."""
        if self._pack is not None:
            self._pack.close()
        self.add_file(MARKER, marker.encode())
        files = [entry for entry in self.files if entry[0] != MARKER] + [self.files[-1]]
        plan = {"files": files, "folders": self.folders, "removed": sorted(removed)}
        tmp = self.dir / f"{COMMIT}.tmp"
        tmp.write_text(json.dumps(plan))
        os.replace(tmp, self.dir / COMMIT)
        self.committed = True
        apply(self.dir, self.output_dir)

    def abandon(self) -> None:
        """Forget an uncommitted journal (a committed one is kept: the next build finishes it)."""
        if self._pack is not None:
            self._pack.close()
        if not self.committed:
            shutil.rmtree(self.dir, ignore_errors=True)


def recover(output_dir: Path) -> None:
    """Finish a committed journal a killed build left (or delete an uncommitted one)."""
    folder = journal_dir(output_dir)
    if not folder.is_dir() or folder.is_symlink():
        return
    if (folder / COMMIT).is_file():
        apply(folder, output_dir)
    else:
        shutil.rmtree(folder, ignore_errors=True)


def apply(folder: Path, output_dir: Path) -> None:
    """Carry out a committed journal; each step can be repeated after a kill."""
    plan = json.loads((folder / COMMIT).read_text())
    for name in plan["folders"]:
        _swap_folder(folder, output_dir, name)
    files = plan["files"]
    packed = folder / PACK
    with open(packed, "rb") if packed.is_file() else contextlib.nullcontext() as pack:
        for entry in files[:-1]:
            if isinstance(entry, list) and len(entry) == 3:
                assert pack is not None
                pack.seek(entry[1])
                _write_over(output_dir / safe_relative(entry[0]), pack.read(entry[2]))
            else:
                _move(folder, output_dir, entry)
    for name in plan["removed"]:
        _remove(output_dir, name)
    _move(folder, output_dir, files[-1])      # the marker
    shutil.rmtree(folder)


def _move(folder: Path, output_dir: Path, entry: str | list[str]) -> None:
    """Rename one new file into place; `entry` is [name, its number in the journal] (a journal written by an
    earlier Pressroom names the file alone, kept at its own path)."""
    name, source = (entry, folder / "new" / safe_relative(entry)) if isinstance(entry, str) else (
        entry[0], folder / "new" / entry[1])
    if source.is_file():
        target = output_dir / safe_relative(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


def _write_over(target: Path, data: bytes) -> None:
    """`data` into the plain file `target`, in place (made when missing); a file with other links, or anything
    but a plain file, is replaced whole instead."""
    try:       # never through a link; O_NONBLOCK: a named pipe put there fails at once instead of waiting
        fd = os.open(target, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    except OSError:                 # a link (ELOOP), a folder (EISDIR), a pipe nobody reads (ENXIO)
        _replace(target, data)
        return
    with os.fdopen(fd, "wb", buffering=0) as handle:
        st = os.fstat(fd)
        if st.st_nlink == 1 and stat.S_ISREG(st.st_mode):
            handle.write(data)
            handle.truncate(len(data))
            return
    _replace(target, data)


def _replace(target: Path, data: bytes) -> None:
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    tmp = target.with_name(f".{target.name}.pressroom-new")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _swap_folder(folder: Path, output_dir: Path, name: str) -> None:
    new = folder / "folders" / safe_relative(name)
    if not new.is_dir():
        return                      # swapped in already
    target, old = output_dir / safe_relative(name), folder / "old" / safe_relative(name)
    if target.exists():
        if old.exists():
            shutil.rmtree(old)
        old.parent.mkdir(parents=True, exist_ok=True)
        os.rename(target, old)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(new, target)


def _remove(output_dir: Path, name: str) -> None:
    target = output_dir / safe_relative(name)
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    parent = target.parent
    while parent != output_dir and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
