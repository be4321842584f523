"""Incremental rebuilds write exactly the bytes a clean build writes, after every kind of change."""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_corpus  # noqa: E402
from generator.build import build_uncached  # noqa: E402
from generator.incremental import build_cached as build  # noqa: E402
from generator.cache import CACHE_DIR  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.incremental import ChangeKind, SiteBuilder, change_kind  # noqa: E402

SKIP = {".pressroom-output"}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in SKIP and "pagefind" not in p.parts}


def reference(site: Path, tmp: Path) -> dict[str, bytes]:
    out = tmp / "ref"
    shutil.rmtree(out, ignore_errors=True)
    build_uncached(load_config(site, output=str(out), search=False), run_import=False, search=False)
    return tree(out)


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
    result = builder.rebuild([path])
    assert result.written
    assert len(result.written) < 20
    assert_same(site, tmp_path)


def test_edit_title(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    path = first(site)
    edit(path, 'title: "', 'title: "Renamed ')
    builder.rebuild([path])
    assert_same(site, tmp_path)


def test_change_tags(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    path = first(site)
    text = path.read_text()
    start = text.index("tags: [")
    end = text.index("]", start)
    path.write_text(text[:start] + "tags: [Brand New Tag, Energy]" + text[end + 1:])
    builder.rebuild([path])
    assert_same(site, tmp_path)


def test_change_date(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    path = first(site)
    text = path.read_text()
    start = text.index("date: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + "date: 2019-07-04 09:00" + text[end:])
    builder.rebuild([path])
    assert_same(site, tmp_path)


def test_add_delete_rename(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    new = site / "content" / "2024" / "new-one.md"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text("---\ntitle: A new release\ndate: 2024-03-01\ntags: [Energy, Fresh]\n---\n\nHello *world*.\n")
    builder.rebuild([new])
    assert_same(site, tmp_path)
    gone = first(site)
    gone.unlink()
    builder.rebuild([gone])
    assert_same(site, tmp_path)
    renamed = new.with_name("renamed.md")
    new.rename(renamed)
    builder.rebuild([new, renamed])
    assert_same(site, tmp_path)
    folder = site / "content" / "2024"
    folder.rename(site / "content" / "moved")
    builder.rebuild([folder, site / "content" / "moved"])
    assert_same(site, tmp_path)


def test_template_edit(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    theme = site / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    source = Path(__file__).resolve().parent.parent / "themes" / "default" / "templates" / "article.html"
    (theme / "article.html").write_text(source.read_text().replace("Related releases", "See also"))
    result = builder.rebuild([theme / "article.html"])
    assert result.written
    assert all(not name.startswith("tags/") or name.endswith("feed.xml") is False for name in result.written)
    assert_same(site, tmp_path)


def test_static_edit(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    static = site / "themes" / "default" / "static"
    static.mkdir(parents=True)
    (static / "custom.css").write_text("body { color: red }\n")
    builder.rebuild([static / "custom.css"])
    assert_same(site, tmp_path)


def test_config_edit(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    config = site / "pressroom.toml"
    config.write_text(config.read_text().replace('title = "Bench"', 'title = "Renamed"').replace("per_page = 3", "per_page = 4"))
    builder.rebuild([config])
    assert_same(site, tmp_path)


def test_broken_file_and_fix(site: Path, builder: SiteBuilder, tmp_path: Path) -> None:
    path = first(site)
    good = path.read_text()
    path.write_text("---\ntitle: [unclosed\n---\nbody\n")
    result = builder.rebuild([path])
    assert any(p.path.endswith(path.name) for p in result.errors)
    assert_same(site, tmp_path)
    path.write_text(good)
    result = builder.rebuild([path])
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
        builder.rebuild([path])
    assert_same(site, tmp_path)


def test_no_change_rebuild_writes_nothing(site: Path, builder: SiteBuilder) -> None:
    assert builder.rebuild([]).written == ()
    path = first(site)
    path.write_text(path.read_text())     # same bytes
    assert builder.rebuild([path]).written == ()


def test_interrupted_staging_leaves_previous_site(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(site, search=False)
    build(config, run_import=False)
    before = tree(site / "_site")
    path = first(site)
    path.write_text(path.read_text() + "\nMore.\n")
    import generator.incremental as engine

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
