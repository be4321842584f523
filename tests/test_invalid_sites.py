"""Each folder in invalid_sites/ is a site with one broken file and the exact report it must give.

`expected.txt`: a broken content file. Through `build()` the report must match it exactly; through the
CLI the exit status is 1, every expected line is printed, no traceback is shown, the rest of the site is
built and nothing is written outside the output folder.

`expected_refusal.txt`: a broken `pressroom.toml` or theme, which no page can be built without. The build
refuses with exactly these problems (every one at once), exits 1 and writes nothing at all.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.cli import main
from generator.config import load_config
from generator.errors import PressroomError

ALL = sorted(p for p in (Path(__file__).parent / "invalid_sites").iterdir() if p.is_dir())
CASES = [p for p in ALL if (p / "expected.txt").is_file()]
REFUSALS = [p for p in ALL if (p / "expected_refusal.txt").is_file()]
GOOD = "---\ntitle: Still built\ndate: 2024-01-01\n---\nFine.\n"


def make_site(case: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(case, site)
    (site / "content" / "zz-good.md").write_text(GOOD)
    return site


def expected_lines(case: Path) -> list[str]:
    return (case / "expected.txt").read_text(encoding="utf-8").splitlines()


def snapshot(root: Path, output: Path) -> dict[str, bytes]:
    """Every file under `root` outside `output` (and the build cache), with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and output not in p.parents and ".pressroom-cache" not in p.parts}


def good_page_built(output: Path) -> bool:
    return any("Still built" in p.read_text(encoding="utf-8") for p in output.rglob("still-built/index.html"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_site_reports_file_line_and_fix(case: Path, tmp_path: Path) -> None:
    site = make_site(case, tmp_path)
    result = build(load_config(site), run_import=False)
    assert [str(p) for p in result.errors] == expected_lines(case)
    assert good_page_built(site / "_site"), "the rest of the site must still build"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_site_through_the_cli(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(case, tmp_path)
    before = snapshot(tmp_path, site / "_site")
    status = main(["build", "--site", str(site), "--quiet"])
    captured = capsys.readouterr()
    assert status == (1 if expected_lines(case) else 0)
    for line in expected_lines(case):
        assert line in captured.err.splitlines()
    assert "Traceback" not in captured.err + captured.out
    assert good_page_built(site / "_site")
    assert snapshot(tmp_path, site / "_site") == before, "nothing may be written outside the output folder"


def test_every_case_says_what_it_expects() -> None:
    assert sorted(CASES + REFUSALS) == ALL


@pytest.mark.parametrize("case", REFUSALS, ids=[c.name for c in REFUSALS])
def test_broken_config_or_theme_is_refused_with_every_problem(case: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(case, tmp_path)
    expected = (case / "expected_refusal.txt").read_text(encoding="utf-8").splitlines()
    with pytest.raises(PressroomError) as caught:
        build(load_config(site), run_import=False)
    assert [str(p) for p in caught.value.problems] == expected
    before = snapshot(tmp_path, site / "_site")
    assert main(["build", "--site", str(site), "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[: len(expected)] == [f"error: {line}" for line in expected]
    assert "Traceback" not in "\n".join(err) and not any("report" in line for line in err)
    assert not (site / "_site").exists() and snapshot(tmp_path, site / "_site") == before
