"""Work shared with a forked child (`forked.on_two_cores`, `forked.sent_back`): the same answer as doing it here, in
order, whatever the child does; and the content hashes of a deploy taken on two cores."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.build import forked, sources
from generator.build.sources import FileEntry, same_bytes
from generator.content import Loaded

PARENT = os.getpid()


def pids_and_squares(items: list[int]) -> list[tuple[int, int]]:
    return [(os.getpid(), n * n) for n in items]


@pytest.mark.parametrize("count", [0, 1, 2, 7, 100])
def test_on_two_cores_is_the_work_in_order_shared_by_two_processes(count: int) -> None:
    done = forked.on_two_cores(pids_and_squares, list(range(count)))
    assert [square for _, square in done] == [n * n for n in range(count)]
    if count >= 2:
        assert {pid for pid, _ in done[1::2]} != {PARENT}, "no child did every other item"
        assert {pid for pid, _ in done[0::2]} == {PARENT}


def fails_in_a_child(items: list[int]) -> list[tuple[int, int]]:
    if os.getpid() != PARENT:
        raise RuntimeError("a child that fails")
    return pids_and_squares(items)


def unpicklable_in_a_child(items: list[int]) -> list[object]:
    return [(lambda: n) if os.getpid() != PARENT else (PARENT, n * n) for n in items]


@pytest.mark.parametrize("work", [fails_in_a_child, unpicklable_in_a_child])
def test_a_child_that_fails_leaves_its_share_to_this_process(work) -> None:
    done = forked.on_two_cores(work, list(range(9)))
    assert done == [(PARENT, n * n) for n in range(9)]


def test_sent_back_runs_the_work_here_exactly_once_whatever_the_child_does() -> None:
    ran: list[int] = []
    assert forked.sent_back(lambda: [1, 2], lambda: ran.append(1)) == [1, 2]
    assert forked.sent_back(lambda: 1 / 0, lambda: ran.append(2)) is None
    assert ran == [1, 2]


def test_a_checkout_s_new_stamps_are_hashed_on_two_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files with new stamps but the same bytes keep their parse (with the new stamp); changed or gone ones are left
    to parse; the same answer as in one process."""
    monkeypatch.setattr(sources, "HASH_SPLIT_MIN", 2)
    todo, previous = [], {}
    for n in range(12):
        path = tmp_path / f"r{n}.md"
        path.write_text(f"release {n}\n")
        rel = f"content/r{n}.md"
        previous[rel] = FileEntry(None, 0, sources.file_digest(rel, str(path)), Loaded(None, ()))
        todo.append((rel, str(path)))
    (tmp_path / "r3.md").write_text("edited\n")
    (tmp_path / "r8.md").unlink()
    started = time.time_ns()
    for split in (2, 10_000):
        monkeypatch.setattr(sources, "HASH_SPLIT_MIN", split)
        entries: dict[str, FileEntry] = {}
        left = same_bytes(todo, previous, entries)
        assert [rel for rel, _ in left] == ["content/r3.md", "content/r8.md"]
        assert sorted(entries) == sorted(rel for rel, _ in todo if rel not in {"content/r3.md", "content/r8.md"})
        for rel, entry in entries.items():
            st = os.stat(dict(todo)[rel])
            assert entry.loaded is previous[rel].loaded and entry.digest == previous[rel].digest
            assert entry.stamp == sources.stamp_of(st) and entry.seen_ns >= started
