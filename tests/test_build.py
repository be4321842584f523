"""Core build: every listing holds exactly the right articles, in order, paginated."""
from __future__ import annotations

from lxml import html as lxml_html

from generator.cli import main


def titles(page: str) -> list[str]:
    tree = lxml_html.fromstring(page)
    return [a.text_content().strip() for a in tree.cssselect("ol.article-list h2 a")]


def make_corpus(site, count: int = 25) -> None:
    site.config('per_page = 4\ntitle = "Test News"\n')
    for n in range(count):
        year = 2023 + n % 2
        month = 1 + n % 3
        tags = ["Alpha"] + (["Beta"] if n % 2 else []) + (["North Korea"] if n % 5 == 0 else [])
        site.article(f"a{n:02d}", f"Release {n:02d}", f"{year}-{month:02d}-{1 + n:02d}", tags=tags)


def expected(n_range, key):
    """Titles newest first, as the build must order them."""
    items = [(f"{2023 + n % 2}-{1 + n % 3:02d}-{1 + n:02d}", f"Release {n:02d}") for n in n_range if key(n)]
    return [title for _, title in sorted(items, reverse=True)]


def collect(site, route: str) -> list[str]:
    """Follow a listing's pager to the end, gathering titles."""
    found, pages = [], 0
    while route is not None:
        page = site.html(route)
        found += titles(page)
        pages += 1
        nxt = lxml_html.fromstring(page).cssselect("nav.pager a[rel=next]")
        route = nxt[0].get("href").removeprefix("/REPO/") if nxt else None
    return found, pages


def test_front_page_lists_every_article_newest_first_in_pages(site):
    make_corpus(site)
    result = site.build()
    assert result.errors == []
    found, pages = collect(site, "")
    assert found == expected(range(25), lambda n: True)
    assert pages == 7  # 25 articles, 4 a page
    assert (site.out / "page/7/index.html").is_file() and not (site.out / "page/8").exists()


def test_each_tag_page_lists_exactly_its_articles(site):
    make_corpus(site)
    site.build()
    assert collect(site, "tags/beta/")[0] == expected(range(25), lambda n: n % 2 == 1)
    assert collect(site, "tags/north-korea/")[0] == expected(range(25), lambda n: n % 5 == 0)
    alpha, pages = collect(site, "tags/alpha/")
    assert len(alpha) == 25 and pages == 7


def test_year_and_month_pages_list_exactly_their_articles(site):
    make_corpus(site)
    site.build()
    assert collect(site, "2024/")[0] == expected(range(25), lambda n: n % 2 == 1)
    assert collect(site, "2023/02/")[0] == expected(range(25), lambda n: n % 2 == 0 and n % 3 == 1)


def test_tags_page_counts_and_archive_counts(site):
    make_corpus(site)
    site.build()
    tree = lxml_html.fromstring(site.html("tags/"))
    counts = {a.text.strip(): int(a.cssselect(".count")[0].text) for a in tree.cssselect(".tag-cloud a")}
    assert counts == {"Alpha": 25, "Beta": 12, "North Korea": 5}
    archive = lxml_html.fromstring(site.html("archive/"))
    years = {h.cssselect("a")[0].text: int(h.cssselect(".count")[0].text) for h in archive.cssselect(".archive-year h2")}
    assert years == {"2024": 12, "2023": 13}


def test_tags_merge_case_insensitively(site):
    site.article("a", "One", "2024-01-01", tags="[North Korea, defense]")
    site.article("b", "Two", "2024-01-02", tags="north korea, Defense")
    site.build()
    assert sorted(p.name for p in (site.out / "tags").iterdir() if p.is_dir()) == ["defense", "north-korea"]
    assert len(titles(site.html("tags/north-korea/"))) == 2


def test_article_has_previous_next_and_related(site):
    site.article("a", "Oldest", "2024-01-01", tags="[x, y]")
    site.article("b", "Middle", "2024-01-02", tags="[z]")
    site.article("c", "Newest", "2024-01-03", tags="[x, y]")
    site.build()
    tree = lxml_html.fromstring(site.html("2024/01/middle/"))
    assert tree.cssselect(".prev-next a[rel=next]")[0].get("href") == "/REPO/2024/01/newest/"
    assert tree.cssselect(".prev-next a[rel=prev]")[0].get("href") == "/REPO/2024/01/oldest/"
    oldest = lxml_html.fromstring(site.html("2024/01/oldest/"))
    assert [a.text for a in oldest.cssselect(".related a")] == ["Newest"]


def test_drafts_and_future_releases_are_held_back_with_a_warning(site):
    site.article("a", "Public", "2024-01-01")
    site.article("b", "Secret draft", "2024-01-02", draft="true")
    site.article("c", "Tomorrow", "2030-01-01")
    result = site.build()
    assert result.articles == 1 and result.errors == []
    assert any("content/c.md" in str(p) and "future" in str(p) for p in result.problems)
    assert site.build(drafts=True).articles == 3


def test_broken_file_is_reported_and_the_rest_builds(site):
    site.article("good", "Good", "2024-01-01")
    site.write("content/bad.md", "---\ntitle: Bad\n---\nno date\n")
    result = site.build()
    assert [str(p) for p in result.errors] == ["content/bad.md:1: 'date' is missing; add 'date: YYYY-MM-DD' to the front matter"]
    assert (site.out / "2024/01/good/index.html").is_file()


def test_strict_stops_at_first_error_and_keeps_previous_site(site, capsys):
    site.article("good", "Good", "2024-01-01")
    assert main(["build", "--site", str(site.root), "--quiet"]) == 0
    site.write("content/bad.md", "---\ntitle: Bad\n---\n")
    before = (site.out / "index.html").read_bytes()
    assert main(["build", "--site", str(site.root), "--strict"]) == 1
    assert "content/bad.md:1:" in capsys.readouterr().err
    assert (site.out / "index.html").read_bytes() == before


def test_cli_summary_and_exit_status(site, capsys):
    site.article("good", "Good", "2024-01-01")
    site.write("content/bad.md", "---\ntitle: [unclosed\ndate: 2024-01-01\n---\n")
    assert main(["build", "--site", str(site.root)]) == 1
    captured = capsys.readouterr()
    assert "content/bad.md:" in captured.err and "not valid YAML" in captured.err
    assert "1 articles" in captured.out and "1 errors" in captured.out


def test_base_url_override_and_root_hosting(site):
    site.article("a", "One", "2024-01-01")
    site.build(base_url="https://example.com/")
    page = site.html("")
    assert 'href="/2024/01/one/"' in page and "/REPO/" not in page


def test_404_and_nojekyll(site):
    site.article("a", "One", "2024-01-01")
    site.build()
    assert (site.out / ".nojekyll").read_bytes() == b""
    assert "Page not found" in (site.out / "404.html").read_text()


def test_duplicate_urls_are_found_before_writing(site):
    site.article("a", "Same Title", "2024-01-01")
    site.article("b", "Same title", "2024-01-05")
    result = site.build()
    assert [str(p) for p in result.errors] == [
        "content/b.md:1: same URL /2024/01/same-title/ as content/a.md; give one of them another 'slug'"]


def test_output_folder_with_foreign_files_is_refused(site, capsys):
    site.article("a", "One", "2024-01-01")
    site.write("_site/precious.txt", "mine")
    assert main(["build", "--site", str(site.root)]) == 1
    assert "did not write" in capsys.readouterr().err
    assert (site.out / "precious.txt").read_text() == "mine"
