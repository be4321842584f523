"""Work done in a forked child while this process goes on (the output check, saving the build state, the list
pages it takes from the render queue, half a deploy's content hashes): only when forking is safe, and every
child gone by `os._exit`, running no cleanup of ours. A thread would not do: it gets the interpreter back once
per switch interval."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any


def fork_ok() -> bool:
    """More than one core, and no thread running that a forked child could find holding a lock, bar one marked
    `fork_safe` (the progress line's ticker, which holds its lock across every fork: progress.py)."""
    main = threading.main_thread()
    return ((os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()
            and all(thread is main or getattr(thread, "fork_safe", False) for thread in threading.enumerate()))


def in_child(work: Callable[[], bool], *, finish_when_interrupted: bool = False) -> Callable[[], int | None] | None:
    """Run `work` in a forked child; returns a function that waits for it and gives its exit status (0: `work`
    returned True, 1: False, else it failed; None: the child was lost), or None when no child was forked (the
    caller does the work itself). `finish_when_interrupted`: the child ignores Ctrl-C and SIGTERM (a save of a
    fraction of a second is better finished than left as a temporary file)."""
    if not fork_ok():
        return None
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:
        code = 2
        try:
            handler = signal.SIG_IGN if finish_when_interrupted else signal.SIG_DFL
            signal.signal(signal.SIGINT, handler)
            signal.signal(signal.SIGTERM, handler)
            code = 0 if work() else 1
        finally:
            os._exit(code)

    def wait() -> int | None:
        try:
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        except ChildProcessError:
            return None
    return wait


def sent_back(work: Callable[[], Any], meanwhile: Callable[[], None]) -> Any | None:
    """`work()` run in a forked child and its result sent back, pickled, through a pipe, while this process runs
    `meanwhile` (always, exactly once); None when no child could do it or it failed (the caller does it then)."""
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        meanwhile()
        return None

    def child() -> bool:
        os.close(read_fd)
        data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(data)
        return True

    wait = in_child(child)
    os.close(write_fd)
    if wait is None:
        os.close(read_fd)
        meanwhile()
        return None
    sent = b""
    try:
        with os.fdopen(read_fd, "rb") as pipe:       # closed on any way out: a child still writing stops
            meanwhile()
            sent = pipe.read()
    finally:
        status = wait()
    try:
        return pickle.loads(sent) if status == 0 else None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None


def on_two_cores(work: Callable[[list[Any]], list[Any]], items: list[Any]) -> list[Any]:
    """`work(items)`, every other item done by a forked child (`sent_back`) while this process does the rest; in
    order. All here when no child can do its share."""
    mine: list[Any] = []

    def here() -> None:
        mine.extend(work(items[0::2]))

    theirs = sent_back(lambda: work(items[1::2]), here)
    if not isinstance(theirs, list) or len(theirs) != len(items[1::2]):
        theirs = work(items[1::2])
    merged = [None] * len(items)
    merged[0::2], merged[1::2] = mine, theirs
    return merged
