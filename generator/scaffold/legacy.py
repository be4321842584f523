"""The workflow Pressroom 0.1.0's `init` wrote, so `init --upgrade` can recognise and replace it.

Those sites have no `.pressroom/init.json`; their workflow is theirs to upgrade only if it is still,
byte for byte, what that `init` wrote (with whatever install command it was given).
"""
from __future__ import annotations

import re

_INSTALL = re.compile(r"^      - name: Install Pressroom\n        run: (.+)$", re.MULTILINE)

_TEMPLATE = """# Builds the site and publishes it on GitHub Pages.
# One-time setup: repository Settings -> Pages -> Build and deployment -> Source: "GitHub Actions".
name: Publish site to GitHub Pages

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
        run: @INSTALL@
      - name: Build the site
        # base_url is https://OWNER.github.io/REPO (or your custom domain); every link follows it.
        run: pressroom build --base-url "${{ steps.pages.outputs.base_url }}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: _site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def legacy_workflow(install: str) -> str:
    """The text 0.1.0's `init` wrote for this install command."""
    return _TEMPLATE.replace("@INSTALL@", install)


def is_legacy_workflow(text: str) -> bool:
    """True when `text` is exactly a workflow written by Pressroom 0.1.0's `init`."""
    match = _INSTALL.search(text)
    return match is not None and text == legacy_workflow(match.group(1))
