"""Each folder in invalid_sites/ is a site with one broken file and the exact report it must give."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.config import load_config

CASES = sorted(p for p in (Path(__file__).parent / "invalid_sites").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_site_reports_file_line_and_fix(case: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(case, site)
    (site / "content" / "zz-good.md").write_text("---\ntitle: Still built\ndate: 2024-01-01\n---\nFine.\n")
    result = build(load_config(site), run_import=False)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in result.errors] == expected
    assert (site / "_site/2024/01/still-built/index.html").is_file(), "the rest of the site must still build"
