"""`content/**/*.md` -> frozen `Article` values: validated front matter, rendered Markdown.

Every problem is a `Problem` naming the file and the line of the offending key, so a
broken release never stops the rest of the site from building.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from .config import Config
from .errors import PressroomError, Problem, fail, problem
from .ingest.model import Image  # one figure-metadata type, shared with the importer
from .fields import Contact, Fields, aliases_of, contact_of, image_of, parse_datetime, slug_of
from .links import Asset, Place, localise
from .markup import MarkdownRenderer, first_paragraph, plain_text
from .urls import Urls, slugify

CONTENT_SUFFIXES = (".md", ".markdown")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NESTING = 100
MAX_TEXT_NESTING = 400    # columns; a 2,000-deep nested list takes Python-Markdown a minute, then recurses out
_CLOSING = re.compile(r"^-{3,}[^\S\n]*$", re.MULTILINE)   # a line of three or more dashes (then only spaces)
_LINE_PREFIX = re.compile(r"^(?:[ \t]|[>*+-](?=[ \t>]))+", re.MULTILINE)
WORDS_PER_MINUTE = 230
_YAML = frontmatter.YAMLHandler()


@dataclass(frozen=True, order=True)
class Tag:
    slug: str
    name: str

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        """Read back (from the cache, or from a parse worker) as the one shared object for this tag (`_tag`)."""
        return _tag, (self.slug, self.name)


@dataclass(frozen=True)
class Page:
    """A page of the site, not a release (`content/pages/about.md` -> `/about/`): no date, in no list or feed."""

    source_path: str
    title: str
    slug: str
    route: str
    html: str
    summary: str
    language: str = ""
    aliases: tuple[str, ...] = ()
    assets: tuple[Asset, ...] = ()


@dataclass(frozen=True)
class Article:
    source_path: str          # site-relative, e.g. 'content/2024/slug.md'
    title: str
    date: datetime            # aware
    updated: datetime         # aware; equals date unless front matter says otherwise
    slug: str
    route: str
    html: str
    summary: str
    tags: tuple[Tag, ...] = ()
    authors: tuple[str, ...] = ()
    source: str = ""
    kind: str = ""
    image: str = ""
    images: tuple[Image, ...] = ()
    draft: bool = False
    reading_minutes: int = 1
    featured: bool = False    # leads the front page while it is on its first page
    language: str = ""        # the release's own language, when not the site's
    aliases: tuple[str, ...] = ()      # old routes that redirect here
    correction: str = ""      # a visible, dated correction note (dated by `updated`)
    embargo: datetime | None = None    # held back until then, like a future date
    contact: Contact | None = None     # the media contact for this release
    assets: tuple[Asset, ...] = ()     # files published beside its page

    @property
    def publish_at(self) -> datetime:
        """When the release may appear: its date, or its embargo when later."""
        return max(self.date, self.embargo) if self.embargo else self.date

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return (self.date, self.slug)


@dataclass(frozen=True)
class Loaded:
    """What reading one content file gave: an article, problems, or both (warnings)."""

    article: Article | None
    problems: tuple[Problem, ...] = ()
    page: Page | None = None


def read_text(path: Path, rel: str) -> str:
    """Read a content file as text, refusing what is not a text file we can trust."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(rel, 0, f"file is {size // 1024} KB, over the {MAX_FILE_BYTES // 1024 // 1024} MB limit; split it or move it out of content/")
        data = path.read_bytes()
    except FileNotFoundError:
        raise fail(rel, 0, "file vanished while the site was being built; build again") from None
    except PermissionError:
        raise fail(rel, 0, "cannot read this file (permission denied); fix its permissions") from None
    except OSError as exc:
        raise fail(rel, 0, f"cannot read this file ({exc.strerror}); it is read again on the next build") from None
    return decode_text(data, rel)


def decode_text(data: bytes, rel: str) -> str:
    """A content file's bytes (already read, e.g. to hash them) as text, refusing what is not a text file we can
    trust; the same checks and messages as `read_text`."""
    if len(data) > MAX_FILE_BYTES:
        raise fail(rel, 0, f"file is {len(data) // 1024} KB, over the {MAX_FILE_BYTES // 1024 // 1024} MB limit; split it or move it out of content/")
    if b"\x00" in data:
        raise fail(rel, 0, "this is a binary file, not Markdown; move it out of content/")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(rel, line, "not UTF-8 text; save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, rel: str) -> tuple[dict[str, Any], str, int]:
    """Return (metadata, body, line number where the body starts)."""
    if not text or text.isspace():
        raise fail(rel, 1, "file is empty; add front matter with a title and a date, or delete it")
    if not text.startswith("---"):
        raise fail(rel, 1, "no front matter; start the file with '---', then 'title:' and 'date:', then '---'")
    first = text.find("\n")       # the closing line is found in the text, not by splitting the whole file into lines
    found = _CLOSING.search(text, first + 1) if first >= 0 else None
    if found is None:
        raise fail(rel, 1, "front matter opened with '---' is never closed; add a '---' line after it")
    closing = text.count("\n", 0, found.start())      # its line index
    fm_text = text[first + 1:found.start() - 1]
    if _nesting(fm_text) > MAX_NESTING:
        raise fail(rel, 2, f"front matter nests lists or mappings more than {MAX_NESTING} deep; flatten it")
    try:
        meta = _YAML.load(fm_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        reason = getattr(exc, "problem", None) or "invalid YAML"
        raise fail(rel, line, f"front matter is not valid YAML ({reason}); check quotes and colons") from None
    except ValueError:  # YAML read a date-shaped value that is no real date, e.g. 2024-02-30
        raise _impossible_date(fm_text, rel) from None
    except RecursionError:
        raise fail(rel, 2, "front matter nests too deeply; flatten it") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise fail(rel, 2, "front matter must be 'key: value' lines, not a list or a single value")
    return meta, text[found.end() + 1:], closing + 2


def _front_matter_lines(text: str, body_line: int) -> list[str]:
    """The front matter's lines (between the '---' lines), without splitting the body."""
    return text.split("\n", body_line - 2)[1:body_line - 2]


def _nesting(fm_text: str) -> int:
    """Deepest bracket nesting or indentation: libyaml crashes the process (no exception) past a few thousand."""
    depth = deepest = 0
    for char in re.sub(r"[^\[\]{}]+", "", fm_text):
        depth = depth + 1 if char in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    indent = max((len(line) - len(line.lstrip(" -?:\t")) for line in fm_text.split("\n")), default=0)
    return max(deepest, indent // 2)


def _impossible_date(fm_text: str, rel: str) -> PressroomError:
    for number, line in enumerate(fm_text.split("\n"), 2):
        match = re.match(r"^([\w-]+)\s*:\s*['\"]?(\d{4}-\d{1,2}-\d{1,2}[^'\"]*)", line)
        if match:
            try:
                datetime.fromisoformat(match.group(2).strip())
            except ValueError:
                key, value = match.group(1), match.group(2).strip()
                return fail(rel, number, f"'{key}' is not a date: '{value}'; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM")
    return fail(rel, 2, "front matter holds a value YAML cannot read (a date that does not exist or a number too long); check the values")


def _images(fields: Fields) -> tuple[Image, ...]:
    value = fields.meta.get("images")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise fields.error("images", "'images' must be a list of mappings with alt, title, caption, credit, virin")
    known = Image.__dataclass_fields__
    return tuple(Image(**{k: str(v) for k, v in item.items() if k in known and v is not None}) for item in value)


def parse_article(rel: str, text: str, config: Config, renderer: MarkdownRenderer, urls: Urls) -> Loaded:
    """Validate one file's front matter and render its body. Raises `PressroomError`."""
    meta, body, body_line = split_front_matter(text, rel)
    fields = Fields(meta, _front_matter_lines(text, body_line), rel)
    if meta.get("draft") is True and (not meta.get("title") or meta.get("date") is None):   # an import to review
        raise PressroomError(problem(rel, 1, "draft left out: give it a title and a date (see its 'review:' list)", warning=True))
    title = fields.text("title", required=True)
    if "date" not in meta or meta["date"] is None:
        raise fail(rel, 1, "'date' is missing; add 'date: YYYY-MM-DD' to the front matter")
    moment = parse_datetime(meta["date"], config.zone, fields, "date")
    updated_value = meta.get("updated", meta.get("lastmod"))
    updated = parse_datetime(updated_value, config.zone, fields, "updated" if "updated" in meta else "lastmod") if updated_value else moment
    slug = slug_of(fields, title, rel)
    images = _images(fields)
    route = urls.article(slug, moment)
    html, notes = _body(renderer, body, images, fields, config, Place(rel, route, config.site_dir, config.base_path,
                                                                     body, body_line))
    summary = fields.text("summary") or first_paragraph(html[0])
    words = len(plain_text(html[0]).split())
    embargo = meta.get("embargo")
    article = Article(
        source_path=rel, title=title, date=moment, updated=max(updated, moment), slug=slug,
        route=route, html=html[0], summary=summary,
        tags=_tags(fields.strings("tags")), authors=fields.strings("authors", "author"),
        source=fields.text("source"), kind=fields.text("kind"), image=image_of(fields),
        images=images, draft=fields.flag("draft", False),
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
        featured=fields.flag("featured", False), language=fields.text("language"), aliases=aliases_of(fields),
        correction=fields.text("correction"), contact=contact_of(fields),
        embargo=parse_datetime(embargo, config.zone, fields, "embargo") if embargo is not None else None,
        assets=html[1],
    )
    return Loaded(article, _notes(notes, fields))


def parse_page(rel: str, text: str, config: Config, renderer: MarkdownRenderer, urls: Urls) -> Loaded:
    """A page (`content/pages/about.md`): a title and a body, at `/<slug>/`. Raises `PressroomError`."""
    meta, body, body_line = split_front_matter(text, rel)
    fields = Fields(meta, _front_matter_lines(text, body_line), rel)
    title = fields.text("title", required=True)
    slug = slug_of(fields, title, rel, from_file=True)
    route = f"{slug}/"
    html, notes = _body(renderer, body, (), fields, config, Place(rel, route, config.site_dir, config.base_path,
                                                                  body, body_line))
    page = Page(rel, title, slug, route, html[0], fields.text("summary") or first_paragraph(html[0]),
                fields.text("language"), aliases_of(fields), html[1])
    if fields.flag("draft", False) and not config.drafts:
        return Loaded(None, _notes(notes, fields))
    return Loaded(None, _notes(notes, fields), page)


def _body(renderer: MarkdownRenderer, body: str, images: tuple[Image, ...], fields: Fields, config: Config,
          place: Place) -> tuple[tuple[str, tuple[Asset, ...]], tuple[Problem, ...]]:
    """The body's HTML with its links made to work under the base path, its assets, and every warning."""
    allow_html = config.unsafe_html and fields.flag("unsafe_html", True)
    html, missing = _render(renderer, body, images, allow_html, place.rel, place.body_line)
    html, assets, link_problems = localise(html, place)
    figures = [problem(place.rel, place.body_line, f"{{{{< figure {n} >}}}} has no images[{n}] in the front matter; "
                       "add it or remove the line", warning=True) for n in missing]
    return (html, assets), (*figures, *link_problems)


def _notes(found: tuple[Problem, ...], fields: Fields) -> tuple[Problem, ...]:
    """The body's warnings, then those about the front matter (read by now, every key of it)."""
    fields.misspelt_keys()
    return (*found, *sorted(fields.notes, key=lambda note: note.line))


def _text_nesting(body: str) -> int:
    """Widest run of indentation and quote/list markers before a line's text (Markdown's cost grows steeply with it)."""
    return max((len(match.group(0).expandtabs(4)) for match in _LINE_PREFIX.finditer(body)), default=0)


def _render(renderer: MarkdownRenderer, body: str, images: tuple[Image, ...], allow_html: bool, rel: str, line: int) -> tuple[str, list[int]]:
    if _text_nesting(body) > MAX_TEXT_NESTING:
        raise fail(rel, line, "the text nests lists, quotes or tags too deeply to render; flatten it")
    try:
        return renderer.render(body, images=[vars(image) for image in images], allow_html=allow_html)
    except RecursionError:
        raise fail(rel, line, "the text nests lists, quotes or tags too deeply to render; flatten it") from None


def _tags(names: tuple[str, ...]) -> tuple[Tag, ...]:
    """Merge tags case-insensitively (first spelling wins) and give each a stable slug."""
    seen: dict[str, Tag] = {}
    for name in names:
        slug = slugify(name)
        if slug and slug not in seen:
            seen[slug] = _tag(slug, " ".join(name.split()))
    return tuple(seen.values())


@lru_cache(maxsize=4096)
def _tag(slug: str, name: str) -> Tag:
    """One `Tag` object for each tag, shared by the articles that carry it: the cache pickles it once a chunk, not
    once an article (rebuilding ~40,000 equal Tag objects was half of loading the parsed files at 10,000)."""
    return Tag(slug, name)


def utc_now() -> datetime:
    """The clock every "is it due yet?" question reads."""
    return datetime.now(timezone.utc)


def is_future(article: Article, now: datetime | None = None) -> bool:
    """Held back for now: dated, or embargoed, later than a minute from `now`."""
    return article.publish_at > (now or utc_now()) + timedelta(minutes=1)


def is_page(rel: str) -> bool:
    """`content/pages/...` holds pages (no date), everything else releases."""
    return rel.startswith("content/pages/")
