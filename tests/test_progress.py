"""Progress of a long build: a line rewritten in place on a terminal's stderr, nothing elsewhere or with --quiet."""
from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import lxml.html

from generator.build import build
from generator.cli import main
from generator.config import load_config
from generator.progress import BUILD_STAGES, CLEAR, Progress, Silent, progress_for

REPO = Path(__file__).resolve().parent.parent


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def small_site(site, releases: int = 3):
    site.config("search = false\n")
    for n in range(releases):
        site.article(f"2024/r{n}", f"Release {n}", f"2024-03-{n + 1:02d}", tags="[Health]")
    return site


def test_each_stage_rewrites_the_same_line_and_close_erases_it():
    term = Terminal()
    progress = Progress(term, tick=0, clock=iter([0.0, 0.5, 2.0]).__next__)
    progress("parse", 1200)
    progress("render", 2400)
    assert term.getvalue() == f"{CLEAR}[3/7] parse 1,200 files 0.5 s{CLEAR}[5/7] render 2,400 pages 2.0 s"
    progress.close()
    assert term.getvalue().endswith(CLEAR) and "\n" not in term.getvalue()


def test_the_clock_keeps_counting_during_a_long_stage_and_stops_at_close():
    term = Terminal()
    progress = Progress(term, tick=0.01)
    progress("render", 10)
    redrawn = threading.Event()
    for _ in range(500):       # wait (at most 5 s) for the ticker to redraw the line by itself
        if term.getvalue().count(CLEAR) >= 3:
            redrawn.set()
            break
        threading.Event().wait(0.01)
    progress.close()
    assert redrawn.is_set()
    after = term.getvalue()
    threading.Event().wait(0.05)
    assert term.getvalue() == after and after.endswith(CLEAR)


def test_nothing_is_shown_off_a_terminal_or_with_quiet():
    assert isinstance(progress_for(io.StringIO()), Silent)
    assert isinstance(progress_for(Terminal(), quiet=True), Silent)
    assert isinstance(progress_for(Terminal()), Progress)


def test_the_engine_reports_its_stages_in_order_with_what_each_works_on(site):
    small_site(site)
    heard: list[tuple[str, int]] = []
    build(load_config(site.root, base_url="https://example.org/REPO/"), run_import=False,
          progress=lambda stage, count: heard.append((stage, count)))
    stages = [stage for stage, _ in heard]
    assert stages == [s for s in BUILD_STAGES if s in stages] and stages[:4] == ["import", "scan", "parse", "model"]
    counts = dict(heard)
    assert counts["parse"] == 3 and counts["model"] == 3
    assert counts["render"] >= 3 + 1        # three releases and at least the front page
    assert counts["write"] >= counts["render"]   # the pages, and feeds, sitemap and statics


def test_build_off_a_terminal_prints_no_control_characters_and_ends_with_the_summary(site, capsys):
    small_site(site)
    assert main(["build", "--site", str(site.root), "--base-url", "https://example.org/REPO/"]) == 0
    captured = capsys.readouterr()
    assert "\r" not in captured.err and "\x1b" not in captured.err
    assert captured.out.splitlines()[-1].startswith("built: 3 articles")
    page = lxml.html.fromstring(site.html("2024/03/release-0/"))
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://example.org/REPO/2024/03/release-0/"]


def run_on_a_terminal(site, *flags: str) -> tuple[str, str, int]:
    """`pressroom build` with stderr on a pseudo-terminal: (what the terminal showed, stdout, exit status)."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    stdout = site.root.parent / "stdout.txt"       # a file, not a pipe: the child never waits for us to read it
    with stdout.open("wb") as out_file:
        process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site.root),
                                    "--base-url", "https://example.org/REPO/", *flags],
                                   cwd=REPO, env=env, stdout=out_file, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:      # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=120)
    os.close(controller)
    return shown.decode("utf-8", "replace"), stdout.read_text(encoding="utf-8"), process.returncode


def test_on_a_terminal_the_line_updates_in_place_and_the_summary_still_ends_the_run(site):
    small_site(site)
    shown, out, code = run_on_a_terminal(site)
    assert code == 0
    assert "\x1b[K[5/7] render " in shown and "\x1b[K[3/7] parse 3 files" in shown
    assert shown.endswith(CLEAR)            # erased before the summary
    assert out.splitlines()[-1].startswith("built: 3 articles")


def test_quiet_shows_no_progress_even_on_a_terminal(site):
    small_site(site)
    shown, out, code = run_on_a_terminal(site, "--quiet")
    assert code == 0 and "\x1b" not in shown and "\r" not in shown
    assert out.splitlines()[-1].startswith("built: 3 articles")


def test_the_ticker_lets_a_build_fork_and_no_child_finds_the_line_locked(tmp_path):
    """The progress line's thread may run while the build forks its workers (a build at a terminal used one core):
    the line's lock is held across each fork, so a child that writes to the same stream never waits forever."""
    from generator.build.forked import fork_ok

    stream = (tmp_path / "terminal.txt").open("w")
    progress = Progress(stream, tick=0.0002)      # redraws all the time, taking the stream's own lock each time
    progress("render", 10)
    try:
        assert fork_ok()
        for _ in range(200):
            pid = os.fork()
            if pid == 0:
                stream.write("child\n")
                stream.flush()
                os._exit(0)
            for _ in range(1000):       # at most 10 s for the child to be done
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                threading.Event().wait(0.01)
            else:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                raise AssertionError("a forked child waited forever for the progress line's lock")
            assert os.waitstatus_to_exitcode(status) == 0
    finally:
        progress.close()
        stream.close()
    assert (tmp_path / "terminal.txt").read_text().count("child\n") == 200


def test_a_build_at_a_terminal_parses_on_every_core(tmp_path, monkeypatch):
    import generator.build.sources as sources
    from tests.test_speed_journal import write_site

    write_site(tmp_path / "site", sources.PARALLEL_MIN + 20)
    pools = []
    real = sources.multiprocessing.get_context

    def spy(method=None):
        pools.append(method)
        return real(method)

    monkeypatch.setattr(sources.multiprocessing, "get_context", spy)
    with Progress(Terminal(), tick=0.005) as progress:
        build(load_config(tmp_path / "site"), run_import=False, progress=progress)
    assert "fork" in pools
