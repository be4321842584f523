"""Never lose or corrupt: the output folder is Pressroom's alone, and a killed build loses nothing.

- `--output` may not be, or contain, the site folder, content/, seeds/ or themes/, and may not be
  a folder holding files Pressroom did not write (no `.pressroom-output` marker).
- A build killed with SIGKILL at random moments leaves the previous site byte for byte (or the
  complete new one, when the kill came after the swap); the next build recovers by itself and
  leaves nothing beside the output.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
ALLOWED_BESIDE_OUTPUT = {"content", "pressroom.toml", "_site", ".pressroom-cache"}


def tree(root: Path, skip: Path | None = None) -> dict[str, bytes]:
    """Every file's bytes; the output marker only by its first line (the rest names the build that wrote it)."""
    return {p.relative_to(root).as_posix(): p.read_bytes().split(b"\n")[0] if p.name == ".pressroom-output"
            else p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and (skip is None or skip not in p.parents)
            and ".pressroom-cache" not in p.parts}


@pytest.mark.parametrize("output", [".", "content", "seeds", "themes", "..", "content/.."])
def test_output_may_not_hold_the_sources(site, capsys, output):
    site.article("a", "One", "2024-01-01")
    site.write("seeds/keep.txt", "seed")
    site.write("themes/mine/templates/base.html", "{{ 1 }}")
    before = tree(site.root.parent)
    target = (site.root / output).resolve()
    assert main(["build", "--site", str(site.root), "--output", str(target)]) == 1
    err = capsys.readouterr().err
    assert "choose another --output" in err and "Traceback" not in err
    assert tree(site.root.parent) == before


def test_output_with_foreign_files_is_refused_and_kept(site, capsys, tmp_path):
    site.article("a", "One", "2024-01-01")
    other = tmp_path / "photos"
    (other / "2019").mkdir(parents=True)
    (other / "2019" / "beach.jpg").write_bytes(b"\xff\xd8 not really")
    before = tree(tmp_path)
    assert main(["build", "--site", str(site.root), "--output", str(other)]) == 1
    assert "Pressroom did not write (no .pressroom-output)" in capsys.readouterr().err
    assert tree(tmp_path) == before


def test_output_that_is_a_file_or_links_to_the_sources_is_refused(site, capsys, tmp_path):
    site.article("a", "One", "2024-01-01")
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to(site.root / "content", target_is_directory=True)
    before = tree(tmp_path)
    for output in ("file", "link"):
        assert main(["build", "--site", str(site.root), "--output", str(tmp_path / output)]) == 1
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "would contain" in err
    assert tree(tmp_path) == before


def test_our_own_output_is_replaced_without_leftovers(site):
    site.article("a", "One", "2024-01-01")
    site.build()
    site.write("content/a.md", "---\ntitle: Renamed\ndate: 2024-01-01\n---\n")
    site.build()
    assert not (site.out / "2024/01/one").exists() and (site.out / "2024/01/renamed/index.html").is_file()
    assert {p.name for p in site.root.iterdir()} <= ALLOWED_BESIDE_OUTPUT
    assert (site.out / ".pressroom-output").is_file()


def write_corpus(site_dir: Path, count: int, title: str) -> None:
    (site_dir / "content").mkdir(parents=True, exist_ok=True)
    (site_dir / "pressroom.toml").write_text("search = false\nbase_url = \"https://example.org/\"\n")
    for n in range(count):
        (site_dir / "content" / f"a{n:03d}.md").write_text(
            f"---\ntitle: {title} {n}\ndate: 2023-{1 + n % 12:02d}-{1 + n % 28:02d}\ntags: [t{n % 7}, t{n % 11}]\n---\n"
            + ("Some words of a release. " * 60 + "\n\n") * 2)


def cli_build(site_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site_dir), "--quiet"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_build_killed_at_random_moments_loses_nothing(tmp_path):
    site_dir, output = tmp_path / "site", tmp_path / "site" / "_site"
    write_corpus(site_dir, 300, "Release")
    started = time.monotonic()
    first = cli_build(site_dir)
    assert first.wait(60) == 0, first.stderr.read().decode()
    duration = time.monotonic() - started
    previous = tree(output)
    write_corpus(site_dir, 320, "Edited")        # every page changes
    rng = random.Random(8)
    seen = []
    for _ in range(6):
        process = cli_build(site_dir)
        time.sleep(rng.uniform(0.05, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        seen.append(tree(output))
    final = cli_build(site_dir)
    assert final.wait(60) == 0, final.stderr.read().decode()
    current = tree(output)
    assert current != previous and len(current) > len(previous)
    for state in seen:
        assert state in (previous, current), "a killed build must leave the previous (or the complete new) site"
    assert previous in seen, "at least one kill must land before the swap, or this test proves nothing"
    assert {p.name for p in site_dir.iterdir()} <= ALLOWED_BESIDE_OUTPUT, "no leftovers beside the output"
    assert {p.name for p in tmp_path.iterdir()} == {"site"}
