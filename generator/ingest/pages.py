"""Generic article pages, read with the libraries made for them: trafilatura finds the main text
(dropping navigation, share bars, 'related' lists, comments and cookie notices) and htmldate the
publication date (visible dates, `<time>`, `<meta>` — including `value=` instead of `content=` —
and JSON-LD, original date before the last-modified one).
"""
from __future__ import annotations

import logging
import re
from datetime import date

import lxml.etree
import lxml.html

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def page_date(markup: str) -> date | None:
    from htmldate import find_date

    markup = re.sub(r"(<meta\b[^>]*?)\svalue=", r"\1 content=", markup[:400_000], flags=re.I)
    try:
        found = find_date(markup, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError, lxml.etree.LxmlError):
        return None
    return date.fromisoformat(found) if found else None


ORGANISATION = re.compile(
    r"\b(?:Foundation|Police|Polizei|Ministry|Ministerium|Minist[èe]re|Ministerio|City|Stadt|Ville|Council|Government|"
    r"Regierung|Gouvernement|University|Universit[äéy]|Department|Office|Agency|Inc|Ltd|GmbH|AG|SA|Corp|Corporation|"
    r"Company|Group|Association|Institute|Kanton|Canton|Senat|Senate|House)\b", re.I)


def page_credit(markup: str) -> tuple[tuple[str, ...], str]:
    """(authors, source) from the page's metadata (trafilatura: author meta, JSON-LD, byline markup;
    og:site_name) when the page shows no byline: a person's full name is an author, an organisation
    the source."""
    from trafilatura import extract_metadata

    try:
        meta = extract_metadata(markup)
    except (ValueError, TypeError, lxml.etree.LxmlError):
        return (), ""
    if meta is None:
        return (), ""
    names = [" ".join(n.split()) for n in (meta.author or "").split(";") if n.strip()]
    people = tuple(n for n in names if len(n.split()) >= 2 and not ORGANISATION.search(n))
    orgs = [n for n in names if ORGANISATION.search(n)]
    site = meta.sitename or ""
    source = orgs[0] if orgs else site if site and "." not in site else ""
    return people, source


def main_text(markup: str):
    """The page's main content as an HTML element (links and emphasis kept), or None."""
    from trafilatura import extract

    try:
        html = extract(markup, output_format="html", include_links=True, include_formatting=True,
                       include_comments=False, include_tables=True, include_images=False, favor_precision=True)
    except (ValueError, TypeError, lxml.etree.LxmlError):
        return None
    if not html:
        return None
    try:
        doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError):
        return None
    found = doc.xpath("//body")
    return found[0] if found else doc


def _meta(doc, *names: str) -> str:
    for name in names:
        for value in doc.xpath(f"//meta[@property='{name}' or @name='{name}']/@content | "
                               f"//meta[@property='{name}' or @name='{name}']/@value"):
            if str(value).strip():
                return " ".join(str(value).split())
    return ""


def _json_ld_headline(doc) -> str:
    import json

    for script in doc.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("headline"), str) and item["headline"].strip():
                return " ".join(item["headline"].split())
    return ""


HIDDEN = re.compile(r"\b(?:aural|sr-only|visually-?hidden|screen-reader-text|element-invisible|hidden|offscreen|"
                    r"assistive-text|a11y-hidden)\b", re.I)


def visible_h1(doc):
    """The first <h1> a reader sees (not a screen-reader-only site name), preferring one the <title> repeats."""
    page_title = " ".join(" ".join(doc.xpath("//title//text()")).split()).lower()
    shown = [h for h in doc.xpath("//h1") if not any(HIDDEN.search(a.get("class") or "") or a.get("hidden") is not None
                                                     for a in [h, *h.iterancestors()])]
    for h1 in shown:
        text = " ".join(h1.text_content().replace("\u00ad", "").split()).lower()
        if text and text in page_title:
            return h1
    return shown[0] if shown else None


def headline_of(doc, h1: str) -> str:
    """The visible h1 first; og:title, JSON-LD headline and <title> when the h1 is missing, is the
    site's name or a section label, or is only part of a longer headline."""
    from .toplines import is_label

    site = _meta(doc, "og:site_name")
    page_title = " ".join(" ".join(doc.xpath("//title//text()")).split())
    og = _meta(doc, "og:title", "twitter:title")
    fallback = _json_ld_headline(doc) or _strip_site(og, site) or _strip_site(page_title, site)
    for candidate in (page_title, og):
        candidate = _strip_site(candidate, site)
        if h1 and candidate and len(candidate) >= 20 and h1 != candidate and h1.endswith(candidate):
            return candidate     # the h1 holds a kicker before the headline
    weak = not h1 or is_label(h1) or (site and h1.lower() == site.lower()) or \
        (page_title and page_title.lower().endswith(h1.lower()) and len(page_title) > len(h1) + 10 and len(h1.split()) <= 4)
    return fallback if weak and fallback else h1


def _strip_site(title: str, site: str) -> str:
    parts = [p.strip() for p in re.split(r"\s+[|–—-]\s+|\s+::\s+", title) if p.strip()]
    if len(parts) > 1:
        parts = [p for p in parts if not site or p.lower() != site.lower()] or parts
        return max(parts, key=len)
    return title


def is_listing(lines: list[str]) -> bool:
    """Many short lines that are, or start with, a date: a list of releases rather than one release."""
    from .dates import find_date

    short = [line for line in lines if len(line) < 120]
    dated = sum(1 for line in short[:200] if re.search(r"\d", line) and find_date(line) and len(line.split()) <= 14)
    return dated >= 5 and dated >= 0.25 * len(lines)
