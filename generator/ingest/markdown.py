"""Markdown that already has YAML front matter (e.g. the White House briefing-room archive):
the front matter is mapped onto ours and the pandoc-style body is normalised, not rewritten —
wrapped lines joined, hard breaks made paragraph breaks, '-   item' lists tidied, raw HTML
tags dropped (their text kept), trailing end marks ('\\###') removed.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape
from urllib.parse import urlparse

import yaml

from generator.errors import fail

from .dateline import parse_any
from .dates import Found, find_date
from .review import GENERIC_TITLE
from .model import Image, Release
from .text import NBSP_LIKE, clean, is_speaker, shorten

FENCE = re.compile(r"^(?:---|\.\.\.)\s*$")
LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>[-*+]|\d{1,3}[.)])\s+(?P<text>\S.*)$")
RAW_TAG = re.compile(r"</?(?:span|u|div|font|sup|sub|br|p|a|em|strong|b|i|small|center|section|article|img|input)\b[^>]*>", re.I)
END_MARK = re.compile(r"^\s*(?:\\?#{3}|-+\s*30\s*-+|-?end-?)\s*$", re.I)
KIND_BY_CATEGORY = {
    "statements-releases": "release", "releases": "release", "briefings-statements": "statement",
    "press-briefings": "transcript", "speeches-remarks": "remarks", "fact-sheets": "fact-sheet",
    "presidential-actions": "presidential-action", "articles": "story", "blog": "story",
}
SOURCE_BY_HOST = {"whitehouse.gov": "The White House", "bidenwhitehouse.archives.gov": "The White House",
                  "trumpwhitehouse.archives.gov": "The White House", "obamawhitehouse.archives.gov": "The White House",
                  "state.gov": "U.S. Department of State", "defense.gov": "DOD News", "war.gov": "DOD News"}


def has_front_matter(text: str) -> bool:
    lines = text.split("\n", 200)
    return bool(lines) and lines[0].rstrip() == "---" and any(FENCE.match(line) for line in lines[1:200])


def parse_markdown(path: str, text: str, vocabulary: tuple[str, ...]) -> Release:
    from generator.tags import find_tags

    lines = text.split("\n")
    closing = next(i for i, line in enumerate(lines[1:], 1) if FENCE.match(line))
    try:
        meta = yaml.safe_load("\n".join(lines[1:closing])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise fail(path, (mark.line + 2) if mark else 1, "front matter is not valid YAML; fix it or remove it") from None
    if not isinstance(meta, dict):
        raise fail(path, 2, "front matter must be 'key: value' lines")
    title = clean(unescape(str(meta.get("title") or "")))
    if not title:
        raise fail(path, 1, "no title: the front matter has no 'title:'")
    when = _when(meta)
    body_lines, body_date, heading = _top_of_body(lines[closing + 1:], title)
    review: list[str] = []
    if when is None:
        when = body_date.value if body_date else None
    elif body_date and body_date.value != (when.date() if isinstance(when, datetime) else when):
        review.append(f"the front matter says {when:%Y-%m-%d} but the release says '{body_date.text}': check the date")
    if GENERIC_TITLE.match(title) and heading:
        title = heading
    paragraphs = normalise_body(body_lines)
    if not paragraphs:
        raise fail(path, closing + 2, "no article text after the front matter")
    body = "\n\n".join(paragraphs) + "\n"
    plain = [plain_text(p) for p in paragraphs if not p.startswith(("#", "-", "{{<"))]

    category = meta.get("tags") if isinstance(meta.get("tags"), str) and re.fullmatch(r"[a-z0-9-]+", meta["tags"]) else ""
    given_tags = [clean(str(t)) for t in meta.get("tags") or [] if str(t).strip()] if isinstance(meta.get("tags"), list) else []
    speakers = sum(1 for p in plain if is_speaker(p))
    kind = clean(str(meta.get("kind") or "")) or KIND_BY_CATEGORY.get(category, "")
    if kind in ("", "remarks") and speakers >= 2:
        kind = "transcript"
    host = urlparse(str(meta.get("source_url") or "")).hostname or ""
    host = host.removeprefix("www.")
    source = clean(str(meta.get("source") or "")) or SOURCE_BY_HOST.get(host, host)
    authors = meta.get("authors", meta.get("author")) or []
    authors = [authors] if isinstance(authors, str) else authors
    images = tuple(Image(**{k: clean(str(v)) for k, v in item.items() if k in Image.__dataclass_fields__ and v is not None})
                   for item in meta.get("images") or [] if isinstance(item, dict))
    summary = clean(str(meta.get("summary") or "")) or shorten(next((p for p in plain if len(p.split()) >= 6), plain[0] if plain else ""), 300)
    tags = list(dict.fromkeys(given_tags + find_tags(title, "\n".join(plain), vocabulary)))
    return Release(title=title, date=when, body=body, authors=tuple(_author(str(a)) for a in authors if str(a).strip()),
                   source=source, kind=kind or "release", summary=summary, tags=tuple(tags), images=images,
                   review=tuple(review))


def _author(value: str) -> str:
    """'Anatole\\_Papadopoulos, directeur exécutif' -> 'Anatole Papadopoulos' (escapes, &nbsp;, role dropped)."""
    value = clean(unescape(re.sub(r"\\(.)", r"\1", value)).replace("_", " "))
    name, _, role = value.partition(", ")
    return name if role and len(name.split()) >= 2 and not re.match(r"^(?:Jr|Sr|I{2,3}|IV)\b", role) else value


def _top_of_body(lines: list[str], title: str = "") -> tuple[list[str], Found | None, str]:
    """One-line blocks before the first paragraph: a date line ('1 July 2024', 'Tuesday, 7 April 2015'), a
    headline heading ('## Harbour Budget Approved'), the title repeated, a label ('MEDIA RELEASE').
    Returns the body without the date, the repeat and the labels, the date, and the heading."""
    found, heading, out = None, "", list(lines)
    for n, line in _single_line_blocks(lines):
        text = clean(re.sub(r"^#{1,6}\s+", "", line))
        if GENERIC_TITLE.match(text) or title and _same(text, title):
            out[n] = ""        # 'MEDIA RELEASE' or the headline repeated above the text
            continue
        date = find_date(text) if len(text) <= 80 else None
        if date and date.year_given and found is None and len(text.replace(date.text, " ").split()) <= 6:
            found, out[n] = date, ""
        elif (m := re.match(r"^#{1,3}\s+(.+?)\s*#*$", line)) and not heading:
            heading, out[n] = plain_text(m.group(1)), ""
    return out, found, heading


def _single_line_blocks(lines: list[str]):
    """(index, line) of the one-line blocks at the top, up to the first real paragraph."""
    n, seen = 0, 0
    while n < len(lines) and seen < 8:
        if not lines[n].strip():
            n += 1
            continue
        end = n
        while end + 1 < len(lines) and lines[end + 1].strip():
            end += 1
        text = clean(lines[n])
        if end > n or len(text.split()) >= 25 or text.endswith((".", "!", "?", ":", '"', "”")):
            return
        yield n, lines[n]
        seen += 1
        n = end + 1


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.lower().replace("’", "'").split())
    return norm(a) == norm(b)


def _when(meta: dict) -> date | datetime | None:
    for key in ("published_time", "date", "published", "pubDate"):
        value = meta.get(key)
        if isinstance(value, (date, datetime)):
            return value
        if value:
            parsed = parse_any(str(value))
            if parsed is not None:
                return parsed
    return None


def plain_text(markdown: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return clean(text.lstrip("#>- "))


def normalise_body(lines: list[str]) -> list[str]:
    """Pandoc-style body lines -> Markdown blocks (one string each)."""
    groups: list[list[str]] = [[]]
    fenced = False
    for raw in lines:
        line = raw.replace("\t", "    ")
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        hard_break = bool(re.search(r"(?: {2,}|\\)$", line.rstrip("\n" + NBSP_LIKE.replace(" ", "")))) and not fenced
        line = line.rstrip(" " + NBSP_LIKE)
        if not fenced and (not line.strip(" " + NBSP_LIKE) or END_MARK.match(line)):
            groups.append([])
            continue
        if not fenced:
            line = RAW_TAG.sub("", line).rstrip("\\").rstrip().replace("&nbsp;", "\u00a0")
            if not line.strip():
                continue
        if not fenced and re.match(r"^\s{0,3}#{1,6}\s", line) and groups[-1]:
            groups.append([])      # an ATX heading starts its own block…
        groups[-1].append(line)
        if hard_break and not LIST_ITEM.match(line) or not fenced and re.match(r"^\s{0,3}#{1,6}\s", line):
            groups.append([])      # …and ends it
    blocks = []
    for group in groups:
        if group:
            blocks.append(_block(group))
    return [b for b in blocks if b.strip()]


def _block(group: list[str]) -> str:
    first = group[0]
    if first.lstrip().startswith(("```", "~~~", "|", ">")):
        return "\n".join(group)
    if LIST_ITEM.match(first):
        return _list(group)
    if re.match(r"^\s*#{1,6}\s", first):
        return re.sub(r"^\s*(#{1,6})\s+", r"\1 ", " ".join(clean(line) for line in group))
    text = " ".join(clean(line) for line in group)
    if re.match(r"^(?:[-+*](?:\s|$)|\d+[.)]\s|=+$|-+$)", text):
        text = "\\" + text
    return text


def _list(group: list[str]) -> str:
    items: list[tuple[int, str, str]] = []   # (indent, marker, text)
    indents: list[int] = []
    for line in group:
        m = LIST_ITEM.match(line)
        if m:
            indent = len(m.group("indent"))
            while indents and indent < indents[-1]:
                indents.pop()
            if not indents or indent > indents[-1]:
                indents.append(indent)
            marker = "-" if m.group("marker") in "-*+" else m.group("marker")
            items.append((len(indents) - 1, marker, clean(m.group("text"))))
        elif items:
            level, marker, text = items[-1]
            items[-1] = (level, marker, text + " " + clean(line))
    return "\n".join(("    " * level) + f"{marker} {text}" for level, marker, text in items)
