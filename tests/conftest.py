"""Shared fixtures: a temp-dir site factory that builds real sites from Markdown files."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildResult, build
from generator.config import load_config


class SiteFactory:
    """Write a site folder file by file, then build it like the CLI does."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "content").mkdir(parents=True, exist_ok=True)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def article(self, name: str, title: str, date: str, body: str = "Body text.", **meta: Any) -> Path:
        lines = [f"title: {title!r}" if ":" in title or title[:1] in "[{'\"&*!|>%@`#" else f"title: {title}", f"date: {date}"]
        for key, value in meta.items():
            lines.append(f"{key}: {value}")
        return self.write(f"content/{name}.md", "---\n" + "\n".join(lines) + "\n---\n" + body + "\n")

    def config(self, text: str) -> Path:
        return self.write("pressroom.toml", text)

    def build(self, **overrides: Any) -> BuildResult:
        strict = overrides.pop("strict", False)
        overrides.setdefault("base_url", "https://example.org/REPO/")
        return build(load_config(self.root, **overrides), strict=strict, run_import=False)

    @property
    def out(self) -> Path:
        return self.root / "_site"

    def html(self, route: str) -> str:
        file = self.out / (route + "index.html" if route == "" or route.endswith("/") else route)
        return file.read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> SiteFactory:
    return SiteFactory(tmp_path / "site")
