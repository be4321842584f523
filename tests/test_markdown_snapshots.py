"""Markdown -> HTML snapshots. Regenerate with UPDATE_SNAPSHOTS=1 after an intended change, and review the diff."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.markup import MarkdownRenderer

SNAPSHOTS = Path(__file__).parent / "snapshots"
IMAGES = [{"alt": "Two leaders at podiums.", "title": "Reaffirming Partnerships", "caption": "A joint briefing, Oct. 30, 2024.",
           "credit": "Air Force Senior Airman Madelyn Keech, DOD", "virin": "241030-D-FN350-1571"}]
CASES = sorted(SNAPSHOTS.glob("*.md"))


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


@pytest.mark.parametrize("source", CASES, ids=[c.stem for c in CASES])
@pytest.mark.parametrize("allow_html", [True, False], ids=["trusted", "escaped"])
def test_snapshot(renderer, source: Path, allow_html: bool) -> None:
    html, missing = renderer.render(source.read_text(encoding="utf-8"), images=IMAGES, allow_html=allow_html)
    expected_file = source.with_suffix(f".{'trusted' if allow_html else 'escaped'}.html")
    if os.environ.get("UPDATE_SNAPSHOTS"):
        expected_file.write_text(html + "\n", encoding="utf-8")
    assert html + "\n" == expected_file.read_text(encoding="utf-8")
    assert missing == []


def test_instance_is_reused_and_state_does_not_leak(renderer) -> None:
    first, _ = renderer.render("Text[^1]\n\n[^1]: note", allow_html=False)
    second, _ = renderer.render("Plain.", allow_html=False)
    assert "footnote" in first and second == "<p>Plain.</p>"


def test_figure_without_image_is_reported(renderer) -> None:
    html, missing = renderer.render("{{< figure 2 >}}", images=IMAGES)
    assert missing == [2] and "<figure" not in html


def test_the_extensions_given_as_instances_are_markdown_extra_and_the_named_ones():
    """markup.extensions() builds by instance what the names 'extra', 'toc', 'sane_lists', 'smarty' build (names
    cost an entry-point scan): the same processors at the same priorities, the same HTML."""
    import markdown

    from generator.markup import extensions

    def registries(md: markdown.Markdown) -> list[list[tuple[str, float]]]:
        return [[(item.name, item.priority) for item in registry._priority] for registry in (
            md.preprocessors, md.parser.blockprocessors, md.inlinePatterns, md.treeprocessors, md.postprocessors)]

    by_name = markdown.Markdown(extensions=["extra", "toc", "sane_lists", "smarty"], output_format="html")
    by_instance = markdown.Markdown(extensions=extensions(), output_format="html")
    assert registries(by_instance) == registries(by_name)
    text = ('# Title {: #top }\n\n[TOC]\n\nSome *text* -- "quoted"... [^1]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'
            'Term\n:   Definition\n\n*[HTML]: Hypertext\n\nHTML here.\n\n```python\ncode\n```\n\n3. three\n4. four\n\n'
            '<div markdown="1">*inside*</div>\n\n[^1]: A note.\n')
    assert by_instance.convert(text) == by_name.convert(text)
