"""The one-edit builds the benchmark times, and the check that each edit is findable in the search index.

Each edit puts a new word (unique to the run) in a release: appended to the body, in a new release, or in
the title; `undo` puts the corpus back. `findable` reads the Pagefind fragments of the output (gzip'd JSON
with every indexed page's text) and says whether the word is in one of them.
"""
from __future__ import annotations

import gzip
import time
from pathlib import Path

KINDS = ("body", "new", "title")


def _target(site: Path, round_: int) -> Path:
    files = sorted((site / "content").rglob("release-*.md"))
    return files[(round_ * 7919 + 17) % len(files)]


def apply(site: Path, kind: str, round_: int) -> tuple[str, list[tuple[Path, str | None]]]:
    """Make the edit; returns (the new word, what `undo` needs: (path, previous text or None))."""
    word = f"zq{kind}{time.time_ns() % 10**9}"
    if kind == "new":
        path = site / "content" / "2024" / "12" / f"bench-new-{word}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: Bench new release {word}\ndate: 2024-12-30T10:00:00\ntags: [Energy]\n---\n\n"
                        f"A new release about the {word} programme.\n")
        return word, [(path, None)]
    path = _target(site, round_)
    text = path.read_text()
    if kind == "body":
        path.write_text(text + f"\nThe {word} scheme was announced today.\n")
    else:
        path.write_text(text.replace('title: "', f'title: "{word.capitalize()} ', 1))
    return word, [(path, text)]


def undo(changes: list[tuple[Path, str | None]]) -> None:
    for path, text in changes:
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text)


def findable(output: Path, word: str) -> bool:
    """The word is in the text of a page in the search index (any shard), as the search page would find it."""
    needle = word.encode()
    for fragment in (output / "pagefind").rglob("*.pf_fragment"):
        if fragment.stat().st_mtime < time.time() - 120:
            continue          # written before this edit: cannot hold the new word
        if needle in gzip.decompress(fragment.read_bytes()).lower():
            return True
    return False
