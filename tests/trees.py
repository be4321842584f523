"""Output folders as data, for tests that compare a build with a clean one byte for byte."""
from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import build
from generator.cache import CACHE_DIR
from generator.config import load_config


def output_tree(folder: Path) -> dict[str, bytes]:
    """Every file's bytes; the output marker without the line that names the build which wrote it."""
    return {p.relative_to(folder).as_posix(): p.read_bytes().split(b"\n")[0] if p.name == ".pressroom-output"
            else p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(site: Path, scratch: Path) -> dict[str, bytes]:
    """A cold build of a copy of the site's files (no cache, no output): the reference to compare with."""
    copy = scratch / "reference"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("_site", CACHE_DIR, "._site*"))
    build(load_config(copy), run_import=False, search=False)
    return output_tree(copy / "_site")
