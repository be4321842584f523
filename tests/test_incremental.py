"""Incremental rebuilds write exactly the bytes a clean build writes, after every kind of change."""
from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_corpus  # noqa: E402
from generator.build import SiteBuilder, build  # noqa: E402
from generator.build.result import BuildResult  # noqa: E402
from generator.cache import CACHE_DIR  # noqa: E402
from generator.changes import ChangeKind, Changes, change_kind, needs_rescan  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.urls import slugify  # noqa: E402

SKIP = {".pressroom-output"}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in SKIP and "pagefind" not in p.parts}


def reference(site: Path, tmp: Path) -> dict[str, bytes]:
    """A cold build of the same files: a copy of the site folder, with no cache and no output."""
    copy = tmp / "ref-site"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("_site", CACHE_DIR, "._site*"))
    build(load_config(copy, search=False), run_import=False, search=False)
    return tree(copy / "_site")


def rebuild(builder: SiteBuilder, paths: list[Path]) -> BuildResult:
    """What serve does after a save: the changed paths, classified once, handed to the engine."""
    return builder.rebuild(Changes.classify(paths, builder.config.site_dir))


def assert_same(site: Path, tmp: Path) -> None:
    got, want = tree(site / "_site"), reference(site, tmp)
    assert sorted(got) == sorted(want), (set(got) ^ set(want))
    differing = [name for name in want if got[name] != want[name]]
    assert not differing, differing[:10]


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    root = write_corpus(40, tmp_path / "site")
    (root / "pressroom.toml").write_text('title = "Bench"\nbase_url = "https://example.org/repo/"\nper_page = 3\nsearch = false\n')
    return root


@pytest.fixture()
def builder(site: Path) -> SiteBuilder:
    b = SiteBuilder(load_config(site), run_import=False)
    b.build()
    return b


def first(site: Path) -> Path:
    return sorted((site / "content").rglob("*.md"))[5]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


def test_clean_build_matches_reference(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    assert_same(site, tmp_path)


def test_cold_and_warm_builds_are_identical(site: Path, tmp_path: Path) -> None:
    config = load_config(site, search=False)
    cold = build(config, run_import=False)
    first_tree = tree(site / "_site")
    warm = build(config, run_import=False)
    assert warm.written == ()
    assert tree(site / "_site") == first_tree
    shutil.rmtree(site / CACHE_DIR)
    again = build(config, run_import=False)
    assert tree(site / "_site") == first_tree
    assert cold.articles == warm.articles == again.articles == 40


def test_edit_body(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    path = first(site)
    text = path.read_text()
    path.write_text(text + "\nA brand new closing paragraph.\n")
    result = rebuild(builder, [path])
    assert result.written
    assert len(result.written) < 20
    assert_same(site, tmp_path)


def test_edit_title(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    path = first(site)
    edit(path, 'title: "', 'title: "Renamed ')
    rebuild(builder, [path])
    assert_same(site, tmp_path)


def test_change_tags(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    path = first(site)
    text = path.read_text()
    start = text.index("tags: [")
    end = text.index("]", start)
    path.write_text(text[:start] + "tags: [Brand New Tag, Energy]" + text[end + 1:])
    rebuild(builder, [path])
    assert_same(site, tmp_path)


def test_change_source_and_authors(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    """Not an edit in place: the release leaves one office's (or author's) pages and joins another's."""
    path = first(site)
    for source, author in (("Port Office", "Ana Ruiz"), ("Rail Office", "Ben Ode")):
        path.write_text(re.sub(r"(?m)^authors: .*\n^source: .*$", f"authors: [{author}]\nsource: {source}",
                               path.read_text(), count=1))
        rebuild(builder, [path])
        assert_same(site, tmp_path)
    assert (site / "_site" / "sources" / "rail-office" / "index.html").is_file()
    assert (site / "_site" / "authors" / "ben-ode" / "index.html").is_file()
    assert not (site / "_site" / "sources" / "port-office").exists()


def test_embargo_added_and_lifted(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    """An embargo put on a published release takes it down (not an edit in place); lifting it brings it back."""
    path = first(site)
    edit(path, "tags: [", "embargo: 2031-01-01T09:00:00\ntags: [")
    rebuild(builder, [path])
    assert_same(site, tmp_path)
    edit(path, "embargo: 2031-01-01T09:00:00\n", "")
    rebuild(builder, [path])
    assert_same(site, tmp_path)


def test_change_date(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    path = first(site)
    text = path.read_text()
    start = text.index("date: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + "date: 2019-07-04 09:00" + text[end:])
    rebuild(builder, [path])
    assert_same(site, tmp_path)


def test_add_delete_rename(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    new = site / "content" / "2024" / "new-one.md"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text("---\ntitle: A new release\ndate: 2024-03-01\ntags: [Energy, Fresh]\n---\n\nHello *world*.\n")
    rebuild(builder, [new])
    assert_same(site, tmp_path)
    gone = first(site)
    gone.unlink()
    rebuild(builder, [gone])
    assert_same(site, tmp_path)
    renamed = new.with_name("renamed.md")
    new.rename(renamed)
    rebuild(builder, [new, renamed])
    assert_same(site, tmp_path)
    folder = site / "content" / "2024"
    folder.rename(site / "content" / "moved")
    rebuild(builder, [folder, site / "content" / "moved"])
    assert_same(site, tmp_path)


def test_template_edit(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    theme = site / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    source = Path(__file__).resolve().parent.parent / "themes" / "default" / "templates" / "article.html"
    (theme / "article.html").write_text(source.read_text().replace("Related releases", "See also"))
    result = rebuild(builder, [theme / "article.html"])
    assert result.written
    assert all(not name.startswith("tags/") or name.endswith("feed.xml") is False for name in result.written)
    assert_same(site, tmp_path)


def test_summary_card_override(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    """A theme's summary_card.html shows on every list page, after a rebuild and after a new cached build."""
    theme = site / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    source = Path(__file__).resolve().parent.parent / "themes" / "default" / "templates" / "summary_card.html"
    (theme / "summary_card.html").write_text(source.read_text().replace('<article class="summary', '<article class="summary card'))
    result = rebuild(builder, [theme / "summary_card.html"])
    assert "index.html" in result.written
    assert '<article class="summary card' in (site / "_site" / "index.html").read_text()
    assert_same(site, tmp_path)
    (theme / "summary_card.html").write_text(source.read_text().replace('<article class="summary', '<article class="summary teaser'))
    build(load_config(site), run_import=False, search=False)     # a new process: the template fingerprints decide
    assert '<article class="summary teaser' in (site / "_site" / "index.html").read_text()
    assert_same(site, tmp_path)


def test_static_edit(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    static = site / "themes" / "default" / "static"
    static.mkdir(parents=True)
    (static / "custom.css").write_text("body { color: red }\n")
    rebuild(builder, [static / "custom.css"])
    assert_same(site, tmp_path)


def test_config_edit(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    config = site / "pressroom.toml"
    config.write_text(config.read_text().replace('title = "Bench"', 'title = "Renamed"').replace("per_page = 3", "per_page = 4"))
    rebuild(builder, [config])
    assert_same(site, tmp_path)


def test_broken_file_and_fix(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    path = first(site)
    good = path.read_text()
    path.write_text("---\ntitle: [unclosed\n---\nbody\n")
    result = rebuild(builder, [path])
    assert any(p.path.endswith(path.name) for p in result.errors)
    assert_same(site, tmp_path)
    path.write_text(good)
    result = rebuild(builder, [path])
    assert not result.errors
    assert_same(site, tmp_path)


def test_many_random_edits_stay_identical(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    files = sorted((site / "content").rglob("*.md"))
    for step in range(6):
        path = rng.choice(files)
        text = path.read_text()
        if step % 3 == 0:
            text = text + f"\nStep {step}.\n"
        elif step % 3 == 1:
            text = text.replace("tags: [", "tags: [Extra, ", 1)
        else:
            text = text.replace('title: "', f'title: "Z{step} ', 1)
        path.write_text(text)
        rebuild(builder, [path])
    assert_same(site, tmp_path)


def test_no_change_rebuild_writes_nothing(site: Path, builder: SiteBuilder) -> None:
    assert rebuild(builder, []).written == ()
    path = first(site)
    path.write_text(path.read_text())     # same bytes
    assert rebuild(builder, [path]).written == ()


def test_interrupted_staging_leaves_previous_site(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(site, search=False)
    build(config, run_import=False)
    before = tree(site / "_site")
    for path in sorted((site / "content").rglob("*.md")):    # every page: too many for the journal, so staged
        path.write_text(path.read_text() + "\nMore.\n")
    import generator.build.writing as engine

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "swap_in", boom)
    with pytest.raises(KeyboardInterrupt):
        build(config, run_import=False)
    assert tree(site / "_site") == before
    assert not list(site.glob("._site.building-*"))


@pytest.mark.parametrize(("rel", "kind"), [
    ("content/2024/a.md", ChangeKind.CONTENT),
    ("content/2024", ChangeKind.CONTENT),
    ("content/2024/.a.md.swp", ChangeKind.IGNORED),
    ("content/2024/a.md~", ChangeKind.IGNORED),
    ("content/2024/#a.md#", ChangeKind.IGNORED),
    ("content/2024/4913", ChangeKind.IGNORED),
    ("content/.DS_Store", ChangeKind.IGNORED),
    ("content/2024/photo.jpg", ChangeKind.IGNORED),
    ("content/_drafts/a.md", ChangeKind.IGNORED),
    ("seeds/release.txt", ChangeKind.SEED),
    ("seeds/.release.txt.swp", ChangeKind.IGNORED),
    ("themes/default/templates/base.html", ChangeKind.TEMPLATE),
    ("themes/mine/static/style.css", ChangeKind.STATIC),
    ("pressroom.toml", ChangeKind.CONFIG),
    ("_site/index.html", ChangeKind.IGNORED),
    (".pressroom-cache/articles.pickle", ChangeKind.IGNORED),
    ("README.md", ChangeKind.IGNORED),
])
def test_change_kind(rel: str, kind: ChangeKind, tmp_path: Path) -> None:
    assert change_kind(tmp_path / rel, tmp_path) is kind
    assert change_kind(Path(rel), tmp_path) is kind


def test_change_kind_outside_site(tmp_path: Path) -> None:
    assert change_kind(Path("/etc/passwd"), tmp_path) is ChangeKind.IGNORED


@pytest.mark.parametrize(("rel", "kind", "rescan"), [
    ("content", ChangeKind.CONTENT, True),            # content/ itself moved away, in, or replaced
    ("content/2024", ChangeKind.CONTENT, True),       # a folder inside it
    ("content/2024/a.md", ChangeKind.CONTENT, False),  # one file: read just that one
    ("seeds", ChangeKind.SEED, False),                # seeds/ itself: import (which rescans content/)
    ("themes", ChangeKind.TEMPLATE, False),           # the themes, or one theme, as a whole
    ("themes/mine", ChangeKind.TEMPLATE, False),
    ("_site", ChangeKind.IGNORED, False),
    (".pressroom-cache", ChangeKind.IGNORED, False),
])
def test_change_kind_of_whole_folders(rel: str, kind: ChangeKind, rescan: bool, tmp_path: Path) -> None:
    assert change_kind(tmp_path / rel, tmp_path) is kind
    assert change_kind(Path(rel), tmp_path) is kind
    assert needs_rescan(tmp_path / rel, tmp_path) is rescan
    assert needs_rescan(Path(rel), tmp_path) is rescan


def test_content_folder_replaced_as_a_whole(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    content = site / "content"
    files = sorted(content.rglob("*.md"))
    fresh = tmp_path / "fresh"
    for index, path in enumerate(files[:12]):     # some files keep their names with other bytes, some go
        rel = path.relative_to(content)
        (fresh / rel).parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text()
        (fresh / rel).write_text(text + "\nIn the new folder.\n" if index % 2 else text.replace('title: "', 'title: "New ', 1))
    (fresh / "extra").mkdir()
    (fresh / "extra" / "brand-new.md").write_text("---\ntitle: Brand new\ndate: 2024-04-01\ntags: [Fresh]\n---\n\nNew.\n")
    content.rename(tmp_path / "old-content")
    result = rebuild(builder, [content])                   # content/ gone: every article leaves the site
    assert result.articles == 0
    assert_same(site, tmp_path)
    fresh.rename(content)
    rebuild(builder, [content])                            # only the folder's own path: no event for its files
    assert_same(site, tmp_path)
    shutil.rmtree(content)                                # swapped in one go, same names, other bytes
    (tmp_path / "old-content").rename(content)
    os.utime(content / files[0].relative_to(site / "content"), ns=(1, 1))
    rebuild(builder, [content])
    assert_same(site, tmp_path)


def fake_pagefind(calls: list[Path]):
    """Stands in for `shards.index_shards` (as `delta.py` calls it): records the folder the index goes into,
    checks the site it reads is complete, writes an index."""

    def index_shards(plan, names, read, target: Path) -> dict[str, dict[str, str]]:
        target = Path(target)
        calls.append(target.parent)
        assert read("index.html") and read("feed.xml")
        for shard in names:
            (target / shard).mkdir(parents=True, exist_ok=True)
            (target / shard / "pagefind-entry.json").write_text(f"index {len(calls)}")
        (target / "pagefind-ui.js").write_text(f"index {len(calls)}")
        return {name: {} for name in names}
    return index_shards


def test_search_index_is_built_in_staging_before_the_swap(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.build.delta as engine

    calls: list[Path] = []
    monkeypatch.setattr(engine, "index_shards", fake_pagefind(calls))
    config = load_config(site, search=True)
    result = build(config, run_import=False, search=True)
    assert len(calls) == 1 and calls[0] != site / "_site" and calls[0].name.startswith("._site.building-")
    assert (site / "_site" / "pagefind" / "pagefind-ui.js").read_text() == "index 1"
    assert result.search_seconds > 0
    assert build(config, run_import=False, search=True).written == ()    # nothing changed: no re-index
    assert len(calls) == 1
    path = first(site)                                                   # serve-like build: keeps the index
    path.write_text(path.read_text() + "\nMore.\n")
    SiteBuilder(config, run_import=False, search=False).build()
    assert len(calls) == 1
    assert (site / "_site" / "pagefind" / "pagefind-ui.js").read_text() == "index 1"


def test_build_killed_while_indexing_keeps_previous_site_and_index(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.build.delta as engine

    calls: list[Path] = []
    monkeypatch.setattr(engine, "index_shards", fake_pagefind(calls))
    config = load_config(site, search=True)
    build(config, run_import=False, search=True)
    before = {p.relative_to(site / "_site").as_posix(): p.read_bytes() for p in (site / "_site").rglob("*") if p.is_file()}
    path = first(site)
    path.write_text(path.read_text() + "\nMore.\n")

    def killed(plan, names, read, target: Path) -> None:
        calls.append(Path(target).parent)
        (Path(target) / names[0]).mkdir(parents=True)              # the delta of the edit, half written
        (Path(target) / names[0] / "fragment-1").write_text("half an index")
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "index_shards", killed)
    with pytest.raises(KeyboardInterrupt):
        build(config, run_import=False, search=True)
    after = {p.relative_to(site / "_site").as_posix(): p.read_bytes() for p in (site / "_site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(site.glob("._site.building-*")) and not list(site.glob("._site.journal"))


def test_no_change_build_answers_from_its_record(site: Path, tmp_path: Path) -> None:
    draft = site / "content" / "2024" / "later.md"
    draft.parent.mkdir(parents=True, exist_ok=True)
    draft.write_text("---\ntitle: Not yet\ndate: 2999-01-01\ntags: [Energy]\n---\n\nLater.\n")
    config = load_config(site, search=False)
    first_result = build(config, run_import=False)
    again = build(config, run_import=False)
    assert again.written == ()
    fields = ("articles", "pages", "files", "imported", "problems")
    assert [getattr(again, f) for f in fields] == [getattr(first_result, f) for f in fields]
    assert any("in the future" in p.message for p in again.problems)
    assert_same(site, tmp_path)


def test_held_back_release_appears_when_due(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timedelta, timezone

    import generator.content as content
    import generator.build.record as engine

    soon = datetime.now(timezone.utc) + timedelta(hours=2)
    due = site / "content" / "2024" / "due.md"
    due.parent.mkdir(parents=True, exist_ok=True)
    due.write_text(f"---\ntitle: Due soon\ndate: {soon:%Y-%m-%d %H:%M}\ntags: [Energy]\n---\n\nNow.\n")
    config = load_config(site, search=False)
    before = build(config, run_import=False)
    assert build(config, run_import=False).written == ()

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime.now(tz) + timedelta(hours=3)

    monkeypatch.setattr(engine, "datetime", Later)
    monkeypatch.setattr(content, "datetime", Later)
    after = build(config, run_import=False)
    assert after.articles == before.articles + 1 and after.written


def test_newest_body_edit_remakes_only_its_feeds(site: Path, builder: SiteBuilder, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.feeds as feeds

    made: list[str] = []
    real_sitemap, real_atom = feeds.sitemap_files, feeds.atom
    monkeypatch.setattr(feeds, "sitemap_files", lambda *a, **k: made.append("sitemap") or real_sitemap(*a, **k))
    monkeypatch.setattr(feeds, "atom", lambda *a, **k: made.append(k["feed_route"]) or real_atom(*a, **k))
    newest = builder._model.site.articles[0]
    path = site / newest.source_path
    path.write_text(path.read_text() + "\nA late correction.\n")
    rebuild(builder, [path])
    assert "sitemap" not in made
    own = [f"tags/{t.slug}/feed.xml" for t in newest.tags] + [f"authors/{slugify(n)}/feed.xml" for n in newest.authors]
    own += [f"sources/{slugify(newest.source)}/feed.xml"] if newest.source else []
    assert sorted(made) == sorted(["feed.xml", *own])
    assert_same(site, tmp_path)


def test_in_place_edits_then_moves_stay_identical(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    files = sorted((site / "content").rglob("*.md"))
    newest = site / builder._model.site.articles[0].source_path
    picked = [files[3], files[17], newest]
    for path in picked:                       # several body edits in one rebuild
        path.write_text(path.read_text() + "\nCorrected.\n")
    result = rebuild(builder, picked)
    assert result.written
    assert_same(site, tmp_path)
    path = picked[1]                          # then a move: the model must still be exact
    text = path.read_text()
    start = text.index("tags: [")
    path.write_text(text[:start] + "tags: [Moved]" + text[text.index("]", start) + 1:])
    rebuild(builder, [path])
    assert_same(site, tmp_path)
    for path in picked:                       # and in-place edits again after it
        path.write_text(path.read_text().replace("Corrected.", "Corrected twice."))
    rebuild(builder, picked)
    assert_same(site, tmp_path)
    path = picked[0]                          # an edit that breaks the file, then its fix
    good = path.read_text()
    path.write_text(good.replace("---", "--", 1))
    rebuild(builder, [path])
    assert_same(site, tmp_path)
    path.write_text(good)
    rebuild(builder, [path])
    assert_same(site, tmp_path)


def age(site: Path, seconds: float = 3600) -> None:
    """Make every content file look long untouched (stamps younger than 2 s are never trusted)."""
    old = time.time() - seconds
    for path in (site / "content").rglob("*.md"):
        os.utime(path, (old, old))


def test_no_change_build_reads_only_stamps_and_record(site: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    age(site)
    config = load_config(site, search=False)
    first_result = build(config, run_import=False)
    (site / CACHE_DIR / "articles.pickle").write_bytes(b"damaged")     # not even read
    monkeypatch.setattr(SiteBuilder, "_select", lambda *a: pytest.fail("built the model"))
    again = build(config, run_import=False)
    assert again.written == () and (again.articles, again.pages, again.files) == (
        first_result.articles, first_result.pages, first_result.files)
    monkeypatch.undo()
    path = first(site)                                                   # an edit is seen, and built
    path.write_text(path.read_text() + "\nLate news.\n")
    age(site)
    assert build(config, run_import=False).written
    assert_same(site, tmp_path)
    (site / "_site" / "index.html").write_text("vandalised")            # a damaged output is repaired
    assert "index.html" in build(config, run_import=False).written
    assert_same(site, tmp_path)


def test_a_new_month_relinks_its_neighbouring_month_pages(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    """Month pages link to the months before and after: a month that appears or goes changes its neighbours."""
    months = sorted({(a.date.year, a.date.month) for a in builder._model.site.articles})
    year, month = months[len(months) // 2]
    free = next((year, m) for m in range(1, 13) if (year, m) not in months)
    new = site / "content" / "new-month.md"
    new.write_text(f"---\ntitle: A month of its own\ndate: {free[0]}-{free[1]:02d}-15\ntags: [Energy]\n---\n\nAlone.\n")
    rebuild(builder, [new])
    assert_same(site, tmp_path)
    new.unlink()
    rebuild(builder, [new])
    assert_same(site, tmp_path)
