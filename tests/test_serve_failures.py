"""What `pressroom serve` says when a rebuild fails: the user's mistakes and the operating system's refusals
name the file and what to do, shown once in the overlay and once in the terminal; only a genuine bug asks
to be reported. A real server, real sockets, the real engine (or, for the OS errors, the engine with
the error injected into its rebuild).
"""
from __future__ import annotations

import errno
import io
import os
import socket
from pathlib import Path

import pytest

from generator.build import BuildResult
from generator.changes import Changes
from generator.config import Config, load_config
from generator.serve import Builder, LiveServer, Watcher, new_builder, serve
from tests.test_serve import ARTICLE, EventClient, article_text, get, make_site, start_live

BROKEN_TEMPLATES = {
    "syntax": ("{% extends 'base.html' %}\n{% block main %}\n<p>\n{{ article.title }\n</p>{% endblock %}\n",
               4, "unexpected '}'"),
    "undefined": ("{% extends 'base.html' %}\n{% block main %}\n<p>\n\n{{ nosuch.thing }}</p>{% endblock %}\n",
                  5, "'nosuch' is undefined"),
    "filter": ("{% extends 'base.html' %}\n{% block main %}\n{{ article.title | shout }}\n{% endblock %}\n",
               3, "shout"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_TEMPLATES))
def test_a_template_error_is_shown_once_with_the_templates_file_and_line(tmp_path: Path, case: str) -> None:
    text, line, words = BROKEN_TEMPLATES[case]
    live = start_live(make_site(tmp_path / "site"))
    events = EventClient(live.port)
    try:
        events.wait_event("state")
        template = live.site_dir / "themes" / "default" / "templates" / "article.html"
        template.parent.mkdir(parents=True)
        template.write_text(text)
        problems = events.wait_event("build", lambda e: bool(e["problems"]))["problems"]
        assert len(problems) == 1, problems
        assert problems[0].startswith(f"themes/default/templates/article.html:{line}:"), problems
        assert words in problems[0] and "internal error" not in problems[0] and "report" not in problems[0]
        terminal = live.out.getvalue()
        assert terminal.count(f"article.html:{line}:") == 1, terminal
        assert "report" not in terminal and "Traceback" not in terminal
        assert get(live, ARTICLE)[0] == 200           # the last good page is still served
    finally:
        events.close()
        live.stop()


class FailingBuilder:
    """The real engine, whose rebuilds raise `error` (what the operating system, or a bug, would raise)."""

    def __init__(self, inner: Builder, error: Exception) -> None:
        self.inner, self.error = inner, error

    @property
    def config(self) -> Config:
        return self.inner.config

    def build(self) -> BuildResult:
        return self.inner.build()

    def rebuild(self, changes: Changes) -> BuildResult:
        raise self.error

    def close(self) -> None:
        self.inner.close()


OS_ERRORS = [
    (errno.ENOSPC, "_site/2024/05/first-release/index.html", "the disk is full: free some space"),
    (errno.EMFILE, "content/first.md", "too many open files"),
    (errno.EACCES, "_site/index.html", "permission denied"),
    (errno.EROFS, "_site/index.html", "read-only"),
    (errno.EBUSY, "_site", "busy"),
]


@pytest.mark.parametrize(("code", "rel", "words"), OS_ERRORS)
def test_an_os_error_in_a_rebuild_says_what_to_do(tmp_path: Path, code: int, rel: str, words: str) -> None:
    root = make_site(tmp_path / "site")
    error = OSError(code, os.strerror(code), str(root / rel))
    problems, terminal = _fail_one_rebuild(root, error)
    assert len(problems) == 1 and problems[0].startswith(f"{rel}: could not write the site: "), problems
    assert words in problems[0]
    for text in (problems[0], terminal):
        assert "report" not in text and "internal error" not in text and "Traceback" not in text


def test_only_a_genuine_bug_asks_to_be_reported(tmp_path: Path) -> None:
    problems, terminal = _fail_one_rebuild(make_site(tmp_path / "site"), KeyError("oops"))
    assert len(problems) == 1 and "internal error in Pressroom (please report it): KeyError" in problems[0]
    assert "Traceback" in terminal and terminal.count("please report it") == 1


def _fail_one_rebuild(root: Path, error: Exception) -> tuple[list[str], str]:
    """Start a server whose next rebuild raises `error`, save a file; (the overlay's problems, the terminal)."""
    config = load_config(root)
    live = LiveServer(config, port=0, out=io.StringIO(), builder=FailingBuilder(new_builder(config), error)).start()
    events = EventClient(live.port)
    try:
        events.wait_event("state")
        (root / "content" / "first.md").write_text(article_text("First release", "2024-05-01", "Saved."))
        problems = events.wait_event("build", lambda e: bool(e["problems"]))["problems"]
        assert get(live, ARTICLE)[0] == 200
        return problems, live.out.getvalue()
    finally:
        events.close()
        live.stop()


def test_serve_says_whether_it_could_not_listen_or_could_not_watch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert serve(load_config(root), port=taken.getsockname()[1], open_browser=False, out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert "cannot listen on 127.0.0.1:" in err and "try another --port" in err

    def no_watches(self: Watcher) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(Watcher, "start", no_watches)
    assert serve(load_config(root), port=0, open_browser=False, out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert "cannot watch" in err and "max_user_watches" in err and "listen" not in err
