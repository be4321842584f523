"""Failures that are the user's to fix (a theme's template, the disk, the folder) are named with file and line,
end with the summary line and exit 1, leave the previous site as it was, and never ask for a bug report."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

import generator.build.journal
import generator.build.writing
from generator.cli import main

ARTICLE = "{% extends \"base.html\" %}\n{% block main %}\n"


def theme_site(site, body: str) -> None:
    site.config('theme = "mine"\nsearch = false\nbase_url = "https://example.org/REPO/"\n')
    site.article("a", "One", "2024-01-01")
    site.write("themes/mine/templates/article.html", ARTICLE + body + "{% endblock %}\n")


def build_cli(site, capsys, *extra: str) -> tuple[int, str]:
    status = main(["build", "--site", str(site.root), "--quiet", *extra])
    return status, capsys.readouterr().err


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_users_fault(err: str, first_line: str) -> None:
    lines = err.splitlines()
    assert lines[0] == first_line, err
    assert lines[-1].startswith("not built: 1 error; the previous site in ") and lines[-1].endswith("is unchanged")
    assert "report" not in err and "internal error" not in err and "Traceback" not in err


@pytest.mark.parametrize(("body", "message"), [
    ("\n\n<p>{{ article.title }</p>\n", "error: themes/mine/templates/article.html:5: unexpected '}'"),
    ("\n<p>{{ nothing_here.x }}</p>\n", "error: themes/mine/templates/article.html:4: 'nothing_here' is undefined"),
    ("<p>{{ article.title | shout }}</p>\n", "error: themes/mine/templates/article.html:3: No filter named 'shout'."),
    ("{% include \"missing.html\" %}\n", "error: themes/mine/templates/article.html:3: 'missing.html' not found in "
                                          "search paths: "),
])
def test_template_errors_name_the_template_and_line(site, capsys, body: str, message: str) -> None:
    theme_site(site, "<p>{{ article.title }}</p>\n")
    assert build_cli(site, capsys)[0] == 0
    before = tree(site.out)
    site.write("themes/mine/templates/article.html", ARTICLE + body + "{% endblock %}\n")
    status, err = build_cli(site, capsys)
    assert status == 1
    assert err.splitlines()[0].startswith(message), err
    assert_users_fault(err, err.splitlines()[0])
    assert tree(site.out) == before
    assert not list(site.root.glob("._site.*"))


def test_a_template_that_includes_itself(site, capsys) -> None:
    theme_site(site, "")
    site.write("themes/mine/templates/article.html", '{% include "article.html" %}\n')
    status, err = build_cli(site, capsys)
    assert status == 1
    assert_users_fault(err, "error: themes/mine/templates/article.html:1: the template includes or calls itself "
                            "without end")


def test_a_template_error_in_forked_render_workers_keeps_its_file_and_line(site, capsys) -> None:
    """Past 400 pages the pages render in worker processes: the error crosses back with its file and line."""
    theme_site(site, "<p>{{ article.title }}</p>\n")
    for n in range(420):
        site.article(f"r{n}", f"Release {n}", f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}")
    site.write("themes/mine/templates/article.html", ARTICLE + "\n<p>{{ article.nope.deeper }}</p>\n{% endblock %}\n")
    status, err = build_cli(site, capsys)
    assert status == 1
    assert_users_fault(err, "error: themes/mine/templates/article.html:4: 'generator.content.Article object' has no "
                            "attribute 'nope'")


@pytest.mark.parametrize(("code", "advice"), [
    (errno.ENOSPC, "the disk is full: free some space, then try again"),
    (errno.EROFS, "the file system is read-only: make it writable, or choose another --output"),
    (errno.EBUSY, "the folder is busy"),
    (errno.EACCES, "permission denied: make it readable and writable by you, then try again"),
])
def test_the_operating_system_saying_no_is_one_line_naming_the_folder(site, capsys, monkeypatch, code, advice) -> None:
    site.config('search = false\n')
    site.article("a", "One", "2024-01-01")
    assert build_cli(site, capsys)[0] == 0
    before = tree(site.out)
    site.article("b", "Two", "2024-01-02")

    def refuse(*args: object) -> None:      # whichever way the build writes: staged and swapped, or a journal
        raise OSError(code, os.strerror(code), str(site.out))

    monkeypatch.setattr(generator.build.writing, "swap_in", refuse)
    monkeypatch.setattr(generator.build.journal.Journal, "add_file", refuse)
    status, err = build_cli(site, capsys)
    assert status == 1
    assert_users_fault(err, f"error: _site: could not write the site: {advice}"
                       + err.splitlines()[0].split(advice, 1)[1])
    assert tree(site.out) == before
    assert not list(site.root.glob("._site.*")), "nothing left behind"


def can_mount_tmpfs(where: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


def test_a_full_disk_for_real(site, capsys, tmp_path) -> None:
    """ENOSPC from a real file system: a 512 KB tmpfs holds the first small site, not the second."""
    disk = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    if not can_mount_tmpfs(disk):
        pytest.skip("needs root and tmpfs to make a small disk (the injected ENOSPC test covers the message)")
    try:
        output = disk / "_site"
        site.config('search = false\n')
        site.article("a", "One", "2024-01-01")
        assert build_cli(site, capsys, "--output", str(output))[0] == 0
        before = tree(output)
        for n in range(200):
            site.article(f"r{n}", f"Release {n}", "2024-02-01", body="Words of a long release. " * 200)
        status, err = build_cli(site, capsys, "--output", str(output))
        assert status == 1
        assert "the disk is full: free some space, then try again" in err.splitlines()[0], err
        assert "report" not in err and "Traceback" not in err
        assert tree(output) == before
        assert sorted(p.name for p in disk.iterdir()) == ["_site"]
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_not_a_site_is_refused(tmp_path, capsys) -> None:
    (tmp_path / "notes").mkdir()
    assert main(["build", "--site", str(tmp_path / "notes")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'notes'}: not a Pressroom site: it has no pressroom.toml, content/ or "
                          "seeds/")
    assert not (tmp_path / "notes" / "_site").exists()
    assert main(["build", "--site", str(tmp_path / "mistyped")]) == 1
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'mistyped'}: no such folder; check --site")
    assert not (tmp_path / "mistyped").exists()
