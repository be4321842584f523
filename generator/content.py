"""`content/**/*.md` -> frozen `Article` values: validated front matter, rendered Markdown.

Every problem is a `Problem` naming the file and the line of the offending key, so a
broken release never stops the rest of the site from building.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import frontmatter
import yaml

from .config import Config
from .errors import PressroomError, Problem, fail, problem
from .ingest.model import Image  # one figure-metadata type, shared with the importer
from .markup import MarkdownRenderer, first_paragraph, is_unsafe_url, plain_text
from .urls import SAFE_SLUG, Urls, slugify

CONTENT_SUFFIXES = (".md", ".markdown")
MAX_FILE_BYTES = 5 * 1024 * 1024
EARLIEST_YEAR = 1900
MAX_NESTING = 100
MAX_TEXT_NESTING = 400    # columns; a 2,000-deep nested list takes Python-Markdown a minute, then recurses out
_LINE_PREFIX = re.compile(r"^(?:[ \t]|[>*+-](?=[ \t>]))+", re.MULTILINE)
WORDS_PER_MINUTE = 230
_YAML = frontmatter.YAMLHandler()


@dataclass(frozen=True, order=True)
class Tag:
    slug: str
    name: str


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

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return (self.date, self.slug)


@dataclass(frozen=True)
class Loaded:
    """What reading one content file gave: an article, problems, or both (warnings)."""

    article: Article | None
    problems: tuple[Problem, ...] = ()


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
    if not text.strip():
        raise fail(rel, 1, "file is empty; add front matter with a title and a date, or delete it")
    if not text.startswith("---"):
        raise fail(rel, 1, "no front matter; start the file with '---', then 'title:' and 'date:', then '---'")
    lines = text.split("\n")
    closing = next((i for i, line in enumerate(lines[1:], 1) if re.fullmatch(r"-{3,}\s*", line)), None)
    if closing is None:
        raise fail(rel, 1, "front matter opened with '---' is never closed; add a '---' line after it")
    fm_text = "\n".join(lines[1:closing])
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
    return meta, "\n".join(lines[closing + 1:]), closing + 2


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


# Every front-matter key Pressroom reads or the importer writes; a key close to one of these is a likely typo.
KNOWN_KEYS = frozenset({
    "title", "date", "updated", "lastmod", "tags", "authors", "author", "source", "kind", "summary", "slug", "image",
    "images", "draft", "unsafe_html", "featured", "language", "review", "seed", "seed_sha256", "import_sha256"})


class _Fields:
    """Typed access to one file's front matter, with errors that point at the key's line."""

    def __init__(self, meta: dict[str, Any], fm_lines: list[str], rel: str) -> None:
        self.meta, self.fm_lines, self.rel = meta, fm_lines, rel
        self.notes: list[Problem] = []      # warnings about what was done with a doubtful value

    def note(self, key: str, message: str) -> None:
        self.notes.append(problem(self.rel, self.line(key), message, warning=True))

    def misspelt_keys(self) -> None:
        """A warning for each key that is not one Pressroom reads but looks like one (`tag:`, `authr:`, `Title:`);
        other keys are the site's own and are left alone."""
        for key in self.meta:
            if not isinstance(key, str) or key in KNOWN_KEYS:
                continue
            close = [k for k in KNOWN_KEYS if k == key.lower()] or difflib.get_close_matches(key.lower(), KNOWN_KEYS,
                                                                                            n=1, cutoff=0.75)
            if close:
                self.note(key, f"unknown key '{key}' is ignored; did you mean '{close[0]}'?")

    def line(self, key: str) -> int:
        for number, line in enumerate(self.fm_lines, 2):
            if line.startswith(f"{key}:") or line.startswith(f"{key} :"):
                return number
        return 1

    def error(self, key: str, message: str) -> PressroomError:
        return fail(self.rel, self.line(key), message)

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.meta.get(key)
        if value is None:
            if required:
                raise fail(self.rel, 1, f"'{key}' is missing; add '{key}: ...' to the front matter")
            return ""
        if not isinstance(value, str):
            raise self.error(key, f"'{key}' must be text, not {_kind(value)}; put it in quotes")
        if required and not value.strip():
            raise self.error(key, f"'{key}' is empty; give it a value")
        return value.strip()

    def strings(self, *keys: str) -> tuple[str, ...]:
        """A list of strings or one comma-separated string, from the first key present."""
        for key in keys:
            value = self.meta.get(key)
            if value is None:
                continue
            if isinstance(value, str):
                return tuple(part.strip() for part in value.split(",") if part.strip())
            if isinstance(value, list) and all(isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in value):
                for item in value:
                    if not isinstance(item, str):
                        self.note(key, f"'{key}' holds the number {item}: used as the text '{item}' "
                                       f"(write it in quotes, \"{item}\", to say so)")
                return tuple(str(item).strip() for item in value if str(item).strip())
            raise self.error(key, f"'{key}' must be a list of names or a comma-separated string, not {_kind(value)}")
        return ()

    def flag(self, key: str, default: bool) -> bool:
        value = self.meta.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"'{key}' must be true or false, not {_kind(value)}")
        return value


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", int: "a number", float: "a number", bool: "true/false", str: "text",
            date: "a date", datetime: "a date"}.get(type(value), type(value).__name__)


def parse_datetime(value: Any, zone: ZoneInfo, fields: _Fields, key: str) -> datetime:
    """Dates and datetimes (naive ones in the site time zone) -> aware datetime."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise fields.error(key, f"'{key}' is not a date: '{value}'; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM") from None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else _local(value, zone, fields, key)
    elif isinstance(value, date):
        moment = _local(datetime.combine(value, time(0, 0)), zone, fields, key)
    else:
        raise fields.error(key, f"'{key}' must be a date like 2024-10-30, not {_kind(value)}")
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        # an offset with seconds (local mean time, 'Africa/Monrovia' before 1972) is valid in no feed or sitemap
        # format: keep the instant, in UTC
        moment = moment.astimezone(timezone.utc)
    if moment.year < EARLIEST_YEAR:
        raise fields.error(key, f"'{key}' {moment.date()} is before {EARLIEST_YEAR}; check the year")
    if moment.year > datetime.now(timezone.utc).year + 10:
        raise fields.error(key, f"'{key}' {moment.date()} is too far in the future; check the year")
    return moment


def _local(naive: datetime, zone: ZoneInfo, fields: _Fields, key: str) -> datetime:
    """`naive` in the site's zone; a time the clocks skip or pass twice that day is taken, with a warning
    that says which instant was used."""
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    when = naive.isoformat(sep=" ", timespec="minutes")
    if first.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:
        used = first.astimezone(timezone.utc).astimezone(zone)
        fields.note(key, f"'{key}' {when} does not exist in {zone.key} (the clocks skip that hour): used "
                         f"{used.isoformat(sep=' ', timespec='minutes')}; write the offset to choose another instant")
        return used
    fields.note(key, f"'{key}' {when} happens twice in {zone.key} (the clocks go back): used the first, "
                     f"{first.isoformat(sep=' ', timespec='minutes')}; write the offset to choose the second")
    return first


def _images(fields: _Fields) -> tuple[Image, ...]:
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
    fields = _Fields(meta, text.split("\n")[1:body_line - 2], rel)
    if meta.get("draft") is True and (not meta.get("title") or meta.get("date") is None):   # an import to review
        raise PressroomError(problem(rel, 1, "draft left out: give it a title and a date (see its 'review:' list)", warning=True))
    title = fields.text("title", required=True)
    if "date" not in meta or meta["date"] is None:
        raise fail(rel, 1, "'date' is missing; add 'date: YYYY-MM-DD' to the front matter")
    moment = parse_datetime(meta["date"], config.zone, fields, "date")
    updated_value = meta.get("updated", meta.get("lastmod"))
    updated = parse_datetime(updated_value, config.zone, fields, "updated" if "updated" in meta else "lastmod") if updated_value else moment
    slug = _slug(fields, title, rel)
    images = _images(fields)
    allow_html = config.unsafe_html and fields.flag("unsafe_html", True)
    html, missing = _render(renderer, body, images, allow_html, rel, body_line)
    fields.misspelt_keys()
    summary = fields.text("summary") or first_paragraph(html)
    words = len(plain_text(html).split())
    article = Article(
        source_path=rel, title=title, date=moment, updated=max(updated, moment), slug=slug,
        route=urls.article(slug, moment), html=html, summary=summary,
        tags=_tags(fields.strings("tags")), authors=fields.strings("authors", "author"),
        source=fields.text("source"), kind=fields.text("kind"), image=_image(fields),
        images=images, draft=fields.flag("draft", False),
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
        featured=fields.flag("featured", False), language=fields.text("language"),
    )
    figures = [problem(rel, body_line, f"{{{{< figure {n} >}}}} has no images[{n}] in the front matter; add it or "
                       "remove the line", warning=True) for n in missing]
    return Loaded(article, (*figures, *fields.notes))


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


def _slug(fields: _Fields, title: str, rel: str) -> str:
    given = fields.text("slug")
    if given:
        if not SAFE_SLUG.match(given) or given in (".", ".."):
            raise fields.error("slug", f"slug '{given}' may hold only lowercase letters, digits, '-', '_' and '.' (at most 100); try '{slugify(given) or 'my-release'}'")
        return given
    slug = slugify(title) or slugify(Path(rel).stem)
    if not slug:
        raise fail(rel, fields.line("title"), "cannot make a URL from this title; add 'slug: some-words' to the front matter")
    return slug


def _image(fields: _Fields) -> str:
    value = fields.text("image")
    if value and (is_unsafe_url(value) or any(ord(c) < 32 for c in value)):
        raise fields.error("image", f"'image' must be a web address (https://...) or a path on the site, not '{value}'; fix or remove it")
    return value


def _tags(names: tuple[str, ...]) -> tuple[Tag, ...]:
    """Merge tags case-insensitively (first spelling wins) and give each a stable slug."""
    seen: dict[str, Tag] = {}
    for name in names:
        slug = slugify(name)
        if slug and slug not in seen:
            seen[slug] = Tag(slug, " ".join(name.split()))
    return tuple(seen.values())


def content_files(content_dir: Path) -> list[Path]:
    """Every Markdown file under content/, sorted, skipping hidden files and editor leftovers."""
    if not content_dir.is_dir():
        return []
    found = []
    for path in content_dir.rglob("*"):
        rel_parts = path.relative_to(content_dir).parts
        if any(part.startswith((".", "_", "#")) or part.endswith("~") for part in rel_parts):
            continue
        if path.suffix.lower() in CONTENT_SUFFIXES:
            found.append(path)
    return sorted(found)


def drop_case_collisions(files: list[Path], site_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Keep the first of files whose paths differ only by case; a macOS or Windows checkout holds only one."""
    seen: dict[str, str] = {}
    kept, problems = [], []
    for path in files:
        rel = path.relative_to(site_dir).as_posix()
        first = seen.setdefault(rel.casefold(), rel)
        if first == rel:
            kept.append(path)
        else:
            problems.append(problem(rel, 0, f"differs from {first} only by case; macOS and Windows can keep only one of them, rename one"))
    return kept, problems


def is_future(article: Article, now: datetime | None = None) -> bool:
    return article.date > (now or datetime.now(timezone.utc)) + timedelta(minutes=1)
