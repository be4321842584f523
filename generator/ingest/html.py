"""HTML captures of one article page: af.mil / defense.gov ArticleCS (print view), CENTCOM's
2015 release page, and a generic fallback (h1 + the densest block of paragraphs).

`html_lines` turns an HTML fragment into (kind, text) lines, with inline marks for bold, italic and
links (see `text.MARKS`), and is shared with the feed reader.
"""
from __future__ import annotations

import re
from datetime import date

import lxml.etree
import lxml.html

from generator.errors import PressroomError, Problem, fail

from .capture import CHROME, RELEASE_HEADER, _date_only
from .chrome import is_chrome
from .pages import headline_of, is_listing, main_text, page_credit, page_date, visible_h1
from .dates import find_date
from .dateline import parse_any, parse_byline, parse_month_date, split_credit
from .figures import split_caption_credit
from .model import Image, Release
from .text import (BOLD as BOLD_MARK, BOLD_END, ITALIC, ITALIC_END, LINK, LINK_END, LINK_URL, Block, classify, clean, drop_marks,
                   is_speaker, looks_like_heading, plain_text, render_blocks, strip_marks, summary_of, text_blocks, web_url)

SKIP_TAGS = {"script", "style", "noscript", "input", "select", "option", "button", "textarea", "nav", "iframe",
             "svg", "form", "head", "title", "meta", "link", "template"}   # never void tags (embed, source): their unclosed content is the article
BLOCK_TAGS = {"p", "div", "section", "article", "blockquote", "td", "th", "tr", "table", "tbody", "thead", "header",
              "footer", "center", "main", "figure", "figcaption", "dl", "dt", "dd", "pre", "address", "aside", "body", "html", "hr"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BOLD = {"strong", "b"}


WIRE_SOURCE = re.compile(r"^SOURCE:?\s+(?P<who>[A-Z][^\n]{1,80})$")
PROVIDED_BY = re.compile(r"\b(?:News|Content|Release|Information) provided by\s+(?P<who>[A-Z][\w&.,' -]{1,60}?)(?=\s{2,}|\s*$|\s+[A-Z][a-z]{2} \d)")
VOID = re.compile(r"</?(?:embed|source|track|wbr|param|keygen|area|col)\b[^>]*>", re.I)


def drop_void(markup: str) -> str:
    """Remove elements that hold no text and that libxml2 would leave open ('<embed>', '<source>'),
    swallowing the rest of the article into them."""
    return VOID.sub("", markup)


def looks_like_html(text: str, suffix: str) -> bool:
    head = text[:2000].lstrip().lower()
    return suffix in (".html", ".htm", ".xhtml") or head.startswith(("<!doctype html", "<html")) or "<body" in head


def parse_fragment(markup: str) -> lxml.html.HtmlElement | None:
    if not markup.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(drop_void(markup), create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None


ITALIC_TAGS = {"em", "i"}


def html_lines(root, base: str = "") -> list[tuple[str, str]]:
    """Fragment -> [(kind, text)] with kind 'p', 'h', 'li', 'oli'; <br> splits lines.

    Text carries inline marks (see `text.MARKS`) for bold, italic and links; a link's address is
    resolved against `base` (the page's own URL) and kept only when it is http(s).
    """
    walker = _Lines(base)
    walker.walk(root)
    walker.flush()
    return walker.out


class _Lines:
    def __init__(self, base: str) -> None:
        self.base = base
        self.out: list[tuple[str, str]] = []
        self.buf: list[tuple[str, bool]] = []     # (marked text, inside bold)
        self.open: list[tuple[str, str]] = []     # marks open across a line break: (opener, closer)

    def text(self, value: str | None, bold: bool) -> None:
        if value:
            self.buf.append((drop_marks(value), bold))

    def flush(self) -> None:
        closers = "".join(c for _, c in reversed(self.open))
        text = clean("".join(t for t, _ in self.buf) + closers)
        bold = all(b for t, b in self.buf if strip_marks(t).strip())
        self.buf.clear()
        if self.open:
            self.buf.append(("".join(o for o, _ in self.open), True))
        visible = strip_marks(text)
        if visible.strip():
            heading = bold and looks_like_heading(visible.rstrip(":")) and not visible.endswith(":")
            self.out.append(("h" if heading else "p", text))

    def inline(self, el) -> str:
        """The marked text of el's content on one line (for headings and list items)."""
        sub = _Lines(self.base)
        sub.walk_children(el, False)
        sub.flush()
        return clean(" ".join(t for _, t in sub.out))

    def walk_children(self, el, bold: bool) -> None:
        self.text(el.text, bold)
        for child in el:
            self.walk(child, bold)

    def walk(self, el, bold: bool = False) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in SKIP_TAGS:
            pass
        elif tag == "br":
            self.flush()
        elif tag in HEADINGS:
            self.flush()
            text = self.inline(el)
            if strip_marks(text).strip():
                self.out.append(("h", text))
        elif tag in ("ul", "ol"):
            self.flush()
            for li in el.iter("li"):
                text = self.inline(li)
                if strip_marks(text).strip():
                    self.out.append(("oli" if tag == "ol" else "li", text))
        elif tag == "img":
            pass
        else:
            block = tag in BLOCK_TAGS or tag == "li"
            if block:
                self.flush()
            mark = None
            if tag in BOLD and not any(o == BOLD_MARK for o, _ in self.open):
                mark = (BOLD_MARK, BOLD_END)
            elif tag in ITALIC_TAGS and not any(o == ITALIC for o, _ in self.open):
                mark = (ITALIC, ITALIC_END)
            elif tag == "a" and not any(o == LINK for o, _ in self.open):
                url = web_url(el.get("href", ""), self.base)
                if url:
                    mark = (LINK, LINK_URL + url + LINK_END)
            if mark:
                self.buf.append((mark[0], bold))
                self.open.append(mark)
            self.walk_children(el, bold or tag in BOLD)
            if mark:
                self.open.remove(mark)
                self.buf.append((mark[1], bold))
            if block:
                self.flush()
        self.text(el.tail, bold)


def lines_to_blocks(lines: list[tuple[str, str]], *, bare_headings: bool = False) -> list[Block]:
    """(kind, text) lines -> blocks; consecutive list items become one list; '*  x' text lines too."""
    transcript = sum(1 for k, t in lines if k == "p" and is_speaker(t)) >= 2
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        blocks.extend(text_blocks(pending, headings=bare_headings and not transcript))
        pending.clear()

    for kind, text in lines:
        if kind == "h":
            flush()
            blocks.append(Block("h", text))
        elif kind in ("li", "oli"):
            flush()
            list_kind = "ol" if kind == "oli" else "ul"
            if blocks and blocks[-1].kind == list_kind:
                blocks[-1] = Block(list_kind, items=blocks[-1].items + (text,))
            else:
                blocks.append(Block(list_kind, items=(text,)))
        else:
            pending.append(text)
    flush()
    return blocks


def _text(el) -> str:
    return clean(el.text_content()) if el is not None else ""


def _first(root, xpath: str):
    found = root.xpath(xpath)
    return found[0] if found else None


def _pick(root, *xpaths: str):
    for xpath in xpaths:
        found = _first(root, xpath)
        if found is not None:
            return found
    return None


def _src(value: str) -> str:
    value = (value or "").strip()
    if re.match(r"^https?://", value):
        return value
    m = re.match(r"^(?:\.\./)+((?:[a-z0-9-]+\.)+(?:mil|gov|com|org|net))/(.+)$", value)   # HTTrack mirror path
    return f"https://{m.group(1)}/{m.group(2)}" if m else ""


def parse_html(path: str, text: str, vocabulary: tuple[str, ...]) -> Release:
    from generator.tags import find_tags

    text = drop_void(text)
    doc = _document(path, text)
    title = _page_title(path, doc)
    when, authors, source = _story_info(doc, text)
    lines, hints, lead_date = _body_lines(path, doc, text, title)
    when = when or lead_date
    if lines and (issuer := WIRE_SOURCE.match(strip_marks(lines[-1][1]))):   # 'SOURCE Acme Corp.' (wire releases)
        source, lines = source or issuer.group("who"), lines[:-1]
    if not source and (provided := PROVIDED_BY.search(_text(doc.find("body")) if doc.find("body") is not None else "")):
        source = provided.group("who")
    blocks = lines_to_blocks(lines)
    if not any(b.kind == "p" for b in blocks):
        raise fail(path, 0, "no article paragraphs in this page; nothing to import")
    review = () if when is not None else ("no publication date on the page: give it the release date",)
    images = _af_images(doc)
    blocks += [Block("fig", number=n) for n in range(1, len(images) + 1)]
    if "centcom.mil" in text[:50000] and not source:
        source = "U.S. Central Command"
    if not authors and not source:
        authors, source = page_credit(text)
    plain = plain_text(blocks)
    kind = classify(title, blocks, source=source, hints=hints) or "story"
    return Release(title=title, date=when, body=render_blocks(blocks), authors=authors, source=source, kind=kind,
                   summary=summary_of(blocks), tags=tuple(find_tags(title, plain, vocabulary)), images=tuple(images),
                   review=review)


def _document(path: str, text: str):
    try:
        doc = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError):
        raise fail(path, 0, "not readable HTML; nothing to import") from None
    if doc is None:
        raise fail(path, 0, "not readable HTML; nothing to import")
    return doc


def _page_title(path: str, doc) -> str:
    title_el = _pick(doc, "//h1[contains(concat(' ', normalize-space(@class), ' '), ' title ')]",
                     "//*[contains(@class, 'contentheading')]")
    if title_el is None:
        title_el = visible_h1(doc)
    title = _headline(doc, title_el)
    if not title:
        meta = _first(doc, "//meta[@property='og:title']/@content")
        page_title = _text(_first(doc, "//title"))
        title = clean(meta or "") or (max(page_title.split(" | "), key=len) if page_title else "")
    if not title:
        raise fail(path, 0, "no title: the page has no <h1> or <title>; nothing to import")
    return title


def _story_info(doc, text: str) -> tuple[date | None, tuple[str, ...], str]:
    """(date, authors, source) from af.mil's story-info line, the page's meta/<time>, or htmldate."""
    when: date | None = None
    authors: tuple[str, ...] = ()
    source = ""
    info = _first(doc, "//*[contains(@class, 'da_story_info')]")
    if info is not None:
        info_text = _text(info)
        m = re.search(r"/?\s*Published\s+(.*)$", info_text)
        if m:
            when = parse_month_date(m.group(1))
            info_text = info_text[: m.start()].strip(" /")
        authors, source = parse_byline(info_text) or (split_credit(info_text) if info_text else ((), ""))
    if when is None:
        stamp = _pick(doc, "//meta[@property='article:published_time']/@content", "//time/@datetime")
        when = parse_any(str(stamp)) if stamp else None
    return when or page_date(text), authors, source


def _body_lines(path: str, doc, text: str, title: str) -> tuple[list[tuple[str, str]], str, date | None]:
    """The main content's lines without chrome, the release-header hints and a date line found on top."""
    body_el = _pick(doc, "//*[contains(@class, 'da_black')]", "//*[@itemprop='articleBody']")
    if body_el is None:
        body_el = main_text(text)
    if body_el is None:
        body_el = _pick(doc, "//article") or _densest(doc)
    if body_el is None:
        raise fail(path, 0, "no article text found in this page")
    lines = [(k, t) for k, t in html_lines(body_el, _page_url(doc, text))
             if not CHROME.match(strip_marks(t)) and not is_chrome(strip_marks(t))]
    hints, when = "", None
    while lines and (RELEASE_HEADER.match(first := strip_marks(lines[0][1])) or _date_only(first) or first == title
                     or len(first) < 60 and find_date(first) and len(first.split()) <= 8):
        when = when or _date_only(first)
        hints += "\n" + first
        lines = lines[1:]
    if is_listing([strip_marks(t) for _, t in lines]):
        raise PressroomError(Problem(path, 0, "not an article: listing page (headlines with dates, no release of its own)", warning=True))
    return lines, hints, when


def _headline(doc, title_el) -> str:
    """The visible h1 unless it is the site's name or a label; then og:title / JSON-LD headline / <title>."""
    h1 = ""
    if title_el is not None:
        h1 = clean(" ".join(t for t in title_el.xpath(".//text()[not(ancestor::style) and not(ancestor::script)]")))
        found = find_date(h1[:40]) if h1[:1].isdigit() else None
        if found and h1.startswith(found.text):
            h1 = clean(h1[len(found.text):])
    return headline_of(doc, h1)


def _page_url(doc, text: str) -> str:
    """The page's own address, for resolving relative links: <base>, canonical, og:url, or the
    address an HTTrack mirror was saved from."""
    for xpath in ("//base/@href", "//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        for value in doc.xpath(xpath):
            value = str(value).strip()
            if re.match(r"^https?://[^/?#\s]", value, re.I):
                return value
    m = re.search(r"<!-- Mirrored from (\S+?) by HTTrack", text[:5000])
    if m and "://" not in m.group(1):
        return "https://" + m.group(1)
    return ""


def _densest(doc):
    best, score = None, 0
    for el in doc.iter("div", "td", "section", "main"):
        n = sum(len(clean(p.text_content())) for p in el.findall("p"))
        n += sum(len(clean(br.tail or "")) for br in el.findall("br"))
        if n > score:
            best, score = el, n
    return best


def _af_images(doc) -> list[Image]:
    images = []
    for item in doc.xpath("//*[contains(@class, 'da_media_item')]"):
        img = _first(item, ".//img")
        alt = clean(img.get("alt", "")) if img is not None else ""
        paragraphs = [_text(p) for p in item.findall(".//p")]
        paragraphs = [p for p in paragraphs if p and not re.search(r"DOWNLOAD HI-RES|PHOTO DETAILS", p)]
        caption, credit = split_caption_credit(paragraphs[-1] if paragraphs else alt)
        src = img.get("src", "") if img is not None else ""
        virin = re.search(r"(\d{6}-[A-Z]-[A-Z0-9]{5}-[A-Z0-9]+)\.(?:jpe?g|png)$", src, re.I)
        images.append(Image(alt=alt, caption=caption, credit=credit, virin=virin.group(1) if virin else "", src=_src(src)))
    return images
