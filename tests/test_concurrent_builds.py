"""Concurrency is input too: two `pressroom build`s at once, and `build` while `serve` runs with edits saved
throughout, must end byte-identical to a clean build of the final files, every time, whatever the timing."""
from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from generator.config import load_config
from generator.serve import LiveServer
from tests.trees import clean_build, output_tree

REPO = Path(__file__).resolve().parent.parent


def write_site(site: Path, count: int) -> None:
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "pressroom.toml").write_text('search = false\nbase_url = "https://example.org/REPO/"\nper_page = 5\n')
    for n in range(count):
        write_release(site, n, "Release")


def write_release(site: Path, n: int, title: str) -> None:
    path = site / "content" / f"r{n:03d}.md"
    tmp = path.with_name(f".{path.name}.tmp")      # saved the way editors do: whole, then renamed into place
    tmp.write_text(f"---\ntitle: {title} {n}\ndate: 2024-{1 + n % 12:02d}-{1 + n % 27:02d}\n"
                   f"tags: [t{n % 5}, t{n % 3}]\n---\n" + ("Words of a release. " * 40 + "\n\n") * 3)
    os.replace(tmp, path)


def cli_build(site: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site), "--quiet"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name.startswith("._site."))


def test_two_builds_started_together_end_as_a_clean_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(site, 60)
    rng = random.Random(12)
    for round_ in range(6):
        for n in rng.sample(range(60), 8):               # every round changes the site
            write_release(site, n, f"Round {round_}")
        first = cli_build(site)
        time.sleep(rng.uniform(0, 0.4))
        second = cli_build(site)
        for process in (first, second):
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err.decode()
            assert b"0 errors" in out
        assert output_tree(site / "_site") == clean_build(site, tmp_path), f"round {round_}"
        assert leftovers(site) == []


def test_a_build_while_serve_runs_never_loses_an_edit(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(site, 60)
    config = load_config(site)
    rng = random.Random(5)
    with LiveServer(config, port=0, out=io.StringIO(), quiet=0.05) as live:
        for round_ in range(4):
            stop = threading.Event()

            def save_throughout(round_: int = round_) -> None:
                step = 0
                while not stop.is_set():
                    write_release(site, rng.randrange(60), f"Edit {round_}.{step}")
                    step += 1
                    time.sleep(rng.uniform(0.01, 0.15))

            saver = threading.Thread(target=save_throughout)
            saver.start()
            process = cli_build(site)
            time.sleep(rng.uniform(0.1, 0.6))
            out, err = process.communicate(timeout=120)
            stop.set()
            saver.join()
            assert process.returncode == 0, err.decode()
            settle(live)
            assert output_tree(site / "_site") == clean_build(site, tmp_path), f"round {round_}"
    assert leftovers(site) == []


def settle(live: LiveServer, timeout: float = 60) -> None:
    """Wait until the preview has heard and rebuilt every save (the debouncer is idle twice in a row)."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline and quiet < 3:
        time.sleep(0.3)
        quiet = quiet + 1 if live.debouncer.idle() else 0
    assert quiet >= 3, "serve never settled"
