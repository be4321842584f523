"""Markdown -> HTML with one configured Python-Markdown instance per trust level.

Building a `Markdown()` per file is what makes Pelican slow; we build two (raw HTML
allowed or escaped) once per process and `reset()` them between documents.
A paragraph holding only `{{< figure N >}}` becomes a <figure> built from the
article's `images[N-1]` (alt, title, caption, credit, VIRIN), which is how imported
photo blocks keep their place in the text.
"""
from __future__ import annotations

import re
from html import unescape
import xml.etree.ElementTree as etree
from collections.abc import Mapping, Sequence
from typing import Any

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString



def extensions() -> list[Extension]:
    """Markdown Extra (its seven parts, in its order), tables of contents, sane lists and smarty (“quotes”, dashes,
    ellipses; about +0.45 ms a release). Instances, not names: a name makes Python-Markdown read every installed
    package's entry points first (~0.05 s in each process that parses a file)."""
    from markdown.extensions.abbr import AbbrExtension
    from markdown.extensions.attr_list import AttrListExtension
    from markdown.extensions.def_list import DefListExtension
    from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.footnotes import FootnoteExtension
    from markdown.extensions.md_in_html import MarkdownInHtmlExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.smarty import SmartyExtension
    from markdown.extensions.tables import TableExtension
    from markdown.extensions.toc import TocExtension

    return [FencedCodeExtension(), FootnoteExtension(), AttrListExtension(), DefListExtension(), TableExtension(),
            AbbrExtension(), MarkdownInHtmlExtension(), TocExtension(), SaneListExtension(), SmartyExtension()]

FIGURE = re.compile(r"^\{\{<\s*figure\s+(\d+)\s*>\}\}$")
_TAGS = re.compile(r"<[^>]+>")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "ftps", "sms", "news", "irc", "ircs", "xmpp", "geo", "webcal"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")


def is_unsafe_url(value: str) -> bool:
    """True when a browser could run `value` as code (`javascript:`, `data:`...).

    Looks at the URL as a browser would: entities decoded (twice, to be safe) and the tabs,
    newlines and control characters browsers skip removed; only an allowlist of schemes passes.
    """
    seen = _URL_IGNORED.sub("", unescape(unescape(value))).lower()
    match = _SCHEME.match(seen)
    return bool(match) and match.group(1) not in SAFE_SCHEMES


class _FigureProcessor(BlockProcessor):
    def __init__(self, parser: Any, renderer: "MarkdownRenderer") -> None:
        super().__init__(parser)
        self.renderer = renderer

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(FIGURE.match(block.strip()))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        number = int(FIGURE.match(blocks.pop(0).strip()).group(1))  # type: ignore[union-attr]
        images = self.renderer.images
        if not 1 <= number <= len(images):
            self.renderer.missing_figures.append(number)
            return
        _figure(parent, images[number - 1])


def _figure(parent: etree.Element, image: Mapping[str, Any]) -> None:
    def text(key: str) -> str:
        """Front-matter text, atomic: no Markdown or raw HTML inside it, only escaped text."""
        value = image.get(key)
        return AtomicString(str(value).strip()) if value is not None else ""

    figure = etree.SubElement(parent, "figure")
    if text("src") and not is_unsafe_url(text("src")):
        etree.SubElement(figure, "img", {"src": text("src"), "alt": text("alt"), "loading": "lazy"})
    elif text("alt"):
        placeholder = etree.SubElement(figure, "p", {"class": "figure-description"})
        placeholder.text = AtomicString(f"Photo: {text('alt')}")
    caption = etree.SubElement(figure, "figcaption")
    if text("title"):
        title = etree.SubElement(caption, "strong", {"class": "figure-title"})
        title.text = text("title")
    if text("caption"):
        body = etree.SubElement(caption, "span", {"class": "figure-caption"})
        body.text = text("caption")
    credits = [f"{label} {text(key)}" for label, key in (("Credit:", "credit"), ("VIRIN:", "virin")) if text(key)]
    if credits:
        small = etree.SubElement(caption, "small", {"class": "figure-credit"})
        small.text = AtomicString(" · ".join(credits))


class _DropUnsafeLinks(Treeprocessor):
    """`javascript:` and friends are never emitted from Markdown links or images."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.attrib:     # most elements have no attributes: nothing to check
                for attribute in ("href", "src"):
                    value = element.get(attribute)
                    if value and is_unsafe_url(value):
                        element.set(attribute, "#")


class _NeutraliseRawScriptLinks(Postprocessor):
    """Trusted raw HTML is kept, but a `javascript:` URL in it is still never emitted."""

    _TAG = re.compile(r"""<[A-Za-z][^\s/>]*((?:"[^"]*"|'[^']*'|[^'">])*)>""")
    _ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""")
    _URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite", "ping"})

    def run(self, text: str) -> str:
        return self._TAG.sub(self._tag, text) if ":" in text else text

    def _tag(self, match: re.Match[str]) -> str:
        attributes = match.group(1)
        cleaned = self._ATTRIBUTE.sub(self._attribute, attributes)
        return match.group(0) if cleaned == attributes else match.group(0).replace(attributes, cleaned, 1)

    def _attribute(self, match: re.Match[str]) -> str:
        name, equals, value = match.groups()
        if name.lower() in self._URL_ATTRIBUTES and is_unsafe_url(value.strip("\"'")):
            return f'{name}{equals}"#"'
        return match.group(0)


class _PressroomExtension(Extension):
    def __init__(self, renderer: "MarkdownRenderer") -> None:
        super().__init__()
        self.renderer = renderer

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.parser.blockprocessors.register(_FigureProcessor(md.parser, self.renderer), "pressroom_figure", 95)
        md.treeprocessors.register(_DropUnsafeLinks(md), "pressroom_links", 0)


class MarkdownRenderer:
    """Owns the two reusable Markdown instances; not shared between threads."""

    def __init__(self) -> None:
        self.images: Sequence[Mapping[str, Any]] = ()
        self.missing_figures: list[int] = []
        self._trusted = self._make(allow_html=True)
        self._escaped = self._make(allow_html=False)

    def _make(self, *, allow_html: bool) -> markdown.Markdown:
        md = markdown.Markdown(extensions=[*extensions(), _PressroomExtension(self)], output_format="html")
        if allow_html:
            md.postprocessors.register(_NeutraliseRawScriptLinks(md), "pressroom_raw_links", 0)
        else:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        from .fastmd import speed_up   # same output, inline pass about 30% faster (see fastmd.py)

        return speed_up(md)

    def render(self, text: str, *, images: Sequence[Mapping[str, Any]] = (), allow_html: bool = True) -> tuple[str, list[int]]:
        """Return (html, figure numbers that point at no image)."""
        md = self._trusted if allow_html else self._escaped
        self.images, self.missing_figures = images, []
        try:
            return md.reset().convert(text), self.missing_figures
        except RecursionError:   # too deeply nested; the instance's parser state is now unusable
            self._trusted, self._escaped = self._make(allow_html=True), self._make(allow_html=False)
            raise
        finally:
            self.images = ()


def plain_text(html: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(unescape(_TAGS.sub("", html)).split())


def first_paragraph(html: str) -> str:
    match = re.search(r"<p>(.*?)</p>", html, re.DOTALL)
    return plain_text(match.group(1)) if match else ""
