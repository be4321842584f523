"""Bad input made at test time (huge, unreadable, vanished, symlinked, case-colliding files...).

Each case goes through the CLI: the message names the file, the exit status is non-zero, the
rest of the site is built, no traceback is shown, and nothing is written outside the output.
Files that are merely unusual (BOM, CRLF, mixed naive and aware times) must build cleanly.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

import generator.build.sources
import generator.cli
from generator.cli import main

GOOD = "---\ntitle: Still built\ndate: 2024-01-01\n---\nFine.\n"


def snapshot(root: Path, output: Path) -> dict[str, bytes | None]:
    """Every regular file under `root` outside `output` (and the build cache), with its bytes."""
    return {p.relative_to(root).as_posix(): _bytes(p) for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and output not in p.parents and ".pressroom-cache" not in p.parts}


def _bytes(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except PermissionError:
        return None


def run_cli(site, capsys, *extra: str, removed: str = "") -> tuple[int, str]:
    """Build `site` through the CLI with one good article; check what every bad-input build must hold."""
    site.write("content/zz-good.md", GOOD)
    before = snapshot(site.root.parent, site.out)
    before.pop(removed, None)
    status = main(["build", "--site", str(site.root), "--quiet", *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert (site.out / "2024/01/still-built/index.html").is_file(), "the rest of the site must build"
    assert snapshot(site.root.parent, site.out) == before, "nothing may be written outside the output folder"
    return status, captured.err


def test_huge_file_is_refused_without_reading_it(site, capsys):
    site.write("content/huge.md", b"---\ntitle: Huge\ndate: 2024-01-02\n---\n" + b"word " * (2 * 1024 * 1024))
    status, err = run_cli(site, capsys)
    assert status == 1
    assert "content/huge.md: file is 10240 KB, over the 5 MB limit; split it or move it out of content/" in err


@pytest.mark.parametrize("prefix, newline", [(b"\xef\xbb\xbf", b"\n"), (b"", b"\r\n"), (b"\xef\xbb\xbf", b"\r\n"), (b"", b"\r")])
def test_bom_and_crlf_build_cleanly(site, capsys, prefix, newline):
    text = b"---\ntitle: Windows file\ndate: 2024-01-03\ntags: [One, Two]\n---\nFirst paragraph.\n\nSecond.\n"
    site.write("content/win.md", prefix + text.replace(b"\n", newline))
    status, err = run_cli(site, capsys)
    assert status == 0, err
    page = site.html("2024/01/windows-file/")
    tree = lxml_html.fromstring(page)
    assert tree.cssselect("h1")[0].text_content() == "Windows file"
    assert "\r" not in page and "\ufeff" not in page
    assert [a.text for a in tree.cssselect("ul.tags a")] == ["One", "Two"]


def test_unreadable_file_is_reported(site, capsys, monkeypatch):
    locked = site.write("content/locked.md", "---\ntitle: Locked\ndate: 2024-01-02\n---\n")
    locked.chmod(0)
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:   # root can read a chmod 000 file: simulate the refusal
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    try:
        status, err = run_cli(site, capsys)
    finally:
        locked.chmod(0o644)
    assert status == 1
    assert "content/locked.md: cannot read this file (permission denied); fix its permissions" in err


def test_file_vanishing_between_listing_and_reading(site, capsys, monkeypatch):
    site.write("content/gone.md", "---\ntitle: Gone\ndate: 2024-01-02\n---\n")
    listing = generator.build.sources.content_files

    def list_then_delete(content_dir: Path) -> list[Path]:
        found = listing(content_dir)
        (content_dir / "gone.md").unlink()
        return found

    monkeypatch.setattr(generator.build.sources, "content_files", list_then_delete)
    status, err = run_cli(site, capsys, removed="site/content/gone.md")
    assert status == 1
    assert any(line.startswith("content/gone.md: ") and "vanished" in line for line in err.splitlines())


def test_symlinks_loops_dangling_and_outside(site, capsys, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: Secret\ndate: 2024-01-02\n---\nPrivate.\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.md").write_text("---\ntitle: Other\ndate: 2024-01-02\n---\n")
    content = site.root / "content"
    (content / "outside.md").symlink_to(outside)
    (content / "dangling.md").symlink_to(content / "missing.md")
    (content / "loop.md").symlink_to(content / "loop.md")
    (content / "sub").mkdir()
    (content / "sub" / "up").symlink_to(content, target_is_directory=True)
    (content / "elsewhere").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    site.write("content/real.md", "---\ntitle: Real\ndate: 2024-01-02\n---\n")
    (content / "alias.md").symlink_to(content / "real.md")
    status, err = run_cli(site, capsys)
    assert status == 1
    lines = err.splitlines()
    assert "content/outside.md: is a link to a file outside the site folder; copy the file in instead" in lines
    assert any(line.startswith("content/dangling.md: is a broken or looping link") for line in lines)
    assert any(line.startswith("content/loop.md: is a broken or looping link") for line in lines)
    assert "Secret" not in "".join(p.read_text(errors="replace") for p in site.out.rglob("*.html"))
    assert not list(site.out.rglob("other/index.html")), "folders linked from outside are not followed"
    assert "content/real.md:1: same URL /2024/01/real/ as content/alias.md; give one of them another 'slug'" in lines


def test_names_that_differ_only_by_case(site, capsys):
    site.write("content/Release.md", "---\ntitle: Upper\ndate: 2024-01-02\n---\n")
    site.write("content/release.md", "---\ntitle: Lower\ndate: 2024-01-02\n---\n")
    status, err = run_cli(site, capsys)
    assert status == 1
    assert ("content/release.md: differs from content/Release.md only by case; "
            "macOS and Windows can keep only one of them, rename one") in err.splitlines()
    assert (site.out / "2024/01/upper/index.html").is_file()


def test_over_long_names_build(site, capsys):
    long_title = "Very " * 2000
    site.write("content/" + "n" * 240 + ".md", f"---\ntitle: {long_title}\ndate: 2024-01-02\n---\n")
    status, err = run_cli(site, capsys)
    assert status == 0, err
    routes = [p.parent.name for p in (site.out / "2024/01").glob("*/index.html")]
    assert max(len(r) for r in routes) <= 80


def test_naive_times_are_in_the_site_time_zone_and_mix_with_aware_ones(site, capsys):
    """Naive '2024-03-10 09:00' means 09:00 in `timezone`; an aware time keeps its offset."""
    site.write("content/naive.md", "---\ntitle: Naive\ndate: 2024-03-10 09:00\nupdated: 2024-03-11T08:00:00+05:00\n---\n")
    site.write("content/aware.md", "---\ntitle: Aware\ndate: 2024-03-10T10:00:00+00:00\nupdated: 2024-03-12 07:30\n---\n")

    def order() -> list[str]:
        tree = lxml_html.fromstring(site.html(""))
        return [a.text_content().strip() for a in tree.cssselect("ol.article-list h2 a")][:2]

    site.config('timezone = "UTC"\n')
    assert run_cli(site, capsys)[0] == 0
    assert order() == ["Aware", "Naive"]                           # 10:00 UTC after 09:00 UTC
    assert "2024-03-10T09:00:00+00:00" in site.html("2024/03/naive/")
    site.config('timezone = "America/New_York"\n')
    assert run_cli(site, capsys)[0] == 0
    assert order() == ["Naive", "Aware"]                           # 09:00 EDT = 13:00 UTC
    assert "2024-03-10T09:00:00-04:00" in site.html("2024/03/naive/")
    assert "2024-03-12T07:30:00-04:00" in site.html("2024/03/aware/")


@pytest.mark.parametrize("permalink", ["/C:/{slug}/", "/{year}/../{slug}/", "/a\\\\b/{slug}/", "/{year}//{slug}/", "/x y/{slug}/"])
def test_permalink_that_could_leave_the_output_is_refused(site, capsys, permalink):
    site.config(f'permalink = "{permalink}"\n')
    site.article("a", "One", "2024-01-01")
    before = snapshot(site.root.parent, site.out)
    assert main(["build", "--site", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: pressroom.toml:1: 'permalink' ") and "Traceback" not in err
    assert not site.out.exists() and snapshot(site.root.parent, site.out) == before


def test_internal_error_shows_no_traceback_unless_debug(site, capsys, monkeypatch):
    site.article("a", "One", "2024-01-01")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(generator.cli, "load_config", broken)
    assert main(["build", "--site", str(site.root)]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--debug" in err and "RuntimeError: boom" in err
    with pytest.raises(RuntimeError):
        main(["build", "--site", str(site.root), "--debug"])


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_control_characters_in_file_names_are_not_printed_raw(site, capsys):
    site.write("content/evil\x1b[2J\n.md", b"\x00binary")
    status, err = run_cli(site, capsys)
    assert status == 1
    assert "\x1b" not in err and "content/evil\\x1b[2J\\x0a.md: this is a binary file" in err


def test_deeply_nested_front_matter_and_text_are_errors_not_crashes(site, capsys):
    """libyaml segfaults on ~100,000 nested brackets and Markdown recurses out on deep lists."""
    site.write("content/deep-yaml.md", "---\ntitle: " + "[" * 100_000 + "]" * 100_000 + "\ndate: 2024-01-02\n---\n")
    site.write("content/deep-text.md", "---\ntitle: Deep text\ndate: 2024-01-02\n---\n"
               + "".join("  " * i + "- x\n" for i in range(2000)))
    site.write("content/zz-after.md", "---\ntitle: After\ndate: 2024-01-03\n---\nSome *emphasis*.\n")
    status, err = run_cli(site, capsys)
    assert status == 1
    lines = err.splitlines()
    assert "content/deep-yaml.md:2: front matter nests lists or mappings more than 100 deep; flatten it" in lines
    assert "content/deep-text.md:5: the text nests lists, quotes or tags too deeply to render; flatten it" in lines
    assert "<p>Some <em>emphasis</em>.</p>" in site.html("2024/01/after/"), "the next file renders normally"
