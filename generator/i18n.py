"""The site's language: the theme's words and every date, in `language` (`en`, `fr`, `de`, `es`...).

Words come from the theme's catalogue, `themes/<theme>/i18n/<language>.toml`: each key is the English text a
template shows, each value its translation (`"Related releases" = "Communiqués associés"`); `{name}` marks a
value the template fills in. A site's theme overrides the shipped catalogue word by word; a word missing from
every catalogue stays English, so English needs no catalogue at all. Dates, month names and plural forms come
from Babel (CLDR), never from hand-typed names.

Templates see `t("Related releases")`, `tn(count, "{count} release", "{count} releases")`, the `date` filter
(`long`, `month`, `iso`) and `month_names`; Python code (structured data) uses the same `Words`.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from markupsafe import Markup

from .errors import fail

if TYPE_CHECKING:
    from babel import Locale

CATALOGUE_DIR = "i18n"
FALLBACK = "en"


@lru_cache(maxsize=64)
def locale_of(language: str) -> Locale:
    """The Babel locale of a BCP 47 tag ('fr', 'pt-BR'); English for a tag CLDR does not know.

    Babel is imported on first use, so a build with nothing to render does not pay for it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.strip().replace("-", "_") or FALLBACK)
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK)


def catalogue_names(language: str) -> list[str]:
    """Catalogue files for `language`, most general first: 'pt-BR' -> ['pt.toml', 'pt-BR.toml']."""
    tag = language.strip().replace("_", "-")
    base = tag.split("-", 1)[0].lower()
    return [f"{base}.toml"] + ([f"{tag}.toml"] if tag.lower() != base else [])


def read_catalogue(folders: Iterable[Path], language: str) -> dict[str, str]:
    """Every word for `language` in `folders` (most specific first, as the theme chain): the first one wins."""
    words: dict[str, str] = {}
    for folder in reversed(list(folders)):
        for name in catalogue_names(language):
            path = folder / name
            if path.is_file():
                words.update(_catalogue(path))
    return words


def _catalogue(path: Path) -> dict[str, str]:
    """One catalogue file's words; a file that is not TOML is a problem naming its line."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise fail(path, 1, "not UTF-8 text; save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
        raise fail(path, line, f"not valid TOML: {exc}; write each word as \"English text\" = \"translation\"") from None
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


@lru_cache(maxsize=16384)      # a site's days (45 years), so rendering never formats one date twice
def _formatted(day: date, style: str, language: str) -> str:
    from babel.dates import format_date, format_skeleton

    locale = locale_of(language)
    if style == "month":
        return format_skeleton("yMMMM", day, locale=locale)
    return format_date(day, style, locale=locale)


@lru_cache(maxsize=1024, typed=True)     # typed: a Markup and an equal str escape differently
def _escaped(text: str) -> Markup:
    """A theme's word escaped for HTML (the same few words on every page)."""
    return Markup.escape(text)


class Words:
    """The words and dates of one language. `t` and `tn` leave text without a translation as it is."""

    def __init__(self, language: str, words: Mapping[str, str] | None = None) -> None:
        self.language = language or FALLBACK
        self.words = MappingProxyType(dict(words or {}))

    @classmethod
    def load(cls, language: str, themes: Iterable[Path]) -> "Words":
        """The words of `language` from the `i18n/` folder of each theme in the chain (most specific first)."""
        return cls(language, read_catalogue([theme / CATALOGUE_DIR for theme in themes], language))

    @cached_property
    def locale(self) -> Locale:
        return locale_of(self.language)

    def t(self, text: str, **values: object) -> str:
        """`text` in the site's language, with its `{name}` values filled in."""
        translated = self.words.get(text, text)
        return translated.format(**values) if values else translated

    def tn(self, count: int, one: str, other: str, **values: object) -> str:
        """The singular or plural text for `count`, as the language counts (French: 0 and 1 are singular)."""
        form = one if self.locale.plural_form(abs(count)) == "one" else other
        return self.t(form, count=count, **values)

    def html(self, text: str, **values: object) -> Markup:
        """`t` for templates: the translation escaped, its values escaped unless they are markup already (a link)."""
        translated = _escaped(self.words.get(text, text))
        return translated.format(**values) if values else translated

    def html_n(self, count: int, one: str, other: str, **values: object) -> Markup:
        """`tn` for templates, escaped as `html`."""
        form = one if self.locale.plural_form(abs(count)) == "one" else other
        return self.html(form, count=count, **values)

    def date(self, moment: datetime | date, style: str = "long") -> str:
        """'January 5, 2025' (`long`), 'January 2025' (`month`) or ISO 8601 (`iso`), in the site's language."""
        if style == "iso":
            return moment.isoformat()
        day = moment.date() if isinstance(moment, datetime) else moment
        if style == "month":
            day = day.replace(day=1)      # one entry a month, not a day: 'long' and 'month' of every day overflowed it
        return _formatted(day, style, self.language)

    def month_year(self, year: int, month: int) -> str:
        """'January 2025', 'janvier 2025', 'enero de 2025'."""
        return _formatted(date(year, month, 1), "month", self.language)

    @property
    def month_names(self) -> "MonthNames":
        """The twelve months as a list shows them on their own ('January', 'janvier', 'Januar'): month_names[0]."""
        return MonthNames(self.language)


class MonthNames(Sequence[str]):
    """The twelve month names of a language, read from Babel when first indexed."""

    def __init__(self, language: str) -> None:
        self.language = language

    @cached_property
    def _names(self) -> tuple[str, ...]:
        from babel.dates import get_month_names

        names = get_month_names("wide", context="stand-alone", locale=locale_of(self.language))
        return tuple(names[n] for n in range(1, 13))

    def __getitem__(self, index):  # type: ignore[override]
        return self._names[index]

    def __len__(self) -> int:
        return 12


ENGLISH = Words(FALLBACK)
