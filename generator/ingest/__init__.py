"""Importer: raw press releases in seeds/ -> front-mattered Markdown in content/.

`parse_seed` is pure (bytes in, releases out, `PressroomError` for anything it cannot
import; a `Problem` with `warning=True` means "not an article, skipped on purpose").
`import_seeds` walks seeds/, writes content/YYYY/slug.md atomically and idempotently and
never overwrites a file a person has edited (see `writer` for the `import_sha256` line).
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from generator.errors import Problem, PressroomError, fail, problem

from .capture import parse_capture
from .feeds import looks_like_feed, parse_feed
from .html import looks_like_html, parse_html
from .markdown import has_front_matter, parse_markdown
from .model import Image, Release
from .text import decode
from .writer import content_path, inside, read_text, release_to_markdown, seed_of, untouched, write_atomic

__all__ = ["ImportReport", "Image", "Release", "import_seeds", "parse_seed", "release_to_markdown", "SEED_SUFFIXES"]

SEED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".xml", ".rss", ".atom", "")
MAX_SEED_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ImportReport:
    written: tuple[Path, ...]      # content files created or updated
    unchanged: tuple[Path, ...]    # already up to date
    kept: tuple[Path, ...]         # hand-edited content files left alone (not overwritten)
    skipped: tuple[Problem, ...]   # seeds not imported; warning=True when "not an article"
    removed: tuple[Path, ...] = ()  # untouched files of a seed that now imports under another name

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.skipped)


def parse_seed(path: Path, data: bytes, *, vocabulary: Sequence[str] = ()) -> list[Release]:
    """Parse one seed file's bytes. Pure. Raises only `PressroomError`."""
    rel = PurePath(path).as_posix()
    try:
        text = decode(rel, data)
        suffix = PurePath(path).suffix.lower()
        vocab = tuple(vocabulary)
        if has_front_matter(text):
            releases = [parse_markdown(rel, text, vocab)]
        elif looks_like_feed(text, suffix):
            releases = parse_feed(rel, text, vocab)
        elif looks_like_html(text, suffix):
            releases = [parse_html(rel, text, vocab)]
        else:
            releases = [parse_capture(rel, text, vocab)]
    except PressroomError:
        raise
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError, OverflowError) as exc:
        raise fail(rel, 0, f"cannot make sense of this capture ({type(exc).__name__}: {str(exc)[:80]})") from None
    digest = hashlib.sha256(data).hexdigest()
    return [replace(r, seed=rel, seed_sha256=digest) for r in releases]


def import_seeds(seeds_dir: Path, content_dir: Path, *, site_dir: Path, vocabulary: Sequence[str] = (),
                 force: bool = False) -> ImportReport:
    """Import every seed under `seeds_dir` into `content_dir`; see the module doc."""
    written: list[Path] = []
    unchanged: list[Path] = []
    kept: list[Path] = []
    skipped: list[Problem] = []
    removed: list[Path] = []
    existing = _existing_outputs(content_dir)
    taken: set[Path] = set()
    for seed in _seed_files(seeds_dir):
        rel = _relative(seed, site_dir)
        try:
            size = seed.stat().st_size
            if size > MAX_SEED_BYTES:
                raise fail(rel, 0, f"seed is {size // 1024 // 1024} MB, over the {MAX_SEED_BYTES // 1024 // 1024} MB limit")
            data = seed.read_bytes()
            releases = parse_seed(PurePath(rel), data, vocabulary=vocabulary)
            if not releases:
                raise fail(rel, 0, "no article found in this file")
        except OSError as exc:
            skipped.append(problem(rel, 0, f"cannot read this seed ({exc.strerror or exc})"))
            continue
        except PressroomError as exc:
            skipped.append(exc.problem)
            continue
        targets: list[Path] = []
        for release in releases:
            target = content_path(content_dir, release, taken, rel)
            if not inside(target, content_dir):
                skipped.append(problem(rel, 0, f"refusing to write outside content/: {target}"))
                continue
            taken.add(target)
            targets.append(target)
            text = release_to_markdown(release)
            current = read_text(target)
            if current == text:
                unchanged.append(target)
            elif current is not None and not untouched(current) and not force:
                kept.append(target)
            else:
                write_atomic(target, text)
                written.append(target)
        for old in existing.get(rel, ()):
            if old not in targets and old not in taken:
                current = read_text(old)
                if current is not None and untouched(current):
                    old.unlink()
                    removed.append(old)
    return ImportReport(tuple(written), tuple(unchanged), tuple(kept), tuple(skipped), tuple(removed))


def _seed_files(seeds_dir: Path) -> list[Path]:
    if not seeds_dir.is_dir():
        return []
    files = []
    for path in sorted(seeds_dir.rglob("*")):
        parts = path.relative_to(seeds_dir).parts
        if any(p.startswith(".") or p.endswith("~") for p in parts) or not path.is_file():
            continue
        files.append(path)   # any suffix: parse_seed decides (a binary file gets a clear error)
    return files


def _existing_outputs(content_dir: Path) -> dict[str, list[Path]]:
    """seed path -> content files written from it (read from their `seed:` line)."""
    found: dict[str, list[Path]] = {}
    if not content_dir.is_dir():
        return found
    for path in sorted(content_dir.rglob("*.md")):
        text = read_text(path)
        seed = seed_of(text) if text else None
        if seed:
            found.setdefault(seed, []).append(path)
    return found


def _relative(path: Path, site_dir: Path) -> str:
    try:
        return path.resolve().relative_to(site_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
