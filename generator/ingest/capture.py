"""Page-text captures: ' date YYYY-MM-DD <first page text>' header (or none), site banner,
title, dateline 'Oct. 30, 2024 | By David Vergun, DOD News', photo blocks, body, site chrome.

Also reads hand-trimmed plain-text releases (title on line 1, body after) and the
CENTCOM text extraction ('Share' / date / 'Release # …' / 'FOR IMMEDIATE RELEASE').
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from generator.errors import Problem, PressroomError, fail

from .dateline import MONTH_DATE, is_duration, make_date, match_dateline, parse_byline, parse_month_date, split_credit
from .chrome import is_chrome
from .dates import Found, dateline_date
from .toplines import (SECTION_LABELS, WIRE_DATELINE, _date_only, date_line, is_agency, split_label, dedupe_repeats, is_label, join_labels, not_an_article,
                       pick_title, secondary, title_like)
from .figures import extract_figures, is_lone_caption, is_meta
from .model import Release
from .text import Block, classify, clean, is_speaker, strip_line, strip_marks, summary_of, text_blocks, render_blocks

HEADER = re.compile(r"^[\s\ufeff]*date\s+(\d{4})-(\d{2})-(\d{2})\b[ \t\u00a0]*(.*)$")
BANNER_LEAD = re.compile(r"^An official website of the United States [Gg]overnment\.?\s*", re.I)
CHROME = re.compile(r"^(?:" + "|".join([
    r"An official website of the United States [Gg]overnment\.?",
    r"Here['’]s how you know\.?",
    r"Official websites use \.gov",
    r"A?\s*\.gov website belongs to an official government organization in the United States\.",
    r"Secure \.gov websites use HTTPS",
    r"A lock \(.*\) or https:// means .*",
    r"The \.gov means it['’]s official\.",
    r"Federal government websites often end in \.gov or \.mil\..*",
    r"The site is secure\.",
    r"The https:// ensures that you are connecting to the official website.*",
    r"You have accessed part of a historical collection.*",
    r"Skip to (?:main )?content", r"Back to top", r"Advertisement",
    r"Share(?: this)?:?", r"Print", r"E-?mail", r"Facebook", r"Twitter", r"X", r"LinkedIn", r"Reddit", r"Copy Link", r"Copied",
    r"Photo Gallery", r"Video Gallery", r"Related Stories", r"Related Links", r"Related Content", r"Related Articles",
    r"Subscribe to Defense\.gov Products", r"Choose which Defense\.gov products you want delivered to your inbox\.",
    r"Breaking:\s.*", r"Nation & World", r"Local News", r"Top Stories",
    r"\d+\s+(?:seconds?|minutes?|hours?|days?)\s+ago", r"Updated\s.*\bago",
    r"-+\s*30\s*-+", r"\\?#{3}", r"-?\s*end\s*-?", r"\*{3}",
]) + r")$", re.I)
RELEASE_HEADER = re.compile(r"^(?:Release\s*(?:#|No\.?|Number)\s*\S+|FOR IMMEDIATE RELEASE\.?|IMMEDIATE RELEASE)$", re.I)
FROM_LINE = re.compile(r"^From (?P<who>.*(?:Public Affairs|Affairs Office|Press Service|News Service|Command|Office))$")
_PLAIN_DATE = MONTH_DATE.replace("?P<month>", "").replace("?P<day>", "").replace("?P<year>", "")
LEAD_DATE = re.compile(rf"^.{{0,120}}?(?:\(\s*{_PLAIN_DATE}\s*\)|[–—-]+\s*{_PLAIN_DATE}\s*[–—-]+)")
SIGN_OFF = re.compile(r"^(?:::|[–—]|--|(?:Source|Quelle|Fuente|Fonte)\s*:|SOURCE\s)\s*(?P<who>[A-Z][^!?]{2,100}?(?:\b[A-Z][a-z]{0,3}\.)?)\.?$")
TRAILING_STORY_BY = re.compile(r"^(?:Story|Article|Written|Compiled) by\s+(?P<who>.+)$", re.I)


def skip(path: str, what: str) -> PressroomError:
    return PressroomError(Problem(path, 0, f"not an article: {what}", warning=True))


@dataclass
class _Top:
    """What the top of a capture says: headline, dateline, credits, and what to review."""

    title: str = ""
    title_at: int = -1
    dateline_at: int = -1
    when: date | None = None
    authors: tuple[str, ...] = ()
    source: str = ""
    hints: str = ""
    review: list[str] = field(default_factory=list)
    yearless: Found | None = None
    own_date: bool = False


def parse_capture(path: str, text: str, vocabulary: tuple[str, ...]) -> Release:
    from generator.tags import find_tags

    header_date, kept = _kept_lines(path, text)
    top, kept = _top(path, kept, header_date)
    rest = _credits(kept[max(top.title_at, top.dateline_at) + 1:], top)
    if not rest:
        raise fail(path, kept[-1][0], "no article text after the title; nothing to import")
    blocks, images = _body(path, rest)
    _settle_date(path, top, blocks, header_date)
    lead = next((b.text for b in blocks if b.kind == "p"), "")
    if not top.source and re.search(r"\((?:AP)\)", lead[:120]):
        top.source = "Associated Press"
    kind = classify(top.title, blocks, source=top.source, hints=top.hints) or "story"
    plain = "\n".join(b.text or " ".join(b.items) for b in blocks)
    return Release(
        title=top.title, date=top.when, body=render_blocks(blocks), authors=top.authors, source=top.source, kind=kind,
        summary=summary_of(blocks), tags=tuple(find_tags(top.title, plain, vocabulary)), images=tuple(images),
        review=tuple(top.review),
    )


def _kept_lines(path: str, text: str) -> tuple[date | None, list[tuple[int, str]]]:
    """(capture header date, numbered lines without site chrome); raises for what is not an article."""
    lines = text.split("\n")
    header_date: date | None = None
    m = HEADER.match(lines[0])
    if m:
        header_date = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        lines[0] = BANNER_LEAD.sub("", m.group(4))
    else:
        lines[0] = BANNER_LEAD.sub("", lines[0].lstrip("\ufeff"))
    lines = [clean(strip_line(line)) for line in lines]
    _refuse_non_articles(path, lines)
    kept = dedupe_repeats([(n, line) for n, line in enumerate(lines, 1)
                           if line and not CHROME.match(line) and (is_meta(line) or not is_chrome(line))])
    if not kept:
        raise fail(path, 0, "no text besides the site banner; nothing to import")
    not_an_article(path, lines, kept)
    words = sum(len(line.split()) for _, line in kept)
    if words < 30 and not any(match_dateline(line) for _, line in kept[:12]):
        raise skip(path, f"only {words} words besides the site chrome (a filter, search or JavaScript-only page)")
    if all(is_lone_caption(line) or is_meta(line) for _, line in kept):
        raise skip(path, "photo page (only a photo caption and its credit, no story)")
    return header_date, kept


def _top(path: str, kept: list[tuple[int, str]], header: date | None = None) -> tuple[_Top, list[tuple[int, str]]]:
    """Headline, dateline ('Oct. 30, 2024 | By …') or date line, and section labels at the top."""
    top = _Top()
    for i, (_, line) in enumerate(kept[:12]):
        dl = match_dateline(line)
        if dl and (not dl[1] or dl[2]):
            if is_duration(dl[2]):
                raise skip(path, "video page (the dateline gives a running time, not a story)")
            top.dateline_at, top.when = i, dl[0]
            if dl[2]:
                top.authors, top.source = parse_byline(dl[2]) or split_credit(dl[2])
            break
    if top.dateline_at < 0:
        found = date_line(kept, header)
        kept, top.when, top.yearless = found.lines, found.value, found.yearless
        if found.byline and not top.authors:
            top.authors = (found.byline,)
    head = kept[:top.dateline_at] if top.dateline_at >= 0 else kept[:6]
    top.hints = "\n".join(line for _, line in head if line.lower().rstrip(":") in SECTION_LABELS or is_label(line))
    top.own_date = top.when is not None
    if top.dateline_at < 0:
        top.title_at = pick_title([line for _, line in head])
        top.title = head[top.title_at][1] if top.title_at >= 0 else ""
    for i in range(top.dateline_at - 1, -1, -1):   # with a dateline: the title-like line just above it
        line = kept[i][1]
        if RELEASE_HEADER.match(line):
            break          # 'For Immediate Release' opens the release: what stands above it is the site's
        if line.lower().rstrip(":") in SECTION_LABELS or is_label(line) or is_agency(line):
            continue
        if title_like(line):
            top.title, top.title_at = line, i
        break
    if top.dateline_at >= 0 and len(top.title.split()) <= 3:
        _title_below(top, kept)     # 'Name / Office, City / Dec. 09, 2008 / Headline / WASHINGTON -- …'
    top.title, label = split_label(top.title)
    top.hints += "\n" + label
    if not top.title:
        first = kept[0][1]
        why = ("the first line is a photo caption" if is_lone_caption(first)
               else "the text starts with its first paragraph" if len(first.split()) > 35
               else "the capture starts with a release header, not a headline" if _date_only(first)
               else f"the first line ('{first[:60]}') is not a headline")
        top.review.append(f"no headline found ({why}): write the title")
    return top, kept


def _title_below(top: _Top, kept: list[tuple[int, str]]) -> None:
    """A headline under the dateline: a title-like line of four words or more with the lead after it."""
    for j in range(top.dateline_at + 1, min(top.dateline_at + 4, len(kept) - 1)):
        line = kept[j][1]
        if title_like(line) and len(line.split()) >= 4 and any(len(nxt.split()) >= 20 for _, nxt in kept[j + 1:j + 5]):
            top.title, top.title_at = line, j
            return


def _credits(rest: list[tuple[int, str]], top: _Top) -> list[tuple[int, str]]:
    """Byline, unit, 'From … Public Affairs', date and release-header lines after the title; a byline
    below the lead photo; a closing sign-off or 'Story by …' line. Returns the lines left."""
    while rest:
        line = rest[0][1]
        if not top.authors and (credit := parse_byline(line)):
            top.authors, top.source = credit[0], credit[1] or top.source
            rest = rest[1:]
            if rest and not top.source and _unit_line(rest[0][1]):
                top.source, rest = rest[0][1], rest[1:]
        elif not top.source and (fm := FROM_LINE.match(line)):
            top.source, rest = fm.group("who"), rest[1:]
        elif top.when is None and (d := _date_only(line)):
            top.when, rest = d, rest[1:]
        elif RELEASE_HEADER.match(line):
            top.hints, rest = top.hints + "\n" + line, rest[1:]
        else:
            break
    if not top.authors:   # a byline below the lead photo (wire stories on news sites)
        for j in range(min(8, len(rest))):
            line = rest[j][1]
            if credit := parse_byline(line):
                top.authors, top.source = credit[0], credit[1] or top.source
                rest = rest[:j] + rest[j + 1:]
                break
            if not (is_lone_caption(line) or is_meta(line) or len(line.split()) <= 12 and not line.endswith(".")):
                break
    lead = next((j for j, (_, line) in enumerate(rest[:6]) if WIRE_DATELINE.match(line) or dateline_date(line)
                 or is_speaker(line) and len(line.split()) >= 12), 0)
    if all(len(line.split()) <= 6 for _, line in rest[:lead]):
        rest = rest[lead:]    # contact names, offices, places and times between the headline and the lead
    if rest and (so := SIGN_OFF.match(rest[-1][1])):   # ':: Prime Minister's Office' names the issuer
        top.source, rest = top.source or so.group("who"), rest[:-1]
    while rest and (tm := TRAILING_STORY_BY.match(rest[-1][1])) and len(rest[-1][1]) < 200:
        names, src = split_credit(tm.group("who"))
        top.authors, top.source, rest = top.authors or names, top.source or src, rest[:-1]
    return rest


def _body(path: str, rest: list[tuple[int, str]]) -> tuple[list[Block], list]:
    """Body lines -> blocks with figure markers where photo blocks stood, and the images."""
    items, images = extract_figures(join_labels([line for _, line in rest]))
    blocks: list[Block] = []
    pending: list[str] = []
    transcript = sum(1 for item in items if isinstance(item, str) and is_speaker(item)) >= 2
    for item in items + [0]:
        if isinstance(item, int):
            blocks.extend(text_blocks(pending, headings=not transcript))
            pending.clear()
            if item:
                blocks.append(Block("fig", number=item))
        else:
            pending.append(item)
    if not any(b.kind == "p" for b in blocks):
        raise fail(path, rest[0][0], "no article paragraphs, only photo captions; nothing to import")
    return blocks, images


def _settle_date(path: str, top: _Top, blocks: list[Block], header_date: date | None) -> None:
    """The lead's '(June 21, 2020)', then the capture header; skip coverage and teasers without a headline."""
    lead = strip_marks(next((b.text for b in blocks if b.kind == "p"), ""))
    if top.when is None:
        lm = LEAD_DATE.match(lead)
        if lm:
            top.when = parse_month_date(lm.group(0))
    if top.when is None and (wire := dateline_date(lead)):   # 'PALO ALTO, Calif., April 25, 2016 /PRNewswire/ --'
        if wire.year_given:
            top.when = wire.value
        else:
            top.yearless = top.yearless or wire
    top.when = top.when or header_date
    if not top.title and top.dateline_at < 0 and not top.own_date:
        secondary(path, next((strip_marks(b.text) for b in blocks if b.kind == "p"), ""))
    if top.when is None and top.yearless is not None:
        top.review.append(f"the date '{top.yearless.text}' gives no year: add the year")
    if not top.title and len(words := " ".join(b.text for b in blocks).split()) < 40:
        raise skip(path, f"only {len(words)} words and no headline (a teaser, filter, search or JavaScript-only page)")


def _unit_line(text: str) -> bool:
    from .dateline import _ORG_WORDS
    return len(text) < 100 and not text.endswith(".") and bool(_ORG_WORDS.search(text) or re.search(r"\b\d+(?:st|nd|rd|th)\b", text))


def _refuse_non_articles(path: str, lines: list[str]) -> None:
    joined = "\n".join(lines[:80])
    if re.search(r"^(?:List of News Stories|Stories from around the Defense Department\.|Check out the latest from around the Defense Department\.|What['’]s New)$", joined, re.M) \
            or len(re.findall(r"^News \|$", joined, re.M)) >= 3 or re.search(r"^Tag:\s", joined, re.M) \
            or sum(1 for line in lines if line in ("Stories", "Photos", "Videos", "Video", "Articles")) >= 2 \
            and not any(match_dateline(line) for line in lines[:40]):
        raise skip(path, "listing page (a list of stories or a section's front page, not one story)")
    if re.search(r"^Snapshots of what['’]s happening in the Defense Department\.?$", joined, re.M) \
            or re.search(r"^IMAGE INFO\b|^Photo ID:|\[Image \d+ of \d+\]|^Content Credentials\b", joined, re.M):
        raise skip(path, "photo page (a picture with its caption, no story)")
    if re.search(r"\[Video \d+ of \d+\]|^VIDEO INFO\b|^Video by\s", joined, re.M):
        raise skip(path, "video page")
    dates_alone = sum(1 for line in lines if _date_only(line))
    if dates_alone >= 4:
        raise skip(path, "listing page (a list of dated stories, not one story)")
