"""Shared text helpers: decoding seed bytes, body blocks, Markdown escaping, summaries, slugs."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from generator.errors import fail

NBSP_LIKE = "\u00a0\u2007\u202f\u2009\u200a\u200b\u200c\u200d\u2060\ufeff"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    text = _CONTROL.sub("", text)
    if not text.strip(" \n\t" + NBSP_LIKE):
        raise fail(path, 0, "file holds only blank space; nothing to import")
    return text


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
SPEAKER = re.compile(r"^(?:Q|[A-Z][A-Z.'’\- ]{1,60}(?:\([A-Za-z .'’\-]+\))?(?: [A-Z][A-Z.'’\-]+)*):\s")


def is_speaker(text: str) -> bool:
    return bool(SPEAKER.match(text)) and not re.match(r"^(?:NOTE|EDITOR'?S NOTE|UPDATE|CORRECTION):", text)


def looks_like_heading(text: str) -> bool:
    """A bare short line with no end punctuation, e.g. 'From testing to implementation', 'Syria'."""
    if not text or len(text) > 70 or len(text.split()) > 9:
        return False
    if text[-1] in ".,;:!?\"”’')]" or text[0] in "\"“‘(-*[" or text.startswith("By "):
        return False
    if is_speaker(text + " ") or re.search(r"\d{1,2}:\d{2}", text):
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
    for i, text in enumerate(texts):
        bullet = BULLET.match(text)
        if bullet:
            items.append(text[bullet.end():])
            continue
        flush()
        nxt = texts[i + 1] if i + 1 < len(texts) else ""
        if headings and looks_like_heading(text) and nxt and not looks_like_heading(nxt):
            blocks.append(Block("h", text))
        else:
            blocks.append(Block("p", text))
    flush()
    return blocks


# ---------------------------------------------------------------- Markdown output

_INLINE = re.compile(r"([\\`*_{}\[\]])")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def escape_inline(text: str) -> str:
    """Escape text so Python-Markdown (extra) shows it as the same text."""
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)
    return text.replace("<", "&lt;")


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
            out.append("## " + escape_inline(clean(block.text)).lstrip("#"))
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
    for block in blocks:
        if block.kind == "p" and len(block.text.split()) >= 6 and not is_speaker(block.text):
            return shorten(clean(block.text), limit)
    for block in blocks:
        if block.kind == "p" and clean(block.text):
            return shorten(clean(block.text), limit)
    return ""


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + "…"


def slugify(text: str, max_length: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def title_case_name(name: str) -> str:
    """'LOLITA C. BALDOR' -> 'Lolita C. Baldor'; mixed-case names are left as written."""
    if name.upper() != name or not any(c.isalpha() for c in name):
        return name
    return re.sub(r"[A-Z][A-Z'’]*", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), name)


def classify(title: str, blocks: list[Block], *, source: str = "", hints: str = "") -> str:
    """story | release | transcript | advisory | wire | statement, from the text's own marks."""
    paragraphs = [b.text for b in blocks if b.kind == "p"]
    speakers = sum(1 for p in paragraphs if is_speaker(p))
    lead = paragraphs[0][:200] if paragraphs else ""
    marks = f"{title}\n{hints}"
    if speakers >= 2 or re.search(r"\b(?:Transcript|Press Briefing|Press Gaggle|News Conference|Press Conference)\b", marks) and speakers:
        return "transcript"
    if re.search(r"\b(?:Associated Press|Reuters|Agence France-Presse)\b", source) or re.search(r"\((?:AP|Reuters|AFP)\)", lead):
        return "wire"
    if re.search(r"\b(?:Media Advisory|Advisory|Media Availability|Public Schedule)\b", marks):
        return "advisory"
    if re.search(r"\b(?:FOR IMMEDIATE RELEASE|Release #|News Release|Press Release)\b", marks, re.I):
        return "release"
    return ""
