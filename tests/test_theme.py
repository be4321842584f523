"""The default theme: semantic HTML, metadata, safe JSON-LD, theme overrides and page weight.

Sites are built into temp folders from small Markdown files and the HTML is parsed with lxml.
"""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from lxml import html as lxml_html

from generator.build import build
from generator.config import load_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_THEME = Path(__file__).resolve().parent / "fixtures" / "example_theme"
BASE = "https://example.org/REPO/"
HOSTILE = "</script><script>alert(1)</script> & \"quotes\" 'too' <b>bold</b>"
FIGURE_ARTICLE = """\
---
title: Crews rehearse an evacuation
date: 2024-05-06 10:00
authors: [Ada Lovelace, Grace Hopper]
source: County Office of Emergency Management
tags: [Public Safety, Community]
summary: Four hundred responders practised an evacuation of three towns.
image: /media/drill.jpg
images:
  - alt: Firefighters unroll a hose beside an engine.
    title: Ready on the Ridge
    caption: Firefighters lay a supply line during the exercise.
    credit: Jamie Torres, County Volunteer Corps
    virin: 240506-P-PC001-0042
---

COUNTY — More than 400 responders took part.

{{< figure 1 >}}

## What worked

| Step | Minutes |
|---|---:|
| Alerts | 3 |

A note.[^1]

[^1]: Figures are provisional.
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def release(root: Path, name: str, title: str, date: str, tags: str = "[Community]", body: str = "Body text.") -> None:
    write(root, f"content/{name}.md",
          f"---\ntitle: {json.dumps(title)}\ndate: {date}\ntags: {tags}\nauthors: Press Office\n---\n{body}\n")


def build_site(root: Path, **overrides) -> Path:
    overrides.setdefault("base_url", BASE)
    config = load_config(root, search=False, **overrides)
    result = build(config, run_import=False)
    assert result.errors == [], result.errors
    return config.output_dir


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("theme") / "site"
    write(root, "pressroom.toml", 'title = "Test News"\ndescription = "Releases for tests."\nlanguage = "en-GB"\nper_page = 3\n')
    write(root, "content/2024/drill.md", FIGURE_ARTICLE)
    release(root, "2024/hostile", HOSTILE, "2024-05-07", tags="[Community, Security]")
    for n in range(5):
        release(root, f"2023/r{n}", f"Release number {n}", f"2023-0{n + 1}-15", tags="[Community, Public Safety]")
    return build_site(root)


def parse(out: Path, route: str) -> lxml_html.HtmlElement:
    file = out / (route + "index.html" if route == "" or route.endswith("/") else route)
    return lxml_html.fromstring(file.read_bytes())


def page_routes(out: Path) -> list[str]:
    routes = [p.relative_to(out).parent.as_posix() + "/" for p in out.rglob("index.html") if "pagefind" not in p.parts]
    return sorted("" if r == "./" else r for r in routes) + ["404.html"]


def article_route(out: Path, slug: str) -> str:
    [found] = [p.parent.relative_to(out).as_posix() + "/" for p in out.glob(f"*/*/{slug}/index.html")]
    return found


def meta(doc: lxml_html.HtmlElement, key: str) -> str:
    values = doc.xpath(f'//meta[@name="{key}" or @property="{key}"]/@content')
    assert len(values) == 1, f"{key}: {values}"
    return values[0]


def json_ld(doc: lxml_html.HtmlElement, kind: str = "NewsArticle") -> dict:
    """The one JSON-LD block of type `kind`."""
    [data] = [d for d in (json.loads(s.text) for s in doc.xpath('//script[@type="application/ld+json"]')) if d.get("@type") == kind]
    return data


def text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


# ---- every page --------------------------------------------------------------------------------

def test_every_page_has_lang_one_h1_landmarks_and_a_skip_link(out: Path) -> None:
    routes = page_routes(out)
    assert len(routes) > 15
    for route in routes:
        doc = parse(out, route)
        assert doc.get("lang") == "en-GB", route
        assert len(doc.xpath("//h1")) == 1, route
        assert text(doc.xpath("//h1")[0]), route
        assert len(doc.xpath("//main[@id='main']")) == 1, route
        assert len(doc.xpath("/html/body/header")) == 1 and len(doc.xpath("/html/body/footer")) == 1, route
        assert doc.xpath("//nav[@aria-label='Site']"), route
        first_link = doc.xpath("//body//a")[0]
        assert first_link.get("href") == "#main" and "skip" in first_link.get("class", ""), route
        assert doc.xpath("//head/title") and doc.xpath("//meta[@name='viewport']"), route
        for nav in doc.xpath("//nav"):
            assert nav.get("aria-label"), f"{route}: every nav needs a name"


def test_no_external_resources_and_no_script_needed_to_read(out: Path) -> None:
    for route in page_routes(out):
        if route == "search/":
            continue   # the one page that needs JavaScript
        doc = parse(out, route)
        assert doc.xpath("//script[not(@type='application/ld+json')]") == [], route
        for ref in doc.xpath("//link[@rel='stylesheet']/@href | //img/@src | //script/@src"):
            assert ref.startswith("/REPO/"), f"{route}: {ref} is not served by the site"


def test_current_section_is_marked_in_the_navigation(out: Path) -> None:
    for route, label in (("", "Latest"), ("tags/", "Topics"), ("archive/", "Archive")):
        current = parse(out, route).xpath("//nav[@aria-label='Site']//a[@aria-current='page']")
        assert [text(a) for a in current] == [label]


# ---- article -----------------------------------------------------------------------------------

def test_article_page_has_dateline_reading_time_breadcrumb_tags_and_neighbours(out: Path) -> None:
    doc = parse(out, article_route(out, "crews-rehearse-an-evacuation"))
    [article] = doc.xpath("//main//article")
    assert text(article.xpath(".//h1")[0]) == "Crews rehearse an evacuation"
    [when] = article.xpath(".//header//time")
    assert datetime.fromisoformat(when.get("datetime")) == datetime.fromisoformat("2024-05-06T10:00:00+00:00")
    assert text(when) == "6 May 2024"                         # en-GB, as the site writes dates
    header = text(article.xpath(".//header")[0])
    assert "By Ada Lovelace, Grace Hopper" in header and "County Office of Emergency Management" in header
    assert "min read" in header
    crumbs = doc.xpath("//nav[@aria-label='Breadcrumb']//a")
    assert [(text(a), a.get("href")) for a in crumbs] == [("Home", "/REPO/"), ("2024", "/REPO/2024/"), ("May 2024", "/REPO/2024/05/")]
    assert [a.get("href") for a in article.xpath(".//ul[@class='tags']//a")] == ["/REPO/tags/public-safety/", "/REPO/tags/community/"]
    assert doc.xpath("//section[@class='related']//a")
    neighbours = doc.xpath("//nav[contains(@class, 'prev-next')]//a/@rel")
    assert sorted(neighbours) == ["next", "prev"]
    assert article.xpath(".//table") and article.xpath(".//div[@class='footnote']")


def test_figure_has_caption_then_credit_and_virin_in_small_type(out: Path) -> None:
    doc = parse(out, article_route(out, "crews-rehearse-an-evacuation"))
    [figure] = doc.xpath("//article//figure")
    [caption] = figure.xpath("./figcaption")
    parts = [child.tag for child in caption]
    assert parts == ["strong", "span", "small"]
    assert "supply line" in text(caption.xpath("./span")[0])
    credit = text(caption.xpath("./small")[0])
    assert "Credit: Jamie Torres, County Volunteer Corps" in credit and "VIRIN: 240506-P-PC001-0042" in credit
    assert "Firefighters unroll a hose" in text(figure)   # the alt text is there even without a picture


def test_article_metadata_and_json_ld(out: Path) -> None:
    route = article_route(out, "crews-rehearse-an-evacuation")
    doc = parse(out, route)
    summary = "Four hundred responders practised an evacuation of three towns."
    assert meta(doc, "description") == summary
    assert doc.xpath("//link[@rel='canonical']/@href") == [BASE + route]
    assert meta(doc, "og:title") == "Crews rehearse an evacuation"          # without the site name
    assert meta(doc, "og:description") == summary
    assert meta(doc, "og:url") == BASE + route
    assert meta(doc, "og:type") == "article"
    assert meta(doc, "og:image") == BASE + "media/drill.jpg"
    assert meta(doc, "twitter:card") == "summary_large_image"
    assert meta(doc, "article:published_time") == "2024-05-06T10:00:00+00:00"
    data = json_ld(doc)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Crews rehearse an evacuation"
    assert data["datePublished"] == "2024-05-06T10:00:00+00:00" and data["dateModified"]
    assert [a["name"] for a in data["author"]] == ["Ada Lovelace", "Grace Hopper"]
    assert data["publisher"]["name"] == "Test News"
    assert data["image"] == [BASE + "media/drill.jpg"]
    assert data["url"] == BASE + route


def test_hostile_title_cannot_break_the_page_or_the_json_ld(out: Path) -> None:
    route = article_route(out, "script-script-alert-1-script-quotes-too-b-bold-b")
    raw = (out / route / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "<b>bold" not in raw
    doc = lxml_html.fromstring(raw)
    assert len(doc.xpath("//script")) == 1          # only the JSON-LD, still one element
    assert json_ld(doc)["headline"] == HOSTILE       # and it still says exactly the title
    assert text(doc.xpath("//h1")[0]) == " ".join(HOSTILE.split())
    assert doc.xpath("//title")[0].text.startswith(HOSTILE)
    assert meta(doc, "og:title") == HOSTILE
    front = parse(out, "")
    assert HOSTILE in [a.text_content() for a in front.xpath("//article//h2/a")]


def test_pages_without_a_share_image_use_a_summary_card_with_the_logo(out: Path) -> None:
    doc = parse(out, "")
    assert meta(doc, "twitter:card") == "summary"
    assert meta(doc, "og:image") == BASE + "static/icon-512.png"
    assert (out / "static" / "icon-512.png").is_file()
    assert meta(doc, "og:type") == "website"
    assert meta(doc, "description") == "Releases for tests."
    assert doc.xpath("//link[@rel='canonical']/@href") == [BASE]


def test_404_page_is_not_indexed_and_links_home(out: Path) -> None:
    doc = parse(out, "404.html")
    assert meta(doc, "robots") == "noindex"
    assert doc.xpath("//link[@rel='canonical']") == []
    assert "/REPO/" in doc.xpath("//main//a/@href")


# ---- lists, tags, archive ----------------------------------------------------------------------

def test_list_items_show_title_date_summary_and_tags_with_a_pager(out: Path) -> None:
    doc = parse(out, "")
    items = doc.xpath("//ol[@class='article-list']/li[not(@class='lead')]/article")
    assert len(items) == 2                                       # and the newest leads the page, larger
    [lead] = doc.xpath("//ol[@class='article-list']/li[@class='lead']/article[contains(@class, 'lead-story')]")
    assert text(lead.xpath(".//h2")[0]) == HOSTILE
    for item in items + [lead]:
        assert item.xpath(".//h2/a/@href")[0].startswith("/REPO/")
        assert item.xpath(".//time/@datetime")
        assert item.xpath(".//p[@class='summary-text']")
    for item in items:
        assert item.xpath(".//ul[@class='tags']/li/a")
    [pager] = doc.xpath("//nav[@aria-label='Pages']")
    assert "Page 1 of 3" in text(pager) and pager.xpath(".//a[@rel='next']/@href") == ["/REPO/page/2/"]
    second = parse(out, "page/2/")
    assert second.xpath("//nav[@aria-label='Pages']//a/@rel") == ["prev", "next"]


def test_tag_year_and_month_pages_have_headings_and_breadcrumbs(out: Path) -> None:
    tag = parse(out, "tags/security/")
    assert "Security" in text(tag.xpath("//h1")[0])
    assert tag.xpath("//link[@rel='alternate' and @href='/REPO/tags/security/feed.xml']")
    assert text(parse(out, "2023/").xpath("//h1")[0]) == "Releases from 2023"
    month = parse(out, "2023/02/")
    assert text(month.xpath("//h1")[0]) == "Releases from February 2023"
    assert month.xpath("//nav[@aria-label='Breadcrumb']//a/@href") == ["/REPO/", "/REPO/archive/", "/REPO/2023/"]


def test_tags_page_lists_tags_by_count_and_archive_lists_years_and_months(out: Path) -> None:
    tags = parse(out, "tags/")
    rows = [(a.get("href"), text(a)) for a in tags.xpath("//ul[@class='tag-cloud']/li/a")]
    assert rows == [("/REPO/tags/community/", "Community 7 releases"), ("/REPO/tags/public-safety/", "Public Safety 6 releases"),
                    ("/REPO/tags/security/", "Security 1 release")]
    archive = parse(out, "archive/")
    years = [text(h) for h in archive.xpath("//section/h2")]
    assert years == ["2024 2 releases", "2023 5 releases"]
    months = [text(li) for li in archive.xpath("//section[2]//ul[@class='months']/li")]
    assert months == [f"{m} 1 release" for m in ("May", "April", "March", "February", "January")]


# ---- stylesheet, theme overrides, weight -------------------------------------------------------

def test_stylesheet_has_dark_scheme_print_focus_and_no_external_imports() -> None:
    css = (ROOT / "themes" / "default" / "static" / "style.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@media print" in css and 'attr(href)' in css
    assert ":focus-visible" in css and ".skip-link:focus" in css
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_example_theme_overrides_one_template_and_falls_back_for_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(EXAMPLE_THEME, root / "themes" / "example")
    write(root, "pressroom.toml", 'title = "Override News"\ntheme = "example"\n')
    release(root, "2024/one", "First release", "2024-03-01")
    out = build_site(root)
    front = parse(out, "")
    assert front.xpath("//div[@class='example-banner']/h1")[0].text == "Override News newsroom"   # index.html overridden
    assert front.xpath("//ol[@class='article-list']")                                           # list.html from default
    article = parse(out, article_route(out, "first-release"))
    assert article.xpath("//article[contains(@class, 'release')]") and not article.xpath("//*[@class='example-banner']")
    sheets = front.xpath("//link[@rel='stylesheet']/@href")
    assert [s.split("?")[0] for s in sheets] == ["/REPO/static/style.css", "/REPO/static/custom.css"]
    assert (out / "static" / "custom.css").read_text() == (EXAMPLE_THEME / "static" / "custom.css").read_text()
    assert (out / "static" / "style.css").read_bytes() == (ROOT / "themes" / "default" / "static" / "style.css").read_bytes()


def test_default_theme_has_no_custom_css_link(out: Path) -> None:
    sheets = parse(out, "").xpath("//link[@rel='stylesheet']/@href")
    assert [s.split("?")[0] for s in sheets] == ["/REPO/static/style.css"]


def test_article_page_weighs_under_50_kb_before_images(tmp_path: Path) -> None:
    """The heaviest article of the repository's demo site, plus every stylesheet and script it loads."""
    out = tmp_path / "demo"
    config = load_config(ROOT, output=str(out), base_url=BASE, search=False)
    result = build(config, run_import=False)
    assert result.articles >= 12
    pages = [p for p in out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html")]
    heaviest = max(pages, key=lambda p: p.stat().st_size)
    doc = lxml_html.fromstring(heaviest.read_bytes())
    assets = doc.xpath("//link[@rel='stylesheet']/@href | //script/@src")
    weight = heaviest.stat().st_size + sum((out / a.split("?")[0].removeprefix("/REPO/")).stat().st_size for a in assets)
    assert weight < 50_000, f"{heaviest.relative_to(out)}: {weight} bytes with its CSS and JS"
