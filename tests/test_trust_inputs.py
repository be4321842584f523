"""Inputs that used to hang, corrupt or pass silently: each now has a message that says what was done."""
from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from generator.build import SiteBuilder
from generator.changes import Changes
from generator.config import load_config

REPO = Path(__file__).resolve().parent.parent


def cli_build(root: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(root)], env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("where", ["content/pipe.md", "seeds/pipe.txt", "themes/default/static/pipe.css",
                                   "themes/default/templates/pipe.html"])
def test_a_named_pipe_is_skipped_with_a_message_never_waited_on(site, where: str) -> None:
    site.config("search = false\n")
    site.article("a", "One", "2024-01-01")
    fifo = site.root / where
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    done = cli_build(site.root)      # a hang would be a TimeoutExpired here, not a pass
    assert done.returncode == 0, done.stderr
    assert f"{where}: warning: is a named pipe, not a file: skipped; replace it with a regular file or remove it" \
        in done.stderr.splitlines()
    assert (site.out / "2024" / "01" / "one" / "index.html").is_file()


def test_misspelt_keys_and_numbers_in_tags_are_warned_about(site) -> None:
    site.write("content/a.md", "---\ntitle: One\ndate: 2024-01-01\ntag: [Ports]\nauthr: Ann\nTitle: Two\n"
                               "tags: [Transport, 42]\nregion: North\n---\nBody.\n")
    messages = [str(p) for p in site.build().problems]
    assert messages == [
        "content/a.md:4: warning: unknown key 'tag' is ignored; did you mean 'tags'?",
        "content/a.md:5: warning: unknown key 'authr' is ignored; did you mean 'author'?",
        "content/a.md:6: warning: unknown key 'Title' is ignored; did you mean 'title'?",
        "content/a.md:7: warning: 'tags' holds the number 42: used as the text '42' (write it in quotes, \"42\", to say so)",
    ]      # 'region' is the site's own key: no warning


def test_an_offset_with_seconds_gives_valid_dates_in_every_format(site) -> None:
    site.config('search = false\ntimezone = "Africa/Monrovia"\nbase_url = "https://example.org/"\n')
    site.article("old", "Old news", "1960-03-01 09:00")
    site.article("explicit", "Explicit", "2024-05-01T10:00:00+05:30:15")
    site.build(base_url="https://example.org/")
    want = {"Old news": datetime(1960, 3, 1, 9, 44, 30, tzinfo=timezone.utc),
            "Explicit": datetime(2024, 5, 1, 4, 29, 45, tzinfo=timezone.utc)}
    for feed in ("rss.xml", "feed.xml"):
        parsed = feedparser.parse((site.out / feed).read_bytes())
        got = {e.title: datetime(*e.published_parsed[:6], tzinfo=timezone.utc) for e in parsed.entries}
        assert got == want, feed
    items = json.loads((site.out / "feed.json").read_text())["items"]
    assert {i["title"]: datetime.fromisoformat(i["date_published"]) for i in items} == want
    rss = (site.out / "rss.xml").read_text()
    assert not re.search(r"[+-]\d{6}</pubDate>", rss)
    lastmods = etree.fromstring((site.out / "sitemap.xml").read_bytes()).findall(".//{*}lastmod")
    assert lastmods and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)", m.text) for m in lastmods)


def test_times_the_clocks_skip_or_repeat_are_warned_about(site) -> None:
    site.config('search = false\ntimezone = "America/New_York"\n')
    site.article("gap", "Gap", "2024-03-10 02:30")
    site.article("twice", "Twice", "2024-11-03 01:30")
    messages = [str(p) for p in site.build().problems]
    assert messages == [
        "content/gap.md:3: warning: 'date' 2024-03-10 02:30 does not exist in America/New_York (the clocks skip that "
        "hour): used 2024-03-10 03:30-04:00; write the offset to choose another instant",
        "content/twice.md:3: warning: 'date' 2024-11-03 01:30 happens twice in America/New_York (the clocks go back): "
        "used the first, 2024-11-03 01:30-04:00; write the offset to choose the second",
    ]


def test_a_file_that_could_not_be_read_once_is_read_again_on_the_next_rebuild(site, monkeypatch) -> None:
    site.config("search = false\n")
    flaky = site.article("flaky", "Flaky", "2024-01-01")
    other = site.article("other", "Other", "2024-01-02")
    builder = SiteBuilder(load_config(site.root), run_import=False)
    builder.build()
    flaky.write_text(flaky.read_text().replace("Flaky", "Flaky, edited"))
    real_read = Path.read_bytes

    def out_of_descriptors(path: Path) -> bytes:
        if path.name == "flaky.md":
            raise OSError(errno.EMFILE, "Too many open files", str(path))
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", out_of_descriptors)
    monkeypatch.setattr(Path, "read_text", lambda path, *a, **k: out_of_descriptors(path).decode())
    failed = builder.rebuild(Changes.classify([flaky], site.root))
    assert [str(p) for p in failed.errors] == [
        "content/flaky.md: cannot read this file (Too many open files); it is read again on the next build"]
    monkeypatch.undo()                          # descriptors are back; the user saves another file
    other.write_text(other.read_text() + "\nMore.\n")
    again = builder.rebuild(Changes.classify([other], site.root))
    assert again.errors == []
    assert "Flaky, edited" in (site.out / "2024" / "01" / "flaky-edited" / "index.html").read_text()
