"""`pressroom.toml` -> one frozen, validated `Config`, read once per build."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import PressroomError, fail

CONFIG_NAME = "pressroom.toml"


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know about a site, validated."""

    site_dir: Path
    title: str = "Pressroom"
    description: str = "Press releases"
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    timezone: str = "UTC"
    per_page: int = 10
    theme: str = "default"
    output: str = "_site"
    permalink: str = "/{year}/{month}/{slug}/"
    author: str = ""
    feed_entries: int = 20
    feed_full_content: bool = True
    cname: str = ""
    search: bool = True
    unsafe_html: bool = True
    tag_vocabulary: tuple[str, ...] = ()
    schedule: str = "17 * * * *"    # cron (UTC) of the scheduled Pages build `init` writes; "" for none
    # identity, shown by the theme and in JSON-LD (generator/structured.py): press office, logo, icon, footer links
    office: str = ""              # the press office's name; the site title when empty
    logo: str = ""                # site path or URL of the logo; the theme's icon when empty
    icon: str = ""                # site path or URL of the favicon; the theme's static/icon.svg when empty
    about_url: str = ""
    contact_url: str = ""
    accessibility_url: str = ""
    privacy_url: str = ""
    licence: str = ""             # e.g. "All content is available under the Open Government Licence v3.0"
    licence_url: str = ""
    media_contact: str = ""       # e.g. "Press office, +1 202 555 0100"
    media_email: str = ""
    drafts: bool = False

    @property
    def output_dir(self) -> Path:
        return (self.site_dir / self.output).resolve()

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_TYPES: dict[str, type | tuple[type, ...]] = {
    "title": str, "description": str, "base_url": str, "language": str, "timezone": str,
    "per_page": int, "theme": str, "output": str, "permalink": str, "author": str,
    "feed_entries": int, "feed_full_content": bool, "cname": str, "search": bool, "unsafe_html": bool,
    "tag_vocabulary": list, "schedule": str,
    **dict.fromkeys(("office", "logo", "icon", "about_url", "contact_url", "accessibility_url", "privacy_url",
                     "licence", "licence_url", "media_contact", "media_email"), str),
}
_PERMALINK_FIELDS = ("{slug}",)
_SEGMENT = re.compile(r"^[A-Za-z0-9._-]+$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,-]+$")


def load_config(site_dir: Path, **overrides: Any) -> Config:
    """Read `site_dir/pressroom.toml` (optional) and apply CLI overrides (None means unset)."""
    site_dir = site_dir.resolve()
    path = site_dir / CONFIG_NAME
    text = ""
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise fail(CONFIG_NAME, 1, "not UTF-8 text; save the file as UTF-8") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(CONFIG_NAME, _toml_line(exc), f"not valid TOML: {exc}") from None
    values = _validate(raw, text)
    values.update({k: v for k, v in overrides.items() if v is not None})
    config = Config(site_dir=site_dir, **values)
    return _check(config)


def _toml_line(exc: tomllib.TOMLDecodeError) -> int:
    text = str(exc)
    marker = "(at line "
    if marker in text:
        return int(text.split(marker, 1)[1].split(",", 1)[0].rstrip(")"))
    return 1


def _line_of(key: str, text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(key):
            return number
    return 1


def _validate(raw: dict[str, Any], text: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = _TYPES.get(key)
        if expected is None:
            known = ", ".join(sorted(_TYPES))
            raise fail(CONFIG_NAME, _line_of(key, text), f"unknown key '{key}'; known keys: {known}")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise fail(CONFIG_NAME, _line_of(key, text),
                       f"'{key}' must be {_type_name(expected)}, not {type(value).__name__}")
        if key == "tag_vocabulary":
            if not all(isinstance(item, str) for item in value):
                raise fail(CONFIG_NAME, _line_of(key, text), "'tag_vocabulary' must be a list of strings")
            value = tuple(value)
        values[key] = value
    return values


def _type_name(expected: type | tuple[type, ...]) -> str:
    return {str: "a string", int: "an integer", bool: "true or false", list: "a list"}.get(expected, str(expected))


def _check(config: Config) -> Config:
    """Cross-field checks; values already have the right types."""
    def bad(key: str, why: str) -> PressroomError:
        return fail(CONFIG_NAME, 0, f"'{key}' {why}")

    if config.per_page < 1:
        raise bad("per_page", "must be 1 or more")
    if config.feed_entries < 1:
        raise bad("feed_entries", "must be 1 or more")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise bad("timezone", f"'{config.timezone}' is not a known time zone (e.g. 'UTC', 'America/New_York')") from None
    parts = urlsplit(config.base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise bad("base_url", f"'{config.base_url}' must be an absolute http(s) URL, e.g. 'https://example.org/'")
    if not config.base_url.endswith("/"):
        config = replace(config, base_url=config.base_url + "/")
    placeholders = set(re.findall(r"\{([^{}]*)\}", config.permalink))
    if not placeholders <= {"year", "month", "day", "slug"} or config.permalink.count("{") != len(re.findall(r"\{[^{}]*\}", config.permalink)):
        raise bad("permalink", "may use only {year}, {month}, {day} and {slug}")
    if "{slug}" not in config.permalink or not config.permalink.startswith("/") or not config.permalink.endswith("/"):
        raise bad("permalink", "must start and end with '/' and contain {slug}, e.g. '/{year}/{month}/{slug}/'")
    if ".." in config.permalink.split("/"):
        raise bad("permalink", "must not contain '..'")
    segments = re.sub(r"\{[a-z]+\}", "x", config.permalink)[1:-1].split("/")
    if not all(_SEGMENT.match(part) and part != "." for part in segments):
        raise bad("permalink", "may hold only letters, digits, '-', '_', '.' and the placeholders between single '/'; "
                  "e.g. '/{year}/{month}/{slug}/'")
    if not config.output.strip():
        raise bad("output", "must name a folder, e.g. '_site'")
    cron = config.schedule.split()
    if cron and (len(cron) != 5 or not all(_CRON_FIELD.match(field) for field in cron)):
        raise bad("schedule", "must be a cron line of five fields in UTC, e.g. '17 * * * *' (hourly), "
                  "or \"\" for no scheduled builds")
    return config


def config_keys() -> list[str]:
    return [f.name for f in fields(Config) if f.name not in ("site_dir", "drafts")]
