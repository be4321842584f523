"""Dates, datelines and bylines: 'Oct. 30, 2024 | By David Vergun, DOD News' and friends."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

from .text import clean, title_case_name

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
MONTH_DATE = rf"(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)"
_MONTH_DATE_RE = re.compile(MONTH_DATE)
EARLIEST, LATEST = 1900, 2100

# 'Oct. 30, 2024 | By David Vergun, DOD News', 'Oct. 30, 2024', 'Sept. 9, 2024 | 2:47' (video)
DATELINE = re.compile(rf"^(?P<pre>.{{0,120}}?\s)?{MONTH_DATE}\s*(?:\|\s*(?P<rest>.*))?$")
BYLINE = re.compile(r"^(?:By|BY|Story by|Written by)\s+(?P<who>\S.*)$")
_ORG_WORDS = re.compile(
    r"\b(?:News|Service|Affairs|Press|Command|Office|Department|Agency|Division|Brigade|Battalion|Regiment|Team|"
    r"Wing|Group|Squadron|Center|Centre|DOD|DoD|AFNS|NNS|Public|Associated|Reuters|AFP|Bureau|Headquarters|"
    r"Fleet|Corps|District|Base|Installation|Media|Activity|Staff|Communications|Journal|Times|Post|Magazine|"
    r"Unit|Laboratory|Lab|University|Academy|Garrison|Detachment)\b")


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if EARLIEST <= year <= LATEST else None


def parse_month_date(text: str) -> date | None:
    """'Oct. 30, 2024', 'Sept. 9, 2024', 'June 21, 2020', 'November 02, 2015' -> date."""
    m = _MONTH_DATE_RE.search(text)
    if not m:
        return None
    return make_date(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))


def parse_iso(text: str) -> date | datetime | None:
    text = clean(str(text))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            value: date | datetime = date.fromisoformat(text)
        else:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if EARLIEST <= value.year <= LATEST else None


def parse_any(text: str) -> date | datetime | None:
    """ISO date/datetime, RFC 822 (RSS pubDate) or a written month date."""
    text = clean(text or "")
    if not text:
        return None
    iso = parse_iso(text)
    if iso is not None:
        return iso
    if re.match(r"^(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{1,2}:\d{2}", text):
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            value = None
        if value is not None and EARLIEST <= value.year <= LATEST:
            if value.tzinfo is None:
                value = value.replace(tzinfo=timezone.utc)
            return value
    return parse_month_date(text)


def match_dateline(line: str) -> tuple[date, str, str] | None:
    """A dateline line -> (date, text before the date, text after '|'); None when not one."""
    m = DATELINE.match(clean(line))
    if not m:
        return None
    day = make_date(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))
    if day is None:
        return None
    pre, rest = (m.group("pre") or "").strip(), (m.group("rest") or "").strip()
    if pre and not rest:
        return None   # a sentence that merely ends in a date
    return day, pre, rest


def is_duration(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}:\d{2}(?::\d{2})?", clean(text)))


def parse_byline(text: str) -> tuple[tuple[str, ...], str] | None:
    """'By David Vergun, DOD News' -> (('David Vergun',), 'DOD News'); None when not a byline."""
    m = BYLINE.match(clean(text))
    if not m:
        return None
    return split_credit(m.group("who"))


def split_credit(who: str) -> tuple[tuple[str, ...], str]:
    """'A and B – Associated Press' / 'Kevin M. Hymel, Air Force ... Public Affairs' -> (names, source)."""
    who = clean(who).rstrip(".") if not clean(who).endswith((" Jr.", " Sr.")) else clean(who)
    who = re.sub(r",\s*(Jr\.|Sr\.|II|III|IV)\b", r" \1", who)
    source = ""
    parts = re.split(r"\s+[–—-]{1,2}\s+|\s*\|\s*", who, maxsplit=1)
    if len(parts) == 2:
        who, source = parts[0].strip(), parts[1].strip()
    elif "," in who:
        head, tail = who.rsplit(",", 1)
        tail = tail.strip()
        if _ORG_WORDS.search(tail) and not re.match(r"^and\b", tail):
            who, source = head.strip(), tail
    who = re.sub(r"\s*\((?:[A-Z]{2,6})\)$", "", who)
    names = [n.strip(" ,") for n in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", who) if n.strip(" ,")]
    if len(names) > 1 and any(_ORG_WORDS.search(n) for n in names[1:]) and not source:
        source = names.pop()
    names = [title_case_name(n) for n in names if len(n) <= 80]
    if len(names) == 1 and _ORG_WORDS.search(names[0]) and not source:
        return (), names[0]   # 'Story by American Forces Press Service'
    return tuple(names), source
