"""`pressroom build` after an edit takes up the last build's state (model, files as read, output record) and runs
the update `serve` runs; each such build must equal a cold build of a copy of the site, byte for byte."""
from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import build
from generator.build.resume import NAME
from generator.cache import CACHE_DIR
from generator.config import load_config
from generator.model import Model
from tests.trees import clean_build, output_tree

TAGS = ("Energy", "Transport", "Health", "Water")


def release(n: int, *, title: str = "", day: int | None = None, tags: tuple[str, ...] | None = None,
            extra: str = "", body: str = "") -> str:
    tags = tags if tags is not None else (TAGS[n % 4], TAGS[(n * 3) % 4])
    day = day if day is not None else 1 + n % 27
    return (f"---\ntitle: {title or f'Release number {n}'}\ndate: 2024-{1 + n % 5:02d}-{day:02d}T10:00:00\n"
            f"tags: [{', '.join(tags)}]\nsource: Office {n % 3}\n{extra}---\n\n{body or f'Body of release {n}.'}\n")


def make_site(root: Path, count: int = 24) -> None:
    (root / "content" / "pages").mkdir(parents=True)
    (root / "pressroom.toml").write_text('title = "Resume"\nbase_url = "https://example.org/REPO/"\nper_page = 3\n'
                                         'search = false\n')
    for n in range(count):
        (root / "content" / f"r{n:02d}.md").write_text(release(n))
    (root / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\n\nWho we are.\n")


def edit(root: Path, kind: str, rng: random.Random) -> None:
    """One editor's change of `kind` to a random release."""
    files = sorted((root / "content").glob("r*.md"))
    path = rng.choice(files)
    n = int(path.stem[1:3])
    text = path.read_text()
    if kind == "body":
        path.write_text(text + f"\nA new paragraph {rng.random()}.\n")
    elif kind == "title":
        path.write_text(text.replace("title: ", f"title: Retitled {rng.randint(0, 99)} ", 1))
    elif kind == "tags":
        path.write_text(release(n, tags=(rng.choice(TAGS),)))
    elif kind == "date":
        path.write_text(release(n, day=rng.randint(1, 28)))
    elif kind == "new":
        (root / "content" / f"r{rng.randint(50, 99)}-new.md").write_text(release(rng.randint(50, 99)))
    elif kind == "delete":
        path.unlink()
    elif kind == "rename":
        path.rename(path.with_name(f"r{n:02d}-moved-{rng.randint(0, 999)}.md"))
    elif kind == "draft":
        path.write_text(release(n, extra="draft: true\n"))
    elif kind == "future":
        path.write_text(release(n).replace("2024-", "2031-", 1))
    elif kind == "alias":
        path.write_text(release(n, extra=f"aliases: [/old/{n}/]\n"))
    elif kind == "source":
        path.write_text(text.replace("source: Office ", f"source: Bureau {rng.randint(0, 3)} ", 1))
    elif kind == "author":
        path.write_text(text.replace("source: ", f"authors: [Writer {rng.randint(0, 2)}]\nsource: ", 1))
    elif kind == "embargo":
        path.write_text(text.replace("source: ", "embargo: 2031-01-01T09:00:00\nsource: ", 1))
    elif kind == "page":
        (root / "content" / "pages" / "about.md").write_text(f"---\ntitle: About\n---\n\nWho we are {rng.random()}.\n")


KINDS = ("body", "title", "tags", "date", "new", "delete", "rename", "draft", "future", "alias", "page", "source",
         "author", "embargo")


@pytest.fixture
def full_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a build made the whole model (a build that took up the last state makes none)."""
    calls: list[int] = []
    real: Callable = Model.full

    def counted(self: Model, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Model, "full", counted)
    return calls


def build_site(root: Path):
    return build(load_config(root), run_import=False, search=False)


@pytest.mark.parametrize("seed", [1, 2])
def test_each_edit_resumes_and_equals_a_cold_build(tmp_path: Path, full_builds: list[int], seed: int) -> None:
    root = tmp_path / "site"
    make_site(root)
    build_site(root)
    assert len(full_builds) == 1
    rng = random.Random(seed)
    for kind in [*KINDS, *rng.sample(KINDS, 5)]:
        time.sleep(0.02)       # past the racy-stamp window, as a person's next save is
        edit(root, kind, rng)
        before = len(full_builds)
        result = build_site(root)
        assert not [p for p in result.problems if not p.warning], result.problems
        assert len(full_builds) == before, f"a {kind} edit made the whole model again"
        assert output_tree(root / "_site") == clean_build(root, tmp_path), f"after a {kind} edit"


def test_a_state_that_does_not_match_is_not_taken_up(tmp_path: Path, full_builds: list[int]) -> None:
    """A state from another build (its token is not the output record's) or a broken one: a full build."""
    root = tmp_path / "site"
    make_site(root)
    build_site(root)
    state = root / CACHE_DIR / f"{NAME}.pickle"
    saved = state.read_bytes()
    edit(root, "body", random.Random(3))
    build_site(root)               # resumed: the record now names a new state
    assert len(full_builds) == 1
    for damage in (lambda: state.write_bytes(saved), lambda: state.write_bytes(state.read_bytes()[:-7])):
        damage()                   # the older state back, then a truncated one
        edit(root, "title", random.Random(4))
        before = len(full_builds)
        build_site(root)
        assert len(full_builds) == before + 1
        assert output_tree(root / "_site") == clean_build(root, tmp_path)


def test_config_and_template_changes_build_in_full(tmp_path: Path, full_builds: list[int]) -> None:
    root = tmp_path / "site"
    make_site(root)
    build_site(root)
    config = root / "pressroom.toml"
    config.write_text(config.read_text().replace("per_page = 3", "per_page = 4"))
    edit(root, "body", random.Random(6))
    build_site(root)
    assert len(full_builds) == 2
    assert output_tree(root / "_site") == clean_build(root, tmp_path)
    template = root / "themes" / "mine" / "templates" / "article.html"
    template.parent.mkdir(parents=True)
    template.write_text('{% extends "base.html" %}{% block content %}<p>{{ article.title }}</p>{% endblock %}\n')
    config.write_text(config.read_text() + 'theme = "mine"\n')
    before = len(full_builds)
    build_site(root)
    assert len(full_builds) == before + 1
    assert output_tree(root / "_site") == clean_build(root, tmp_path)


def test_a_title_edit_that_moves_the_url_is_substituted_unless_the_url_or_the_order_is_contested(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new title gives a new URL; when the release keeps its place in every list and no other file has or
    wants either URL, it is substituted in place (no regrouping). Each build equals a cold build."""
    root = tmp_path / "site"
    make_site(root)
    (root / "content" / "r06.md").write_text(release(6, day=2))          # r01's date and time: ordered by slug
    updates: list[int] = []
    real = Model.update
    monkeypatch.setattr(Model, "update", lambda self, *a, **k: (updates.append(1), real(self, *a, **k))[1])
    build_site(root)

    def retitle(n: int, title: str, *, regroups: bool) -> None:
        time.sleep(0.02)
        path = root / "content" / f"r{n:02d}.md"
        path.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", path.read_text(), count=1))
        before = len(updates)
        build_site(root)
        assert (len(updates) > before) == regroups, title
        assert output_tree(root / "_site") == clean_build(root, tmp_path), title

    retitle(3, "Harbour works begin", regroups=False)            # a plain title edit: substituted
    retitle(0, "Release number 5", regroups=True)                # r05's URL: r00 is kept, r05 reported and dropped
    retitle(0, "Ferry timetable", regroups=True)                 # the URL freed: r05 is back
    retitle(1, "Zeta release", regroups=True)                    # same date as r06: the slug now sorts after it
    retitle(1, "Release number 1", regroups=True)                # and back before it
    retitle(1, "Release number 0 and 1", regroups=False)         # still before it: substituted


def test_the_state_saved_by_a_child_while_the_output_is_written_is_taken_up(tmp_path: Path, full_builds: list[int],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import generator.build.builder as builder

    root = tmp_path / "site"
    make_site(root)
    savers = tmp_path / "savers.txt"
    real = builder.save_state

    def noted(*args, **kwargs):
        with savers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(builder, "save_state", noted)
    build_site(root)
    edit(root, "body", random.Random(5))
    time.sleep(0.02)
    build_site(root)
    assert len(full_builds) == 1                        # the second build took up the state the first one's child saved
    assert {int(pid) for pid in savers.read_text().split()} - {os.getpid()}, "no child saved the state"
    assert output_tree(root / "_site") == clean_build(root, tmp_path)


def test_new_releases_join_the_selection_unless_one_could_change_it(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A new release that `select` would publish as it stands (no problem, not a draft or held back, no alias, a URL
    nobody has) joins the last build's selection; anything else selects the whole site again. Each build equals a
    cold build, problems included."""
    import generator.build.builder as builder

    root = tmp_path / "site"
    make_site(root)
    (root / "content" / "r07.md").write_text(release(7, extra="aliases: [/old/seven/, /2024/03/alias-target/]\n"))
    selects: list[int] = []
    real = builder.select
    monkeypatch.setattr(builder, "select", lambda *a, **k: (selects.append(1), real(*a, **k))[1])
    build_site(root)

    def add(files: dict[str, str], *, reselects: bool) -> None:
        time.sleep(0.02)
        for name, text in files.items():
            (root / "content" / name).write_text(text)
        before = len(selects)
        result = build_site(root)
        assert (len(selects) > before) == reselects, files
        assert output_tree(root / "_site") == clean_build(root, tmp_path), files
        reference = build(load_config(tmp_path / "reference"), run_import=False, search=False)   # its problems
        assert sorted(map(str, result.problems)) == sorted(map(str, reference.problems)), files

    add({"n50.md": release(50, title="Harbour works begin", day=28)}, reselects=False)    # the newest
    add({"n51.md": release(51, title="Ferry timetable"), "a52.md": release(52, title="Old news", day=1)},
        reselects=False)                                                                      # two, one sorts first
    add({"n53.md": release(3)}, reselects=True)                           # the URL of r03: one of them is dropped
    add({"n54.md": release(54, extra="draft: true\n")}, reselects=True)
    add({"n55.md": release(55).replace("2024-", "2031-", 1)}, reselects=True)                   # held back
    add({"n56.md": release(56, extra="aliases: [/old/56/]\n")}, reselects=True)
    add({"n57.md": release(57, title="Seven").replace("title: Seven", "title: Seven\nslug: seven")},
        reselects=False)
    add({"n59.md": release(62, title="Alias target")}, reselects=True)              # r07's alias: now a page's URL
    add({"pages/contact.md": "---\ntitle: Contact\n---\n\nCall us.\n"}, reselects=True)      # a page, not a release
    add({"n58.md": "---\ntitle: [broken\n---\nText.\n"}, reselects=True)                      # a file with a problem
