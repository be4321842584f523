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

# name -> (regex source we analysed, texts at least one of which every match contains)
_TRIGGERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "backtick": (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", ("`",)),
    "escape": (r"\\(.)", ("\\",)),
    "footnote": (r"\[\^([^\]]*)\]", ("[^",)),
    "reference": (r"(?<!\!)\[", ("[",)),
    "link": (r"(?<!\!)\[", ("[",)),
    "image_link": (r"\!\[", ("![",)),
    "image_reference": (r"\!\[", ("![",)),
    "short_reference": (r"(?<!\!)\[", ("[",)),
    "short_image_ref": (r"\!\[", ("![",)),
    "autolink": (r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>", ("<",)),
    "automail": (r"<([^<> !]+@[^@<> ]+)>", ("<",)),
    "linebreak": (r"  \n", ("  \n",)),
    "entity": (r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)", ("&",)),
    "em_strong": (r"\*|_", ("*", "_")),
    "em_strong2": (r"(_)", ("_",)),
    "not_strong": (r"((^|(?<=\s))(\*{1,3}|_{1,3})(?=\s|$))", ("*", "_")),
}
_HTML_PREFIX = "(<("   # the raw-HTML pattern always starts by matching '<'

# The Python-Markdown functions these shortcuts replace or call, as written when we read them (first 16 hex
# digits of the SHA-256 of their source). Any other version of them: no shortcut, plain Python-Markdown.
KNOWN_SOURCES = {
    "BlockParser.parseBlocks": "1737e188f149267b",
    "InlineProcessor.__handleInline": "fe27babc114aed0a",
    "InlineProcessor.__applyPattern": "8862b35197c0e614",
    "InlineProcessor.run": "f6c93631f2871499",
    "ReferenceInlineProcessor.handleMatch": "a030528fb96718c2",
    "FencedBlockPreprocessor.run": "5ff582f6af84b7e7",
    "UnescapeTreeprocessor.run": "5752b9f6937e0084",
    "AttrListTreeprocessor.run": "fb126cccd79ac3cb",
    "TocTreeprocessor.replace_marker": "9f9ee8b48ecbac72",
}
# Passes that change nothing unless their input (a preprocessor's lines; a tree processor's texts and tails) holds one
# of a few texts: a fenced code block's fence, an escaped character's placeholder, an attribute list's brace.
_IDLE_UNLESS: dict[tuple[str, str], tuple[str, ...]] = {
    ("markdown.extensions.fenced_code", "FencedBlockPreprocessor"): ("```", "~~~"),
    ("markdown.treeprocessors", "UnescapeTreeprocessor"): (util.STX,),
    ("markdown.extensions.attr_list", "AttrListTreeprocessor"): ("{",),
}
_OURS = ("run", "replace_marker", "_InlineProcessor__handleInline")   # what the shortcuts set on an instance


@lru_cache(maxsize=16)
def written_against(function: Any) -> bool:
    """True when `function` is the Python-Markdown code our shortcut was written against."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return hashlib.sha256(source.encode()).hexdigest()[:16] == KNOWN_SOURCES.get(function.__qualname__)


# smarty's quote patterns (module constants) by the quotes every match of each holds; its dashes, ellipses and
# angle quotes are literal patterns written in its methods
_SMARTY_QUOTES = {
    ("'",): ("singleQuoteStartRe", "decadeAbbrRe", "openingSingleQuotesRegex", "closingSingleQuotesRegex",
             "closingSingleQuotesRegex2", "remainingSingleQuotesRegex"),
    ('"',): ("doubleQuoteStartRe", "openingDoubleQuotesRegex", "closingDoubleQuotesRegex", "closingDoubleQuotesRegex2",
             "remainingDoubleQuotesRegex"),
    ("\"'",): ("doubleQuoteSetsRe", "singleQuoteSetsRe2"),
    ("'\"",): ("singleQuoteSetsRe", "doubleQuoteSetsRe2"),
}
_SMARTY_LITERALS = {r"(?<!-)---(?!-)": ("---",), r"(?<!-)--(?!-)": ("--",), r"(?<!\.)\.{3}(?!\.)": ("...",),
                    r"\<\<": ("<<",), r"\>\>": (">>",)}


@lru_cache(maxsize=1)
def _smarty_sources() -> dict[str, tuple[str, ...]]:
    """smarty's regex sources -> the text every match of each holds."""
    from markdown.extensions import smarty

    found = dict(_SMARTY_LITERALS)
    for needed, names in _SMARTY_QUOTES.items():
        for name in names:
            source = getattr(smarty, name, None)
            if isinstance(source, str):
                found[source] = needed
    return found


def _trigger(name: str, pattern: Any) -> tuple[str, ...] | None:
    source = getattr(pattern, "pattern", None)
    if not isinstance(source, str):
        return None
    if name == "html" and source.startswith(_HTML_PREFIX):
        return ("<",)
    if name.startswith("smarty-") and type(pattern).__name__ == "SubstituteTextPattern":
        return _smarty_sources().get(source)
    known = _TRIGGERS.get(name)
    if known is not None and known[0] == source:
        return known[1]
    return None


def _search(texts: tuple[str, ...]) -> Any:
    """A test that any of `texts` is in a string: the text itself for `in` when one, a character class's search
    when several characters, else `in` for each (not None: found; faster than a regex of alternatives)."""
    if len(texts) == 1:
        return texts[0]
    if all(len(text) == 1 for text in texts):
        return re.compile("[" + re.escape("".join(texts)) + "]").search

    def any_of(data: str) -> bool | None:
        for text in texts:
            if text in data:
                return True
        return None

    return any_of


def _never(data: str) -> None:
    return None


def _needs_references(pattern: Any) -> bool:
    """A reference link or image (`[text][id]`, `[id]`, `![alt][id]`): does nothing unless the document defines
    references (its handleMatch gives no node, and leaves the text alone, for an id not in `md.references`)."""
    from markdown.inlinepatterns import ReferenceInlineProcessor

    handle = ReferenceInlineProcessor.handleMatch
    return getattr(type(pattern), "handleMatch", None) is handle and written_against(handle)


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
    runs its own quote and dash patterns over every text node) and on its idle passes; idempotent; returns `md`."""
    if not isinstance(md.parser.__dict__.get("parseBlocks"), types.MethodType):
        speed_up_blocks(md)
    for name in ("inline", "smarty"):
        if name in md.treeprocessors:
            speed_up_inline(md.treeprocessors[name])
    skip_idle_passes(md)
    return md


def plain(md: markdown.Markdown) -> markdown.Markdown:
    """`md` without any shortcut: plain Python-Markdown (what the tests compare the shortcuts with)."""
    md.parser.__dict__.pop("parseBlocks", None)
    for registry in (md.preprocessors, md.treeprocessors):
        for index in range(len(registry)):
            for name in _OURS:
                registry[index].__dict__.pop(name, None)
    return md


def _holds(tree: Any, test: Any) -> bool:
    """Whether any text or tail in `tree` holds what `test` looks for (a string, or a compiled regex's search)."""
    if test.__class__ is str:
        for element in tree.iter():
            text, tail = element.text, element.tail
            if text and test in text or tail and test in tail:
                return True
        return False
    for element in tree.iter():
        text, tail = element.text, element.tail
        if text and test(text) is not None or tail and test(tail) is not None:
            return True
    return False


def skip_idle_passes(md: markdown.Markdown) -> None:
    """Skip the passes of `_IDLE_UNLESS` on input that holds none of their texts, and the table-of-contents marker
    search (every element's text joined, for every element) in a document that holds no marker; same output."""
    for registry, lines in ((md.preprocessors, True), (md.treeprocessors, False)):
        for index in range(len(registry)):
            processor = registry[index]
            cls = type(processor)
            texts = _IDLE_UNLESS.get((cls.__module__, cls.__qualname__))
            if texts is not None and "run" not in processor.__dict__ and written_against(cls.run):
                processor.run = (_lines_pass if lines else _tree_pass)(processor, _search(texts))
    toc = md.treeprocessors["toc"] if "toc" in md.treeprocessors else None
    if type(toc).__name__ == "TocTreeprocessor" and isinstance(getattr(toc, "marker", None), str) and toc.marker \
            and "replace_marker" not in toc.__dict__ and written_against(type(toc).replace_marker):
        original = toc.replace_marker

        def replace_marker(root: Any, elem: Any) -> None:
            if _holds(root, toc.marker):    # it replaces only an element whose text is the marker
                original(root, elem)

        toc.replace_marker = replace_marker


def _lines_pass(processor: Any, test: Any) -> Any:
    original = processor.run

    def run(lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        found = test in text if test.__class__ is str else test(text) is not None
        return original(lines) if found else lines

    return run


def _tree_pass(processor: Any, test: Any) -> Any:
    original = processor.run

    def run(root: Any) -> Any:
        return original(root) if _holds(root, test) else None     # None: the tree as it is

    return run


def speed_up_inline(processor: Any) -> None:
    """Skip the inline patterns that cannot match a text node (it holds none of their texts), reference patterns in
    a document without references, and the whole pass over a tree no text of which any pattern could match (smarty's,
    on text without quotes, dashes or ellipses); same output."""
    registry = processor.inlinePatterns
    if not all(written_against(getattr(type(processor), name, None)) for name in
               ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")):
        return      # a Markdown version we do not know: leave it alone
    patterns = [registry[i] for i in range(len(registry))]
    names = [item.name for item in registry._priority]
    triggers = [_trigger(name, registry[name]) for name in names]
    if [registry[name] for name in names] != patterns:
        return
    with_references = [t if t is None else _search(t) for t in triggers]
    without_references = [_never if _needs_references(p) else t for p, t in zip(patterns, with_references)]
    apply = processor._InlineProcessor__applyPattern
    original = type(processor)._InlineProcessor__handleInline
    count = len(patterns)

    def handle_inline(self: Any, data: str, patternIndex: int = 0) -> str:  # noqa: N803 (mirrors Markdown)
        if isinstance(data, util.AtomicString):
            return data
        if len(registry) != count:     # someone changed the registry after us
            return original(self, data, patternIndex)
        tests = with_references if self.md.references else without_references
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
    if all(t is not None for t in triggers) and written_against(type(processor).run):
        _skip_idle_runs(processor, _search(tuple(sorted({text for t in triggers for text in t}))), count)


def _skip_idle_runs(processor: Any, anything: Any, count: int) -> None:
    """The pass does nothing to a tree whose texts and tails hold no pattern's text (each pattern would fail, and
    `run` puts every text back as it was): skip it then."""
    run = type(processor).run

    def fast_run(self: Any, tree: Any, ancestors: list[str] | None = None) -> Any:
        if len(self.inlinePatterns) != count:
            return run(self, tree, ancestors)
        return run(self, tree, ancestors) if _holds(tree, anything) else tree

    processor.run = types.MethodType(fast_run, processor)
