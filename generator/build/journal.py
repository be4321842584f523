"""In-place writes for small change sets, with a journal so a killed build never leaves a half-written site.

Every new file (and every new search shard folder) is first written complete into a journal folder beside
the output (`.<output>.journal/`); then a `COMMIT` list is renamed into place, the commit point; then each
folder is swapped in, each file renamed over its old self (a search shard's entry file after the files it
names), gone files deleted, and the output marker replaced last. A build killed before the commit leaves the
previous site untouched (the next build deletes the journal); one killed after it is finished by the next
build (`recover`) before anything else, by the same renames, which are safe to repeat. So the output is the
previous site, or the complete new one once the few renames of a commit are done.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from .writing import MARKER, safe_relative

COMMIT = "COMMIT"


def journal_dir(output_dir: Path) -> Path:
    return output_dir.with_name(f".{output_dir.name}.journal")


class Journal:
    """The new files and folders of one in-place build, staged beside the output until `commit()`."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.dir = journal_dir(output_dir)
        recover(output_dir)
        (self.dir / "new").mkdir(parents=True)
        self.files: list[str] = []
        self.folders: list[str] = []
        self.committed = False

    def add_file(self, name: str, data: bytes) -> None:
        with open(self._next(name), "wb") as handle:
            handle.write(data)

    def move_file(self, name: str, source: Path) -> None:
        """`source` (on the same file system) becomes the new `name`."""
        os.replace(source, self._next(name))

    def _next(self, name: str) -> str:
        """Where the journal keeps the next new file: numbered, in one folder (a folder per file, made and
        removed again, was most of a one-release build's syscalls)."""
        self.files.append(name)
        return f"{self.dir}/new/{len(self.files) - 1}"

    def folder(self, name: str) -> Path:
        """Where to make the new version of the folder `name` (it replaces the old one whole)."""
        self.folders.append(name)
        path = self.dir / "folders" / safe_relative(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def commit(self, removed: Iterable[str], marker: str) -> None:
        """The commit point, then the renames; the marker, naming the new build, goes last."""
        self.add_file(MARKER, marker.encode())
        stored = list(enumerate(self.files))
        files = [[name, str(n)] for n, name in stored if name != MARKER] + [[MARKER, str(len(stored) - 1)]]
        plan = {"files": files, "folders": self.folders, "removed": sorted(removed)}
        tmp = self.dir / f"{COMMIT}.tmp"
        tmp.write_text(json.dumps(plan))
        os.replace(tmp, self.dir / COMMIT)
        self.committed = True
        apply(self.dir, self.output_dir)

    def abandon(self) -> None:
        """Forget an uncommitted journal (a committed one is kept: the next build finishes it)."""
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
    for name in files[:-1]:
        _move(folder, output_dir, name)
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
