"""Shared text helpers: decoding seed bytes, body blocks, Markdown escaping, summaries."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from generator.errors import fail

NBSP_LIKE = "\u00a0\u2007\u202f\u2009\u200a\u200b\u200c\u200d\u2060\ufeff"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Inline marks: private-use characters that `html.html_lines` puts around bold, italic and links
# (BOLD text BOLD_END, LINK text LINK_URL url LINK_END) so block text stays one string through
# the block logic; `escape_inline` turns them into Markdown, `strip_marks` into plain text.
# Seed text can never carry them: `drop_marks` removes them from every piece of source text.
BOLD, BOLD_END, ITALIC, ITALIC_END, LINK, LINK_URL, LINK_END = "\ue000\ue001\ue002\ue003\ue004\ue005\ue006"
MARKS = BOLD + BOLD_END + ITALIC + ITALIC_END + LINK + LINK_URL + LINK_END
_MARK_RE = re.compile("[\ue000-\ue006]")
_URL_PART = re.compile("\ue005[^\ue000-\ue006]*\ue006")
_NO_MARKS = {ord(c): None for c in MARKS}


def drop_marks(text: str) -> str:
    """Source text with any mark character removed (so a seed cannot forge a link)."""
    return text.translate(_NO_MARKS) if _MARK_RE.search(text) else text


def strip_marks(text: str) -> str:
    """Marked text -> the plain text a reader sees (link addresses and emphasis marks dropped)."""
    if not _MARK_RE.search(text):
        return text
    return _URL_PART.sub("", text).translate(_NO_MARKS)


def web_url(href: str, base: str = "") -> str:
    """An <a href> as an absolute http(s) address safe to put in a Markdown link, or "".

    Relative addresses are resolved against `base` (the page's or item's own URL) when it is a
    web address, else dropped; anything but http/https (javascript:, data:, mailto:...) is "".
    """
    href = re.sub(r"[\t\n\r]", "", (href or "").strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
                                                       "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    if not href or href.startswith("#"):
        return ""
    try:
        if base and re.match(r"^https?://[^/?#\s]", base, re.I):
            url = urljoin(base, href)
        elif href.startswith("//"):
            url = "https:" + href
        else:
            url = href
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    url = quote(url, safe="!#$%&*+,-./:;=?@_~")   # no spaces, ()<>[]'"`\ left for Markdown to misread
    return re.sub(r"(&#?\w+);", r"\1%3B", url)    # '&copy;' in a query must not become an entity


def plain_text(blocks: list[Block]) -> str:
    """All the blocks' visible text, one block a line (for tags and classification)."""
    return "\n".join(strip_marks(b.text or " ".join(b.items)) for b in blocks)


def decode(path: str, data: bytes) -> str:
    """Seed bytes -> text with '\\n' line ends. UTF-8 (BOM or not), UTF-16 with BOM, else cp1252."""
    if not data.strip():
        raise fail(path, 0, "file is empty; nothing to import")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise fail(path, 0, "broken UTF-16 text; save the capture as UTF-8") from None
    else:
        if b"\x00" in data[:4096] or _binary(data):
            raise fail(path, 0, "binary file, not a text capture; remove it from seeds/")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = drop_marks(_CONTROL.sub("", text))   # entities (&#xE004;) are dropped again where markup is read
    if not text.strip(" \n\t" + NBSP_LIKE):
        raise fail(path, 0, "file holds only blank space; nothing to import")
    return text


PUA_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "•", "\uf0fc": "✓", "\uf076": "•"}


def repair(text: str) -> str:
    """Mojibake undone with ftfy ('CafÃ©' -> 'Café', 'â€œ' -> '“'); Symbol-font bullets from PDF
    extractions (U+F0B7) become '•'. Quotes, widths and HTML entities are left as they are."""
    import ftfy

    fixed = ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False, unescape_html=False,
                          fix_line_breaks=False, normalization=None, explain=False)
    return fixed.translate(str.maketrans(PUA_BULLETS))


def _binary(data: bytes) -> bool:
    sample = data[:4096]
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bad > max(2, len(sample) // 100)


def clean(text: str) -> str:
    """One line of visible text: odd spaces to plain spaces, runs collapsed, trimmed."""
    text = text.replace("\u00ad", "")
    for ch in NBSP_LIKE:
        text = text.replace(ch, " " if ch not in "\u200b\u200c\u200d\u2060\ufeff" else "")
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()


def strip_line(line: str) -> str:
    return line.rstrip(" \t" + NBSP_LIKE)


# ---------------------------------------------------------------- body blocks

@dataclass(frozen=True)
class Block:
    """One body block: 'p' paragraph, 'h' subheading, 'ul'/'ol' list (items), 'fig' figure (number)."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    number: int = 0


BULLET = re.compile(r"^(?:--|[*•·▪‣●◦]|-(?=\s))\s+(?=\S)")
SPEAKER = re.compile(r"^(?:Q(?::|\s{1,4}(?=[A-Z]))|(?:(?:M[Aa]?[Cc])?[A-Z][A-Z.'’\-]*\s?){1,8}(?:\([A-Za-z .'’\-]+\))?"
                     r"(?: (?:M[Aa]?[Cc])?[A-Z][A-Z.'’\-]+)*:\s)")   # 'SECRETARY AUSTIN:', 'MR. McCLELLAN:', 'Q '


# 'WHAT:', 'MEDIA ADVISORY:' and other labels look like a transcript's 'SPEAKER:' but are not one
LABEL_PREFIX = re.compile(r"^(?:NOTE|EDITOR'?S NOTE|UPDATE|CORRECTION|(?:MEDIA |PRESS )?ADVISORY|(?:PRESS|NEWS|MEDIA) RELEASE|"
                          r"STATEMENT|READOUT|FACT SHEET|WHAT|WHEN|WHERE|WHO|WHY|HOW|CALL-IN|DIAL-IN|RSVP|TIME|DATE|"
                          r"LOCATION|VENUE|CONTACTS?|MEDIA CONTACTS?|PHONE|EMAIL|E-MAIL|PASSWORD|VISUALS|BACKGROUND):")


def is_speaker(text: str) -> bool:
    text = strip_marks(text)
    return bool(SPEAKER.match(text)) and not LABEL_PREFIX.match(text)


def looks_like_heading(text: str) -> bool:
    """A bare short line with no end punctuation, e.g. 'From testing to implementation', 'Syria'."""
    text = strip_marks(text)
    if not text or len(text) > 70 or len(text.split()) > 9:
        return False
    if text[-1] in ".,;:!?\"”’')]" or text[0] in "\"“‘(-*[" or text.startswith("By "):
        return False
    if is_speaker(text + " ") or re.search(r"\d{1,2}:\d{2}|\s\|\s|\S:\s|^\d+ [A-Z]", text) or LABEL_PREFIX.match(text):
        return False
    return text[0].isupper() or text[0].isdigit()


def text_blocks(lines: list[str], *, headings: bool = True) -> list[Block]:
    """Plain-text lines (one paragraph per line, blank lines ignored) -> blocks."""
    blocks: list[Block] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            blocks.append(Block("ul", items=tuple(items)))
            items.clear()

    texts = [clean(line) for line in lines]
    texts = [t for t in texts if t]
    listing = False      # short lines after 'including:' are the items of a list whose bullets were lost
    for i, text in enumerate(texts):
        bullet = BULLET.match(text)
        if bullet:
            items.append(text[bullet.end():])
            continue
        nxt = texts[i + 1] if i + 1 < len(texts) else ""
        if listing and _item_like(text) and (items or _item_like(nxt)):
            items.append(text)
            continue
        flush()
        listing = text.endswith(":") and len(text.split()) >= 4 and _item_like(nxt)
        if headings and looks_like_heading(text) and nxt and not looks_like_heading(nxt) and _paragraph_like(nxt):
            blocks.append(Block("h", text))
        else:
            blocks.append(Block("p", text))
    flush()
    return blocks


def _paragraph_like(text: str) -> bool:
    """What follows a subheading: a sentence or a list, not another short line (an address, a name)."""
    text = strip_marks(text)
    return len(text.split()) >= 8 or text.endswith((".", "!", "?", ":", "”", '"')) or bool(BULLET.match(text))


def _item_like(text: str) -> bool:
    """A short line without a sentence's end: one item of a list."""
    text = strip_marks(text)
    return bool(text) and len(text.split()) <= 12 and not text.endswith((".", "!", "?", ":")) and not is_speaker(text)


# ---------------------------------------------------------------- Markdown output

_INLINE = re.compile(r"([\\`*_{}\[\]])")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def _escape_plain(text: str) -> str:
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)
    return text.replace("<", "&lt;")


def escape_inline(text: str, *, emphasis: bool = True) -> str:
    """Escape text so Python-Markdown (extra) shows it as the same text; inline marks (see
    MARKS) become `**bold**`, `*italic*` and `[text](url)` (emphasis dropped when not wanted)."""
    if not _MARK_RE.search(text):
        return _escape_plain(text)
    return _render_marks(text, emphasis)


def _render_marks(text: str, emphasis: bool) -> str:
    # tree: [kind, children, url]; children are str or nodes. Unbalanced marks are ignored.
    root: list = ["", [], ""]
    stack = [root]
    in_url = False
    text = re.sub("\ue001(\\s*)\ue000|\ue003(\\s*)\ue002", lambda m: m.group(1) or m.group(2) or "", text)  # **a** **b** -> **a b**
    for token in re.split("([\ue000-\ue006])", text):
        if not token:
            continue
        top = stack[-1]
        if in_url:
            if token == LINK_END:
                in_url = False
                if top[0] == "a":
                    stack.pop()
                    stack[-1][1].append(top)
            elif token not in MARKS and top[0] == "a":
                top[2] += token
            continue
        if token in (BOLD, ITALIC, LINK):
            node = ["b" if token == BOLD else "i" if token == ITALIC else "a", [], ""]
            stack.append(node)
        elif token in (BOLD_END, ITALIC_END):
            if top[0] == ("b" if token == BOLD_END else "i"):
                stack.pop()
                stack[-1][1].append(top)
        elif token == LINK_URL:
            in_url = True       # the address of the open link, or a stray one to skip
        elif token == LINK_END:
            pass
        else:
            top[1].append(token)
    while len(stack) > 1:     # unclosed: keep the text, lose the mark
        node = stack.pop()
        stack[-1][1].extend(node[1])
    return re.sub(" {2,}", " ", _render_node(root, emphasis, frozenset())).strip(" ")


def _render_node(node: list, emphasis: bool, active: frozenset[str]) -> str:
    kind, children, url = node
    styled = kind in ("b", "i") and emphasis and not {"b", "i"} & active   # nested emphasis trips Python-Markdown
    inner_active = active | {kind} if styled or kind == "a" else active
    inner = ""
    for child in children:
        piece = _escape_plain(child) if isinstance(child, str) else _render_node(child, emphasis, inner_active)
        if inner.endswith("!") and piece.startswith("["):
            inner = inner[:-1] + "\\!"     # '![' would make the link an image
        inner += piece
    lead, core, trail = inner[: len(inner) - len(inner.lstrip())], inner.strip(), inner[len(inner.rstrip()):]
    if kind == "a" and "a" not in active and core and (url := web_url(url)):
        return f"{lead}[{core}]({url}){trail}"
    if styled and core:
        mark = "**" if kind == "b" else "*"
        return f"{lead}{mark}{core}{mark}{trail}"
    return inner


def escape_line(text: str) -> str:
    """`escape_inline` plus what only matters at the start of a block."""
    text = escape_inline(clean(text))
    if re.match(r"^(?:#|>|[-+](?:\s|$)|=+$|-+$)", text):
        text = "\\" + text
    elif m := re.match(r"^(\d+)([.)])(\s|$)", text):
        text = m.group(1) + "\\" + text[len(m.group(1)):]
    elif text.startswith(("~", ":", "|")):
        text = "&#%d;%s" % (ord(text[0]), text[1:])
    return text


def render_blocks(blocks: list[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if block.kind == "fig":
            out.append("{{< figure %d >}}" % block.number)
        elif block.kind == "h":
            out.append("## " + escape_inline(clean(block.text), emphasis=False).lstrip("#"))
        elif block.kind in ("ul", "ol"):
            lines = []
            for n, item in enumerate(block.items, 1):
                marker = f"{n}." if block.kind == "ol" else "-"
                lines.append(f"{marker} {escape_line(item)}")
            out.append("\n".join(lines))
        elif clean(block.text):
            out.append(escape_line(block.text))
    return "\n\n".join(out) + "\n" if out else ""


def summary_of(blocks: list[Block], limit: int = 300) -> str:
    """First real paragraph, plain text, cut at a word to at most `limit` characters."""
    texts = [clean(strip_marks(b.text)) for b in blocks if b.kind == "p"]
    for text in texts:
        if len(text.split()) >= 6 and not is_speaker(text):
            return shorten(text, limit)
    return shorten(next((t for t in texts if t), ""), limit)


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + "…"


def title_case_name(name: str) -> str:
    """'LOLITA C. BALDOR' -> 'Lolita C. Baldor'; mixed-case names are left as written."""
    if name.upper() != name or not any(c.isalpha() for c in name):
        return name
    return re.sub(r"[A-Z][A-Z'’]*", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), name)


def classify(title: str, blocks: list[Block], *, source: str = "", hints: str = "") -> str:
    """story | release | transcript | advisory | wire | statement, from the text's own marks."""
    paragraphs = [strip_marks(b.text) for b in blocks if b.kind == "p"]
    speakers = sum(1 for p in paragraphs if is_speaker(p))
    lead = paragraphs[0][:200] if paragraphs else ""
    marks = f"{title}\n{hints}"
    if speakers >= 2 or re.search(r"\b(?:Transcript|Press Briefing|Press Gaggle|News Conference|Press Conference)\b", marks) and speakers:
        return "transcript"
    if re.search(r"\b(?:Associated Press|Reuters|Agence France-Presse)\b", source) or re.search(r"\((?:AP|Reuters|AFP)\)", lead):
        return "wire"
    if re.search(r"\b(?:Media Advisory|Advisory|Media Availability|Public Schedule)\b", marks, re.I):
        return "advisory"
    if re.search(r"\b(?:FOR IMMEDIATE RELEASE|Release #|News Release|Press Release)\b", marks, re.I) \
            or re.search(r"/\s*(?:PRNewswire|GLOBE NEWSWIRE|CNW|Business Wire|EQS Newswire|ACCESSWIRE)[^/]{0,30}/|"
                         r"\((?:GLOBE NEWSWIRE|BUSINESS WIRE|PRNewswire|Newsfile Corp\.)\)", lead, re.I):
        return "release"     # a wire-distributed press release, not a wire story
    return ""
