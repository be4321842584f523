"""Links, bold and italic in HTML and feed bodies survive import as Markdown (fixtures we wrote)."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from generator.ingest import parse_seed
from generator.ingest.text import web_url
from generator.markup import MarkdownRenderer

FIXTURES = Path(__file__).parent / "fixtures" / "seeds"


def releases(name: str, data: bytes | None = None):
    return parse_seed(Path("seeds") / name, (FIXTURES / name).read_bytes() if data is None else data)


def render(body: str) -> str:
    html, _ = MarkdownRenderer().render(body, allow_html=False)
    return html


def visible(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def test_html_links_become_absolute_markdown_links():
    (r,) = releases("links_article.html")
    assert "[the range page](https://www.af.mil/News/Range/)" in r.body          # resolved against the canonical URL
    assert "[full release](https://www.defense.gov/News/Releases/Release/Article/2/)" in r.body
    assert "[the photos](https://www.af.mil/News/Article-Display/Article/Photos/)" in r.body
    assert "- See [the units](https://www.af.mil/Units/) list." in r.body
    html = render(r.body)
    assert '<a href="https://www.af.mil/News/Range/">the range page</a>' in html
    assert '<a href="https://www.af.mil/Units/">the units</a>' in html
    assert "the range page" in r.summary and "](" not in r.summary and "**" not in r.summary


def test_html_emphasis_survives_and_plain_text_stays_literal():
    (r,) = releases("links_article.html")
    html = render(r.body)
    assert "**JOINT BASE ANDREWS, Md. --** The wing opened a *new* range" in r.body   # the renderer may set '--' as a dash
    assert "<strong>JOINT BASE ANDREWS, Md. " in html and "</strong> The wing opened a <em>new</em> range" in html
    assert "<strong>bold</strong> item" in html
    assert "a literal *asterisk* _under_ [bracket] kept." in visible(html)


def test_link_text_and_address_are_escaped():
    (r,) = releases("links_article.html")
    html = render(r.body)
    assert '<a href="https://example.gov/a%20b%281%29">[1] *star* text</a>' in html


def test_non_web_links_keep_only_their_text():
    (r,) = releases("links_article.html")
    assert "Do not click here, or here, or there, pa@af.mil." in r.body
    html = render(r.body)
    assert "script:" not in html.lower() and "data:" not in html and "mailto:" not in html
    assert html.count("<a ") == 5


def test_feed_links_resolve_against_the_item_or_channel_link():
    first, second = releases("links_feed.rss")
    assert "[the list](https://www.example.gov/releases/grant-awards/list/)" in first.body
    assert "[Grants.gov](https://www.grants.gov/x?a=1&b=2)" in first.body
    assert "The agency **today** announced" in first.body and "*not* the grants desk" in first.body
    assert "Questions go to the press office," in first.body and "javascript" not in first.body
    assert "[the grants page](https://www.example.gov/grants/)" in second.body   # no item link: the channel's
    html = render(first.body)
    assert '<a href="https://www.grants.gov/x?a=1&amp;b=2">Grants.gov</a>' in html
    assert "<strong>today</strong>" in html and "<em>not</em>" in html


def test_relative_link_without_a_base_keeps_only_its_text():
    data = (b"<html><body><h1>Title Here</h1><time datetime='2024-01-02'></time><article>"
            b"<p>See <a href='/rel/page'>the page</a> and <a href='https://www.army.mil/a'>Army</a> "
            b"and <a href='//www.navy.mil/b'>Navy</a>.</p></article></body></html>")
    (r,) = releases("x.html", data)
    assert r.body.startswith("See the page and [Army](https://www.army.mil/a) and [Navy](https://www.navy.mil/b).")


def test_httrack_mirror_links_resolve_to_the_mirrored_site():
    data = (b"<html><!-- Mirrored from www.af.mil/DesktopModules/ArticleCS/Print.aspx?Article=1 by HTTrack -->"
            b"<body><h1 class='title'>Title Here</h1><time datetime='2024-01-02'></time><article>"
            b"<p>A <a href='../../AboutUs/Bio/x.html'>bio</a> and a <a href='../../../media.defense.gov/2016/a.jpg'>photo</a>.</p>"
            b"</article></body></html>")
    (r,) = releases("x.html", data)
    assert "[bio](https://www.af.mil/AboutUs/Bio/x.html)" in r.body


def test_seed_text_cannot_forge_inline_marks():
    data = ("<html><body><h1>Title Here</h1><time datetime='2024-01-02'></time><article>"
            "<p>Odd &#xE004;text&#xE005;javascript:alert(1)&#xE006; and \ue000x\ue001 here.</p>"
            "</article></body></html>").encode()
    (r,) = releases("x.html", data)
    html = render(r.body)
    assert "<a " not in html and "<strong>" not in html and "](" not in r.body
    assert visible(html) == "Odd textjavascript:alert(1) and x here."   # the text itself, shown as text


@pytest.mark.parametrize("href, base, expected", [
    ("/a", "https://www.state.gov/x/", "https://www.state.gov/a"),
    ("b c", "https://www.state.gov/x/", "https://www.state.gov/x/b%20c"),
    ("https://x.gov/p_(q)", "", "https://x.gov/p_%28q%29"),
    ("/a", "", ""),
    ("#top", "https://www.state.gov/x/", ""),
    ("javascript:alert(1)", "https://www.state.gov/", ""),
    ("java\nscript:alert(1)", "", ""),
    ("vbscript:x", "", ""),
    ("data:text/html,<b>", "", ""),
    ("ftp://x.gov/f", "", ""),
    ("http://", "", ""),
    ("http://[::1", "", ""),
])
def test_web_url(href, base, expected):
    assert web_url(href, base) == expected
