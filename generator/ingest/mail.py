"""Plain-text releases: e-mail and Usenet forwards, wire copy, hard-wrapped text.

Mail headers, forwarding notes, the poster's signature (after '-- ') and everything after an end
mark ('-30-', '###', '- end -') are dropped. The release header ('FOR IMMEDIATE RELEASE … date',
'RELEASE: 93-76', 'Press Release No. 19-93') gives the date; contact blocks and wire slugs
('To: National Desk') are not body. The headline is the title-like line above the first paragraph
(often in capitals); the Subject line is only the fallback. A dateline without a year takes the year
of the header or the message's Date:, else the release is flagged for review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.errors import fail

from .chrome import END_MARK, chrome_kind, contact_line
from .dates import Found, dateline_date, find_date, with_year
from .model import Release
from .text import classify, clean, summary_of, text_blocks, render_blocks, plain_text

MAIL_HEADER = re.compile(r"^(?:From|Subject|Date|To|Cc|Reply-To|Organization|Organisation|Lines|Distribution|Newsgroups|"
                         r"Message-ID|Path|Sender|Keywords|Summary|NNTP-Posting-Host|News-Software|X-[\w-]+|"
                         r"Original-Sender|Followup-To|References|Article-I\.D\.|Approved|Expires|Xref)\s*:", re.I)
RELEASE_HEADER = re.compile(r"\b(?:FOR IMMEDIATE RELEASE|RELEASE\s*:\s*[\w-]+|Press Release No\.?\s*[\w-]+|"
                            r"NEWS RELEASE|MEDIA RELEASE|PRESS RELEASE|MEDIA ADVISORY\s*:?\s*[A-Z]?\d[\w-]*)\b", re.I)
FORWARD_NOTE = re.compile(r"^(?:here is|here's|the following is|forwarded (?:from|by|message)|-+ ?forwarded|begin forwarded|"
                          r"fyi\b|for your information)", re.I)
ORGANISATION = re.compile(r"\b(?:OFFICE|LABORATORY|DEPARTMENT|ADMINISTRATION|INSTITUTE|UNIVERSITY|AGENCY|MINISTRY|"
                          r"COMMISSION|CORPORATION|INC|LTD|BUREAU|CENTER|CENTRE|HEADQUARTERS|DIVISION|SERVICE)\b")
HEADER_LINE = re.compile(r"^(?:To|Attn|Attention|Contacts?|Media contacts?|Phone|Tel|Fax|E-?mail)\s*:", re.I)
WIRE_SLUG = re.compile(r"^(?:To|Attn|Attention)\s*:\s*.*(?:desk|editors?|reporters?|writers?)\b", re.I)


def looks_like_mail_or_plain_release(text: str) -> bool:
    """Mail/Usenet headers at the top, or a hard-wrapped text with a release header near the top."""
    lines = text.lstrip("\n").split("\n", 60)[:60]
    if len(lines) >= 2 and MAIL_HEADER.match(lines[0]) and any(MAIL_HEADER.match(line) for line in lines[1:6]):
        return True
    head = "\n".join(lines[:25])
    filled = [line.expandtabs(8).rstrip() for line in lines if line.strip()]
    wrapped = sum(1 for line in filled if 25 <= len(line) <= 100) >= 0.6 * max(1, len(filled))
    return bool(RELEASE_HEADER.search(head)) and wrapped and len(lines) >= 15 or hard_wrapped(lines)


def hard_wrapped(lines: list[str]) -> bool:
    """Text wrapped at a fixed width (mail, wire copy): most lines 40-80 characters, and many of them
    stop mid-sentence with the sentence going on in the next line."""
    rows = [line.expandtabs(8).rstrip() for line in lines]
    filled = [row for row in rows if row.strip()]
    if len(filled) < 8:
        return False
    sized = sum(1 for row in filled if 40 <= len(row) <= 80)
    broken = sum(1 for row, nxt in zip(rows, rows[1:]) if 40 <= len(row) <= 80 and nxt.strip()
                 and not re.search(r"[.!?:;\"”)]$", row) and re.match(r"^\s*[a-z(\d]", nxt))
    return sized >= 0.6 * len(filled) and broken >= 0.25 * len(filled)


@dataclass
class _Mail:
    headers: dict[str, str] = field(default_factory=dict)
    header_lines: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def _split(text: str) -> _Mail:
    mail = _Mail()
    lines = text.lstrip("\n").split("\n")
    i = 0
    while i < len(lines) and MAIL_HEADER.match(lines[i]):
        key, _, value = lines[i].partition(":")
        mail.headers[key.strip().lower()] = clean(value)
        i += 1
    body: list[str] = []
    for line in lines[i:]:
        if line.rstrip() in ("--", "-- ") or END_MARK.match(line.strip()):
            break
        body.append(line)
    mail.paragraphs = _paragraphs(body)
    return mail


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank lines and indented first lines start paragraphs; wrapped lines are joined."""
    out: list[list[str]] = [[]]
    for line in lines:
        stripped = line.strip()
        if not stripped:
            out.append([])
            continue
        indented = re.match(r"^(?:\t| {3,})\S", line) and not re.match(r"^ {20,}", line)
        header = HEADER_LINE.match(stripped) or RELEASE_HEADER.match(stripped)
        if re.match(r"^(?:[-*•]|\d{1,2}[.)])\s+\S", stripped) and out[-1]:
            out.append([])     # a list item starts its own paragraph
        in_item = bool(out[-1]) and re.match(r"^(?:[-*•]|\d{1,2}[.)])\s", out[-1][0])
        if (indented and not in_item or header) and out[-1]:
            out.append([])
        out[-1].append(stripped)
        if header:
            out.append([])
    return [clean(" ".join(p)) for p in out if p]


def _is_body(paragraph: str) -> bool:
    return len(paragraph) >= 160 or (len(paragraph.split()) >= 12 and paragraph.endswith((".", ".”", '."', ":")))


def parse_plain_release(path: str, text: str, vocabulary: tuple[str, ...]) -> Release:
    from generator.tags import find_tags

    mail = _split(text)
    start = next((i for i, p in enumerate(mail.paragraphs) if _is_body(p) and not FORWARD_NOTE.match(p)), None)
    if start is None:
        raise fail(path, 0, "no article paragraphs in this text; nothing to import")
    head, body = mail.paragraphs[:start], mail.paragraphs[start:]
    title, found, hints = _head(head)
    title = _tidy(title, " ".join(body))
    review: list[str] = []
    if not title:
        title = _subject(mail.headers.get("subject", ""))
        if title:
            review.append("headline taken from the message's Subject line")
    when, why = _date(found, body, mail.headers.get("date", ""))
    if why:
        review.append(why)
    body = [p for p in body if not chrome_kind(p) and not WIRE_SLUG.match(p)]
    blocks = text_blocks(body, headings=False)
    if not blocks:
        raise fail(path, 0, "no article paragraphs in this text; nothing to import")
    plain = plain_text(blocks)
    kind = classify(title, blocks, hints=hints) or "release"
    return Release(title=title, date=when, body=render_blocks(blocks), kind=kind, summary=summary_of(blocks),
                   source=_issuer(mail.paragraphs[:start]),
                   tags=tuple(find_tags(title, plain, vocabulary)), review=tuple(review))


def _head(head: list[str]) -> tuple[str, Found | None, str]:
    """Header paragraphs -> (headline, the header's date, release-header hints)."""
    title, found, hints = "", None, ""
    for paragraph in head:
        if RELEASE_HEADER.search(paragraph):
            hints += "\n" + paragraph
        date = find_date(paragraph) if len(paragraph) < 120 else None
        if date and (found is None or not found.year_given and date.year_given):
            found = date
        if date or RELEASE_HEADER.search(paragraph) or FORWARD_NOTE.match(paragraph) or WIRE_SLUG.match(paragraph):
            continue
        if contact_line(paragraph) or chrome_kind(paragraph) or re.search(r"\(?\d{3}\)?[ /.-]\d{3}-\d{4}", paragraph):
            continue
        if _headline_like(paragraph):
            title = clean(paragraph)
    return title, found, hints


def _issuer(head: list[str]) -> str:
    """'Here is a press release from the U.S. Department of Energy.' -> 'U.S. Department of Energy'."""
    for paragraph in head:
        m = re.match(r"^(?:here is|here's|the following is) an? (?:press|news|media) release (?:from|by) (?:the )?(.{3,80}?)[.:]?$",
                     paragraph, re.I)
        if m:
            return m.group(1)
    return ""


def _headline_like(text: str) -> bool:
    words = text.split()
    if not 3 <= len(words) <= 30 or text.endswith((",", ":")):
        return False
    if re.match(r"^(?:Contact|Phone|Tel|Fax|E-?mail)\b", text, re.I):
        return False
    return not (text.isupper() and ORGANISATION.search(text))


def _tidy(title: str, body: str = "") -> str:
    """An all-capitals headline in title case; words the text itself writes in capitals (NASA, STS-124) stay so."""
    title = clean(title)
    if not title.isupper():
        return title
    small = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from"}
    capitals = set(re.findall(r"\b[A-Z][A-Z0-9&.-]+\b", body))
    words = []
    for i, word in enumerate(title.split()):
        core = word.strip(".,:;!?'’\"()")
        if core in capitals and not core.isdigit():
            words.append(word)
        elif i and word.lower() in small:
            words.append(word.lower())
        else:
            words.append(word[:1] + word[1:].lower())
    return " ".join(words)


def _subject(subject: str) -> str:
    return clean(re.sub(r"^(?:(?:re|fwd?|aw|tr)\s*:\s*)+", "", subject, flags=re.I))


def _date(found: Found | None, body: list[str], mail_date: str):
    """(date or None, review reason or '') from the header date, the dateline, the message date."""
    lead = dateline_date(body[0]) if body else None      # the dateline's date, not one the text mentions
    if found and found.year_given:
        return found.value, ""
    year_from = found if found and found.year_given else None
    message = find_date(mail_date) if mail_date else None
    if lead and lead.year_given:
        return lead.value, ""
    yearless = found or lead
    if yearless and message and message.year_given:
        return with_year(yearless, message.value.year), f"the dateline '{yearless.text}' gives no year; the year is the message's"
    if yearless:
        return None, f"the dateline '{yearless.text}' gives no year: add the year"
    if message and message.year_given and year_from is None:
        return message.value, "date taken from the message's Date: line, not from the release"
    return None, "no date found anywhere in the capture: give it the release date"
