"""`pressroom.toml` -> one frozen, validated `Config`, read once per build.

`Config`'s fields are the one table of keys: each has its type (the annotation), its default, its
documentation and its check (`key(...)`). `load_config` reports every problem of the file at once,
each at its own line, and checks command-line overrides exactly like the file (MkDocs' config schema).
"""
from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Problem, PressroomError, problem

CONFIG_NAME = "pressroom.toml"
Check = Callable[[Any], "str | None"]                               # a value -> why it is wrong, or None


def shipped_themes() -> Path:
    """The folder of the themes Pressroom ships ('default', 'uswds'), in a checkout or an installed wheel."""
    here = Path(__file__).resolve().parent.parent / "themes"
    if (here / "default").is_dir():
        return here
    from importlib.util import find_spec  # installed without the source tree: the themes are package data

    spec = find_spec("pressroom_themes")
    if spec is None or not spec.submodule_search_locations:
        return here
    return Path(next(iter(spec.submodule_search_locations)))


def key(default: Any, doc: str, check: Check | None = None, convert: Callable[[Any], Any] | None = None) -> Any:
    """One configuration key: its default, what it means, what a valid value is, and how to store it."""
    return field(default=default, metadata={"doc": doc, "check": check, "convert": convert})


@dataclass(frozen=True)
class MenuItem:
    """One `[[menu]]` entry: a page of the site (`page = "about"`) or an address (`url = ...`)."""

    title: str
    page: str = ""
    url: str = ""
    order: int = 0


def menu_check(value: list[Any]) -> str | None:
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            return f"entry {number} must be a table: [[menu]] with title and page or url"
        unknown = sorted(set(item) - {"title", "page", "url", "order"})
        if unknown:
            return f"entry {number} has {', '.join(unknown)}; a menu entry has title, page or url, and order"
        if not isinstance(item.get("title"), str) or not item["title"].strip():
            return f"entry {number} needs a title"
        if bool(item.get("page")) == bool(item.get("url")) or not all(isinstance(item.get(k, ""), str) for k in ("page", "url")):
            return f"entry {number} ('{item['title']}') needs either page = \"about\" or url = \"https://...\""
        if not isinstance(item.get("order", 0), int) or isinstance(item.get("order"), bool):
            return f"entry {number} ('{item['title']}'): order must be a whole number"
    return None


def menu_items(value: tuple[Any, ...]) -> tuple[MenuItem, ...]:
    """The entries in display order: by `order`, then as written."""
    items = [MenuItem(i["title"].strip(), i.get("page", "").strip().strip("/"), i.get("url", "").strip(), i.get("order", 0))
             for i in value]
    return tuple(sorted(items, key=lambda item: item.order))


def at_least_one(value: int) -> str | None:
    return None if value >= 1 else "must be 1 or more"


def known_zone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{value}' is not a known time zone (e.g. 'UTC', 'America/New_York')"
    return None


def web_address(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"'{value}' must be an absolute http(s) URL, e.g. 'https://example.org/'"
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return f"'{value}' must not have a query ('?...') or a fragment ('#...'): every page URL is built from it"
    return None


_SEGMENT = re.compile(r"^[A-Za-z0-9._-]+$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,-]+$")
_THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def permalink_pattern(value: str) -> str | None:
    placeholders = set(re.findall(r"\{([^{}]*)\}", value))
    if not placeholders <= {"year", "month", "day", "slug"} or value.count("{") != len(re.findall(r"\{[^{}]*\}", value)):
        return "may use only {year}, {month}, {day} and {slug}"
    if "{slug}" not in value or not value.startswith("/") or not value.endswith("/"):
        return "must start and end with '/' and contain {slug}, e.g. '/{year}/{month}/{slug}/'"
    if ".." in value.split("/"):
        return "must not contain '..'"
    segments = re.sub(r"\{[a-z]+\}", "x", value)[1:-1].split("/")
    if not all(_SEGMENT.match(part) and part != "." for part in segments):
        return ("may hold only letters, digits, '-', '_', '.' and the placeholders between single '/'; "
                "e.g. '/{year}/{month}/{slug}/'")
    return None


def folder_name(value: str) -> str | None:
    return None if value.strip() else "must name a folder, e.g. '_site'"


def theme_name(value: str) -> str | None:
    return None if _THEME_NAME.match(value) else "must be the name of a folder in themes/, e.g. 'default'"


def cron_line(value: str) -> str | None:
    fields_ = value.split()
    if fields_ and (len(fields_) != 5 or not all(_CRON_FIELD.match(part) for part in fields_)):
        return "must be a cron line of five fields in UTC, e.g. '17 * * * *' (hourly), or \"\" for no scheduled builds"
    return None


def strings(value: list[Any]) -> str | None:
    return None if all(isinstance(item, str) for item in value) else "must be a list of strings"


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know about a site, validated. Each field is a key of `pressroom.toml`."""

    site_dir: Path
    title: str = key("Pressroom", "site title")
    description: str = key("Press releases", "site description, meta description of list pages")
    base_url: str = key("http://localhost:8000/", "public URL; its path is the base path "
                        "(`https://me.github.io/REPO/` -> `/REPO/`). `--base-url` overrides it", web_address)
    language: str = key("en", "`<html lang>` and feeds")
    timezone: str = key("UTC", "zone for dates without one (IANA name)", known_zone)
    per_page: int = key(10, "releases per list page", at_least_one)
    theme: str = key("default", "theme folder under `themes/`; missing files fall back to the default theme",
                     theme_name)
    output: str = key("_site", "output folder", folder_name)
    permalink: str = key("/{year}/{month}/{slug}/", "article URLs; may use `{year}`, `{month}`, `{day}`, `{slug}`",
                         permalink_pattern)
    author: str = key("", "default author for feeds")
    feed_entries: int = key(20, "newest N releases in each feed", at_least_one)
    feed_full_content: bool = key(True, "full text in feeds, or summaries only")
    cname: str = key("", "custom domain, written to `CNAME`")
    search: bool = key(True, "build the Pagefind search index")
    unsafe_html: bool = key(True, "keep raw HTML in Markdown bodies (imported seeds never allow it)")
    tag_vocabulary: tuple[str, ...] = key((), "extra terms the importer recognises as tags", strings)
    schedule: str = key("17 * * * *", "cron (UTC) of the scheduled Pages build `init` writes; \"\" for none", cron_line)
    office: str = key("", "the press office's name; the site title when empty")
    logo: str = key("", "site path or URL of the logo; the theme's icon when empty")
    icon: str = key("", "site path or URL of the favicon; the theme's `static/icon.svg` when empty")
    about_url: str = key("", "footer link: about the office")
    contact_url: str = key("", "footer link: contact")
    accessibility_url: str = key("", "footer link: accessibility statement")
    privacy_url: str = key("", "footer link: privacy notice")
    licence: str = key("", "licence line in the footer, e.g. 'Open Government Licence v3.0'")
    licence_url: str = key("", "link of the licence line")
    media_contact: str = key("", "media contact shown in the footer, e.g. 'Press office, +1 202 555 0100'")
    media_email: str = key("", "media contact e-mail")
    menu: tuple[MenuItem, ...] = key((), "`[[menu]]` entries (title, page or url, order): the header navigation "
                                         "and the footer menu", menu_check, menu_items)
    drafts: bool = field(default=False, metadata={"doc": "include drafts and future releases", "check": None,
                                                   "flag_only": True})   # --drafts, never from the file

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


def file_keys() -> dict[str, Field[Any]]:
    """The keys `pressroom.toml` may set, by name."""
    return {name: item for name, item in all_keys().items() if not item.metadata.get("flag_only")}


def all_keys() -> dict[str, Field[Any]]:
    """Every setting, the file's and those only a command-line flag sets (`drafts`)."""
    return {f.name: f for f in fields(Config) if f.metadata}


_HINTS = get_type_hints(Config)
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", tuple: "a list"}
OVERRIDE_FLAGS = {"base_url": "--base-url", "output": "--output", "drafts": "--drafts"}


def load_config(site_dir: Path, **overrides: Any) -> Config:
    """Read `site_dir/pressroom.toml` (optional) and apply command-line overrides (None means unset).

    Raises `PressroomError` carrying every problem found, each with its line (or its flag)."""
    site_dir = site_dir.resolve()
    text = _read(site_dir / CONFIG_NAME)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PressroomError(problem(CONFIG_NAME, _toml_line(exc), f"not valid TOML: {exc}")) from None
    found: list[Problem] = []
    values = _values(raw, text, found)
    for name, value in overrides.items():
        if value is not None:
            where = OVERRIDE_FLAGS.get(name, f"--{name.replace('_', '-')}")
            values[name] = _value(name, value, lambda message, flag=where: found.append(problem(flag, 0, message)))
    values = {name: value for name, value in values.items() if value is not _BAD}
    if not found:
        config = Config(site_dir=site_dir, **values)
        found.extend(_theme_problems(config, text))
        if not found:
            return replace(config, base_url=config.base_url.rstrip("/") + "/")
    raise PressroomError(*found)


_BAD = object()


def _read(path: Path) -> str:
    if not path.is_file():
        return ""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PressroomError(problem(CONFIG_NAME, 1, "not UTF-8 text; save the file as UTF-8")) from None


def _values(raw: dict[str, Any], text: str, found: list[Problem]) -> dict[str, Any]:
    """Every key of the file, typed and checked; problems are collected in `found`."""
    known = file_keys()
    values: dict[str, Any] = {}
    for name, value in raw.items():
        line = line_of(name, text)
        if name not in known:
            close = _did_you_mean(name, known)
            hint = f"did you mean '{close}'?" if close else f"the known keys are {', '.join(sorted(known))}"
            found.append(problem(CONFIG_NAME, line, f"unknown key '{name}'; {hint}"))
            continue
        values[name] = _value(name, value, lambda message, at=line: found.append(problem(CONFIG_NAME, at, message)))
    return values


def _value(name: str, value: Any, report: Callable[[str], None]) -> Any:
    """`value` for key `name` with the key's type, or `_BAD` after reporting what is wrong."""
    known = all_keys()
    if name not in known:
        report(f"unknown setting '{name}'")
        return _BAD
    expected = _HINTS[name]
    base = getattr(expected, "__origin__", expected)
    if base is tuple:
        if not isinstance(value, (list, tuple)):
            report(f"'{name}' must be a list, not {type(value).__name__}")
            return _BAD
        value = tuple(value)
    elif not isinstance(value, base) or (base is int and isinstance(value, bool)):
        report(f"'{name}' must be {_TYPE_NAMES.get(base, str(base))}, not {type(value).__name__}")
        return _BAD
    check, convert = known[name].metadata["check"], known[name].metadata.get("convert")
    why = check(list(value) if base is tuple else value) if check else None
    if why:
        report(f"'{name}' {why}")
        return _BAD
    return convert(value) if convert else value


def _theme_problems(config: Config, text: str) -> list[Problem]:
    """A theme that is neither in the site's themes/ nor shipped with Pressroom."""
    if config.theme == "default" or (config.site_dir / "themes" / config.theme).is_dir() \
            or (shipped_themes() / config.theme).is_dir():
        return []
    names = sorted({p.name for root in (config.site_dir / "themes", shipped_themes()) if root.is_dir()
                    for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))} | {"default"})
    return [problem(CONFIG_NAME, line_of("theme", text), f"'theme' is '{config.theme}', but there is no such theme; "
                    f"the themes are: {', '.join(names)} (a theme is a folder in themes/)")]


def _did_you_mean(name: str, known: dict[str, Any]) -> str:
    close = [k for k in sorted(known) if k.startswith(name.lower())] or difflib.get_close_matches(name.lower(), known, n=1)
    return close[0] if close else ""


def _toml_line(exc: tomllib.TOMLDecodeError) -> int:
    text = str(exc)
    marker = "(at line "
    if marker in text:
        return int(text.split(marker, 1)[1].split(",", 1)[0].rstrip(")"))
    return 1


def line_of(name: str, text: str) -> int:
    """The line that sets top-level key `name` (`name = ...`, before any table), or opens table `[name]`/`[[name]]`."""
    assignment = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
    table = re.compile(rf"^\s*\[\[?\s*[\"']?{re.escape(name)}[\"']?\s*\]\]?")
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        if table.match(line) or not in_table and assignment.match(line):
            return number
        in_table = in_table or line.lstrip().startswith("[")
    return 1
