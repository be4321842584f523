"""A GitHub Pages deploy with the cache its workflow restores: after a fresh checkout, the build trusts the
restored output folder and writes only what a new release changes (issue 17), and it still notices a
restored folder that was touched by hand.

CI is imitated where it matters: the cached paths are read from the workflow `pressroom init` writes, and they
go through GNU tar `--posix` as actions/cache takes them (created from the workspace, extracted into a fresh
checkout at the same path: new inodes and new content file times, the archived times kept). The old site is
kept aside meanwhile, so no inode can be handed out again to the same file.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.build import shards
from generator.cache import CACHE_DIR
from generator.cli import main
from generator.config import load_config
from generator.scaffold import SCHEDULED_PATH, WORKFLOW_PATH
from tests.conftest import SiteFactory
from tests.test_search import needs_pagefind, pagefind  # noqa: F401 - the fixture
from tests.trees import clean_build, output_tree

STEP_OUTPUT = re.compile(r"^\$\{\{ steps\.([\w-]+)\.outputs\.output \}\}$")


def init_workflow(folder: Path, path: str = WORKFLOW_PATH) -> dict:
    if not (folder / path).is_file():
        assert main(["init", str(folder)]) == 0
    return yaml.safe_load((folder / path).read_text(encoding="utf-8"))


def build_steps(workflow: dict) -> list[dict]:
    return workflow["jobs"]["build"]["steps"]


def cache_step(workflow: dict) -> dict:
    """The step that restores (and at the end of the job saves) the build cache."""
    return next(step for step in build_steps(workflow) if step.get("uses", "").startswith("actions/cache")
                and CACHE_DIR in step["with"]["path"].splitlines())


def cached_paths(workflow: dict, site: Path) -> list[str]:
    """What the workflow caches, relative to the site: a step's `output` is the folder the pages step names."""
    steps = build_steps(workflow)
    paths = []
    for line in cache_step(workflow)["with"]["path"].splitlines():
        found = STEP_OUTPUT.match(line.strip())
        if found:
            step = next(s for s in steps if s.get("id") == found[1])
            assert "python -m generator.scaffold.pages_step" in step["run"]
            line = os.path.relpath(load_config(site).output_dir, site)
        paths.append(line.strip())
    return paths


def deploy_round_trip(site: Path, paths: list[str], aside: Path) -> None:
    """Keep only `paths` (tar --posix, as actions/cache saves and restores them); the rest of the site comes
    back as a fresh checkout would: the same files at the same place, with new times and inodes."""
    archive = aside.parent / "cache.tar"
    subprocess.run(["tar", "--posix", "-cf", str(archive), "-P", "-C", str(site), *paths], check=True)
    site.rename(aside)
    skip = {Path(p).parts[0] for p in paths} | {f".{load_config(aside).output_dir.name}.*"}
    shutil.copytree(aside, site, ignore=shutil.ignore_patterns(*skip), copy_function=shutil.copyfile)
    subprocess.run(["tar", "-xf", str(archive), "-P", "-C", str(site)], check=True)
    archive.unlink()


def releases(site: SiteFactory, count: int, *, search: bool = False) -> None:
    site.config(f'title = "Harbour City"\nbase_url = "https://example.org/REPO/"\nper_page = 5\n'
                f'search = {str(search).lower()}\n')
    for n in range(count):
        site.article(f"r{n:02d}", f"Release {n} about the harbour", f"2023-{1 + n % 12:02d}-{10 + n % 17}",
                     body=f"News number {n} from the harbour.", tags="[Harbour, Ferry]" if n % 2 else "[Harbour]")


def add_release(site: SiteFactory, word: str) -> None:
    site.article("late", f"A late release on the {word}", "2022-06-01", body=f"The {word} opens.", tags="[Harbour]")


def restored(site: SiteFactory, tmp_path: Path) -> dict[str, bytes]:
    """Build, then restore what the workflow caches into a fresh checkout; the restored output's files."""
    first = site.build()
    assert not first.errors, first.problems
    before = output_tree(site.out)
    deploy_round_trip(site.root, cached_paths(init_workflow(tmp_path / "init"), site.root), tmp_path / "aside")
    assert output_tree(site.out) == before
    assert os.stat(site.out / "index.html").st_ino != os.stat(tmp_path / "aside" / "_site" / "index.html").st_ino
    return before


def test_the_workflow_init_writes_caches_the_output_folder_with_the_build_cache(tmp_path: Path) -> None:
    for path in (WORKFLOW_PATH, SCHEDULED_PATH):
        workflow = init_workflow(tmp_path, path)
        steps, step = build_steps(workflow), cache_step(workflow)
        lines = step["with"]["path"].splitlines()
        found = [STEP_OUTPUT.match(line) for line in lines]
        assert CACHE_DIR in lines and sum(bool(m) for m in found) == 1 and len(lines) == 2
        named = next(s for s in steps if s.get("id") == next(m[1] for m in found if m))
        assert "python -m generator.scaffold.pages_step" in named["run"]
        build = next(s for s in steps if "pressroom build" in s.get("run", ""))
        upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
        assert upload["with"]["path"] == f"${{{{ steps.{named['id']}.outputs.output }}}}"
        assert steps.index(named) < steps.index(step) < steps.index(build) < steps.index(upload)
        key, latest = step["with"]["key"], step["with"]["restore-keys"]
        assert key.startswith(latest) and key.endswith("${{ github.run_id }}-${{ github.run_attempt }}")
    (tmp_path / "pressroom.toml").write_text((tmp_path / "pressroom.toml").read_text() + 'output = "public"\n')
    assert cached_paths(init_workflow(tmp_path), tmp_path) == [CACHE_DIR, "public"]


def test_a_deploy_with_the_restored_cache_writes_only_what_a_new_release_changes(site: SiteFactory,
                                                                                 tmp_path: Path) -> None:
    releases(site, 24)
    before = restored(site, tmp_path)
    folder = os.stat(site.out).st_ino
    add_release(site, "ferry terminal")
    result = site.build()
    after = output_tree(site.out)
    changed = {name for name, data in after.items() if before.get(name) != data} - {".pressroom-output"}
    assert set(result.written) == changed and 0 < len(changed) < len(after) // 4
    assert os.stat(site.out).st_ino == folder          # written in place (the journal), not a new tree swapped in
    assert after == clean_build(site.root, tmp_path)
    assert site.build().written == ()


def fragments_with(out: Path, word: str) -> int:
    return sum(word.encode() in gzip.decompress(p.read_bytes()) for p in (out / "pagefind").rglob("*.pf_fragment"))


def shard_entries(out: Path) -> dict[str, bytes]:
    listed = json.loads((out / "pagefind" / "shards.json").read_text())["shards"]
    return {name: (out / "pagefind" / name / "pagefind-entry.json").read_bytes() for name in listed}


@needs_pagefind
def test_a_deploy_with_the_restored_cache_indexes_one_search_shard_again(site: SiteFactory, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_PAGES", 2)         # seven releases, then eight: four shards both times
    releases(site, 7, search=True)
    restored(site, tmp_path)
    entries = shard_entries(site.out)
    assert len(entries) == 4
    add_release(site, "zqpelican")
    result = site.build()
    assert not result.errors, result.problems
    moved = [name for name, data in shard_entries(site.out).items() if entries.get(name) != data]
    assert len(moved) <= 1 and len(result.written) < 20, (moved, result.written)
    assert fragments_with(site.out, "zqpelican") == 1


@pytest.mark.parametrize("touch", ["edited", "removed", "added"])
def test_a_restored_output_touched_by_hand_is_not_trusted(site: SiteFactory, tmp_path: Path, touch: str) -> None:
    releases(site, 12)
    restored(site, tmp_path)
    page = site.out / "2023" / "index.html"
    if touch == "edited":
        page.write_bytes(page.read_bytes().replace(b"Release", b"Vandals", 1))   # the same size
    elif touch == "removed":
        page.unlink()
    else:
        (page.parent / "stray.html").write_text("not ours")
    add_release(site, "ferry terminal")
    result = site.build()
    assert len(result.written) == result.files        # nothing of the restored output was trusted
    assert output_tree(site.out) == clean_build(site.root, tmp_path)


def test_a_file_added_to_the_output_by_hand_is_noticed_by_the_next_build(site: SiteFactory,
                                                                         tmp_path: Path) -> None:
    releases(site, 6)
    site.build()
    (site.out / "2023" / "stray.html").write_text("not ours")
    site.build()
    assert output_tree(site.out) == clean_build(site.root, tmp_path)


def test_the_record_still_matches_after_a_build_in_place_adds_and_removes_files(site: SiteFactory,
                                                                                 tmp_path: Path) -> None:
    releases(site, 24)
    site.build()
    folder = os.stat(site.out).st_ino
    (site.root / "content" / "r00.md").unlink()               # the oldest release: few pages change
    add_release(site, "ferry terminal")
    assert site.build().written and os.stat(site.out).st_ino == folder     # written in place (the journal)
    assert site.build().written == ()                          # its record, folders included, matches the folder
    assert output_tree(site.out) == clean_build(site.root, tmp_path)
