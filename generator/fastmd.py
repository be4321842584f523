"""Faster, output-identical inline and block passes for Python-Markdown.

Python-Markdown tries every inline pattern (a regex search) on every text node, and
every block processor's test on every block; on a press release that is most of the
time spent in Markdown. Every pattern and processor we know can only match text holding
one of a few characters (a link needs '[', emphasis '*' or '_', a header '#', a quote
'>', a table '|'...), so when the text holds none of them it is skipped: exactly what its
failed search would have done. Patterns and processors are recognised by name or class
*and* regex source, so a Markdown upgrade that changes one simply turns its shortcut off.
tests/test_cache.py checks the output against plain Python-Markdown.
"""
from __future__ import annotations

import hashlib
import inspect
from functools import lru_cache
import re
import types
from typing import Any

import markdown
from markdown import util

# name -> (regex source we analysed, characters at least one of which every match contains)
_TRIGGERS: dict[str, tuple[str, str]] = {
    "backtick": (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", "`"),
    "escape": (r"\\(.)", "\\"),
    "footnote": (r"\[\^([^\]]*)\]", "["),
    "reference": (r"(?<!\!)\[", "["),
    "link": (r"(?<!\!)\[", "["),
    "image_link": (r"\!\[", "["),
    "image_reference": (r"\!\[", "["),
    "short_reference": (r"(?<!\!)\[", "["),
    "short_image_ref": (r"\!\[", "["),
    "autolink": (r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>", "<"),
    "automail": (r"<([^<> !]+@[^@<> ]+)>", "<"),
    "linebreak": (r"  \n", "\n"),
    "entity": (r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)", "&"),
    "em_strong": (r"\*|_", "*_"),
    "em_strong2": (r"(_)", "_"),
    "not_strong": (r"((^|(?<=\s))(\*{1,3}|_{1,3})(?=\s|$))", "*_"),
}
_HTML_PREFIX = "(<("   # the raw-HTML pattern always starts by matching '<'

# The Python-Markdown functions these shortcuts replace or call, as written when we read them (first 16 hex
# digits of the SHA-256 of their source). Any other version of them: no shortcut, plain Python-Markdown.
KNOWN_SOURCES = {
    "BlockParser.parseBlocks": "1737e188f149267b",
    "InlineProcessor.__handleInline": "fe27babc114aed0a",
    "InlineProcessor.__applyPattern": "8862b35197c0e614",
}


@lru_cache(maxsize=16)
def written_against(function: Any) -> bool:
    """True when `function` is the Python-Markdown code our shortcut was written against."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return hashlib.sha256(source.encode()).hexdigest()[:16] == KNOWN_SOURCES.get(function.__qualname__)


_SMARTY_CHARS = ".-'\"<>"   # every smarty substitution (ellipsis, dash, quote, angle quote) matches one of these


def _trigger(name: str, pattern: Any) -> str | None:
    source = getattr(pattern, "pattern", None)
    if not isinstance(source, str):
        return None
    if name == "html" and source.startswith(_HTML_PREFIX):
        return "<"
    if name.startswith("smarty-") and type(pattern).__name__ == "SubstituteTextPattern":
        found = "".join(c for c in _SMARTY_CHARS if c in source)
        return found or None
    known = _TRIGGERS.get(name)
    if known is not None and known[0] == source:
        return known[1]
    return None


# Block processors: (module, class, regex source) -> characters at least one of which a block must hold for
# the processor to claim it. Those whose test() is always True (footnote, abbr, reference) give the block
# back unchanged from run() when their regex finds nothing; skipping them then is the same.
_BLOCK_TRIGGERS: dict[tuple[str, str], tuple[str | None, str]] = {
    ("markdown.blockprocessors", "HashHeaderProcessor"):
        (r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)", "#"),
    ("markdown.blockprocessors", "SetextHeaderProcessor"): (r"^.*?\n(?:=+|-+)[ ]*(\n|$)", "=-"),
    ("markdown.blockprocessors", "HRProcessor"):
        (r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))(?P=atomicgroup)[ ]*$", "-_*"),
    ("markdown.blockprocessors", "BlockQuoteProcessor"): (r"(^|\n)[ ]{0,3}>[ ]?(.*)", ">"),
    ("markdown.extensions.def_list", "DefListProcessor"): (r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)", ":"),
    ("markdown.extensions.tables", "TableProcessor"): (None, "|"),      # a table row needs a pipe
    ("markdown.extensions.footnotes", "FootnoteBlockProcessor"): (r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$", "["),
    ("markdown.extensions.abbr", "AbbrBlockprocessor"):
        (r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$", "["),
    ("markdown.blockprocessors", "ReferenceProcessor"):
        (r'''^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$''', "["),
}


def _block_trigger(processor: Any) -> str | None:
    cls = type(processor)
    known = _BLOCK_TRIGGERS.get((cls.__module__, cls.__qualname__))
    if known is None:
        return None
    source, chars = known
    regex = getattr(processor, "RE", None)
    regex = getattr(regex, "pattern", regex)
    return chars if source is None or regex == source else None


def speed_up_blocks(md: markdown.Markdown) -> markdown.Markdown:
    """Skip block processors that cannot claim a block (it holds none of their characters); same output."""
    parser = md.parser
    if not written_against(type(parser).parseBlocks):
        return md
    registry = parser.blockprocessors
    processors = [registry[i] for i in range(len(registry))]
    tests = [_block_trigger(p) for p in processors]
    tests = [t if t is None or len(t) == 1 else re.compile("[" + re.escape(t) + "]").search for t in tests]
    steps = list(zip(processors, tests))
    original = type(parser).parseBlocks

    def parse_blocks(self: Any, parent: Any, blocks: list[str]) -> None:
        if len(registry) != len(steps):     # someone changed the registry after us
            return original(self, parent, blocks)
        while blocks:
            for processor, needed in steps:
                block = blocks[0]
                if needed is not None and (needed not in block if needed.__class__ is str else needed(block) is None):
                    continue
                if processor.test(parent, block):
                    if processor.run(parent, blocks) is not False:
                        break

    parser.parseBlocks = types.MethodType(parse_blocks, parser)
    return md


def speed_up(md: markdown.Markdown) -> markdown.Markdown:
    """Install the shortcuts on `md`'s block parser and inline processors (the main one, and smarty's, which
    runs its own quote and dash patterns over every text node); idempotent; returns `md`."""
    if not isinstance(md.parser.__dict__.get("parseBlocks"), types.MethodType):
        speed_up_blocks(md)
    for name in ("inline", "smarty"):
        if name in md.treeprocessors:
            speed_up_inline(md.treeprocessors[name])
    return md


def speed_up_inline(processor: Any) -> None:
    """Skip the inline patterns that cannot match a text node (it holds none of their characters); same output."""
    registry = processor.inlinePatterns
    if not all(written_against(getattr(type(processor), name, None)) for name in
               ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")):
        return      # a Markdown version we do not know: leave it alone
    patterns = [registry[i] for i in range(len(registry))]
    names = [item.name for item in registry._priority]
    triggers = [_trigger(name, registry[name]) for name in names]
    if [registry[name] for name in names] != patterns:
        return
    # one character: a substring test; several: one regex class search (both in C, unlike any(...))
    tests = [t if t is None or len(t) == 1 else re.compile("[" + re.escape(t) + "]").search for t in triggers]
    apply = processor._InlineProcessor__applyPattern
    original = type(processor)._InlineProcessor__handleInline

    def handle_inline(self: Any, data: str, patternIndex: int = 0) -> str:  # noqa: N803 (mirrors Markdown)
        if isinstance(data, util.AtomicString):
            return data
        count = len(patterns)
        if len(registry) != count:     # someone changed the registry after us
            return original(self, data, patternIndex)
        start = 0
        while patternIndex < count:
            needed = tests[patternIndex]
            if needed is not None and (needed not in data if needed.__class__ is str else needed(data) is None):
                patternIndex += 1
                start = 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data

    processor._InlineProcessor__handleInline = types.MethodType(handle_inline, processor)
