"""Dates as the world writes them, found in a line of text with dateparser's `search_dates`.

'PALO ALTO, Calif., April 25, 2016 /PRNewswire/ --', 'Sunday, June 25, 2023', '(December 23, 2023)',
'Chemnitz, den 19.01.2018', '08. Februar 2022', 'Publié le 26 mai 2020', '14 de marzo de 2020',
'2017. május 25.', '10 Ottobre 2019', '22 April 1993', 'WASHINGTON, April 21 --' (no year: flagged).
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from .dateline import EARLIEST, LATEST, _MONTH_DATE_RE, MONTHS, make_date

LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "hu", "pl", "sv", "da")
SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False, "REQUIRE_PARTS": ["day", "month"],
            "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}
_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)")
_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)-([01]\d)-([0-3]\d)(?!\d)")
_NUMERIC = re.compile(r"(?<![\d.])([0-3]?\d)\.\s?([01]?\d)\.\s?((?:19|20)\d\d)(?!\d)")
_LETTERS = re.compile(r"[^\W\d_]{3,}")
_PHONE = re.compile(r"\d{3}[-.) ]\d{3}[-. ]\d{4}")
_GLUED = re.compile(r"(?<=\d)(?=[^\W\d_]{2})")   # '2020El Ayuntamiento' -> '2020 El Ayuntamiento'
_TIME = re.compile(r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|Uhr|h)?", re.I)


@dataclass(frozen=True)
class Found:
    value: date | datetime
    year_given: bool     # False: the text gives day and month only (the year is a guess to confirm)
    text: str            # the words the date was read from


def find_date(line: str, *, languages: tuple[str, ...] = LANGUAGES) -> Found | None:
    """The first date written in `line` (a heading, dateline or date line), or None."""
    line = line.strip()
    if not line or len(line) > 400 or not re.search(r"\d", line):
        return None
    m = _MONTH_DATE_RE.search(line)
    if m and (value := make_date(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))):
        return Found(value, True, m.group(0))
    for pattern in (_ISO, _NUMERIC):
        m = pattern.search(line)
        if m:
            parts = [int(g) for g in m.groups()]
            value = make_date(*parts) if pattern is _ISO else make_date(parts[2], parts[1], parts[0])
            if value:
                return Found(value, True, m.group(0))
    return _search(_GLUED.sub(" ", _PHONE.sub(" ", line)), languages)


@lru_cache(maxsize=4096)
def _search(line: str, languages: tuple[str, ...]) -> Found | None:
    from dateparser.search import search_dates

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            hits = search_dates(line, languages=list(languages), settings=SETTINGS) or []
        except (ValueError, TypeError, OverflowError, RecursionError):
            return None
    for text, value in hits:
        if not _LETTERS.search(text) and not _YEAR.search(text):
            continue     # '20, 11:00' and other number runs are not dates
        if not _LETTERS.search(_TIME.sub("", text)) and not re.search(r"\d[./-]\d", text):
            continue
        year_given = bool(_YEAR.search(text))
        if year_given and not EARLIEST <= value.year <= LATEST:
            continue
        return Found(value.date(), year_given, text.strip())
    return None


def with_year(found: Found, year: int) -> date | None:
    """A yearless date placed in `year` (from the release header or the mail's Date: line)."""
    return make_date(year, found.value.month, found.value.day)


WIRE_HEAD = re.compile(r"^(?P<head>[A-ZÀ-Þ(][^\n]{2,150}?)\s(?:--|—|–|-)\s")


def dateline_date(lead: str) -> Found | None:
    """The date of a dateline that opens the lead: 'PALO ALTO, Calif., April 25, 2016 /PRNewswire/ --',
    'TOWNSVILLE, Country - February 3, 2025 / Wire /', 'WASHINGTON, April 21 --' (no year)."""
    m = WIRE_HEAD.match(lead)
    if not m or len(m.group("head").split()) > 16:
        return None
    found = find_date(m.group("head"))
    if found is None:      # 'CITY, Country - February 3, 2025 / Wire /': the date right after the first dash
        after = lead[m.end(): m.end() + 40]
        found = find_date(after)
        if found is None or not after.startswith(found.text[:4]):
            return None
    return found
