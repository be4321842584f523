"""The top of a page-text capture: section labels, the date line, the headline, and the pages that are
not articles (listings, JavaScript shells, degraded text, secondary coverage)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from generator.errors import PressroomError, Problem

from .dateline import MONTH_DATE, MONTHS, make_date, match_dateline, parse_byline
from .dates import Found, find_date
from .figures import is_lone_caption, is_meta
from .text import clean, is_speaker

LABEL_WORDS = re.compile(
    r"\b(?:news|press|media|releases?|pressemitteilung(?:en)?|medienmitteilung(?:en)?|presse|aktuell\w*|nachrichten|"
    r"communiqu[ée]s?|actualit[ée]s?|comunicaci[óo]n|comunicados?|noticias|notizie|comunicati|h[íi]rek|statements?|"
    r"speeches|advisor(?:y|ies)|updates?|newsroom|salle de presse|sala de prensa|notices?)\b", re.I)
LABEL_TAIL = re.compile(r"[:–—|-]\s*(?:press|news|media)\s+(?:notice|release|statement|advisory|note)s?(?:\s+\d+)?$", re.I)
CREDIT_END = re.compile(r"\((?:image|photo|picture|foto|bild|crédit|credit)s?(?: credit| by)?\s*:?[^()]{0,80}\)\s*$", re.I)
TIME_LEAD = re.compile(r"^\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?|uhr|h)\b", re.I)
NUMERIC_DATE_LEAD = re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")
REPORTING = re.compile(r"^.{0,160}?\b(?:said|says|announced|reported|according to)\b", re.I)
WIRE_DATELINE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ .,'’-]{2,40}(?:,\s*[A-Z][\w.]+)?\s*(?:\([^)]{1,40}\))?\s*[—–-]{1,2}\s")
BANNER = re.compile(r"^(?:alert|breaking(?: news)?|notice|important notice|announcement|weather alert|service alert)\s*[:|–—-]\s", re.I)
AGENCY = re.compile(r"\b(?:Ministry|Ministerium|Minist[èe]re|Ministerio|Government|Regierung|Gouvernement|Council|House|"
                    r"City of|Stadt|Ville de|Ayuntamiento|Administration|Commission|Authority|Embassy|Parliament)\b", re.I)
AGENCY_LEAD = re.compile(r"^(?:(?:the|u\.\s?s\.|us|federal|state|national|royal|city|county)\s+)?(?:department|ministry|"
                         r"ministerium|minist[èe]re|ministerio|office|agency|council|government|administration|commission|"
                         r"authority|embassy|parliament|city of|county of|stadt|ville de|ayuntamiento|bureau)\b", re.I)
BLOG_BY = re.compile(r"\s(?:by|von|par|por|di)\s+(?P<who>[A-ZÀ-Þ][\w.'’-]+(?:\s+[A-ZÀ-Þ][\w.'’-]+){1,3})\s*$")
JS_SHELL = re.compile(r"\b(?:enable|requires?)\s+javascript\b", re.I)


SECTION_LABELS = {"spotlight", "face of defense", "news", "news stories", "feature", "features", "press release",
                  "news release", "release", "releases", "transcript", "transcripts", "speech", "speeches",
                  "statement", "statements", "advisory", "advisories", "media advisory", "contracts", "story"}
def title_like(text: str) -> bool:
    text = clean(text)
    words = text.split()
    if not text or len(text) > 250 or len(words) > 35 or len(text) < 3:
        return False
    if text.endswith((":", ",")) or (text.endswith(".") and len(words) > 14 and not text.endswith("..")
                                     and not re.search(r"\b[A-Z][a-z]{0,4}\.$", text)):   # 'Petoskey, Mich.'
        return False
    if match_dateline(text) or _date_only(text) or is_lone_caption(text) or is_meta(text) or parse_byline(text):
        return False
    if is_speaker(text) or text[0].islower() or not any(c.isalpha() for c in text):
        return False
    codes = sum(1 for w in words if not any(c.isalpha() for c in w))      # 'PASC 04-05 PN 7', 'Session 2004-05'
    return not (codes >= 2 and codes * 2 >= len(words) or codes and len(words) <= 2)


def _date_only(text: str) -> date | None:
    text = clean(text)
    m = re.fullmatch(MONTH_DATE + r"\.?", text)
    if not m:
        return None
    return make_date(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))


TITLE_LABEL = re.compile(
    r"^(?P<label>(?:media advisory|news release|press release|media release|press statement|pressemitteilung|"
    r"medienmitteilung|communiqu[ée](?: de presse)?|comunicado(?: de prensa)?|comunicato stampa)"
    r"(?:\s*(?:no\.?|nr\.?|n°|#)?\s*:?\s*[A-Z]?\d[\w./-]*)?)\s*[:–—-]?\s+(?P<rest>\S.*)$", re.I)


def split_label(title: str) -> tuple[str, str]:
    """'MEDIA ADVISORY M17-096 Media Invited to …' -> ('Media Invited to …', 'MEDIA ADVISORY M17-096')."""
    m = TITLE_LABEL.match(title)
    if not m or len(m.group("rest").split()) < 3:
        return title, ""
    return m.group("rest"), m.group("label")


def skip(path: str, what: str) -> PressroomError:
    return PressroomError(Problem(path, 0, f"not an article: {what}", warning=True))


def is_label(line: str) -> bool:
    """A section label above a headline: a few words naming the kind of page ('News Releases from Region 05')."""
    words = line.split()
    if LABEL_TAIL.search(line) and len(words) <= 12:
        return True           # 'Public Administration Select Committee: Press Notice'
    if len(words) > 6 or line.endswith((".", "?", "!")):
        return False
    labelled = sum(1 for w in words if LABEL_WORDS.fullmatch(w.strip(":")))
    return labelled == len(words) == 1 or labelled >= 2 and labelled * 2 >= len([w for w in words if len(w) > 3])


def is_caption(line: str, following: list[str]) -> bool:
    """A photo caption or its alt text: ends in a credit, or the next line repeats it with more."""
    if is_lone_caption(line) or CREDIT_END.search(line):
        return True
    return any(nxt != line and nxt.startswith(line) for nxt in following[:2])


@dataclass
class DateLine:
    """The date line near the top of a capture, and what it also says."""

    lines: list[tuple[int, str]]       # the capture's lines without it
    value: date | None = None
    yearless: Found | None = None      # a date seen without a year
    byline: str = ""                   # 'January 17, 2017 at 6:08 PM ET by Jo Bloggs' -> 'Jo Bloggs'


def date_line(kept: list[tuple[int, str]], header: date | None = None) -> DateLine:
    """A line near the top whose point is the date ('Publié le 16 avril 2018', 'Chemnitz, den 19.01.2018',
    '14 de marzo de 2020Headline', 'Szöveg: / | 2017. május 25. 8:16', 'Updated December 13, 2022',
    'January 17, 2017 at 6:08 PM ET by Jo Bloggs'). A headline or sentence that mentions a date is left alone."""
    result = DateLine(kept)
    candidates: list[tuple[int, Found, str]] = []
    for i, (_, line) in enumerate(kept[:12]):
        if len(line.split()) >= 25:
            break                        # the first paragraph: the top is over
        if len(line) > 200 or is_caption(line, []):
            continue
        found = find_date(line[:120])
        if found is None:
            continue
        by = BLOG_BY.search(line)
        bare = line[: by.start()] if by else line
        rest_words = len(bare.replace(found.text, " ", 1).split())
        if not (line.startswith(found.text[:6]) or rest_words <= 6):
            continue
        if not found.year_given:
            result.yearless = result.yearless or found
            continue
        candidates.append((i, found, by.group("who") if by else ""))
    if candidates:
        # two date lines (a site's 'today' ticker and the release's own): the capture header's date decides
        i, found, result.byline = next((c for c in candidates if c[1].value == header), candidates[0])
        drop = {c[0] for c in candidates}
        result.lines, result.value = [line for j, line in enumerate(kept) if j not in drop], found.value
    return result


def pick_title(top: list[str]) -> int:
    """Index of the headline among the top lines (after labels and captions), -1 when none is title-like.
    A line of one or two words ('New York', 'UN') yields to a longer title-like line after it."""
    candidates = []
    for i, line in enumerate(top):
        if len(line.split()) >= 25:
            break
        if is_label(line) or line.lower().rstrip(":") in SECTION_LABELS or is_caption(line, top[i + 1:]) \
                or not title_like(line):
            continue
        candidates.append(i)
    if not candidates:
        return -1
    chosen = [i for i in candidates if not BANNER.match(top[i])]
    named = [i for i in chosen if not is_agency(top[i])]   # 'U.S. Department of Energy' above the headline
    longer = [i for i in named if len(top[i].split()) >= 3]
    return (longer or named or chosen or [-1])[0]


def is_agency(line: str) -> bool:
    """A short line that only names an organisation (a section or agency label)."""
    from .dateline import _ORG_WORDS

    words = line.split()
    if len(words) > 7 or re.search(r"\b(?:to|will|is|are|was|announces?|says?|opens?|wins?|launch(?:es)?|hails?)\b", line, re.I):
        return False
    return bool(AGENCY_LEAD.match(line) or len(words) <= 4 and (_ORG_WORDS.search(words[-1]) or AGENCY.search(words[-1])))


def dedupe_repeats(kept: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A capture that holds the page text twice (responsive layouts) keeps the first copy of each long line;
    a short label the page repeats far apart ('ORGANIZATIONS IN THIS STORY' above and below the text) is
    site chrome and goes (a headline shown twice on top is kept once)."""
    places: dict[str, list[int]] = {}
    for i, (_, line) in enumerate(kept):
        places.setdefault(line, []).append(i)
    seen: set[str] = set()
    out = []
    for n, line in kept:
        if len(line) >= 60 and line in seen:
            continue
        at = places[line]
        apart = len(at) >= 2 and any(len(kept[k][1].split()) >= 25 for k in range(at[0] + 1, at[-1]))
        if apart and 2 <= len(line.split()) <= 8 and not re.search(r"[.!?:]$", line) \
                and not is_lone_caption(line) and not is_meta(line):
            continue     # the same label above and below the text
        seen.add(line)
        out.append((n, line))
    return out


def is_listing(lines: list[str]) -> bool:
    """Many short lines that are, or start with, a date or a time: a list of releases, not one release."""
    short = [line for line in lines if line and len(line) < 160]
    dated = sum(1 for line in short[:300] if TIME_LEAD.match(line) or NUMERIC_DATE_LEAD.match(line)
                or len(line.split()) <= 14 and re.search(r"\d", line) and find_date(line))
    return dated >= 5 and dated >= 0.25 * max(1, len([line for line in lines if line]))


def not_an_article(path: str, raw: list[str], kept: list[tuple[int, str]]) -> None:
    """Raise `skip` for listings, JavaScript shells and text whose lines and headline are lost."""
    texts = [line for _, line in kept]
    words = sum(len(line.split()) for line in texts)
    if is_listing(texts):
        raise skip(path, "listing page (headlines or teasers with dates, no release of its own)")
    if any(JS_SHELL.search(line) for line in raw[:10]) and words < 150:
        raise skip(path, "a JavaScript-only page (filter, search or listing shell) with no release text")
    story = sum(len(line.split()) for line in texts if not (is_meta(line) or is_lone_caption(line)
                                                             or re.match(r"^\d{6}-[A-Z]-[A-Z0-9]{5}", line)))
    if any(is_meta(line) for line in texts) and story < 60 and not any(match_dateline(line) for line in texts[:12]):
        raise skip(path, "photo page (one picture with its caption and download link, no story)")
    if len(texts) <= 2 and words > 250:
        raise skip(path, "degraded text: line breaks and punctuation are gone, so paragraphs and the headline "
                         "cannot be recovered")


def secondary(path: str, lead: str) -> None:
    """No headline and no dateline, and the text reports what someone said: coverage, not the release."""
    if REPORTING.match(lead) and not WIRE_DATELINE.match(lead):
        raise skip(path, "secondary coverage (it reports on a release and has no headline or dateline of its own)")


def join_labels(lines: list[str]) -> list[str]:
    """'WHAT:' on its own line, its value on the next: one line 'WHAT: value' (advisories, fact boxes).
    A line wrapped mid-sentence (ends in a letter or comma, next starts in lower case or a digit) is rejoined.
    A line repeated straight after itself (a sign-off printed twice) is kept once."""
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        if prev and re.fullmatch(r"[A-Z][\w /&'’-]{0,30}:", prev) and not re.fullmatch(r"[A-Z][\w /&'’-]{0,30}:", line):
            out[-1] = f"{prev} {line}"
        elif prev and re.search(r"[a-zäöüéèàß,]$", prev) and re.match(r"^(?:[a-zäöüéèàß]|\d+\.? [a-zäöüéA-ZÄÖÜ])", line) \
                and len(prev.split()) >= 6:
            out[-1] = f"{prev} {line}"
        elif line == prev and len(line.split()) <= 8:
            continue
        else:
            out.append(line)
    return out
