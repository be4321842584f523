"""Typed access to one content file's front matter: every value checked, every error at its key's line,
and a warning (not silence) for what is doubtful: a misspelt key, a number where text was meant, a time
the clocks skip."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .errors import PressroomError, Problem, fail, problem
from .markup import is_unsafe_url
from .urls import SAFE_SLUG, slugify

EARLIEST_YEAR = 1900


@dataclass(frozen=True)
class Contact:
    """A media contact: on a release (`contact:`), or the site's default (`[contact]` in pressroom.toml)."""

    name: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""

# Every front-matter key Pressroom reads or the importer writes; a key close to one of these is a likely typo.
KNOWN_KEYS = frozenset({
    "title", "date", "updated", "lastmod", "tags", "authors", "author", "source", "kind", "summary", "slug", "image",
    "images", "draft", "unsafe_html", "featured", "language", "review", "seed", "seed_sha256", "import_sha256",
    "aliases", "correction", "embargo", "contact"})


class Fields:
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
            raise self.error(key, f"'{key}' must be text, not {kind_of(value)}; put it in quotes")
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
            raise self.error(key, f"'{key}' must be a list of names or a comma-separated string, not {kind_of(value)}")
        return ()

    def flag(self, key: str, default: bool) -> bool:
        value = self.meta.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"'{key}' must be true or false, not {kind_of(value)}")
        return value


def kind_of(value: Any) -> str:
    return {dict: "a mapping", list: "a list", int: "a number", float: "a number", bool: "true/false", str: "text",
            date: "a date", datetime: "a date"}.get(type(value), type(value).__name__)


def parse_datetime(value: Any, zone: ZoneInfo, fields: Fields, key: str) -> datetime:
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
        raise fields.error(key, f"'{key}' must be a date like 2024-10-30, not {kind_of(value)}")
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


def _local(naive: datetime, zone: ZoneInfo, fields: Fields, key: str) -> datetime:
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


def slug_of(fields: Fields, title: str, rel: str, *, from_file: bool = False) -> str:
    """The `slug:` given, else one made from the title (or, for a page, from its file name)."""
    given = fields.text("slug")
    if given:
        if not SAFE_SLUG.match(given) or given in (".", ".."):
            raise fields.error("slug", f"slug '{given}' may hold only lowercase letters, digits, '-', '_' and '.' (at most 100); try '{slugify(given) or 'my-release'}'")
        return given
    slug = (slugify(Path(rel).stem) if from_file else slugify(title)) or slugify(Path(rel).stem)
    if not slug:
        raise fail(rel, fields.line("title"), "cannot make a URL from this title; add 'slug: some-words' to the front matter")
    return slug


def image_of(fields: Fields) -> str:
    value = fields.text("image")
    if value and (is_unsafe_url(value) or any(ord(c) < 32 for c in value)):
        raise fields.error("image", f"'image' must be a web address (https://...) or a path on the site, not '{value}'; fix or remove it")
    return value


def aliases_of(fields: Fields) -> tuple[str, ...]:
    """`aliases: [/old/url/]`: site paths that redirect to this page, as routes ('old/url/')."""
    found = []
    for alias in fields.strings("aliases"):
        route = alias.strip().lstrip("/")
        if route and not route.endswith((".html", "/")):
            route += "/"
        parts = route.rstrip("/").split("/")
        if not route or "://" in alias or any(p in ("", ".", "..") or "\\" in p for p in parts) \
                or any(ord(c) < 32 for c in route):
            raise fields.error("aliases", f"alias '{alias}' must be a path on this site, like /2019/05/old-title/")
        found.append(route)
    return tuple(found)


def contact_of(fields: Fields) -> Contact | None:
    """`contact:` with name, role, email and phone (all optional, at least one)."""
    value = fields.meta.get("contact")
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, (str, int)) for v in value.values()):
        raise fields.error("contact", "'contact' must be a mapping of name, role, email and phone")
    unknown = sorted(set(value) - {"name", "role", "email", "phone"})
    if unknown:
        raise fields.error("contact", f"'contact' has {', '.join(map(str, unknown))}; it may have name, role, email and "
                                      "phone")
    return Contact(**{k: str(v).strip() for k, v in value.items()})
