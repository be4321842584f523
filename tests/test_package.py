"""Pressroom as a released package: `python -m build` gives an sdist and a wheel that pass `twine check`,
carry the code, the themes, the licence and complete metadata; the wheel installed into a fresh venv
builds the demo site; and a site made by that install deploys from its own folder alone: the workflow's
install and build steps, run in another fresh venv on a copy of the site folder, produce the site.

Slow (a build and two venvs, each made once per session); the network is only the package index."""
from __future__ import annotations

import email.parser
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from generator.scaffold import WORKFLOW_PATH
from tests.workflow_tools import missing

ROOT = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
BASE = "https://example.org/news"


def clean_env(bin_dir: Path | None = None) -> dict[str, str]:
    """The environment of a fresh shell: nothing of this checkout on the import path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    if bin_dir is not None:
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(args: list, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env or clean_env(), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def new_venv(where: Path) -> Path:
    run([sys.executable, "-m", "venv", where], where.parent)
    return where / "bin"


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("build") is None or importlib.util.find_spec("twine") is None:
        missing("build and twine are test dependencies: pip install -e '.[test]'")
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", out, ROOT], out, timeout=900)   # the sdist, then a wheel from it
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("*.whl")
    return found


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the built wheel (and its dependencies from the package index)."""
    bin_dir = new_venv(tmp_path_factory.mktemp("wheel-venv") / "venv")
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], bin_dir)
    return bin_dir


@pytest.fixture(scope="session")
def made_site(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pressroom init` run by the installed wheel, in a folder with nothing of this repository."""
    home = tmp_path_factory.mktemp("made")
    run([installed / "pressroom", "init", "harbour-news"], home, clean_env(installed))
    return home / "harbour-news"


def test_sdist_and_wheel_pass_twine_check(dist: Path):
    assert sorted(p.suffix for p in dist.iterdir()) == [".gz", ".whl"]
    run([sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir())], dist)


def _metadata(archive: zipfile.ZipFile) -> email.message.Message:
    return email.parser.Parser().parsestr(archive.read(f"pressroom-{VERSION}.dist-info/METADATA").decode())


def test_the_wheel_carries_code_themes_licence_and_metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for source in sorted((ROOT / "generator").rglob("*.py")):
            rel = source.relative_to(ROOT).as_posix()
            assert rel in names, f"{rel} is not in the wheel: add its package to pyproject.toml [tool.setuptools]"
        for source in sorted((ROOT / "themes").rglob("*")):             # every shipped theme, whole
            if source.is_file() and "__pycache__" not in source.parts:
                assert "pressroom_themes/" + source.relative_to(ROOT / "themes").as_posix() in names
        info = f"pressroom-{VERSION}.dist-info/"
        assert archive.read(info + "licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
        assert b"pressroom = generator.cli:run" in archive.read(info + "entry_points.txt")
        meta = _metadata(archive)
    assert (meta["Name"], meta["Version"], meta["Requires-Python"]) == ("pressroom", VERSION, ">=3.11")
    assert meta["License-Expression"] == "MIT" and meta["Description-Content-Type"] == "text/markdown"
    urls = {entry.split(",")[0] for entry in meta.get_all("Project-URL")}
    assert {"Homepage", "Repository", "Issues", "Changelog"} <= urls
    assert "Programming Language :: Python :: 3.11" in meta.get_all("Classifier")
    assert "Pressroom" in meta.get_payload()          # the README is the long description


def test_the_sdist_carries_what_a_packager_needs(dist: Path):
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for rel in ("LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "MANIFEST.in",
                "themes/default/templates/base.html", "themes/default/static/style.css",
                "generator/scaffold/__init__.py", "generator/cli.py"):
        assert rel in names, rel


def test_the_installed_wheel_says_its_version(installed: Path, tmp_path: Path):
    done = run([installed / "pressroom", "--version"], tmp_path, clean_env(installed))
    assert done.stdout.strip() == f"pressroom {VERSION}"


def _files(folder: Path) -> dict[str, bytes]:
    """What Pages publishes (upload-pages-artifact leaves out dot files), less the search index."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).parts[0].startswith((".", "pagefind"))}


def test_the_installed_wheel_builds_the_demo_site_as_the_checkout_does(installed: Path, tmp_path: Path):
    for name, python in (("wheel", installed / "python"), ("checkout", Path(sys.executable))):
        demo = tmp_path / name
        demo.mkdir()
        for part in ("content", "seeds"):
            shutil.copytree(ROOT / part, demo / part)
        shutil.copy(ROOT / "pressroom.toml", demo / "pressroom.toml")
        env = clean_env(installed) if name == "wheel" else dict(os.environ, PYTHONPATH=str(ROOT))
        done = run([python, "-m", "generator", "build", "--site", demo, "--base-url", f"{BASE}/"], tmp_path, env)
        assert " 0 errors" in done.stdout, done.stdout
    built = _files(tmp_path / "wheel" / "_site")
    assert "index.html" in built and "feed.xml" in built and "sitemap.xml" in built
    assert (tmp_path / "wheel" / "_site" / "pagefind").is_dir()     # search, from the pagefind dependency
    assert built == _files(tmp_path / "checkout" / "_site")          # same pages, byte for byte


def test_init_keeps_the_very_wheel_it_was_installed_from(made_site: Path, wheel: Path):
    (kept,) = (made_site / ".pressroom").glob("*.whl")
    assert kept.name == wheel.name
    with zipfile.ZipFile(wheel) as built, zipfile.ZipFile(kept) as copy:
        code = [n for n in built.namelist() if n.startswith(("generator/", "pressroom_themes/"))]
        assert sorted(n for n in copy.namelist() if n.startswith(("generator/", "pressroom_themes/"))) == sorted(code)
        assert all(built.read(name) == copy.read(name) for name in code)
        assert _metadata(copy).get_all("Requires-Dist") == _metadata(built).get_all("Requires-Dist")
        assert copy.read(f"pressroom-{VERSION}.dist-info/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()


def _step_runs(site: Path) -> list[str]:
    steps = yaml.safe_load((site / WORKFLOW_PATH).read_text())["jobs"]["build"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]     # install, find the output folder, build
    assert len(runs) == 3, runs
    runs = [text.replace("${{ steps.pages.outputs.base_url }}", BASE) for text in runs]
    assert not any("${{" in text for text in runs), runs       # nothing else the test does not stand in for
    return runs


def test_the_workflow_steps_build_the_site_from_its_folder_alone(made_site: Path, tmp_path: Path):
    site = tmp_path / "checkout" / "harbour-news"                 # what actions/checkout gives: the repo only
    shutil.copytree(made_site, site, ignore=shutil.ignore_patterns("_site", ".pressroom-cache"))
    runner = new_venv(tmp_path / "runner")                        # what setup-python gives: a bare Python
    outputs = tmp_path / "github-output"
    env = dict(clean_env(runner), GITHUB_OUTPUT=str(outputs))
    for script in _step_runs(site):
        run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], site, env)
    located = run([runner / "python", "-c", "import generator; print(generator.__file__)"], site, env).stdout
    assert located.startswith(str(runner.parent))                 # Pressroom came from the kept wheel
    output = Path(outputs.read_text().strip().removeprefix("output="))
    assert output == site / "_site"
    front = (output / "index.html").read_text(encoding="utf-8")
    assert 'href="/news/' in front and "Harbour News" in front
    assert f"{BASE}/" in (output / "feed.xml").read_text(encoding="utf-8")
