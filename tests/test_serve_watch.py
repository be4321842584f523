"""`pressroom serve` watching the site: editor save patterns give one rebuild, swap files none, the
debouncer turns a burst into one `Changes`, and the command stops on Ctrl-C. A real server on a free
port, real file edits, a real process for the command.
"""
from __future__ import annotations

import http.client
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import BuildResult
from generator.changes import ChangeKind, Changes, change_kind
from generator.config import Config, load_config
from generator.serve import Builder, Debouncer, LiveServer
from generator.serve.report import Terminal
from generator.serve.watch import merged
from tests.test_serve import ARTICLE, REPO_ROOT, EventClient, article_text, get, make_site, wait_for


# ---------------------------------------------------------------------------------------------
# watching: editor save patterns, debounce, change kinds


class CountingBuilder:
    """Wraps the real builder (a `Builder`) and records every rebuild batch."""

    def __init__(self, inner: Builder) -> None:
        self.inner = inner
        self.batches: list[Changes] = []

    @property
    def config(self) -> Config:
        return self.inner.config

    def build(self) -> BuildResult:
        return self.inner.build()

    def rebuild(self, changes: Changes) -> BuildResult:
        self.batches.append(changes)
        return self.inner.rebuild(changes)

    def close(self) -> None:
        self.inner.close()


def _write_in_place(path: Path, text: str) -> None:
    with open(path, "r+", encoding="utf-8") as handle:      # truncate + several writes, like nano
        handle.truncate(0)
        for chunk in (text[: len(text) // 2], text[len(text) // 2:]):
            handle.write(chunk)
            handle.flush()


def _write_then_rename(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp{os.getpid()}")     # like VS Code / atomic savers
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def _vim(path: Path, text: str) -> None:
    probe = path.parent / "4913"                                  # vim's write-permission probe
    probe.write_text("")
    probe.unlink()
    swap = path.with_name(f".{path.name}.swp")
    swap.write_bytes(b"b0VIM 9.0")
    backup = path.with_name(path.name + "~")
    os.replace(path, backup)                                      # backupcopy=no: rename, write anew
    path.write_text(text, encoding="utf-8")
    backup.unlink()
    swap.unlink()


def _emacs(path: Path, text: str) -> None:
    lock = path.with_name(f".#{path.name}")
    os.symlink("user@host.123", lock)
    backup = path.with_name(path.name + "~")
    backup.write_bytes(path.read_bytes())
    path.write_text(text, encoding="utf-8")
    lock.unlink()


@pytest.mark.parametrize("save", [_write_in_place, _write_then_rename, _vim, _emacs])
def test_editor_save_patterns_give_one_rebuild(tmp_path: Path, save: Callable[[Path, str], None]) -> None:
    root = make_site(tmp_path / "site")
    server = LiveServer(load_config(root), port=0, out=io.StringIO())
    counting = CountingBuilder(server.builder)
    server.builder = counting
    server.start()
    client = EventClient(server.port)
    try:
        client.wait_event("state")
        source = root / "content" / "first.md"
        save(source, article_text("First release", "2024-05-01", f"Saved by {save.__name__}.", "tags: [alpha]\n"))
        event = client.wait_event("build")
        assert event["reload"] == "page"
        assert f"Saved by {save.__name__}.".encode() in get(server, ARTICLE)[2]
        time.sleep(server.debouncer.quiet * 4)
        wait_for(server.debouncer.idle, 5)
        assert len(counting.batches) == 1, counting.batches
        assert counting.batches[0].paths == (source,)
    finally:
        client.close()
        server.stop()


def test_swap_and_backup_files_alone_trigger_nothing(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    server = LiveServer(load_config(root), port=0, out=io.StringIO())
    counting = CountingBuilder(server.builder)
    server.builder = counting
    server.start()
    try:
        content = root / "content"
        (content / ".first.md.swp").write_bytes(b"swap")
        (content / "first.md~").write_text("backup")
        (content / "4913").write_text("")
        (content / "#first.md#").write_text("autosave")
        (content / "notes.txt").write_text("not an article")
        (root / "_site" / "stray.html").write_text("the output is not watched")
        time.sleep(server.debouncer.quiet * 4)
        wait_for(server.debouncer.idle, 5)
        assert counting.batches == []
    finally:
        server.stop()


def changed(path: Path) -> Changes:
    return Changes.classify([path], path.parents[1])


def test_debouncer_turns_a_burst_into_one_batch(tmp_path: Path) -> None:
    batches: list[Changes] = []
    debouncer = Debouncer(batches.append, quiet=0.05, max_wait=2.0)
    try:
        for i in range(20):
            debouncer.add(changed(tmp_path / f"content/{i % 3}.md"))
            time.sleep(0.002)
        wait_for(lambda: batches, 2)
        time.sleep(0.1)
        assert [b.paths for b in batches] == [tuple(tmp_path / f"content/{i}.md" for i in range(3))]
        assert batches[0].of(ChangeKind.CONTENT) == batches[0].paths       # merged, kinds kept
        debouncer.add(changed(tmp_path / "content/later.md"))
        wait_for(lambda: len(batches) == 2, 2)
        assert batches[1].paths == (tmp_path / "content/later.md",)
    finally:
        debouncer.stop()


def test_debouncer_flushes_a_steady_stream_by_max_wait(tmp_path: Path) -> None:
    batches: list[Changes] = []
    debouncer = Debouncer(batches.append, quiet=0.05, max_wait=0.15)
    try:
        stop = time.monotonic() + 0.5
        while time.monotonic() < stop:       # never quiet for 50 ms
            debouncer.add(changed(tmp_path / "content/busy.md"))
            time.sleep(0.01)
        wait_for(lambda: debouncer.idle(), 2)
        assert 2 <= len(batches) <= 6, len(batches)
    finally:
        debouncer.stop()


def test_debouncer_never_runs_two_flushes_at_once(tmp_path: Path) -> None:
    running, overlaps, seen = [0], [], []

    def slow(batch: Changes) -> None:
        running[0] += 1
        overlaps.append(running[0] > 1)
        time.sleep(0.1)
        seen.append({p.name for p in batch.paths})
        running[0] -= 1

    debouncer = Debouncer(slow, quiet=0.01)
    try:
        debouncer.add(changed(tmp_path / "content/a.md"))
        time.sleep(0.05)                     # first flush is running
        debouncer.add(changed(tmp_path / "content/b.md"))
        debouncer.add(changed(tmp_path / "content/c.md"))
        wait_for(lambda: len(seen) == 2, 3)
        assert seen == [{"a.md"}, {"b.md", "c.md"}] and not any(overlaps)
    finally:
        debouncer.stop()


@pytest.mark.parametrize(("rel", "kind"), [
    ("content/2024/a.md", ChangeKind.CONTENT),
    ("content/a.markdown", ChangeKind.CONTENT),
    ("seeds/000_x.txt", ChangeKind.SEED),
    ("themes/default/templates/article.html", ChangeKind.TEMPLATE),
    ("themes/default/static/style.css", ChangeKind.STATIC),
    ("pressroom.toml", ChangeKind.CONFIG),
    ("content/.a.md.swp", ChangeKind.IGNORED),
    ("content/.a.md.swx", ChangeKind.IGNORED),
    ("content/a.md~", ChangeKind.IGNORED),
    ("content/#a.md#", ChangeKind.IGNORED),
    ("content/.#a.md", ChangeKind.IGNORED),
    ("content/4913", ChangeKind.IGNORED),
    ("content/a.md.tmp", ChangeKind.IGNORED),
    ("content/notes.txt", ChangeKind.IGNORED),
    ("_site/index.html", ChangeKind.IGNORED),
    (".pressroom-cache/x", ChangeKind.IGNORED),
    (".git/index", ChangeKind.IGNORED),
])
def test_change_kind(tmp_path: Path, rel: str, kind: ChangeKind) -> None:
    assert change_kind(tmp_path / rel, tmp_path) is kind


# ---------------------------------------------------------------------------------------------
# the command


def test_serve_command_prints_the_url_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", "0", "--no-open"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = ""
        deadline = time.monotonic() + 30
        while not url and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            if "http://127.0.0.1:" in line:
                url = line[line.index("http://"):].split()[0]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/REPO/"), url
        port = int(url.split(":")[2].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/REPO/")
        assert conn.getresponse().status == 200
        conn.close()
        events = EventClient(port)                    # an open live-reload stream must not block Ctrl-C
        events.wait_event("state")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert events.next_event() == ("", {})
        events.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_burst_merges_into_one_changes_value(tmp_path: Path) -> None:
    css = Changes.classify([tmp_path / "themes/default/static/a.css"], tmp_path)
    page = Changes.classify([tmp_path / "content/a.md"], tmp_path)
    assert merged([css, css]) == css and merged([css]).css_only
    both = merged([css, page, page])
    assert not both.css_only and both.of(ChangeKind.CONTENT) == page.paths and both.of(ChangeKind.STATIC) == css.paths


def test_the_terminal_names_the_changed_files_not_their_folders(tmp_path: Path) -> None:
    templates = tmp_path / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "article.html").write_text("x")
    terminal = Terminal(io.StringIO(), tmp_path)
    changes = Changes.classify([tmp_path / "themes", templates, templates / "article.html"], tmp_path)
    assert terminal.describe(changes.paths) == "themes/default/templates/article.html"
    assert terminal.describe((tmp_path / "themes",)) == "themes"
