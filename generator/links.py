"""Links and images in a release's body, made to work wherever the site is published.

- Root-relative addresses (`/static/x.jpg`, `/about/`) move under the base path (`/REPO/static/x.jpg`).
- Files placed beside a release and linked relatively (`photo.jpg`, `images/map.png`), and every file in a
  page bundle (`content/2024/my-release/index.md` and its folder), are published beside its page.
- Local images get `width` and `height` from the file (Pillow), so the page does not jump as they load.
- A local image or file that does not exist is a warning naming the release and the line.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .config import shipped_themes
from .errors import Problem, problem

# src/href of the elements Markdown (or trusted raw HTML) writes; values are already HTML-escaped.
_ATTRIBUTE = re.compile(r'(<(?P<tag>img|a|source|video|audio)\b[^>]*?\s)(?P<name>src|href)="(?P<value>[^"]*)"', re.I)
_HAS_SIZE = re.compile(r"\s(?:width|height)=", re.I)
_CONTENT_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Asset:
    """A file published beside a page: its site-relative source and its output path."""

    source: str
    target: str


@dataclass(frozen=True)
class Place:
    """Where a release's body lives: its file, its page's route, the site, the base path and the body text."""

    rel: str
    route: str
    site_dir: Path
    base_path: str
    body: str
    body_line: int


def localise(body_html: str, place: Place) -> tuple[str, tuple[Asset, ...], tuple[Problem, ...]]:
    """The body with its local links fixed, the files to publish beside the page, and the missing ones."""
    assets: dict[str, Asset] = {}
    problems: list[Problem] = []

    def fix(match: re.Match[str]) -> str:
        value = html.unescape(match.group("value"))
        new, size = _resolve(value, match.group("tag").lower(), place, assets, problems)
        start = match.group(1)
        if size and match.group("tag").lower() == "img" and not _HAS_SIZE.search(start):
            start = f'{start}width="{size[0]}" height="{size[1]}" '
        return f'{start}{match.group("name")}="{html.escape(new, quote=True)}"'

    fixed = _ATTRIBUTE.sub(fix, body_html)
    for asset in bundle_files(place):
        assets.setdefault(asset.target, asset)
    return fixed, tuple(sorted(assets.values(), key=lambda a: a.target)), tuple(problems)


def _resolve(value: str, tag: str, place: Place, assets: dict[str, Asset],
             problems: list[Problem]) -> tuple[str, tuple[int, int] | None]:
    """(the address to write, the image size when known) for one src/href."""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path or value.startswith(("#", "//")):
        return value, None                         # elsewhere on the web, or in this page
    if parts.path.startswith("/"):
        return _root_relative(value, parts.path, tag, place, problems)
    if parts.path.lower().endswith(_CONTENT_SUFFIXES):
        return value, None                         # a link to another content file: `pressroom check` looks at it
    source = (place.site_dir / place.rel).parent / unquote(parts.path)
    try:
        source = source.resolve()
        inside = source.is_file() and place.site_dir.resolve() in source.parents
    except OSError:
        inside = False
    if not inside:
        if tag in ("img", "source", "video", "audio") or "." in PurePosixPath(parts.path).name:
            problems.append(_missing(value, place))
        return value, None
    relative = PurePosixPath(unquote(parts.path))
    if ".." in relative.parts:                     # published beside the page under its own name
        relative = PurePosixPath(relative.name)
        value = value.replace(parts.path, relative.as_posix(), 1)
    target = place.route + relative.as_posix()
    assets[target] = Asset(source.relative_to(place.site_dir.resolve()).as_posix(), target)
    return value, image_size(source) if tag == "img" else None


def _root_relative(value: str, path: str, tag: str, place: Place,
                   problems: list[Problem]) -> tuple[str, tuple[int, int] | None]:
    """'/static/x.jpg' -> '/REPO/static/x.jpg'; a missing site or theme static file is reported."""
    size = None
    if path.startswith("/static/"):
        found = static_source(place.site_dir, unquote(path[len("/static/"):]))
        if found is None:
            problems.append(_missing(value, place))
        elif tag == "img":
            size = image_size(found)
    if place.base_path != "/" and not path.startswith(place.base_path):
        value = place.base_path + value[1:]
    return value, size


def static_source(site_dir: Path, rel: str) -> Path | None:
    """The file `/static/<rel>` is published from: the site's static/, or a theme's."""
    if ".." in PurePosixPath(rel).parts:
        return None
    themes = [t for root in (site_dir / "themes", shipped_themes()) if root.is_dir() for t in sorted(root.iterdir())]
    candidates = [site_dir / "static" / rel, *(theme / "static" / rel for theme in themes)]
    return next((c for c in candidates if c.is_file()), None)


def bundle_files(place: Place) -> list[Asset]:
    """Every other file in a page bundle (a release written as `<folder>/index.md`), published beside its page."""
    source = place.site_dir / place.rel
    if source.name != "index.md":
        return []
    folder = source.parent
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and path != source and not any(p.startswith((".", "_")) for p in rel.parts) \
                and path.suffix.lower() not in _CONTENT_SUFFIXES:
            found.append(Asset(path.relative_to(place.site_dir).as_posix(), place.route + rel.as_posix()))
    return found


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) of an image file, read from its header; None for anything Pillow cannot read."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:      # pragma: no cover - Pillow is a dependency
        return None
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def _missing(value: str, place: Place) -> Problem:
    line = next((place.body_line + n for n, text in enumerate(place.body.split("\n")) if value in text),
                place.body_line)
    return problem(place.rel, line, f"links to '{value}', which is not in the site; add the file or fix the link",
                   warning=True)
