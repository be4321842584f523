"""`pressroom new "Title"`: a draft release from the archetype, at content/YYYY/slug.md, never over another file."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import frontmatter
import lxml.html

from generator.archetype import new_release
from generator.cli import main
from generator.config import load_config

NEW_YEARS_EVE = datetime(2026, 1, 1, 0, 30, tzinfo=timezone.utc)     # still 2025 in New York


def new(site, title: str, capsys) -> tuple[int, str]:
    code = main(["new", title, "--site", str(site.root)])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).strip()


def test_new_writes_a_draft_dated_now_and_prints_its_path(site, capsys):
    site.config('timezone = "America/New_York"\n')
    before = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    code, printed = new(site, "County opens three cooling centres", capsys)
    assert code == 0
    path = Path(printed)
    assert path.is_file() and path.parent.parent == site.root / "content"
    assert path.name == "county-opens-three-cooling-centres.md"
    post = frontmatter.load(path)
    assert post["title"] == "County opens three cooling centres" and post["draft"] is True
    written = datetime.strptime(post["date"], "%Y-%m-%d %H:%M").replace(tzinfo=load_config(site.root).zone)
    assert before <= written <= datetime.now(timezone.utc)
    assert path.parent.name == f"{written.year:04d}"


def test_the_date_and_the_year_folder_are_the_sites_local_time(site):
    site.config('timezone = "America/New_York"\n')
    path = new_release(load_config(site.root), "Late night notice", now=NEW_YEARS_EVE)
    assert path == site.root / "content" / "2025" / "late-night-notice.md"
    assert frontmatter.load(path)["date"] == "2025-12-31 19:30"


def test_a_second_release_of_the_same_title_never_overwrites_the_first(site, capsys):
    first = Path(new(site, "Budget approved", capsys)[1])
    first.write_text(first.read_text(encoding="utf-8") + "\nEdited by hand.\n", encoding="utf-8")
    code, printed = new(site, "Budget approved", capsys)
    second = Path(printed)
    assert code == 0 and second.name == "budget-approved-2.md"
    assert "Edited by hand." in first.read_text(encoding="utf-8")
    assert frontmatter.load(second)["slug"] == "budget-approved-2"
    assert Path(new(site, "Budget approved", capsys)[1]).name == "budget-approved-3.md"


def test_the_new_draft_builds_under_the_base_path_with_drafts_and_is_held_back_without(site, capsys):
    site.config("search = false\n")
    title = 'Mayor says: "We are ready" #1'
    path = Path(new(site, title, capsys)[1])
    moment = datetime.strptime(frontmatter.load(path)["date"], "%Y-%m-%d %H:%M")
    route = f"{moment:%Y}/{moment:%m}/mayor-says-we-are-ready-1/"
    result = site.build()
    assert not result.errors and not (site.out / route).exists()
    site.build(drafts=True)
    page = lxml.html.fromstring(site.html(route))
    assert page.xpath("string(//h1)") == title
    assert page.xpath("//link[@rel='canonical']/@href") == [f"https://example.org/REPO/{route}"]


def test_the_sites_own_archetype_wins_over_the_themes(site, capsys):
    site.write("archetypes/release.md", """\
        ---
        title: {{ title | yaml }}
        date: {{ date }}
        draft: true
        source: Office of Emergency Management
        ---
        Filed in {{ year }}/{{ month }} as {{ slug }}.
        """)
    path = new_release(load_config(site.root), "Storm update", now=NEW_YEARS_EVE)
    post = frontmatter.load(path)
    assert post["source"] == "Office of Emergency Management"
    assert post.content == "Filed in 2026/01 as storm-update."


def test_a_title_without_words_or_a_broken_archetype_is_an_error_not_a_file(site, capsys):
    code, printed = new(site, "!!!", capsys)
    assert code == 1 and "cannot make a file name" in printed
    site.write("archetypes/release.md", "---\ntitle: {{ title | yaml }\n---\n")
    code, printed = new(site, "Storm update", capsys)
    assert code == 1 and "archetypes/release.md:2:" in printed and "not a valid template" in printed
    assert not list((site.root / "content").rglob("*.md"))


def test_not_a_site_folder_is_refused(tmp_path, capsys):
    code = main(["new", "Anything", "--site", str(tmp_path)])
    assert code == 1 and "not a Pressroom site" in capsys.readouterr().err
