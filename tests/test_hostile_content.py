"""Hostile content: every text from a content file lands as text, never as markup or code.

A release whose every field holds `<script>`, quotes, `&`, `]]>` and `</script>` must give
pages, attributes, JSON-LD, feeds and the sitemap that parse and hold that literal text;
raw HTML can be turned off per site and per article; `javascript:` URLs are never emitted.
"""
from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from generator.markup import is_unsafe_url

EVIL = """<script>alert("x")</script> & ]]> 'q' </script><!-- {{ 7*7 }}"""
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "content")


def yaml_text(value: str) -> str:
    return json.dumps(value)   # a JSON string is a valid YAML double-quoted scalar


@pytest.fixture
def hostile(site):
    quoted = yaml_text(EVIL)
    site.write("content/evil.md", f"""\
        ---
        title: {quoted}
        date: 2024-05-01
        summary: {quoted}
        tags: [{quoted}, Plain]
        authors: [{quoted}]
        source: {quoted}
        kind: {quoted}
        image: "/img/a.png?x=\\"><script>alert(1)</script>"
        images:
          - alt: {quoted}
            title: {quoted}
            caption: {quoted}
            credit: {quoted}
            virin: {quoted}
            src: "javascript:alert(1)"
          - alt: ok
            src: " JaVa&#x09;ScRiPt:alert(2)"
        ---
        Text with [a link](javascript:alert(3)) and [another](jav&#x61;script:alert(4)).

        {{{{< figure 1 >}}}}

        {{{{< figure 2 >}}}}
        """)
    site.article("other", "Plain neighbour", "2024-05-02", tags="[Plain]")
    result = site.build()
    assert result.errors == [], result.errors
    return site


def html_files(site) -> list[Path]:
    return sorted(site.out.rglob("*.html"))


def test_no_markup_from_content_reaches_any_page(hostile):
    for path in html_files(hostile):
        page = path.read_text(encoding="utf-8")
        assert '<script>alert("x")' not in page and "<script>alert(1)" not in page, path
        tree = lxml_html.fromstring(page)
        scripts = [s for s in tree.iter("script") if s.get("type") != "application/ld+json"]
        assert all("alert" not in (s.text or "") for s in scripts), path


def test_text_lands_literally_in_body_and_attributes(hostile):
    tree = lxml_html.fromstring(hostile.html("2024/05/script-alert-x-script-q-script-7-7/"))
    assert tree.cssselect("h1")[0].text_content() == EVIL
    assert tree.cssselect("title")[0].text_content().startswith(EVIL)
    assert tree.cssselect('meta[name="description"]')[0].get("content") == EVIL
    assert tree.cssselect('meta[property="og:title"]')[0].get("content").startswith(EVIL)
    assert EVIL in [a.text_content() for a in tree.cssselect("ul.tags a")]
    assert tree.cssselect("body")[0].text_content().count(EVIL) >= 6   # h1, tag, author, figure title/caption/credit
    caption = tree.cssselect("figcaption")[0]
    assert caption.cssselect(".figure-title")[0].text_content() == EVIL
    assert caption.cssselect(".figure-caption")[0].text_content() == EVIL
    assert EVIL in caption.cssselect(".figure-credit")[0].text_content()
    image = tree.cssselect('meta[property="og:image"]')[0].get("content")
    assert image.startswith("https://example.org/REPO/img/a.png")


def test_json_ld_cannot_close_its_script_element(hostile):
    page = hostile.html("2024/05/script-alert-x-script-q-script-7-7/")
    tree = lxml_html.fromstring(page)
    (block,) = tree.cssselect('script[type="application/ld+json"]')
    assert "</script" not in block.text.lower() and "<!--" not in block.text
    data = json.loads(block.text)
    assert data["headline"] == EVIL and data["description"] == EVIL
    assert [(a["@type"], a["name"]) for a in data["author"]] == [("Person", EVIL)]
    assert data["author"][0]["url"] == "https://example.org/REPO/authors/script-alert-x-script-q-script-7-7/"


def test_no_javascript_url_is_emitted_anywhere(hostile):
    for path in html_files(hostile):
        for element in lxml_html.fromstring(path.read_bytes()).iter():
            for attribute in URL_ATTRIBUTES:
                value = element.get(attribute)
                if value and (attribute != "content" or element.get("property") == "og:image"):
                    assert not is_unsafe_url(value), (path, element.tag, attribute, value)


def test_feeds_parse_and_hold_the_literal_text(hostile):
    atom = feedparser.parse((hostile.out / "feed.xml").read_bytes())
    assert not atom.bozo, atom.bozo_exception
    entry = next(e for e in atom.entries if e.title != "Plain neighbour")
    assert entry.title == EVIL and entry.summary == EVIL
    assert EVIL in [t.label for t in entry.tags]
    rss = etree.fromstring((hostile.out / "rss.xml").read_bytes())
    assert EVIL in [t.text for t in rss.iter("title")]
    assert not feedparser.parse((hostile.out / "rss.xml").read_bytes()).bozo
    feed = json.loads((hostile.out / "feed.json").read_text(encoding="utf-8"))
    item = next(i for i in feed["items"] if i["title"] != "Plain neighbour")
    assert item["title"] == EVIL and item["summary"] == EVIL
    assert "javascript" not in item["content_html"].lower()
    for tag_feed in hostile.out.glob("tags/*/feed.xml"):
        assert not feedparser.parse(tag_feed.read_bytes()).bozo, tag_feed


def test_sitemap_parses_and_holds_only_safe_urls(hostile):
    tree = etree.fromstring((hostile.out / "sitemap.xml").read_bytes())
    locs = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith("https://example.org/REPO/") for loc in locs)
    assert all(ch not in loc for loc in locs for ch in '<>"\' \\')


RAW = 'Hello <script>alert("raw")</script> <img src=x onerror="alert(5)"> <a href="javascript:alert(6)">x</a>'


def test_raw_html_is_escaped_when_the_site_turns_it_off(site):
    site.config("unsafe_html = false\n")
    site.article("a", "Raw", "2024-01-01", body=RAW)
    site.build()
    body = lxml_html.fromstring(site.html("2024/01/raw/")).cssselect(".body")[0]
    assert not body.cssselect("script, img, a")
    shown = body.text_content().replace("\u201c", '"').replace("\u201d", '"')   # smarty curls quotes in text
    assert '<script>alert("raw")</script>' in shown


def test_raw_html_is_escaped_when_the_article_turns_it_off(site):
    site.article("a", "Raw", "2024-01-01", body=RAW, unsafe_html="false")
    site.article("b", "Trusted", "2024-01-02", body=RAW)
    site.build()
    assert not lxml_html.fromstring(site.html("2024/01/raw/")).cssselect(".body script")
    trusted = lxml_html.fromstring(site.html("2024/01/trusted/")).cssselect(".body")[0]
    assert trusted.cssselect("script"), "a trusted site keeps its raw HTML"
    assert trusted.cssselect("a")[0].get("href") == "#", "but never a javascript: link"


def test_article_cannot_turn_raw_html_back_on(site):
    site.config("unsafe_html = false\n")
    site.article("a", "Raw", "2024-01-01", body=RAW, unsafe_html="true")
    site.build()
    assert not lxml_html.fromstring(site.html("2024/01/raw/")).cssselect(".body script")


EVIL_SEED = b'''<html><head><title>Evil &lt;script&gt;alert(1)&lt;/script&gt; release</title></head>
<body><article><h1>Evil &lt;script&gt;alert(1)&lt;/script&gt; release</h1><p class="date">Jan. 5, 2024</p>
<p>WASHINGTON -- Text <a href="javascript:alert(2)">click</a> <img src=x onerror=alert(3)> and
&lt;script&gt;alert(4)&lt;/script&gt; more text here.</p><script>alert(5)</script>
<p>Second paragraph &lt;b onmouseover=alert(6)&gt;hi&lt;/b&gt;.</p></article></body></html>'''


def test_imported_seed_markup_stays_text(site, capsys):
    from generator.cli import main

    site.write("seeds/evil.html", EVIL_SEED)
    assert main(["build", "--site", str(site.root), "--quiet"]) == 0, capsys.readouterr().err
    pages = [p for p in html_files(site) if "Evil" in p.read_text(encoding="utf-8")]
    assert pages
    for path in pages:
        tree = lxml_html.fromstring(path.read_bytes())
        assert all("alert" not in (s.text or "") for s in tree.iter("script") if s.get("type") != "application/ld+json")
        assert not [e for e in tree.iter() if any(a.startswith("on") for a in e.attrib)], path
        assert all(not is_unsafe_url(e.get("href", "")) and not is_unsafe_url(e.get("src", "")) for e in tree.iter())
    article = next(p for p in pages if "/2024/01/" in p.as_posix())
    tree = lxml_html.fromstring(article.read_bytes())
    assert tree.cssselect("h1")[0].text_content() == "Evil <script>alert(1)</script> release"
    assert "<script>alert(4)</script>" in tree.cssselect(".body")[0].text_content()
