"""This repository's GitHub Pages workflow: schema-valid, builds the demo site, deploys with the Pages actions."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.config import load_config

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_workflow_is_valid_against_the_github_workflow_schema():
    check = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                            str(WORKFLOW)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_workflow_deploys_with_the_official_pages_actions(workflow):
    uses = [step.get("uses", "").split("@")[0] for step in _steps(workflow)]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses, action
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_workflow_builds_the_demo_site_with_the_pages_base_url(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    pages = next(step for step in steps if step.get("uses", "").startswith("actions/configure-pages"))
    runs = [step.get("run", "") for step in steps]
    assert any(f'pressroom build --base-url "${{{{ steps.{pages["id"]}.outputs.base_url }}}}/"' in run for run in runs)
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == load_config(ROOT).output      # what `pressroom build` writes
    order = [step.get("uses", step.get("run", "")) for step in steps]
    assert order.index(pages["uses"]) < next(i for i, s in enumerate(order) if "pressroom build" in s) < order.index(upload["uses"])
