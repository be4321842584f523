"""What changed paths mean for the build, decided once and passed on as a value.

`Changes.classify(paths, site_dir)` is the only place a path is given a kind (like Zola's
`detect_change_kind`): the watcher filters with it, the engine rebuilds from it, and the live
server asks it whether a batch was CSS only. Pure: it looks only at the paths.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_NAME, shipped_themes
from .content import CONTENT_SUFFIXES


class ChangeKind(enum.Enum):
    CONTENT = "content"
    SEED = "seed"
    TEMPLATE = "template"
    STATIC = "static"
    CONFIG = "config"
    IGNORED = "ignored"


_EDITOR_SUFFIXES = (".swp", ".swx", ".swo", ".swn", ".tmp", ".bak", ".orig", ".part", ".crdownload",
                    "___jb_tmp___", "___jb_old___", ".kate-swp")
_EDITOR_NAMES = {"4913", ".DS_Store", "Thumbs.db", "desktop.ini"}


def is_editor_junk(name: str) -> bool:
    """Swap, backup and lock files editors write next to the real one."""
    return (name in _EDITOR_NAMES or name.startswith((".", "#", "~$")) or name.endswith("~")
            or name.endswith(_EDITOR_SUFFIXES))


def change_kind(path: Path, site_dir: Path) -> ChangeKind:
    """What a changed path means for the build; pure (looks only at the path, like Zola's detect_change_kind)."""
    path, site_dir = Path(path), Path(site_dir)
    if not path.is_absolute():
        path = site_dir / path
    if not path.name or is_editor_junk(path.name):
        return ChangeKind.IGNORED
    try:
        rel = path.relative_to(site_dir).parts
    except ValueError:
        try:
            rel = ("themes", *path.relative_to(shipped_themes()).parts)
        except ValueError:
            return ChangeKind.IGNORED
    if not rel or any(part.startswith((".", "_", "#")) or part.endswith("~") for part in rel[:-1]):
        return ChangeKind.IGNORED
    if rel == (CONFIG_NAME,):
        return ChangeKind.CONFIG
    top = rel[0]
    if rel == ("content",):
        return ChangeKind.CONTENT      # content/ itself appeared, went away or was replaced: rescan it
    if rel == ("seeds",):
        return ChangeKind.SEED         # likewise seeds/ (import, then rescan content/)
    if top == "content" and len(rel) > 1:
        if rel[-1].startswith("_"):
            return ChangeKind.IGNORED
        suffix = Path(rel[-1]).suffix.lower()
        if suffix in CONTENT_SUFFIXES or not suffix:   # no suffix: maybe a folder that moved
            return ChangeKind.CONTENT
        return ChangeKind.IGNORED
    if top == "seeds" and len(rel) > 1:
        return ChangeKind.SEED
    if top == "static" and len(rel) > 1:
        return ChangeKind.STATIC       # the site's own static/, published at /static/
    if top == "themes":
        if len(rel) <= 2:
            return ChangeKind.TEMPLATE   # a theme folder appeared or went away
        if rel[2] == "static":
            return ChangeKind.STATIC
        if rel[2] in ("templates", "i18n"):     # i18n/: the theme's words, on every page
            return ChangeKind.TEMPLATE
    return ChangeKind.IGNORED


def needs_rescan(path: Path, site_dir: Path) -> bool:
    """Whether a CONTENT change must be answered by rescanning content/ rather than by reading one file:
    content/ itself, or a path under it without a Markdown suffix (a folder moved in, out or renamed)."""
    path, site_dir = Path(path), Path(site_dir)
    if not path.is_absolute():
        path = site_dir / path
    try:
        rel = path.relative_to(site_dir).parts
    except ValueError:
        return False
    return rel == ("content",) or (len(rel) > 1 and rel[0] == "content"
                                   and Path(rel[-1]).suffix.lower() not in CONTENT_SUFFIXES)


@dataclass(frozen=True)
class Changes:
    """One batch of changed paths (changed, added or deleted), each with its kind; ignored paths dropped."""

    site_dir: Path
    by_kind: tuple[tuple[ChangeKind, tuple[Path, ...]], ...] = ()

    @classmethod
    def classify(cls, paths: Iterable[Path | str], site_dir: Path) -> "Changes":
        site_dir = Path(site_dir)
        grouped: dict[ChangeKind, list[Path]] = {}
        for path in sorted({Path(p) if Path(p).is_absolute() else site_dir / p for p in paths}):
            kind = change_kind(path, site_dir)
            if kind is not ChangeKind.IGNORED:
                grouped.setdefault(kind, []).append(path)
        return cls(site_dir, tuple((kind, tuple(found)) for kind, found in grouped.items()))

    def __bool__(self) -> bool:
        return bool(self.by_kind)

    def __contains__(self, kind: object) -> bool:
        return any(found_kind is kind for found_kind, _ in self.by_kind)

    def of(self, kind: ChangeKind) -> tuple[Path, ...]:
        return next((paths for found_kind, paths in self.by_kind if found_kind is kind), ())

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(path for _, paths in self.by_kind for path in paths)

    @property
    def css_only(self) -> bool:
        """Only stylesheets changed: the open page can swap them without a reload."""
        return bool(self) and all(kind is ChangeKind.STATIC and path.suffix.lower() == ".css"
                                  for kind, paths in self.by_kind for path in paths)

    @property
    def rescan_content(self) -> bool:
        """content/ itself or a folder in it moved: rescan content/ rather than read single files."""
        return any(needs_rescan(path, self.site_dir) for path in self.of(ChangeKind.CONTENT))
