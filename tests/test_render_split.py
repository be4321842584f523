"""A few hundred pages written through the journal (a new release moves every list page by one) are rendered on
two cores: a forked child and this process take them a few at a time from one queue, the child sends its bytes
back. The pages, their order and the summary cards are the ones one process makes; pages a child that fails did not
send back are rendered by this process."""
from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from generator.build import SiteBuilder, build
from generator.build import rendering
from generator.config import load_config
from tests.test_speed_journal import write_site
from tests.trees import clean_build, output_tree


def built(site: Path, count: int) -> SiteBuilder:
    write_site(site, count)
    builder = SiteBuilder(load_config(site), run_import=False)
    builder.build()
    return builder


def listing_jobs(builder: SiteBuilder) -> list[tuple[str, object, str, bytes]]:
    site = builder._model.site
    return [("l", listing, f"{listing.route}index.html", b"key") for listing in site.listings]


def listings_rendered_alone(tmp_path: Path) -> tuple:
    """A built site's renderer and model, a job for each list page, and those pages as one process renders them."""
    builder = built(tmp_path / "site", 300)
    jobs = listing_jobs(builder)
    renderer, site = builder.renderer, builder._model.site
    return renderer, site, jobs, rendering._render_here(renderer, site, jobs)


def test_split_rendering_gives_the_pages_and_cards_of_one_process(tmp_path: Path) -> None:
    builder = built(tmp_path / "site", 300)
    jobs = listing_jobs(builder)
    assert len(jobs) >= rendering.SPLIT_MIN
    assert rendering.fork_ok()
    renderer, site = builder.renderer, builder._model.site
    renderer.cards.clear()
    split = rendering.render_jobs(renderer, site, jobs, None)
    split_cards = {path: card for path, (_, card) in renderer.cards.items()}
    renderer.cards.clear()
    alone = rendering._render_here(renderer, site, jobs)
    assert split == alone
    assert split_cards == {path: card for path, (_, card) in renderer.cards.items()}
    assert all(renderer.cards[a.source_path][0] is a for a in site.articles if a.source_path in split_cards)


def test_a_child_that_fails_leaves_its_share_to_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renderer, site, jobs, alone = listings_rendered_alone(tmp_path)
    parent, real = os.getpid(), rendering.render_page

    def fails_in_child(*args: object) -> bytes:
        if os.getpid() != parent:
            raise jinja2.TemplateError("only in the child")
        return real(*args)      # type: ignore[arg-type]

    monkeypatch.setattr(rendering, "render_page", fails_in_child)
    assert rendering.render_jobs(renderer, site, jobs, None) == alone


def test_a_new_release_rendered_on_two_cores_equals_a_cold_build(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    write_site(site, 400)
    build(load_config(site), run_import=False)
    (site / "content" / "zz-new.md").write_text("---\ntitle: The newest\ndate: 2024-12-31\ntags: [t1]\n---\nNew.\n")
    splits, real = [], rendering._render_split
    monkeypatch.setattr(rendering, "_render_split", lambda *args: splits.append(len(args[2])) or real(*args))
    build(load_config(site), run_import=False)
    assert splits and splits[0] >= rendering.SPLIT_MIN
    assert output_tree(site / "_site") == clean_build(site, tmp_path)


def test_both_processes_take_pages_while_this_one_also_does_its_own_work(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    renderer, site, jobs, alone = listings_rendered_alone(tmp_path)
    log, real = tmp_path / "renderers.txt", rendering.render_page

    def noted(*args: object) -> bytes:
        with log.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args)      # type: ignore[arg-type]

    monkeypatch.setattr(rendering, "render_page", noted)
    ran: list[int] = []
    assert rendering.render_jobs(renderer, site, jobs, None, meanwhile=lambda: ran.append(os.getpid())) == alone
    assert ran == [os.getpid()]
    renderers = log.read_text().split()
    assert len(renderers) == len(jobs)
    assert renderers.count(str(os.getpid())) < len(jobs) - rendering.SHARE, "the child took no share"


def test_a_child_that_dies_midway_leaves_what_it_took_to_this_process(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    renderer, site, jobs, alone = listings_rendered_alone(tmp_path)
    parent, real, calls = os.getpid(), rendering.render_page, []

    def dies_in_child(*args: object) -> bytes:
        if os.getpid() != parent:
            calls.append(1)
            if len(calls) > 3 * rendering.SHARE:
                os._exit(9)
        return real(*args)      # type: ignore[arg-type]

    monkeypatch.setattr(rendering, "render_page", dies_in_child)
    assert rendering.render_jobs(renderer, site, jobs, None) == alone


def test_without_a_queue_every_page_is_rendered_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe that cannot hold the queue (or none at all): no child, every page rendered by this process."""
    renderer, site, jobs, alone = listings_rendered_alone(tmp_path)
    monkeypatch.setattr(rendering.os, "write", lambda fd, data: len(data) - 1)       # a short write: no queue
    ran: list[int] = []
    assert rendering.render_jobs(renderer, site, jobs, None, meanwhile=lambda: ran.append(os.getpid())) == alone
    assert ran == [os.getpid()]
