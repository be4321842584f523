"""The embargo path end to end, through the `pressroom build` command as the scheduled workflow runs it:
a release dated an hour ahead is held back with a warning, and a build after its time publishes it in
the site, the feeds and the sitemap, also from a restored build cache with no output left (a runner).

"After its time" is a real later clock: the second build runs under libfaketime (a test dependency that
ships the library), two hours ahead, as the hourly scheduled run would."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.workflow_tools import missing

BASE = "https://example.org/news/"
SLUG = "harbour-tunnel-opens"


def pressroom() -> list[str]:
    """The `pressroom` command installed beside this Python (the console script), else `python -m generator`."""
    script = Path(sys.executable).with_name("pressroom")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "generator"]


def later(hours: int) -> dict[str, str]:
    """An environment whose clock runs `hours` ahead (libfaketime preloaded)."""
    spec = importlib.util.find_spec("libfaketime")
    library = Path(spec.origin).parent / "vendor" / "libfaketime" / "src" / "libfaketime.so.1" if spec else None
    if not sys.platform.startswith("linux") or library is None or not library.is_file():
        missing("libfaketime (a Linux test dependency: pip install -e '.[test]') moves the clock of a build")
    return dict(os.environ, LD_PRELOAD=str(library), FAKETIME=f"+{hours}h", DONT_FAKE_MONOTONIC="1",
                NO_FAKE_STAT="1", FAKETIME_NO_CACHE="1")


def build(site: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*pressroom(), "build", "--site", str(site), "--base-url", BASE], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, str]:
    """A site with one public release and one dated an hour from now; returns it and the embargoed URL path."""
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "pressroom.toml").write_text('title = "Harbour News"\nsearch = false\n')
    (root / "content" / "older.md").write_text("---\ntitle: Ferry timetable\ndate: 2024-05-02\n---\nOld news.\n")
    due = (datetime.now(timezone.utc) + timedelta(hours=1)).replace(microsecond=0)
    (root / "content" / "embargoed.md").write_text(
        f"---\ntitle: Harbour tunnel opens\ndate: {due.isoformat()}\nslug: {SLUG}\n---\nThe tunnel is open.\n")
    return root, f"{due:%Y}/{due:%m}/{SLUG}/"


def _published(out: Path, route: str) -> dict[str, bool]:
    """Where the embargoed release shows: its page, the front page, every feed and the sitemap."""
    url = BASE + route
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    return {
        "page": (out / route / "index.html").is_file(),
        "front page": f"/news/{route}" in (out / "index.html").read_text(encoding="utf-8"),
        "atom": url in (out / "feed.xml").read_text(encoding="utf-8"),
        "rss": url in (out / "rss.xml").read_text(encoding="utf-8"),
        "json feed": any(item.get("url") == url for item in feed["items"]),
        "sitemap": f"<loc>{url}</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8"),
    }


def test_a_release_an_hour_ahead_is_held_back_with_a_warning(site):
    root, route = site
    done = build(root)
    warned = [line for line in done.stderr.splitlines() if "embargoed.md" in line]
    assert warned and "held back" in warned[0], done.stderr
    assert not any(_published(root / "_site", route).values())
    assert (root / "_site" / "2024" / "05").is_dir()            # the rest of the site is there


def test_a_build_after_its_time_publishes_it_everywhere(site):
    root, route = site
    build(root)
    done = build(root, later(hours=2))                          # the next scheduled run, same build cache
    assert "embargoed.md" not in done.stderr, done.stderr
    assert _published(root / "_site", route) == dict.fromkeys(_published(root / "_site", route), True)


def test_a_runner_with_only_the_restored_cache_publishes_the_whole_site(site, tmp_path):
    root, route = site
    build(root)
    shutil.rmtree(root / "_site")                              # a runner starts with no output, only the cache
    build(root, later(hours=2))
    assert all(_published(root / "_site", route).values())
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("_site", ".pressroom-cache"))
    build(cold, later(hours=2))
    files = {p.relative_to(root / "_site") for p in (root / "_site").rglob("*") if p.is_file()}
    assert files == {p.relative_to(cold / "_site") for p in (cold / "_site").rglob("*") if p.is_file()}
