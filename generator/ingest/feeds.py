"""RSS 2.0 and Atom: a whole feed or single `<item>`/`<entry>` snippets (as state.gov publishes
them, with undeclared `dc:`/`content:` prefixes), each item becoming one release.

Read with tolerant regular expressions rather than an XML parser, because snippets are
not well-formed documents; the item's HTML body goes through `html.html_lines`.
"""
from __future__ import annotations

import re
from html import unescape

from generator.errors import PressroomError, Problem, fail

from .dateline import parse_any
from .html import html_lines, lines_to_blocks, parse_fragment
from .model import Release
from .text import classify, clean, plain_text, render_blocks, strip_marks, summary_of, title_case_name

ITEM = re.compile(r"<(item|entry)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
TITLE_WORDS = re.compile(r"\b(?:Secretary|Spokesperson|Minister|Ambassador|Department|Office|Deputy|Assistant|Under|"
                         r"Special|Envoy|Director|Coordinator|President|Administrator|Counselor|Chief|Bureau|Principal|"
                         r"Representative|Advisor|Adviser|Press|Staff|Embassy|Mission|Consulate|Commission)\b")
ORG_CREATOR = re.compile(r"^(?:The )?(?:Office|Bureau|Department|U\.S\. Department|Embassy|Mission|Consulate)\b")


def looks_like_feed(text: str, suffix: str) -> bool:
    head = text[:3000].lstrip().lower()
    if head.startswith(("<rss", "<feed", "<item", "<entry", "<rdf:rdf")):
        return True
    if head.startswith("<?xml") and re.search(r"<(rss|feed|item|entry)\b", head):
        return True
    return suffix in (".rss", ".atom") or (suffix == ".xml" and bool(OPEN_ITEM.search(text[:200_000])))


def _field(block: str, *names: str) -> str:
    for name in names:
        m = re.search(rf"<{re.escape(name)}\b([^>]*?)(?:/>|>(.*?)</{re.escape(name)}\s*>)", block, re.S | re.I)
        if m:
            inner = m.group(2) or ""
            if "<![CDATA[" in inner:
                return "".join(CDATA.findall(inner))
            attrs = m.group(1) or ""
            if not inner and name == "link":
                href = re.search(r'href="([^"]*)"', attrs)
                return unescape(href.group(1)) if href else ""
            return unescape(inner)   # XML text: entities once (Atom type="html" then holds markup)
    return ""


def _plain(markup: str) -> str:
    return clean(unescape(re.sub(r"<[^>]+>", " ", markup)))


def _people(creator: str) -> tuple[str, ...]:
    """'Antony J. Blinken, Secretary of State, Prak Sokhonn, Cambodian …' -> ('Antony J. Blinken', 'Prak Sokhonn')."""
    names = []
    for part in (p.strip() for p in creator.split(",")):
        if not part:
            continue
        if not TITLE_WORDS.search(part) and 2 <= len(part.split()) <= 5 and part[0].isupper():
            names.append(title_case_name(part))
        else:
            m = re.search(r"\b((?:[A-Z][a-z'’-]+|[A-Z]\.)(?: (?:[A-Z][a-z'’-]+|[A-Z]\.)){1,3})$", part)
            if m and not TITLE_WORDS.search(m.group(1)) and TITLE_WORDS.search(part[: m.start()]):
                names.append(m.group(1))
    return tuple(dict.fromkeys(names))


OPEN_ITEM = re.compile(r"<(item|entry)\b[^>]*>", re.I)
MAX_ITEMS = 5000


def split_items(text: str) -> list[tuple[str, str]]:
    """[(tag, inner markup)] in one pass: an item ends at its closing tag or where the next one opens
    (so thousands of unclosed <item> tags cost linear time, not quadratic)."""
    opens = list(OPEN_ITEM.finditer(text))
    items = []
    for n, m in enumerate(opens):
        end = opens[n + 1].start() if n + 1 < len(opens) else len(text)
        block = text[m.end():end]
        close = re.search(rf"</{m.group(1)}\s*>", block, re.I)
        items.append((m.group(1), block[: close.start()] if close else block))
    return items


def parse_feed(path: str, text: str, vocabulary: tuple[str, ...]) -> list[Release]:
    return read_feed(path, text, vocabulary)[0]


def read_feed(path: str, text: str, vocabulary: tuple[str, ...]) -> tuple[list[Release], list[Problem]]:
    """(releases, one problem per item left out: a teaser, an empty item, an item without a title)."""
    items = split_items(text)
    if len(items) > MAX_ITEMS:
        raise fail(path, 0, f"a feed with {len(items)} items, over the limit of {MAX_ITEMS}; split it")
    if not items:
        raise fail(path, 0, "a feed with no <item> or <entry>; nothing to import")
    head = text.split("<item", 1)[0].split("<entry", 1)[0]
    channel_title = _plain(_field(head, "title"))
    channel_link = _plain(_field(head, "link"))     # the base for relative links in items without their own
    if not re.match(r"^https?://[^/?#\s]", channel_link, re.I):
        channel_link = ""
    releases, left_out = [], []
    for _, block in items:
        try:
            releases.append(_item(path, block, channel_title, channel_link, vocabulary))
        except PressroomError as exc:
            left_out.append(exc.problem)
    if not releases:
        if left_out and all(p.warning for p in left_out):
            raise PressroomError(Problem(path, 0, f"not an article: no body in any of the {len(items)} "
                                                  "items (titles, links or teasers only)", warning=True))
        raise PressroomError(left_out[0]) if left_out else fail(path, 0, "no usable item in this feed")
    return releases, left_out


TEASER = re.compile(r"""class=["'][^"']*\b(?:teaser|excerpt|summary|abstract|intro)""", re.I)


def _stub(body_text: str, marked_teaser: bool) -> bool:
    """A teaser, not a release: a few words, a summary the feed's own markup calls a teaser, or a
    cut-off paragraph ending in '...'."""
    words = body_text.split()
    return len(words) < 8 or marked_teaser and len(words) < 80 or body_text.rstrip().endswith(("...", "…", "[…]", "[...]")) and len(words) < 120


def _item(path: str, block: str, channel: str, channel_link: str, vocabulary: tuple[str, ...]) -> Release:
    from generator.tags import find_tags

    title = _plain(unescape(_field(block, "title")))      # double-escaped '&amp;#8217;' too
    if not title:
        raise fail(path, 0, "no title: a feed item without <title>")
    stamp = _plain(_field(block, "pubDate", "dc:date", "published", "updated", "date"))
    when = parse_any(re.sub(r"\b24:00(:00)?\b", "23:59:59", stamp)) if stamp else None
    review = () if when is not None else (f"the feed gives no usable date for this item ('{stamp[:40]}'): give it the release date",)
    link = _plain(_field(block, "link", "guid"))
    base = link if re.match(r"^https?://[^/?#\s]", link, re.I) else channel_link
    creator = _plain(_field(block, "dc:creator", "author", "name"))
    if "<name" in _field(block, "author"):
        creator = _plain(re.sub(r".*?<name>(.*?)</name>.*", r"\1", _field(block, "author"), flags=re.S))
    markup = _field(block, "content:encoded", "content") or _field(block, "description", "summary")
    root = parse_fragment(markup if "<" in markup else "<p>" + "</p><p>".join(markup.split("\n\n")) + "</p>")
    lines = html_lines(root, base) if root is not None else []
    if lines and creator and strip_marks(lines[0][1]) == creator:
        lines = lines[1:]   # the issuing office/speaker line repeats dc:creator
    blocks = lines_to_blocks(lines)
    marked_teaser = not _field(block, "content:encoded", "content") and bool(TEASER.search(markup))
    if not any(b.kind == "p" for b in blocks) or _stub(plain_text(blocks), marked_teaser):
        raise PressroomError(Problem(path, 0, f"not an article: the item '{title[:60]}' has no body (a title, link or teaser only)", warning=True))
    if creator.isdigit():
        creator = ""     # a numeric dc:creator is a user id, not an author
    state = "state.gov" in link
    if creator and ORG_CREATOR.search(creator):
        authors, source = (), creator
    else:
        authors = _people(creator)
        source = "U.S. Department of State" if state else channel
    plain = plain_text(blocks)
    kind = classify(title, blocks, source=source) or "release"
    return Release(title=title, date=when, body=render_blocks(blocks), authors=authors, source=source, kind=kind,
                   summary=summary_of(blocks), tags=tuple(find_tags(title, plain, vocabulary)), review=review)
