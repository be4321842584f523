"""One build at a time per site and per output folder, across processes (`build`, `serve`, CI).

An advisory `flock` on the site folder itself and on the folder that holds the output (where the
staging folder goes too): no lock file is written anywhere. The kernel releases a lock when its
process dies, so a killed build never leaves a stale one. A second build waits and says so once.
"""
from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path


NOTICE_AFTER = 0.3     # seconds of waiting before saying why


def lock_folders(site_dir: Path, output_dir: Path) -> list[Path]:
    """The folders to lock, each once, always in the same order (so two builds cannot deadlock)."""
    return sorted({site_dir.resolve(), output_dir.resolve().parent})


@contextmanager
def build_lock(site_dir: Path, output_dir: Path, *, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the site's and the output folder's locks for the duration of one build (or rebuild)."""
    with ExitStack() as stack:
        for folder in lock_folders(site_dir, output_dir):
            stack.enter_context(_flock(folder, say))
        yield


@contextmanager
def _flock(folder: Path, say: Callable[[str], None]) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)      # an OSError here (no permission, out of descriptors...)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)   # is named with its advice by `failures`
    try:
        _acquire(fd, folder, say)
        yield
    finally:
        os.close(fd)     # closing releases the lock


def _acquire(fd: int, folder: Path, say: Callable[[str], None]) -> None:
    """Take the lock; after a moment of waiting, say what we wait for, then wait as long as it takes."""
    deadline = time.monotonic() + NOTICE_AFTER
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
    say(f"waiting for another Pressroom build to finish (it holds {folder})")
    fcntl.flock(fd, fcntl.LOCK_EX)      # blocks; released when the other build ends or dies
