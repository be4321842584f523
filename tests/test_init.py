"""`pressroom init DIR`: a site folder that builds as is, and is never overwritten."""
from __future__ import annotations

import subprocess
import sys
import tomllib

from generator.build import build
from generator.cli import main
from generator.config import load_config

FILES = ["pressroom.toml", "content/welcome.md", "seeds/.gitkeep", ".gitignore", ".github/workflows/pages.yml"]


def test_init_scaffolds_a_site_that_builds(tmp_path, capsys):
    site = tmp_path / "harbour-news"
    assert main(["init", str(site)]) == 0
    printed = capsys.readouterr().out
    for rel in FILES:
        assert (site / rel).is_file(), rel
        assert f"created {rel}" in printed
    assert tomllib.loads((site / "pressroom.toml").read_text())["title"] == "Harbour News"
    ignored = (site / ".gitignore").read_text().splitlines()
    assert "_site/" in ignored and ".pressroom-cache/" in ignored
    result = build(load_config(site, base_url="https://example.org/REPO/"), run_import=False)
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
    assert (site / ".github" / "workflows" / "pages.yml").read_text() == "mine"


def test_init_into_an_existing_folder_keeps_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("keep")
    assert main(["init", str(tmp_path), "--title", 'The "Quoted" \\ Office']) == 0
    assert (tmp_path / "notes.txt").read_text() == "keep"
    config = load_config(tmp_path)
    assert config.title == 'The "Quoted" \\ Office'
    result = build(config, run_import=False)
    assert not result.errors, result.errors


def test_the_workflow_init_writes_is_a_valid_pages_workflow(tmp_path):
    assert main(["init", str(tmp_path), "--pressroom", "git+https://github.com/example/pressroom"]) == 0
    workflow = tmp_path / ".github" / "workflows" / "pages.yml"
    check = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                            str(workflow)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    text = workflow.read_text()
    assert 'pip install "git+https://github.com/example/pressroom"' in text
    assert 'pressroom build --base-url "${{ steps.pages.outputs.base_url }}/"' in text
