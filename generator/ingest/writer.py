"""Releases -> content files: front matter + body, written atomically, never over hand edits.

Each file the importer writes ends its front matter with
``import_sha256: <hex>``: the SHA-256 of the file's UTF-8 text as written, without
that one line. If the file no longer hashes to it, a person edited it, and the importer
leaves it alone (reported as `kept`) unless forced.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

import yaml

from generator.urls import slugify

from .model import Release

IMPORT_LINE = re.compile(r"^import_sha256: ([0-9a-f]{64})\n", re.M)
SEED_LINE = re.compile(r"^seed: (.+)$", re.M)


def front_matter(release: Release) -> dict:
    when = release.date
    if isinstance(when, datetime) and when.tzinfo is None:
        when = when.replace(microsecond=0)
    meta: dict = {"title": release.title, "date": when}
    if release.draft:
        meta["draft"] = True
        meta["review"] = list(release.review) or ["check the title and date"]
    if release.slug:
        meta["slug"] = release.slug
    meta.update({
        "authors": list(release.authors),
        "source": release.source,
    })
    if release.language:
        meta["language"] = release.language
    meta.update({
        "kind": release.kind,
        "summary": release.summary,
        "tags": list(release.tags),
        "images": [image.as_dict() for image in release.images],
        "seed": release.seed,
        "seed_sha256": release.seed_sha256,
        "unsafe_html": False,
    })
    return meta


def release_to_markdown(release: Release) -> str:
    """The whole content file, ending its front matter with `import_sha256` (see module doc)."""
    meta = yaml.safe_dump(front_matter(release), allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=False)
    body = release.body if release.body.endswith("\n") else release.body + "\n"
    unsigned = f"---\n{meta}---\n\n{body}"
    digest = hashlib.sha256(unsigned.encode("utf-8")).hexdigest()
    return f"---\n{meta}import_sha256: {digest}\n---\n\n{body}"


def untouched(text: str) -> bool:
    """True when `text` is exactly what the importer wrote (its import_sha256 still matches)."""
    found = IMPORT_LINE.findall(text)
    if len(found) != 1:
        return False
    unsigned = IMPORT_LINE.sub("", text, count=1)
    return hashlib.sha256(unsigned.encode("utf-8")).hexdigest() == found[0]


def seed_of(text: str) -> str | None:
    head = text[: text.find("\n---", 3) + 1] if text.startswith("---") else ""
    m = SEED_LINE.search(head)
    if not m:
        return None
    try:
        value = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return None
    return str(value) if value is not None else None


def content_path(content_dir: Path, release: Release, taken: set[Path], seed: str) -> Path:
    """content/YYYY/slug.md (content/undated/ without a date), with -2, -3… when another seed
    already owns that name; the file's stem is the slug the release is published under."""
    slug = slugify(release.title) or slugify(Path(seed).stem) or "release"
    folder = content_dir / (f"{release.day.year:04d}" if release.day else "undated")
    n = 1
    while True:
        candidate = folder / (f"{slug}.md" if n == 1 else f"{slug}-{n}.md")
        if candidate not in taken:
            owner = read_text(candidate)
            if owner is None or seed_of(owner) == seed:
                return candidate
        n += 1


def read_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
