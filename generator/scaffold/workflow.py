"""The GitHub Actions workflows `init` writes: build the site, deploy it with the official Pages actions.

Two files from one template: `pages.yml` runs on every push to main (and by hand), and
`pages-scheduled.yml` runs the same jobs on a schedule, so a release dated in the future goes live
within the hour of its time. They are separate because GitHub disables a scheduled workflow after
60 days without activity in a public repository, and that must not stop the push deploys too.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..cache import CACHE_DIR

WORKFLOW_PATH = ".github/workflows/pages.yml"
SCHEDULED_PATH = ".github/workflows/pages-scheduled.yml"
STEP_MODULE = "generator.scaffold.pages_step"

# The current major versions of the official actions (checked December 2026).
ACTIONS = {
    "checkout": "actions/checkout@v7",
    "setup-python": "actions/setup-python@v7",
    "configure-pages": "actions/configure-pages@v6",
    "cache": "actions/cache@v5",
    "upload-pages-artifact": "actions/upload-pages-artifact@v5",
    "deploy-pages": "actions/deploy-pages@v5",
}


@dataclass(frozen=True)
class Install:
    """How the runner gets Pressroom, and which files name that Pressroom (the caches are keyed on them)."""

    command: str                      # e.g. python -m pip install --constraint ... .pressroom/pressroom-...whl
    key_files: tuple[str, ...]        # e.g. (".pressroom/**",): a change of Pressroom changes the keys
    python: str = "3.11"
    version: str = ""                 # the Pressroom version, named in the header


def workflows(install: Install, cron: str, *, name: str = "Publish site to GitHub Pages") -> dict[str, str]:
    """Relative path -> text of the Pages workflow, and of the scheduled one unless `cron` is empty."""
    files = {WORKFLOW_PATH: pages_workflow(install, name=name)}
    if cron.strip():
        files[SCHEDULED_PATH] = pages_workflow(install, name=f"{name} on schedule", cron=cron)
    return files


def pages_workflow(install: Install, *, name: str, cron: str = "", header: str | None = None) -> str:
    """One workflow: on push to main and by hand, or (with `cron`) on that schedule only."""
    top = _header(install, cron) if header is None else header
    return top + f"name: {name}\n\n" + _triggers(cron) + _COMMON + _build_job(install) + _DEPLOY_JOB


# Pressroom's own demo site (this repository is a site folder) is published by the same template.
OWN_INSTALL = Install("python -m pip install .", ("pyproject.toml", "generator/**"))
OWN_NAME = "Publish the demo site to GitHub Pages"
OWN_HEADER = """# Builds Pressroom's own demo site (this repository is itself a site folder: content/, seeds/)
# and publishes it on GitHub Pages. Made by the template `pressroom init` uses
# (generator/scaffold/workflow.py); tests/test_workflow.py keeps this file equal to it.
# One-time setup: repository Settings -> Pages -> Build and deployment -> Source: "GitHub Actions".
"""


def own_workflow() -> str:
    return pages_workflow(OWN_INSTALL, name=OWN_NAME, header=OWN_HEADER)


def _header(install: Install, cron: str) -> str:
    made = f" by Pressroom {install.version}" if install.version else ""
    lines = [f"# Written{made} (`pressroom init`): builds the site and publishes it on GitHub Pages.",
             "# `pressroom init --upgrade` rewrites this file for the Pressroom you run; edit pressroom.toml, not this.",
             "# One-time setup: repository Settings -> Pages -> Build and deployment -> Source: \"GitHub Actions\"."]
    if cron:
        lines += ["# Runs on a schedule so releases dated in the future go live on time. GitHub turns a scheduled",
                  "# workflow off after 60 days without activity in a public repository: push something, or enable",
                  "# it again under Actions (pushes still deploy through pages.yml meanwhile)."]
    return "\n".join(lines) + "\n"


def _triggers(cron: str) -> str:
    if cron:
        return ("on:\n  schedule:\n    # pressroom.toml `schedule`; `pressroom init --upgrade` writes a new one here.\n"
                f"    - cron: \"{cron}\"\n\n")
    return "on:\n  push:\n    branches: [main]\n  workflow_dispatch:\n\n"


_COMMON = """permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time (scheduled runs included); a newer run does not cancel one already publishing.
concurrency:
  group: pages
  cancel-in-progress: false

"""


def _hash(files: tuple[str, ...]) -> str:
    return "hashFiles(" + ", ".join(f"'{f}'" for f in files) + ")"


def _build_job(install: Install) -> str:
    pip_key = f"pip-${{{{ runner.os }}}}-py${{{{ steps.python.outputs.python-version }}}}-${{{{ {_hash(install.key_files)} }}}}"
    site_files = (*install.key_files, "themes/**", "pressroom.toml")
    build_key = (f"pressroom-build-${{{{ runner.os }}}}-py${{{{ steps.python.outputs.python-version }}}}"
                 f"-${{{{ {_hash(site_files)} }}}}-")
    return f"""jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: {ACTIONS["checkout"]}
      - id: python
        uses: {ACTIONS["setup-python"]}
        with:
          python-version: "{install.python}"
      - id: pages
        uses: {ACTIONS["configure-pages"]}
      - name: Cache pip downloads (a new Pressroom or library pin starts a new cache)
        uses: {ACTIONS["cache"]}
        with:
          path: ~/.cache/pip
          key: {pip_key}
      - name: Install Pressroom
        run: {install.command}
      - name: Find the output folder (pressroom.toml `output`) and check the custom domain
        id: site
        run: python -m {STEP_MODULE} "${{{{ steps.pages.outputs.base_url }}}}/"
      # The last run's output folder comes back with the cache that describes it, so the build writes only
      # what changed (a new release: its page, the listings it joins, one search shard) and uploads the whole site.
      - name: Restore the build cache and the last output (a new Pressroom, theme or pressroom.toml starts clean)
        uses: {ACTIONS["cache"]}
        with:
          path: |
            {CACHE_DIR}
            ${{{{ steps.site.outputs.output }}}}
          key: {build_key}${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
          restore-keys: {build_key}
      - name: Build the site
        # base_url is https://OWNER.github.io/REPO, or your custom domain once it is set under Settings -> Pages.
        run: pressroom build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: {ACTIONS["upload-pages-artifact"]}
        with:
          path: ${{{{ steps.site.outputs.output }}}}

"""


_DEPLOY_JOB = f"""  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: {ACTIONS["deploy-pages"]}
"""
