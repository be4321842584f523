"""`pressroom init DIR`: a new site folder that builds, and deploys to GitHub Pages, as is.

Writes pressroom.toml, a first release in content/, an empty seeds/, the Pages workflow
and a .gitignore. Nothing is ever overwritten: if any file it would write exists, it
writes nothing and says which.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .errors import fail

DEFAULT_PACKAGE = f"pressroom[search]=={__version__}"
WORKFLOW_PATH = ".github/workflows/pages.yml"


def pages_workflow(install: str, *, name: str = "Publish site to GitHub Pages") -> str:
    """The GitHub Actions workflow that builds the site and deploys it with the official Pages actions.

    `install` is the shell command that installs Pressroom on the runner.
    """
    return f"""# Builds the site and publishes it on GitHub Pages.
# One-time setup: repository Settings -> Pages -> Build and deployment -> Source: "GitHub Actions".
name: {name}

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a newer push does not cancel one already publishing.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - id: pages
        uses: actions/configure-pages@v5
      - name: Install Pressroom
        run: {install}
      - name: Build the site
        # base_url is https://OWNER.github.io/REPO (or your custom domain); every link follows it.
        run: pressroom build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: _site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)   # a JSON string is a valid TOML basic string


def site_files(title: str, package: str = DEFAULT_PACKAGE) -> dict[str, str]:
    """Relative path -> text of every file `init` writes."""
    today = datetime.now(timezone.utc).date().isoformat()
    return {
        "pressroom.toml": f"""# Pressroom site settings. Every key is optional; see the README for all of them.
title = {_toml_string(title)}
description = "News and press releases"
# The public address of the site. The GitHub Pages workflow passes its own with --base-url.
base_url = "http://localhost:8000/"
language = "en"
timezone = "UTC"
per_page = 10
# Newest releases in the feeds, and whether they carry the full text (else the summary).
feed_entries = 20
feed_full_content = true
# A custom domain for GitHub Pages, written to CNAME, e.g. "news.example.org".
cname = ""
""",
        "content/welcome.md": f"""---
title: {_toml_string(title + " is live")}
date: {today}
tags: [Announcements]
summary: The first release on our new press site.
---

Welcome to **{title}**. This is the first release: edit it in `content/welcome.md`, or add more
Markdown files anywhere under `content/`, each starting with a `title` and a `date`.

Raw press releases dropped into `seeds/` are turned into Markdown in `content/` on the next build.
""",
        "seeds/.gitkeep": "",
        ".gitignore": "# Pressroom output and cache\n_site/\n._site.*/\n.pressroom-cache/\n",
        WORKFLOW_PATH: pages_workflow(f'pip install "{package}"'),
    }


def init_site(site_dir: Path, *, title: str | None = None, package: str = DEFAULT_PACKAGE) -> list[str]:
    """Scaffold a site in `site_dir` (created if needed); returns the files written, in order."""
    site_dir = site_dir.resolve()
    if site_dir.exists() and not site_dir.is_dir():
        raise fail(str(site_dir), 0, "is a file, not a folder; choose another place for the new site")
    files = site_files(title or _title_from(site_dir), package)
    existing = [rel for rel in files if (site_dir / rel).exists() or (site_dir / rel).is_symlink()]
    if existing:
        raise fail(str(site_dir), 0, "already holds " + ", ".join(existing)
                   + "; init never overwrites files: pick an empty folder, or move them away first")
    written = []
    for rel, text in files.items():
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(rel)
    return written


def _title_from(site_dir: Path) -> str:
    words = site_dir.name.replace("-", " ").replace("_", " ").split()
    return " ".join(word.capitalize() for word in words) or "Pressroom"
