"""A faster, output-identical inline pass for Python-Markdown.

Python-Markdown tries every inline pattern (a regex search) on every text node, and
looks each pattern up in its registry by index each time; on a press release that is
most of the time spent in Markdown. Every pattern we know can only match text holding
one of a few characters (a link needs '[', emphasis '*' or '_', an entity '&'...), so
when a text node holds none of them the pattern is skipped: exactly what its failed
search would have done. Patterns are recognised by name *and* regex source, so a
Markdown upgrade that changes one simply turns its shortcut off.
"""
from __future__ import annotations

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


def _trigger(name: str, pattern: Any) -> str | None:
    source = getattr(pattern, "pattern", None)
    if not isinstance(source, str):
        return None
    if name == "html" and source.startswith(_HTML_PREFIX):
        return "<"
    known = _TRIGGERS.get(name)
    if known is not None and known[0] == source:
        return known[1]
    return None


def speed_up(md: markdown.Markdown) -> markdown.Markdown:
    """Install the shortcut on `md`'s inline processor (idempotent); returns `md`."""
    if "inline" not in md.treeprocessors:
        return md
    processor = md.treeprocessors["inline"]
    registry = processor.inlinePatterns
    if not hasattr(processor, "_InlineProcessor__applyPattern"):
        return md   # a Markdown version we do not know: leave it alone
    patterns = [registry[i] for i in range(len(registry))]
    names = [item.name for item in registry._priority]
    triggers = [_trigger(name, registry[name]) for name in names]
    if [registry[name] for name in names] != patterns:
        return md
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
            needed = triggers[patternIndex]
            if needed is not None and not any(char in data for char in needed):
                patternIndex += 1
                start = 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data

    processor._InlineProcessor__handleInline = types.MethodType(handle_inline, processor)
    return md
