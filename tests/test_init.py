"""`pressroom init DIR`: a site folder that builds as is, pins the Pressroom it was made with, and is never
overwritten; `pressroom init --upgrade` rewrites only what init wrote."""
from __future__ import annotations

import io
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.config import Config, load_config
from generator.scaffold import MANIFEST, SCHEDULED_PATH, WORKFLOW_PATH
from generator.scaffold.manifest import sha256
from generator.scaffold.pin import CONSTRAINTS
from tests.workflow_tools import actionlint, assert_actionlint_passes, assert_schema_valid  # noqa: F401

VERSION = metadata.version("pressroom")
WHEEL = f".pressroom/pressroom-{VERSION}-py3-none-any.whl"
FILES = ["pressroom.toml", "content/welcome.md", "seeds/.gitkeep", ".gitignore", WORKFLOW_PATH, SCHEDULED_PATH,
         WHEEL, CONSTRAINTS, MANIFEST]


def build(site: Path):
    from generator.build import build as run_build     # the engine's entry point, imported late on purpose
    return run_build(load_config(site, base_url="https://example.org/REPO/"), run_import=False)


def test_init_scaffolds_a_site_that_builds(tmp_path, capsys):
    site = tmp_path / "harbour-news"
    assert main(["init", str(site)]) == 0
    printed = capsys.readouterr().out
    for rel in FILES:
        assert (site / rel).is_file(), rel
        assert f"created {rel}" in printed
    assert tomllib.loads((site / "pressroom.toml").read_text())["title"] == "Harbour News"
    ignored = (site / ".gitignore").read_text().splitlines()
    assert "_site/" in ignored and ".pressroom-cache/" in ignored and ".pressroom/" not in ignored
    result = build(site)
    assert not result.errors, result.errors
    assert result.articles == 1
    assert (site / "_site" / "feed.xml").is_file()


def test_a_second_init_refuses_and_changes_nothing(tmp_path, capsys):
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    (site / "content" / "welcome.md").write_text("my edits")
    before = {rel: (site / rel).read_bytes() for rel in FILES}
    assert main(["init", str(site)]) == 1
    assert "never overwrites" in capsys.readouterr().err
    assert {rel: (site / rel).read_bytes() for rel in FILES} == before


def test_init_writes_nothing_when_any_one_file_exists(tmp_path):
    site = tmp_path / "site"
    (site / ".github" / "workflows").mkdir(parents=True)
    (site / ".github" / "workflows" / "pages.yml").write_text("mine")
    assert main(["init", str(site)]) == 1
    assert not (site / "pressroom.toml").exists() and not (site / "content").exists()
    assert not (site / ".pressroom").exists()
    assert (site / ".github" / "workflows" / "pages.yml").read_text() == "mine"


def test_init_into_an_existing_folder_keeps_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("keep")
    assert main(["init", str(tmp_path), "--title", 'The "Quoted" \\ Office']) == 0
    assert (tmp_path / "notes.txt").read_text() == "keep"
    config = load_config(tmp_path)
    assert config.title == 'The "Quoted" \\ Office'
    assert not build(tmp_path).errors


def _workflow(site: Path, rel: str = WORKFLOW_PATH) -> dict:
    return yaml.safe_load((site / rel).read_text(encoding="utf-8"))


def _step(workflow: dict, predicate) -> dict:
    return next(step for step in workflow["jobs"]["build"]["steps"] if predicate(step))


def test_the_workflow_installs_the_wheel_of_this_very_pressroom(tmp_path):
    assert main(["init", str(tmp_path)]) == 0
    install = _step(_workflow(tmp_path), lambda s: s.get("name") == "Install Pressroom")["run"]
    assert install == f"python -m pip install --constraint {CONSTRAINTS} {WHEEL}"
    with zipfile.ZipFile(tmp_path / WHEEL) as wheel:
        names = set(wheel.namelist())
        package = Path(__import__("generator").__file__).parent
        for source in package.rglob("*.py"):
            rel = "generator/" + source.relative_to(package).as_posix()
            assert wheel.read(rel) == source.read_bytes(), rel       # the code running now, byte for byte
        assert "pressroom_themes/default/templates/base.html" in names
        info = f"pressroom-{VERSION}.dist-info/"
        assert wheel.read(info + "METADATA").decode().count(f"Version: {VERSION}") >= 1
        assert b"pressroom = generator.cli:run" in wheel.read(info + "entry_points.txt")
        assert wheel.testzip() is None
    pins = (tmp_path / CONSTRAINTS).read_text().splitlines()
    for library in ("Jinja2", "Markdown", "lxml"):
        assert f"{library.lower()}=={metadata.version(library)}" in pins
    assert not any(line.startswith(("pressroom==", "pytest==")) for line in pins)   # not the tests' tools


def test_the_same_pressroom_gives_the_same_wheel_bytes(tmp_path):
    assert main(["init", str(tmp_path / "a")]) == 0
    assert main(["init", str(tmp_path / "b")]) == 0
    assert (tmp_path / "a" / WHEEL).read_bytes() == (tmp_path / "b" / WHEEL).read_bytes()


def test_the_record_lists_every_file_init_owns_with_its_hash(tmp_path):
    assert main(["init", str(tmp_path)]) == 0
    recorded = yaml.safe_load((tmp_path / MANIFEST).read_text())["files"]
    assert set(recorded) == {WORKFLOW_PATH, SCHEDULED_PATH, WHEEL, CONSTRAINTS}
    assert all(recorded[rel] == sha256((tmp_path / rel).read_bytes()) for rel in recorded)


def test_init_with_a_pressroom_spec_installs_that_and_keeps_no_wheel(tmp_path):
    spec = "pressroom==9.9.9"
    assert main(["init", str(tmp_path), "--pressroom", spec]) == 0
    install = _step(_workflow(tmp_path), lambda s: s.get("name") == "Install Pressroom")["run"]
    assert install == f'python -m pip install "{spec}"'
    assert not list((tmp_path / ".pressroom").glob("*.whl"))
    assert_schema_valid(tmp_path / WORKFLOW_PATH, tmp_path / SCHEDULED_PATH)


def test_both_workflows_pass_actionlint_and_the_schema(tmp_path, actionlint):
    assert main(["init", str(tmp_path)]) == 0
    assert_schema_valid(tmp_path / WORKFLOW_PATH, tmp_path / SCHEDULED_PATH)
    assert_actionlint_passes(actionlint, tmp_path, expected_files=2)


def test_pushes_deploy_and_the_schedule_lives_in_its_own_file(tmp_path):
    assert main(["init", str(tmp_path)]) == 0
    pages, scheduled = _workflow(tmp_path), _workflow(tmp_path, SCHEDULED_PATH)
    assert pages[True] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}   # YAML reads `on` as True
    assert scheduled[True] == {"schedule": [{"cron": Config.schedule}]}
    assert Config.schedule == "17 * * * *"                       # hourly, off the busy top of the hour
    assert tomllib.loads((tmp_path / "pressroom.toml").read_text())["schedule"] == Config.schedule
    assert pages["jobs"] == scheduled["jobs"] and pages["concurrency"] == scheduled["concurrency"]


def test_the_caches_are_keyed_on_pressroom_theme_and_settings(tmp_path):
    assert main(["init", str(tmp_path)]) == 0
    steps = _workflow(tmp_path)["jobs"]["build"]["steps"]
    uses = [step.get("uses", step.get("name", "")) for step in steps]
    pip = _step({"jobs": {"build": {"steps": steps}}}, lambda s: s.get("with", {}).get("path") == "~/.cache/pip")
    build_cache = _step({"jobs": {"build": {"steps": steps}}},
                        lambda s: ".pressroom-cache" in str(s.get("with", {}).get("path", "")).split())
    assert pip["uses"] == build_cache["uses"] == "actions/cache@v5"
    assert "hashFiles('.pressroom/**')" in pip["with"]["key"]
    key, restore = build_cache["with"]["key"], build_cache["with"]["restore-keys"]
    assert "hashFiles('.pressroom/**', 'themes/**', 'pressroom.toml')" in restore
    assert key.startswith(restore) and key.endswith("${{ github.run_id }}-${{ github.run_attempt }}")
    assert "steps.python.outputs.python-version" in restore
    assert uses.index(pip["uses"]) < uses.index("Install Pressroom") < uses.index("Build the site")
    assert steps.index(build_cache) < uses.index("Build the site")
    assert (tmp_path / WHEEL).parent.name == ".pressroom"       # the wheel is inside what the keys hash


def test_upload_takes_the_output_folder_and_the_build_takes_the_pages_url(tmp_path):
    assert main(["init", str(tmp_path)]) == 0
    steps = _workflow(tmp_path)["jobs"]["build"]["steps"]
    build_step = _step({"jobs": {"build": {"steps": steps}}}, lambda s: s.get("name") == "Build the site")
    assert 'pressroom build --base-url "${{ steps.pages.outputs.base_url }}/"' in build_step["run"]
    output = _step({"jobs": {"build": {"steps": steps}}}, lambda s: "generator.scaffold.pages_step" in s.get("run", ""))
    upload = _step({"jobs": {"build": {"steps": steps}}}, lambda s: "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "${{ steps.%s.outputs.output }}" % output["id"]
    assert steps.index(output) < steps.index(build_step) < steps.index(upload)


def _snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _old_site(site: Path) -> None:
    """A site made by an older Pressroom: its own wheel name, workflow and record."""
    from generator.scaffold import init_site
    from generator.scaffold.pin import Pin

    old = Pin("0.0.9", "python -m pip install --constraint .pressroom/constraints.txt "
              ".pressroom/pressroom-0.0.9-py3-none-any.whl",
              {".pressroom/pressroom-0.0.9-py3-none-any.whl": b"old wheel", CONSTRAINTS: b"jinja2==3.0.0\n"},
              "a package index", "3.11")
    init_site(site, pin=old)


def test_upgrade_moves_a_site_to_this_pressroom_and_touches_nothing_else(tmp_path, capsys):
    site = tmp_path / "site"
    _old_site(site)
    (site / "content" / "mine.md").write_text("---\ntitle: Mine\ndate: 2024-01-02\n---\nText.\n")
    (site / "pressroom.toml").write_text((site / "pressroom.toml").read_text().replace("per_page = 10", "per_page = 5"))
    kept = {rel: data for rel, data in _snapshot(site).items() if not rel.startswith((".pressroom/", ".github/"))}
    assert main(["init", "--upgrade", str(site)]) == 0
    out = capsys.readouterr().out
    assert "removed .pressroom/pressroom-0.0.9-py3-none-any.whl" in out and f"wrote {WHEEL}" in out
    after = _snapshot(site)
    assert {rel: data for rel, data in after.items() if not rel.startswith((".pressroom/", ".github/"))} == kept
    assert not (site / ".pressroom/pressroom-0.0.9-py3-none-any.whl").exists()
    assert WHEEL in _step(_workflow(site), lambda s: s.get("name") == "Install Pressroom")["run"]
    assert "# Written by Pressroom " + VERSION in (site / WORKFLOW_PATH).read_text()
    assert main(["init", "--upgrade", str(site)]) == 0            # again: nothing left to do
    assert "0 written" in capsys.readouterr().out and _snapshot(site) == after


def test_upgrade_refuses_an_edited_workflow_and_changes_nothing(tmp_path, capsys):
    site = tmp_path / "site"
    _old_site(site)
    with open(site / WORKFLOW_PATH, "a") as handle:
        handle.write("# my own step\n")
    before = _snapshot(site)
    assert main(["init", "--upgrade", str(site)]) == 1
    err = capsys.readouterr().err
    assert WORKFLOW_PATH in err and "changed nothing" in err
    assert _snapshot(site) == before


def test_upgrade_writes_a_new_schedule_and_drops_the_scheduled_workflow_for_none(tmp_path):
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    toml = site / "pressroom.toml"
    toml.write_text(toml.read_text().replace(f'schedule = "{Config.schedule}"', 'schedule = "5 6-18 * * 1-5"'))
    assert main(["init", "--upgrade", str(site)]) == 0
    assert _workflow(site, SCHEDULED_PATH)[True]["schedule"] == [{"cron": "5 6-18 * * 1-5"}]
    toml.write_text(toml.read_text().replace('schedule = "5 6-18 * * 1-5"', 'schedule = ""'))
    assert main(["init", "--upgrade", str(site)]) == 0
    assert not (site / SCHEDULED_PATH).exists() and (site / WORKFLOW_PATH).is_file()


def test_upgrade_takes_over_an_unedited_workflow_from_pressroom_0_1_0(tmp_path):
    from generator.scaffold.legacy import legacy_workflow

    site = tmp_path / "site"
    (site / ".github" / "workflows").mkdir(parents=True)
    (site / "pressroom.toml").write_text('title = "Old"\n')
    (site / WORKFLOW_PATH).write_text(legacy_workflow('pip install "pressroom[search]==0.1.0"'))
    assert main(["init", "--upgrade", str(site)]) == 0
    assert "pressroom[search]" not in (site / WORKFLOW_PATH).read_text()
    assert (site / WHEEL).is_file() and (site / SCHEDULED_PATH).is_file()
    assert (site / "pressroom.toml").read_text() == 'title = "Old"\n'


def test_upgrade_refuses_a_workflow_init_never_wrote(tmp_path, capsys):
    site = tmp_path / "site"
    (site / ".github" / "workflows").mkdir(parents=True)
    (site / "pressroom.toml").write_text("")
    (site / WORKFLOW_PATH).write_text("name: mine\n")
    assert main(["init", "--upgrade", str(site)]) == 1
    assert "not one `pressroom init` wrote" in capsys.readouterr().err
    assert (site / WORKFLOW_PATH).read_text() == "name: mine\n" and not (site / ".pressroom").exists()


def test_upgrade_needs_a_site(tmp_path, capsys):
    assert main(["init", "--upgrade", str(tmp_path)]) == 1
    assert "has no pressroom.toml" in capsys.readouterr().err


def test_version_comes_from_the_package_metadata(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"pressroom {VERSION}"
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    assert tomllib.loads(pyproject.read_text())["project"]["version"] == VERSION


def test_the_pages_step_hands_over_the_output_folder_and_checks_the_domain(tmp_path, monkeypatch, capsys):
    from generator.scaffold.pages_step import main as pages_step

    (tmp_path / "pressroom.toml").write_text('output = "public"\ncname = "news.example.org"\n')
    monkeypatch.chdir(tmp_path)
    outputs = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    assert pages_step(["https://owner.github.io/repo/"]) == 0
    assert outputs.read_text() == f"output={(tmp_path / 'public').resolve()}\n"
    assert "::warning title=Custom domain::" in capsys.readouterr().out
    assert pages_step(["https://news.example.org/"]) == 0
    assert "::warning" not in capsys.readouterr().out


def test_upgrade_never_deletes_outside_what_init_owns_whatever_the_record_says(tmp_path):
    import json

    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    record = json.loads((site / MANIFEST).read_text())
    for rel in ("content/welcome.md", "pressroom.toml", "../outside.txt"):
        record["files"][rel] = sha256((site / rel).read_bytes()) if (site / rel).is_file() else "0" * 64
    (tmp_path / "outside.txt").write_text("keep")
    (site / MANIFEST).write_text(json.dumps(record))
    assert main(["init", "--upgrade", str(site)]) == 0
    assert (site / "content/welcome.md").is_file() and (site / "pressroom.toml").is_file()
    assert (tmp_path / "outside.txt").read_text() == "keep"
