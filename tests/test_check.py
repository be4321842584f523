"""`pressroom check`: a built site's internal links, images, anchors and feeds, under its base path."""
from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from generator.check import Broken, Report, check_output
from generator.cli import main

BASE = "https://example.org/REPO/"
PAGE = "/REPO/2024/05/links/"


@pytest.fixture
def checked(site):
    """A small site with two releases, built under /REPO/ without search."""
    site.config('title = "Checks"\nsearch = false\n')
    site.article("2024/other", "Other release", "2024-04-02", body="## Background {#background}\n\nText.")
    return site


def broken_lines(site, base: str = BASE) -> list[str]:
    return [str(item) for item in check_output(site.out, base).broken]


def test_a_clean_site_has_nothing_broken_and_counts_what_it_checked(checked):
    checked.article("2024/links", "Links", "2024-05-01",
                    body="[other](../../04/other-release/#background) and [top](#top) and [mail](mailto:a@b.org)")
    checked.build()
    report = check_output(checked.out, BASE)
    assert report.ok and report.broken == ()
    pages = len(list(checked.out.rglob("*.html")))
    assert report.pages == pages and report.pages >= 8
    assert report.feeds >= 4          # feed.xml, rss.xml, feed.json, sitemap.xml (and tag feeds)
    assert report.links > report.pages
    assert report.summary().endswith(": 0 broken")


def test_each_broken_link_image_and_anchor_is_one_line_naming_page_and_target(checked):
    checked.article("2024/links", "Links", "2024-05-01", body=(
        "[gone](/REPO/no-such-page/) [anchor](#nowhere) [far anchor](/REPO/2024/04/other-release/#missing)\n\n"
        "![picture](/REPO/static/missing.jpg) [outside](/elsewhere/) [fine](/REPO/2024/04/other-release/#background)"))
    checked.build()
    assert sorted(broken_lines(checked)) == sorted([
        f"{PAGE}: broken link -> /REPO/no-such-page/ (no such page)",
        f'{PAGE}: broken link -> #nowhere (no element with id="nowhere")',
        f'{PAGE}: broken link -> /REPO/2024/04/other-release/#missing (no element with id="missing")',
        f"{PAGE}: broken link -> /REPO/static/missing.jpg (image: no such file)",
        f"{PAGE}: broken link -> /REPO/elsewhere/ (no such page)",     # the build moved it under the base path
    ])


def test_a_link_outside_the_base_path_is_broken_even_if_the_file_exists(checked):
    """A theme that joins paths by hand links to /about/, which GitHub Pages serves from another repository."""
    checked.build()
    (checked.out / "about").mkdir()
    (checked.out / "about" / "index.html").write_text('<p><a href="/about/">About</a> <img src="/REPO/about/"></p>')
    assert broken_lines(checked) == ["/REPO/about/: broken link -> /about/ (outside the base path /REPO/)"]


def test_relative_links_resolve_against_the_page_as_a_browser_does(checked):
    checked.article("2024/links", "Links", "2024-05-01", body="[up](../../04/other-release/) [wrong](../other-release/)")
    checked.build()
    assert broken_lines(checked) == [f"{PAGE}: broken link -> ../other-release/ (no such page)"]


def test_a_folder_link_without_its_slash_finds_the_folder_page(checked):
    checked.article("2024/links", "Links", "2024-05-01", body="[archive](/REPO/archive)")
    checked.build()
    assert broken_lines(checked) == []


def test_at_the_domain_root_a_root_relative_link_is_checked_against_the_output(checked):
    checked.article("2024/links", "Links", "2024-05-01", body="[archive](/archive/) [gone](/gone/)")
    checked.build(base_url="https://example.org/")
    assert broken_lines(checked, "https://example.org/") == [
        "/2024/05/links/: broken link -> /gone/ (no such page)"]


def test_the_theme_pages_and_share_images_are_checked_too(checked):
    """The built pages' own markup (canonical, og:image, stylesheet) counts: remove the stylesheet and every page says so."""
    checked.build()
    css = next(checked.out.glob("static/style.css"))
    css.unlink()
    lines = broken_lines(checked)
    pages = len(list(checked.out.rglob("*.html")))
    assert len(lines) == pages
    assert all("broken link -> /REPO/static/style.css?v=" in line and "(no such file)" in line for line in lines)


def test_a_feed_that_does_not_parse_or_points_nowhere_is_reported(checked):
    checked.build()
    (checked.out / "feed.xml").write_text("<feed><entry>", encoding="utf-8")
    feed = json.loads((checked.out / "feed.json").read_text(encoding="utf-8"))
    feed["items"][0]["url"] = BASE + "2024/04/renamed/"
    (checked.out / "feed.json").write_text(json.dumps(feed), encoding="utf-8")
    lines = broken_lines(checked)
    assert len(lines) == 2
    assert lines[0].startswith("/REPO/feed.json: broken link -> https://example.org/REPO/2024/04/renamed/")
    assert lines[1].startswith("/REPO/feed.xml: invalid feed: not well-formed XML")


def test_an_atom_entry_without_its_required_elements_is_invalid(checked):
    checked.build()
    atom = checked.out / "feed.xml"
    text = atom.read_text(encoding="utf-8")
    start, end = text.index("<updated>", text.index("<entry>")), text.index("</updated>", text.index("<entry>"))
    atom.write_text(text[:start] + text[end + len("</updated>"):], encoding="utf-8")
    assert broken_lines(checked) == ["/REPO/feed.xml: invalid feed: entry 1 has no <updated>"]


def test_the_sitemap_lists_only_pages_that_exist(checked):
    checked.build()
    (checked.out / "2024" / "04" / "other-release" / "index.html").unlink()
    lines = broken_lines(checked)
    assert "/REPO/sitemap.xml: broken link -> https://example.org/REPO/2024/04/other-release/ (no such page)" in lines


def test_a_broken_target_on_many_pages_is_shown_a_few_times_then_counted():
    report = Report(9, 0, 9, tuple(Broken(f"/p{n}/", "/gone/", "no such page") for n in range(9)))
    lines = report.lines(per_target=5)
    assert lines[:5] == [f"/p{n}/: broken link -> /gone/ (no such page)" for n in range(5)]
    assert lines[5:] == ["  ... and 4 more pages link to /gone/"]


def test_checking_writes_nothing(checked):
    checked.build()
    before = {p: p.stat().st_mtime_ns for p in checked.out.rglob("*")}
    check_output(checked.out, BASE)
    assert {p: p.stat().st_mtime_ns for p in checked.out.rglob("*")} == before


def test_the_command_builds_then_exits_1_with_the_broken_lines(checked, capsys):
    checked.article("2024/links", "Links", "2024-05-01", body="[gone](/REPO/nowhere/)")
    code = main(["check", "--site", str(checked.root), "--base-url", BASE])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == f"{PAGE}: broken link -> /REPO/nowhere/ (no such page)"
    assert out[-1].startswith("check failed: ") and ": 1 broken" in out[-1]
    page = lxml.html.fromstring((checked.out / "2024/05/links/index.html").read_bytes())
    assert page.xpath("//a[text()='gone']/@href") == ["/REPO/nowhere/"]     # it built the site it checked


def test_the_command_exits_0_with_one_summary_line(checked, capsys):
    code = main(["check", "--site", str(checked.root), "--base-url", BASE])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert len(out) == 1 and out[0].startswith("checked: ") and ": 0 broken" in out[0]
    assert Path(checked.out / "index.html").is_file()


def test_a_checker_kept_between_rebuilds_sees_what_changed(checked):
    """What `serve` uses: after an edit breaks a link (or a page goes), the same Checker reports it."""
    from generator.check import Checker

    checked.article("2024/links", "Links", "2024-05-01", body="[other](/REPO/2024/04/other-release/)")
    checked.build()
    checker = Checker(checked.out, BASE)
    assert checker.run().ok
    checked.article("2024/links", "Links", "2024-05-01", body="[other](/REPO/2024/04/gone/)")
    checked.build()
    assert [str(b) for b in checker.run().broken] == [f"{PAGE}: broken link -> /REPO/2024/04/gone/ (no such page)"]
    checked.article("2024/links", "Links", "2024-05-01", body="[other](/REPO/2024/04/other-release/)")
    (checked.root / "content/2024/other.md").unlink()
    checked.build()
    lines = [str(b) for b in checker.run().broken]
    assert f"{PAGE}: broken link -> /REPO/2024/04/other-release/ (no such page)" in lines


def test_a_stylesheets_fonts_and_pictures_are_checked_relative_to_it(checked):
    checked.write("static/custom.css", "@import 'print.css';\nbody { background: url(\"img/paper.png\") }\n"
                  "h1 { background: url(data:image/png;base64,AAAA) } @font-face { src: url(/REPO/static/gone.woff2) }\n")
    checked.write("static/img/paper.png", b"\x89PNG\r\n")
    checked.build()
    assert sorted(broken_lines(checked)) == [
        "/REPO/static/custom.css: broken link -> /REPO/static/gone.woff2 (stylesheet: no such file)",
        "/REPO/static/custom.css: broken link -> print.css (stylesheet: no such file)",
    ]


def test_the_report_gives_serve_its_warnings_as_problems():
    report = Report(1, 0, 1, (Broken("/REPO/a/", "/REPO/gone/", "no such page"), Broken("/REPO/feed.xml", "", "bad")))
    assert [str(item) for item in report.problems()] == [
        "/REPO/a/: warning: broken link -> /REPO/gone/ (no such page)", "/REPO/feed.xml: warning: invalid feed: bad"]
    assert all(item.warning for item in report.problems())
