"""`pressroom new "Title"`: a new draft release at `content/YYYY/slug.md`, written from an archetype.

The archetype is `archetypes/release.md` in the site, else the theme's (`themes/<name>/archetypes/release.md`,
the default theme's last). It is a Jinja template of the file, given `title`, `date` (now, in the site's
timezone, as `YYYY-MM-DD HH:MM`), `slug`, `year`, `month` and `language`; the `yaml` filter quotes a value
for front matter. A file is never overwritten: a second "Title" in a year is `slug-2.md`.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import jinja2

from .config import Config
from .errors import fail
from .render import theme_dirs
from .urls import slugify

ARCHETYPE = Path("archetypes") / "release.md"
MAX_TRIES = 1000


def archetype_path(config: Config) -> Path:
    """The archetype a new release is written from: the site's own, else the theme chain's."""
    own = config.site_dir / ARCHETYPE
    if own.is_file():
        return own
    for theme in theme_dirs(config):
        if (theme / ARCHETYPE).is_file():
            return theme / ARCHETYPE
    raise fail(str(ARCHETYPE), 0, "no archetype for a new release; create archetypes/release.md in the site")


def yaml_text(value: object) -> str:
    """`value` as a YAML scalar that reads back as the same text (a JSON string is valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def render_archetype(path: Path, title: str, now: datetime, slug: str, language: str) -> str:
    """The new file's text; a broken archetype is the user's problem, with its file and line."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["yaml"] = yaml_text
    try:
        template = env.from_string(path.read_text(encoding="utf-8"))
        return template.render(title=title, date=now.strftime("%Y-%m-%d %H:%M"), slug=slug, year=f"{now.year:04d}",
                               month=f"{now.month:02d}", language=language)
    except jinja2.TemplateSyntaxError as exc:
        raise fail(str(path), exc.lineno or 0, f"archetype is not a valid template: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise fail(str(path), 0, f"archetype could not be filled in: {exc}") from None


def write_new(path: Path, text: str) -> bool:
    """Create `path` with `text`; False (and nothing written) when it exists already."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True


def new_release(config: Config, title: str, now: datetime | None = None) -> Path:
    """Write a new draft release titled `title`, dated `now` (default: now in the site's timezone); its path.

    The slug is the title's, and `slug-2`, `slug-3`... when the year already has a file of that name."""
    title = " ".join(title.split())
    slug = slugify(title)
    if not slug:
        raise fail("title", 0, f"cannot make a file name from {title!r}; use words in the title")
    moment = (now or datetime.now(config.zone)).astimezone(config.zone).replace(second=0, microsecond=0)
    folder = config.site_dir / "content" / f"{moment.year:04d}"
    source = archetype_path(config)
    for n in range(1, MAX_TRIES + 1):
        name = slug if n == 1 else f"{slug}-{n}"
        if (folder / f"{name}.md").exists():
            continue
        if write_new(folder / f"{name}.md", render_archetype(source, title, moment, name, config.language)):
            return folder / f"{name}.md"
    raise fail(str(folder), 0, f"{MAX_TRIES} files named {slug}*.md already; choose another title")
