"""Markdown without front matter: '# Headline', a date line or date heading, '– Name <email>' bylines.

A heading that is only a label ('PRESS RELEASE', 'Press-release:') is not the headline; a label in
front of a headline ('Press-release: X is now Y') is cut off. HTML comments and a YAML block that is
not at the top of the file (typesetting options for pandoc) are not part of the release.
"""
from __future__ import annotations

import re

from generator.errors import fail

from .dates import find_date
from .markdown import normalise_body, plain_text
from .model import Image, Release
from .review import GENERIC_TITLE
from .text import clean, shorten

HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
LABEL = re.compile(r"^(?:press[- ]?release|news[- ]?release|media[- ]?release|pressemitteilung|communiqu[ée](?: de presse)?|"
                   r"comunicado(?: de prensa)?|comunicato stampa|for immediate release)\s*[:.–—-]\s*", re.I)
BYLINE = re.compile(r"^(?:[-–—]|(?:prepared|written|posted|compiled) by)\s*(?P<name>[^<>()\[\]]{3,60}?)\s*"
                    r"[<(][^<>()@\s]+@[^<>()\s]+[>)]", re.I)
IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)[^)]*\)$")
CAPTION = re.compile(r"^(?:\*\*|__)?(?:Figure|Fig\.|Abbildung|Abb\.|Image|Photo|Foto|Imagen)\s*\d*[.:]?(?:\*\*|__)?\s*(?P<text>.*)$", re.I)


def looks_like_bare_markdown(text: str, suffix: str) -> bool:
    if suffix in (".md", ".markdown"):
        return True
    return bool(re.search(r"^#{1,3} \S", text[:3000], re.M)) and bool(re.search(r"\]\(https?://|^[-*] \S|^```", text, re.M))


def _without_preamble(text: str) -> str:
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return re.sub(r"^\s*---\n(?:[\w-]+:.*\n)+---\s*$", "", text, count=1, flags=re.M)


def parse_bare_markdown(path: str, text: str, vocabulary: tuple[str, ...]) -> Release:
    from generator.tags import find_tags

    lines = _without_preamble(text).split("\n")
    title, title_at = _headline(lines)
    when, authors, taken = None, [], {title_at}
    for n, line in enumerate(lines[:60]):
        if n in taken or not line.strip():
            continue
        stripped = HEADING.sub(r"\2", line).strip()
        if when is None and len(stripped) <= 80 and (found := find_date(stripped)) and found.year_given:
            when = found.value
            rest = clean(stripped.replace(found.text, "").strip(" -–—:"))
            lines[n] = f"## {rest}" if rest and HEADING.match(line) else ("" if not rest else rest)
        elif m := BYLINE.match(stripped):
            authors.append(clean(m.group("name")))
            lines[n] = ""
    body_lines = [line for n, line in enumerate(lines) if n not in taken]
    paragraphs = [p for p in normalise_body(body_lines) if not HEADING.fullmatch(p) or not LABEL.sub("", HEADING.sub(r"\2", p)).strip() == ""]
    paragraphs = [p for p in paragraphs if not GENERIC_TITLE.match(HEADING.sub(r"\2", p))]
    paragraphs, images = figures(paragraphs)
    if not paragraphs:
        raise fail(path, 0, "no article text in this Markdown file")
    plain = [plain_text(p) for p in paragraphs if not p.startswith(("#", "-", "{{<", "```"))]
    summary = shorten(next((p for p in plain if len(p.split()) >= 6), plain[0] if plain else ""), 300)
    return Release(title=title, date=when, body="\n\n".join(paragraphs) + "\n", authors=tuple(authors), images=images,
                   kind="release", summary=summary, tags=tuple(find_tags(title, "\n".join(plain), vocabulary)))


def figures(paragraphs: list[str]) -> tuple[list[str], tuple[Image, ...]]:
    """'![alt](src)' paragraphs (with a 'Figure N caption' paragraph after them) -> figure markers and images;
    only a web address is kept as `src` (a file next to the Markdown source is not on the site)."""
    out: list[str] = []
    images: list[Image] = []
    skip_next = False
    for i, paragraph in enumerate(paragraphs):
        if skip_next:
            skip_next = False
            continue
        m = IMAGE.match(paragraph.strip())
        if not m:
            out.append(paragraph)
            continue
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        caption = CAPTION.match(nxt.strip()) if nxt else None
        skip_next = bool(caption)
        src = m.group("src") if re.match(r"^https?://", m.group("src")) else ""
        images.append(Image(alt=plain_text(m.group("alt")), caption=plain_text(caption.group("text")) if caption else "", src=src))
        out.append("{{< figure %d >}}" % len(images))
    return out, tuple(images)


def _headline(lines: list[str]) -> tuple[str, int]:
    """The first heading that is more than a label, with a leading label cut off."""
    for n, line in enumerate(lines[:80]):
        m = HEADING.match(line)
        if not m:
            continue
        text = plain_text(m.group(2)).replace("`", "")
        text = clean(LABEL.sub("", text))
        if not text or GENERIC_TITLE.match(text) or (found := find_date(text)) and len(found.text) >= len(text) - 3:
            continue
        return text, n
    return "", -1
