"""A small change set is written in place through a journal: only the changed files move, the output equals a
cold build, and a build killed at any moment leaves the previous site or (once its journal is finished,
which the next build does first) the complete new one."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import build
from generator.build.journal import journal_dir, recover
from generator.config import load_config
from tests.trees import clean_build, output_tree

REPO = Path(__file__).resolve().parent.parent


def write_site(site: Path, count: int) -> None:
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "pressroom.toml").write_text('search = false\nbase_url = "https://example.org/REPO/"\nper_page = 5\n')
    for n in range(count):
        (site / "content" / f"r{n:03d}.md").write_text(
            f"---\ntitle: Release {n}\ndate: 2024-{1 + n % 12:02d}-{1 + n % 27:02d}\ntags: [t{n % 5}]\n---\n"
            + "Words of a release. " * 50 + "\n")


def test_one_edit_moves_only_the_changed_files_and_equals_a_cold_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(site, 80)
    build(load_config(site), run_import=False)
    inodes = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (site / "_site").rglob("*.html")}
    path = site / "content" / "r007.md"
    path.write_text(path.read_text() + "\nA closing line.\n")
    result = build(load_config(site), run_import=False)
    moved = {p.relative_to(site / "_site").as_posix() for p, was in inodes.items()
             if (p.stat().st_ino, p.stat().st_mtime_ns) != was}
    assert moved and moved <= set(result.written), moved - set(result.written)
    assert len(moved) < len(inodes) // 4          # in place: the unchanged pages are the same files
    assert output_tree(site / "_site") == clean_build(site, tmp_path)
    assert not journal_dir(site / "_site").exists()


def test_a_committed_journal_cut_short_is_finished_by_the_next_build(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.build.journal as journal

    site = tmp_path / "site"
    write_site(site, 40)
    build(load_config(site), run_import=False)
    previous = output_tree(site / "_site")
    path = site / "content" / "r003.md"
    path.write_text(path.read_text().replace("Release 3", "Renamed release 3"))
    real, moves = journal._write_over, []

    def killed_after_two(target: Path, data: bytes) -> None:
        if len(moves) == 2:
            target.write_bytes(data[: len(data) // 2])
            raise KeyboardInterrupt        # as SIGKILL would, halfway through the third page
        moves.append(target)
        real(target, data)

    monkeypatch.setattr(journal, "_write_over", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        build(load_config(site), run_import=False)
    assert (journal_dir(site / "_site") / "COMMIT").is_file()
    assert output_tree(site / "_site") != previous           # cut short after the commit point...
    monkeypatch.setattr(journal, "_write_over", real)
    recover(site / "_site")                            # ...and finished: what the next build does first
    assert output_tree(site / "_site") == clean_build(site, tmp_path)
    build(load_config(site), run_import=False)         # its record was never saved: trusts nothing, same site
    assert output_tree(site / "_site") == clean_build(site, tmp_path)


def cli_build(site: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site), "--quiet"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_one_edit_build_killed_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(site, 120)
    assert cli_build(site).wait(120) == 0
    previous = output_tree(site / "_site")
    path = site / "content" / "r011.md"
    path.write_text(path.read_text() + "\nEdited once.\n")
    started = time.monotonic()
    assert cli_build(site).wait(120) == 0             # the journal's way: a small change set
    duration = time.monotonic() - started
    current = output_tree(site / "_site")
    path.write_text(path.read_text().replace("\nEdited once.\n", ""))
    assert cli_build(site).wait(120) == 0
    assert output_tree(site / "_site") == previous
    edited = path.read_text() + "\nEdited once.\n"
    path.write_text(edited)
    rng, seen = random.Random(17), []
    for _ in range(6):
        process = cli_build(site)
        time.sleep(rng.uniform(0.05, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        state = output_tree(site / "_site")
        if state not in (previous, current):
            assert (journal_dir(site / "_site") / "COMMIT").is_file(), "a mix without a committed journal"
            recover(site / "_site")
            state = output_tree(site / "_site")
        seen.append(state)
        assert state in (previous, current), "a killed build must leave the previous or the complete new site"
        if state == current:       # killed too late: back to the previous site, so the next kill has work to cut
            path.write_text(edited.replace("\nEdited once.\n", ""))
            assert cli_build(site).wait(120) == 0 and output_tree(site / "_site") == previous
            path.write_text(edited)
    assert previous in seen, "at least one kill must land before the commit, or this test proves nothing"
    assert cli_build(site).wait(120) == 0
    assert output_tree(site / "_site") == current
    assert sorted(p.name for p in site.iterdir()) == [".pressroom-cache", "_site", "content", "pressroom.toml"]


def test_a_page_with_another_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    """Pages are written over in place, but never through a second name: that file keeps its bytes."""
    site = tmp_path / "site"
    write_site(site, 40)
    build(load_config(site), run_import=False)
    page = site / "_site" / "2024" / "04" / "index.html"        # r039's month
    other = tmp_path / "elsewhere.html"
    os.link(page, other)
    kept = other.read_bytes()
    path = site / "content" / "r039.md"
    path.write_text(path.read_text().replace("Release 39", "Renamed release 39"))
    result = build(load_config(site), run_import=False)
    assert "2024/04/index.html" in result.written
    assert other.read_bytes() == kept and page.read_bytes() != kept
    assert output_tree(site / "_site") == clean_build(site, tmp_path)


def test_what_is_not_a_plain_file_at_a_page_is_replaced_whole(tmp_path: Path) -> None:
    """A link, a named pipe, a folder where the journal writes a page: replaced, never written through or waited on."""
    from generator.build.journal import _write_over

    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text("kept")
    link, pipe, folder = tmp_path / "link.html", tmp_path / "pipe.html", tmp_path / "folder.html"
    link.symlink_to(elsewhere)
    os.mkfifo(pipe)
    (folder / "inside").mkdir(parents=True)
    for target in (link, pipe, folder, tmp_path / "new" / "page.html"):
        _write_over(target, b"<p>new</p>")
        assert target.is_file() and not target.is_symlink() and target.read_bytes() == b"<p>new</p>"
    assert elsewhere.read_text() == "kept"
