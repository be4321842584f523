"""The site works under a GitHub Pages project path: no broken, escaping or unreachable page."""
from __future__ import annotations

from tests.crawl import crawl, serve_under


def page_urls(out, start):
    rels = (p.relative_to(out).parent.as_posix() for p in out.rglob("index.html"))
    return {start + ("" if rel == "." else rel + "/") for rel in rels}


def test_every_page_reachable_and_no_link_broken_or_escaping(site):
    site.config("per_page = 2\n")
    for n in range(7):
        site.article(f"a{n}", f"Release {n}", f"202{3 + n % 2}-0{1 + n % 3}-1{n}", tags=f"[Tag {n % 3}, Shared]")
    assert site.build(base_url="https://me.github.io/REPO/").errors == []
    with serve_under(site.out) as start:
        reached, problems = crawl(start)
        assert problems == []
        assert sorted(page_urls(site.out, start) - reached) == []


def test_the_crawl_finds_broken_and_escaping_links(site):
    # a root-relative link is moved under the base path by the build, so the escaping one is relative
    site.article("a", "One", "2024-01-01", body="[gone](/REPO/nowhere/) and [out](../../../../elsewhere/)")
    site.build(base_url="https://me.github.io/REPO/")
    with serve_under(site.out) as start:
        _, problems = crawl(start)
    assert any(p.startswith("404 ") and p.endswith("/REPO/nowhere/") for p in problems)
    assert any(p.startswith("escapes /REPO/: ../../../../elsewhere/") for p in problems)
