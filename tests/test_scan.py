"""The scan lists content files in path order (the build order of everything after it), whatever the names."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from generator.build.sources import content_files
from generator.content import CONTENT_SUFFIXES

ALPHABET = "aAbZ -._é0~#"


def random_tree(root: Path, rng: random.Random, depth: int = 0) -> None:
    for _ in range(rng.randint(1, 6)):
        name = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4)))
        if name in (".", ".."):
            continue
        if depth < 3 and rng.random() < 0.3:
            folder = root / (name + rng.choice(["", ".md"]))
            folder.mkdir(exist_ok=True)
            random_tree(folder, rng, depth + 1)
        else:
            path = root / (name + rng.choice([".md", ".MD", ".markdown", ".txt", ""]))
            if not path.exists():
                path.write_text("x")


def reference(content: Path) -> list[str]:
    """Every content file by the rules (no hidden or editor files, no links to folders), sorted by path parts."""
    found = []
    for folder, dirs, names in os.walk(content):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_", "#")) and not d.endswith("~")]
        for name in [*names, *dirs]:
            dot = name.rfind(".")
            if name.startswith((".", "_", "#")) or name.endswith("~") or dot <= 0:
                continue
            if name[dot:].lower() in CONTENT_SUFFIXES:
                found.append(Path(folder, name).relative_to(content).parts)
    return ["/".join(parts) for parts in sorted(found)]


@pytest.mark.parametrize("seed", range(20))
def test_content_files_come_in_path_order(tmp_path: Path, seed: int) -> None:
    content = tmp_path / "content"
    content.mkdir()
    random_tree(content, random.Random(seed))
    listed = content_files(content)
    assert [inside for inside, _ in listed] == reference(content)
    assert all(path == str(content / inside) for inside, path in listed)
