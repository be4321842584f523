"""Search indexing holds little at once: pages go to Pagefind a few at a time, as it takes them, and each shard
is indexed by a Pagefind service of its own (a service keeps much of what one shard took)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import search as search_index
from generator.build import shards
from tests.test_search import needs_pagefind, pagefind  # noqa: F401 - the fixture

RELEASES = 12


@pytest.fixture
def many(site, monkeypatch):
    """Twelve releases in four shards; a window of two requests, so a shard is more than one window."""
    monkeypatch.setattr(shards, "SHARD_PAGES", 4)
    monkeypatch.setattr(search_index, "WINDOW", 2)
    site.config('title = "Harbour City"\n')
    for n in range(RELEASES):
        site.article(f"r{n:02d}", f"Release number {n}", f"2024-03-{n + 1:02d}", body=f"Word{n}x sits in release {n}.")
    return site


class Counting(search_index.Pagefind):
    """A Pagefind service that counts the replies it has read and the services started."""

    started: list[Counting] = []

    def __init__(self, command: list[str]) -> None:
        super().__init__(command)
        self.replies = 0
        Counting.started.append(self)

    def _receive(self, stream):        # type: ignore[no-untyped-def]
        reply = super()._receive(stream)
        self.replies += 1
        return reply


def urls_in(index: Path) -> set[str]:
    return set(search_index.page_ids(index))


@needs_pagefind
def test_every_release_is_indexed_once_with_one_service_per_shard(many, monkeypatch):
    Counting.started = []
    monkeypatch.setattr(search_index, "Pagefind", Counting)
    result = many.build()
    assert not result.problems, result.problems
    names = json.loads((many.out / "pagefind" / "shards.json").read_text())["shards"]
    assert len(names) == 4
    held = [urls_in(many.out / "pagefind" / name) for name in names]
    assert sum(len(urls) for urls in held) == RELEASES                  # each release in one shard
    assert len(set().union(*held)) == RELEASES
    assert len(Counting.started) == len(names)                          # a new service for each shard
    assert all(service.process.returncode is not None for service in Counting.started)   # and each one ended


@needs_pagefind
def test_pages_are_read_no_further_ahead_of_pagefind_than_the_window(many, monkeypatch, tmp_path):
    monkeypatch.setattr(search_index, "WINDOW", 3)
    many.build(search=False)
    files = sorted(many.out.glob("2024/03/*/index.html"))
    ahead: list[int] = []
    with Counting(search_index.pagefind_command()) as service:
        def pages():
            for n, path in enumerate(files):
                ahead.append(n - (service.replies - 1))       # pages taken minus replies to them (not NewIndex's)
                yield "/" + path.parent.relative_to(many.out).as_posix() + "/", path.read_bytes()

        assert service.write_index(pages(), tmp_path / "index") == RELEASES
    assert max(ahead) == 3 and min(ahead) >= 0
    assert len(urls_in(tmp_path / "index")) == RELEASES


@needs_pagefind
def test_a_page_that_cannot_be_read_leaves_the_build_with_a_warning_and_no_index(many, monkeypatch):
    real = shards.page_url

    def unreadable(page: str) -> str:
        if page.startswith("2024/03/release-number-7/"):
            raise OSError("the disk went away")
        return real(page)

    monkeypatch.setattr(shards, "page_url", unreadable)
    result = many.build()
    assert [p.message for p in result.problems if p.warning] == [
        "search index not built: Pagefind failed (the disk went away)"]
    assert not (many.out / "pagefind" / "shards.json").exists()
    assert (many.out / "2024/03/release-number-7/index.html").is_file()
