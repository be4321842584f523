"""Wire-service XML: NewsML 1.2 (Business Wire) and NewsML-G2 (GlobeNewswire, IPTC).

Headline from the headline element, date from FirstCreated / firstCreated (else the version's
date), language from `xml:lang` or the Language element, body from the Body component or the
`inlineXML` content only (not the contact, logo, stylesheet or tweet components). The source is
the issuing organisation; the wire is only the distributor.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import lxml.etree
import lxml.html

from generator.errors import fail

from .html import html_lines, lines_to_blocks
from .model import Release
from .text import clean, plain_text, render_blocks, strip_marks, summary_of

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def looks_like_newsml(text: str) -> bool:
    head = text[:3000]
    return bool(re.search(r"<NewsML\b|<newsItem\b[^>]*NewsML-G2|<newsMessage\b", head))


def _parse(path: str, text: str):
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = lxml.etree.fromstring(text.encode("utf-8"), parser)
    except (lxml.etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        raise fail(path, 0, "wire-service XML that cannot be read; nothing to import")
    return root


def _all(el, name: str) -> list:
    return el.xpath(f".//*[local-name()='{name}']")


def _text_of(el, name: str) -> str:
    found = _all(el, name)
    return clean("".join(found[0].itertext())) if found else ""


def wire_time(value: str) -> datetime | None:
    """'20210131T024100+0000' or ISO 8601 -> aware datetime."""
    value = clean(value)
    m = re.fullmatch(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)([+-]\d{4}|Z)?", value)
    if m:
        value = f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}{(m[7] or 'Z')}"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_newsml(path: str, text: str, vocabulary: tuple[str, ...]) -> list[Release]:
    root = _parse(path, text)
    g2 = bool(_all(root, "contentSet")) or "NewsML-G2" in text[:2000]
    title = _text_of(root, "headline") if g2 else _text_of(root, "HeadLine")
    stamp = next((v for name in ("firstCreated", "FirstCreated", "versionCreated", "ThisRevisionCreated",
                                 "contentCreated", "DateAndTime") if (v := _text_of(root, name))), "")
    when = wire_time(stamp) if stamp else None
    language = _language(root)
    body = _body_g2(root) if g2 else _body_12(root)
    source = _source(root, g2)
    if body is None:
        raise fail(path, 0, "no body component in this wire-service XML; nothing to import")
    lines = [(k, t) for k, t in html_lines(body) if clean(strip_marks(t)) != title]
    blocks = lines_to_blocks(lines)
    if not any(b.kind == "p" for b in blocks):
        raise fail(path, 0, "the body component holds no paragraphs; nothing to import")
    from generator.tags import find_tags
    plain = plain_text(blocks)
    return [Release(title=title, date=when, body=render_blocks(blocks), source=source, kind="release",
                    summary=summary_of(blocks), tags=tuple(find_tags(title, plain, vocabulary)), language=language)]


def _language(root) -> str:
    value = root.get(XML_LANG) or ""
    if not value:
        found = _all(root, "Language") or _all(root, "language")
        value = (found[0].get("FormalName") or found[0].get("tag") or "") if found else ""
    return value.split("-")[0].lower()[:3]


def _html_body(el):
    markup = lxml.etree.tostring(el, encoding="unicode")
    markup = re.sub(r"\sxmlns(?::\w+)?=\"[^\"]*\"", "", markup)
    doc = lxml.html.document_fromstring(markup.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    found = doc.xpath("//body")
    return found[0] if found else doc


def _body_12(root):
    for component in _all(root, "NewsComponent"):
        role = component.xpath("./*[local-name()='Role']/@FormalName")
        if role and role[0].lower() == "body":
            content = component.xpath(".//*[local-name()='DataContent']")
            if content:
                return _html_body(content[0])
    return None


def _body_g2(root):
    for content in _all(root, "inlineXML"):
        if "html" in (content.get("contenttype") or "html"):
            return _html_body(content)
    return None


def _source(root, g2: bool) -> str:
    if g2:
        orgs = root.xpath(".//*[local-name()='subject'][@type='cpnat:organisation']/*[local-name()='name']")
        if orgs:
            return clean("".join(orgs[0].itertext()))
        located = root.xpath(".//*[local-name()='assert']/@literal")
        return clean(located[0]) if located else ""
    party = root.xpath(".//*[local-name()='AdministrativeMetadata']/*[local-name()='Source']/*[local-name()='Party']/@FormalName")
    return clean(party[0]) if party else ""
