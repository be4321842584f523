"""This repository's workflows: the demo site's Pages workflow (the same template `init` writes) and the
release workflow (tests, then build, then PyPI by trusted publishing). Schema-valid and actionlint-clean."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.config import load_config
from generator.scaffold.workflow import ACTIONS, own_workflow
from tests.workflow_tools import (actionlint, assert_actionlint_passes, assert_schema_valid,  # noqa: F401
                                  run_actionlint)

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
RELEASE = WORKFLOWS / "release.yml"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_every_workflow_is_valid_against_the_github_workflow_schema():
    assert_schema_valid(*sorted(WORKFLOWS.glob("*.yml")))


def test_every_workflow_passes_actionlint(actionlint):
    assert_actionlint_passes(actionlint, ROOT, expected_files=len(list(WORKFLOWS.glob("*.yml"))))


def test_actionlint_really_checks(actionlint, tmp_path):
    """The check above can fail: an undefined step output and a retired action version are caught."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "bad.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v1\n      - run: echo ${{ steps.nope.outputs.x }}\n")
    result = run_actionlint(actionlint, tmp_path)
    assert result.returncode != 0 and "nope" in result.stdout, result.stdout


def test_the_demo_site_is_published_by_the_template_init_writes():
    assert PAGES.read_text(encoding="utf-8") == own_workflow()


def test_pages_workflow_uses_the_current_official_actions(tmp_path):
    workflow = _load(PAGES)
    uses = {step["uses"] for step in _steps(workflow) if "uses" in step}
    assert set(ACTIONS.values()) <= uses
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_pages_workflow_builds_with_the_pages_base_url_and_uploads_the_output(tmp_path):
    steps = _load(PAGES)["jobs"]["build"]["steps"]
    pages = next(step for step in steps if step.get("uses", "").startswith("actions/configure-pages"))
    build = next(step for step in steps if "pressroom build" in step.get("run", ""))
    output = next(step for step in steps if "generator.scaffold.pages_step" in step.get("run", ""))
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert f'pressroom build --base-url "${{{{ steps.{pages["id"]}.outputs.base_url }}}}/"' in build["run"]
    assert upload["with"]["path"] == f"${{{{ steps.{output['id']}.outputs.output }}}}"
    assert steps.index(pages) < steps.index(output) < steps.index(build) < steps.index(upload)
    assert load_config(ROOT).output == "_site"      # what the pages step hands over for this repository


@pytest.fixture(scope="module")
def release() -> dict:
    return _load(RELEASE)


def test_release_runs_on_version_tags_only(release):
    assert release[True] == {"push": {"tags": ["v*"]}}      # YAML reads the key `on` as True
    assert release["permissions"] == {"contents": "read"}


def test_release_publishes_only_after_the_tests_and_the_checked_build(release):
    jobs = release["jobs"]
    assert jobs["build"]["needs"] == "test" and jobs["publish"]["needs"] == "build"
    assert any("bash .ci/run" in step.get("run", "") for step in jobs["test"]["steps"])
    build_runs = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "python -m build" in build_runs and "twine check --strict dist/*" in build_runs
    assert '"$GITHUB_REF_NAME" != "v$version"' in build_runs      # the tag must be the package version


def test_release_uses_trusted_publishing_and_no_token(release):
    publish = release["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    upload = next(step for step in publish["steps"] if "gh-action-pypi-publish" in step.get("uses", ""))
    assert upload["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    assert "with" not in upload                       # no password, no token: PyPI trusts the OIDC identity
    assert "secrets." not in RELEASE.read_text()
    for job in ("test", "build"):
        assert "id-token" not in str(release["jobs"][job].get("permissions", {}))
