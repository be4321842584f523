"""`import_seeds`: every seed under seeds/ -> content files, with the report `pressroom import` prints."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path, PurePath
from zoneinfo import ZoneInfo

from generator.errors import PressroomError, Problem, fail, problem

from .seed import MAX_CONTENT_BYTES, MAX_SEED_BYTES, read_seed
from .model import Release
from .writer import content_path, inside, read_text, release_to_markdown, seed_of, untouched, write_atomic


@dataclass(frozen=True)
class ImportReport:
    written: tuple[Path, ...]      # content files created or updated
    unchanged: tuple[Path, ...]    # already up to date
    kept: tuple[Path, ...]         # hand-edited content files left alone (not overwritten)
    skipped: tuple[Problem, ...]   # seeds not imported; warning=True when "not an article"
    removed: tuple[Path, ...] = ()  # untouched files of a seed that now imports under another name
    review: tuple[tuple[Path, tuple[str, ...]], ...] = field(default=())   # drafts to check, with why

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.skipped)

    def review_lines(self, site_dir: Path) -> list[str]:
        """'content/2024/x.md: draft: no year in the dateline; …' for every file an editor must check."""
        lines = []
        for path, reasons in self.review:
            try:
                shown = path.relative_to(site_dir).as_posix()
            except ValueError:
                shown = path.as_posix()
            lines.append(f"{shown}: draft: {'; '.join(reasons)}")
        return lines


@dataclass
class _Run:
    content_dir: Path
    force: bool
    existing: dict[str, list[Path]]
    taken: set[Path] = field(default_factory=set)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    review: list[tuple[Path, tuple[str, ...]]] = field(default_factory=list)

    def report(self) -> ImportReport:
        return ImportReport(tuple(self.written), tuple(self.unchanged), tuple(self.kept), tuple(self.skipped),
                            tuple(self.removed), tuple(self.review))


def import_seeds(seeds_dir: Path, content_dir: Path, *, site_dir: Path, vocabulary: Sequence[str] = (),
                 force: bool = False, timezone: str | tzinfo = "UTC", language: str = "en") -> ImportReport:
    """Import every seed under `seeds_dir` into `content_dir`.

    `timezone` (the site's) decides the day of a feed item's or wire story's timestamp;
    `language` (the site's) is left out of front matter, other languages are written."""
    zone = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    run = _Run(content_dir, force, _existing_outputs(content_dir))
    for seed in _seed_files(seeds_dir):
        rel = _relative(seed, site_dir)
        releases = _parse(run, seed, rel, vocabulary, zone, language)
        if releases is None:
            continue
        targets = [target for release in releases if (target := _write(run, release, rel)) is not None]
        for old in run.existing.get(rel, ()):
            if old not in targets and old not in run.taken:
                current = read_text(old)
                if current is not None and untouched(current):
                    old.unlink()
                    run.removed.append(old)
    return run.report()


def _parse(run: _Run, seed: Path, rel: str, vocabulary: Sequence[str], zone: tzinfo, language: str) -> list[Release] | None:
    try:
        size = seed.stat().st_size
        if size > MAX_SEED_BYTES:
            raise fail(rel, 0, f"seed is {size // 1024 // 1024} MB, over the {MAX_SEED_BYTES // 1024 // 1024} MB limit")
        releases, left_out = read_seed(PurePath(rel), seed.read_bytes(), vocabulary=vocabulary, zone=zone,
                                       site_language=language)
        run.skipped.extend(left_out)
        if not releases:
            raise fail(rel, 0, "no article found in this file")
    except OSError as exc:
        run.skipped.append(problem(rel, 0, f"cannot read this seed ({exc.strerror or exc})"))
        return None
    except PressroomError as exc:
        run.skipped.append(exc.problem)
        return None
    return releases


def _write(run: _Run, release: Release, rel: str) -> Path | None:
    target = content_path(run.content_dir, release, run.taken, rel)
    if not inside(target, run.content_dir):
        run.skipped.append(problem(rel, 0, f"refusing to write outside content/: {target}"))
        return None
    release = replace(release, slug=target.stem)
    text = release_to_markdown(release)
    size = len(text.encode("utf-8"))
    if size > MAX_CONTENT_BYTES:
        run.skipped.append(problem(rel, 0, f"'{release.title[:60]}' would be a {size // 1024} KB content file, over the "
                                           f"{MAX_CONTENT_BYTES // 1024 // 1024} MB limit of a content file; split the seed"))
        return None
    run.taken.add(target)
    current = read_text(target)
    if current is not None and current != text and not untouched(current) and not run.force:
        run.kept.append(target)      # edited by hand: the editor has it; not listed for review again
        return target
    if release.draft:
        run.review.append((target, release.review or ("check the title and date",)))
    if current == text:
        run.unchanged.append(target)
    else:
        write_atomic(target, text)
        run.written.append(target)
    return target


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
