"""The `pressroom` command leaves without tearing the interpreter down (`cli.run`): everything it printed still
arrives, in order, through pipes and files, with the exit status `main()` returned."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.test_resume import make_site, release


def pressroom(*args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=300)


def test_a_build_s_summary_and_problems_arrive_with_its_status(tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_site(root, 12)
    done = pressroom("build", "--site", str(root))
    assert done.returncode == 0, done.stderr
    assert "built: 12 articles" in done.stdout
    (root / "content" / "r03.md").write_text(release(3).replace("title:", "title: [unclosed", 1))
    done = pressroom("build", "--site", str(root))
    assert done.returncode == 1
    assert "content/r03.md:3:" in done.stderr and "built with errors: 11 articles" in done.stdout


def test_output_written_to_a_file_is_complete(tmp_path: Path) -> None:
    """Block-buffered stdout (a file, not a terminal): flushed before the process leaves."""
    root = tmp_path / "site"
    make_site(root, 6)
    log = tmp_path / "out.txt"
    with log.open("w") as out:
        done = pressroom("check", "--site", str(root), stdout=out)
    printed = pressroom("check", "--site", str(root))
    assert done.returncode == printed.returncode
    def untimed(text: str) -> str:
        return re.sub(r"in [0-9.]+ s", "in _ s", text)

    assert untimed(log.read_text()) == untimed(printed.stdout) and printed.stdout


def test_help_and_usage_errors_exit_as_argparse_says(tmp_path: Path) -> None:
    assert pressroom("--version").returncode == 0
    wrong = pressroom("build", "--no-such-option")
    assert wrong.returncode == 2 and "usage:" in wrong.stderr


def test_what_a_build_made_is_held_for_the_caller_to_drop(tmp_path: Path) -> None:
    """`main(held=...)` leaves the builder (the whole site model) to the caller: the command leaves before
    dropping it, instead of freeing every object of the site first."""
    from generator.build import SiteBuilder
    from generator.cli import main

    root = tmp_path / "site"
    make_site(root, 6)
    held: list[object] = []
    assert main(["build", "--site", str(root), "--quiet"], held=held) == 0
    [builder] = held
    assert isinstance(builder, SiteBuilder) and builder.last is not None and builder.last.articles == 6


def test_a_profiler_still_writes_its_report(tmp_path: Path) -> None:
    """`python -m cProfile -m generator build` (as CONTRIBUTING says to measure): the profile is written as Python
    exits, so the command exits the usual way under a profiler."""
    root = tmp_path / "site"
    make_site(root, 6)
    report = tmp_path / "build.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(report), "-m", "generator", "build", "--site",
                           str(root), "--quiet"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert report.is_file() and report.stat().st_size > 0
