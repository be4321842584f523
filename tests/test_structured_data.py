"""JSON-LD, Open Graph and the site's identity, parsed out of a real built site (lxml + json).

What search engines and link previews read: NewsArticle with image, publisher.logo, author.url, inLanguage,
the issuing office and a date-only release at midnight in the site's time zone; BreadcrumbList on list and
article pages; WebSite and Organization on the front page; og:title without the site name; og:image from
`image:` or `images:`; the favicon; the press office's footer.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html as lxml_html

BASE = "https://example.org/REPO/"
CONFIG = """\
title = "County News"
description = "Releases from the county."
language = "en-US"
timezone = "America/New_York"
per_page = 2
office = "County Office of Public Affairs"
logo = "static/county-logo.png"
about_url = "about/"
contact_url = "https://county.example.gov/contact"
accessibility_url = "/accessibility/"
privacy_url = "https://county.example.gov/privacy"
licence = "Open Government Licence v3.0"
licence_url = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
media_contact = "Press desk, +1 202 555 0100"
media_email = "press@county.example.gov"
"""


def load(out: Path, route: str) -> lxml_html.HtmlElement:
    file = out / (route + "index.html" if route == "" or route.endswith("/") else route)
    return lxml_html.fromstring(file.read_bytes())


def blocks(doc: lxml_html.HtmlElement) -> list[dict]:
    """Every typed JSON-LD object of the page, @graph members and nested objects included."""
    found = []

    def walk(value) -> None:
        if isinstance(value, dict):
            if "@type" in value:
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for script in doc.xpath('//script[@type="application/ld+json"]'):
        data = json.loads(script.text)
        assert data["@context"] == "https://schema.org"
        walk(data)
    return found


def of_type(doc: lxml_html.HtmlElement, kind: str) -> dict:
    [found] = [b for b in blocks(doc) if b["@type"] == kind]
    return found


def meta(doc: lxml_html.HtmlElement, key: str) -> str:
    [value] = doc.xpath(f'//meta[@name="{key}" or @property="{key}"]/@content')
    return value


def text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SiteFactory

    site = SiteFactory(tmp_path_factory.mktemp("structured") / "site")
    site.config(CONFIG)
    site.write("themes/default/static/county-logo.png", b"\x89PNG\r\n\x1a\n")
    site.article("2024/briefing", "Officials brief the press on the storm", "2024-10-30",
                 body="WASHINGTON — Officials spoke.\n\n{{< figure 1 >}}\n\nMore text.",
                 authors="[Ada Lovelace, Grace Hopper]", source="Office of Emergency Management",
                 tags="[Storms, Public Safety]", summary="Officials spoke about the storm.",
                 images='\n  - {src: /media/briefing.jpg, alt: "Two officials at podiums.", title: Briefing, caption: At the podium.}')
    site.article("2024/shelters", "Shelters open", "2024-11-02 09:30", tags="[Storms]",
                 image="https://cdn.example.gov/shelter.jpg", summary="Three shelters opened.")
    site.article("2024/plain", "A release with no picture and no author", "2024-09-15", tags="[Storms]")
    result = site.build()          # with search: the WebSite's SearchAction points at it
    assert result.errors == [], result.errors
    return site.out


def test_news_article_is_complete(out: Path) -> None:
    doc = load(out, "2024/10/officials-brief-the-press-on-the-storm/")
    article = of_type(doc, "NewsArticle")
    url = BASE + "2024/10/officials-brief-the-press-on-the-storm/"
    assert article["headline"] == "Officials brief the press on the storm"
    assert article["url"] == url and article["mainEntityOfPage"]["@id"] == url
    assert article["image"] == [BASE + "media/briefing.jpg"]
    assert article["inLanguage"] == "en-US"
    assert article["author"] == [
        {"@type": "Person", "name": "Ada Lovelace", "url": BASE + "authors/ada-lovelace/"},
        {"@type": "Person", "name": "Grace Hopper", "url": BASE + "authors/grace-hopper/"}]
    publisher = article["publisher"]
    assert publisher["name"] == "County Office of Public Affairs" and publisher["url"] == BASE
    assert publisher["logo"] == {"@type": "ImageObject", "url": BASE + "static/county-logo.png"}
    assert article["sourceOrganization"] == {"@type": "Organization", "name": "Office of Emergency Management"}
    assert article["keywords"] == ["Storms", "Public Safety"]


def test_a_date_only_release_is_published_at_midnight_in_the_sites_time_zone(out: Path) -> None:
    doc = load(out, "2024/10/officials-brief-the-press-on-the-storm/")
    assert of_type(doc, "NewsArticle")["datePublished"] == "2024-10-30T00:00:00-04:00"   # not midnight UTC
    assert meta(doc, "article:published_time") == "2024-10-30T00:00:00-04:00"
    assert doc.xpath("//article//header//time/@datetime") == ["2024-10-30T00:00:00-04:00"]
    assert text(doc.xpath("//article//header//time")[0]) == "October 30, 2024"


def test_the_issuing_office_is_shown_on_the_page(out: Path) -> None:
    doc = load(out, "2024/10/officials-brief-the-press-on-the-storm/")
    [article] = doc.xpath("//main/article")
    assert "Office of Emergency Management" in text(article.xpath(".//header")[0])
    [issued] = article.xpath(".//p[@class='issued-by']")
    assert text(issued).startswith("Issued by Office of Emergency Management.")
    assert "Press desk, +1 202 555 0100" in text(issued)
    assert issued.xpath(".//a/@href") == ["mailto:press@county.example.gov"]


def test_open_graph_title_image_and_authors(out: Path) -> None:
    doc = load(out, "2024/10/officials-brief-the-press-on-the-storm/")
    assert meta(doc, "og:title") == "Officials brief the press on the storm"     # no " · County News"
    assert doc.xpath("//title")[0].text == "Officials brief the press on the storm · County News"
    assert meta(doc, "og:image") == BASE + "media/briefing.jpg"                  # from images[0].src
    assert meta(doc, "og:image:alt") == "Two officials at podiums."
    assert meta(doc, "twitter:card") == "summary_large_image"
    assert doc.xpath("//meta[@property='article:author']/@content") == [BASE + "authors/ada-lovelace/",
                                                                          BASE + "authors/grace-hopper/"]
    shelters = load(out, "2024/11/shelters-open/")
    assert meta(shelters, "og:image") == "https://cdn.example.gov/shelter.jpg"   # from image:
    assert of_type(shelters, "NewsArticle")["image"] == ["https://cdn.example.gov/shelter.jpg"]


def test_without_a_picture_the_logo_stands_in_and_the_office_is_the_author(out: Path) -> None:
    doc = load(out, "2024/09/a-release-with-no-picture-and-no-author/")
    article = of_type(doc, "NewsArticle")
    assert article["image"] == [BASE + "static/county-logo.png"]
    assert article["author"] == [{"@type": "Organization", "name": "County Office of Public Affairs", "url": BASE}]
    assert "sourceOrganization" not in article
    assert meta(doc, "og:image") == BASE + "static/county-logo.png" and meta(doc, "twitter:card") == "summary"


def crumbs(doc: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    return [(item["name"], item["item"]) for item in of_type(doc, "BreadcrumbList")["itemListElement"]]


def test_breadcrumb_lists_match_the_visible_breadcrumbs(out: Path) -> None:
    for route, current in (("tags/storms/", "Storms"), ("2024/", "2024"), ("2024/10/", "October 2024"),
                           ("2024/10/officials-brief-the-press-on-the-storm/", "Officials brief the press on the storm")):
        doc = load(out, route)
        visible = [(text(a), BASE + a.get("href").removeprefix("/REPO/"))
                   for a in doc.xpath("//nav[@aria-label='Breadcrumb']//a")]
        assert crumbs(doc) == visible + [(current, BASE + route)], route
        positions = [item["position"] for item in of_type(doc, "BreadcrumbList")["itemListElement"]]
        assert positions == list(range(1, len(positions) + 1))
    assert crumbs(load(out, "2024/10/"))[:3] == [("Home", BASE), ("Archive", BASE + "archive/"), ("2024", BASE + "2024/")]


def test_front_page_describes_the_website_and_its_organization(out: Path) -> None:
    doc = load(out, "")
    website, organization = of_type(doc, "WebSite"), of_type(doc, "Organization")
    assert website["name"] == "County News" and website["url"] == BASE and website["inLanguage"] == "en-US"
    assert website["publisher"] == {"@id": organization["@id"]}
    assert website["potentialAction"]["target"]["urlTemplate"] == BASE + "search/?q={search_term_string}"
    assert organization["name"] == "County Office of Public Affairs"
    assert organization["logo"]["url"] == BASE + "static/county-logo.png"
    assert organization["email"] == "press@county.example.gov"
    assert meta(doc, "og:title") == "County News"


def test_identity_header_footer_and_icon(out: Path) -> None:
    doc = load(out, "tags/storms/")
    assert doc.xpath("//header//a[@class='site-title']/img/@src") == ["/REPO/static/county-logo.png"]
    links = [(text(a), a.get("href")) for a in doc.xpath("//footer//nav[@aria-label='About this site']//a")]
    assert links == [("About", "/REPO/about/"), ("Contact", "https://county.example.gov/contact"),
                     ("Accessibility", "/REPO/accessibility/"), ("Privacy", "https://county.example.gov/privacy")]
    [licence] = doc.xpath("//footer//a[@rel='license']")
    assert text(licence) == "Open Government Licence v3.0" and "open-government-licence" in licence.get("href")
    footer = text(doc.xpath("//body/footer")[0])
    assert "County Office of Public Affairs" in footer and "Media enquiries: Press desk, +1 202 555 0100" in footer
    [icon] = doc.xpath("//link[@rel='icon']")
    assert icon.get("type") == "image/svg+xml"
    assert (out / icon.get("href").split("?")[0].removeprefix("/REPO/")).read_text().startswith("<svg")
    [touch] = doc.xpath("//link[@rel='apple-touch-icon']/@href")
    assert (out / touch.split("?")[0].removeprefix("/REPO/")).read_bytes()[:4] == b"\x89PNG"


def test_defaults_name_the_site_and_link_nothing_that_does_not_exist(site) -> None:
    site.article("2024/one", "One", "2024-03-01")
    site.config('title = "Plain News"\nicon = "favicon.ico"\n')
    site.write("themes/default/static/unused.txt", "x")
    assert site.build(search=False).errors == []
    doc = lxml_html.fromstring(site.html(""))
    assert doc.xpath("//footer//nav") == [] and doc.xpath("//a[@rel='license']") == []
    assert doc.xpath("//link[@rel='icon']/@href") == ["/REPO/favicon.ico"]          # the site's own icon
    assert doc.xpath("//link[@rel='icon']/@type") == ["image/x-icon"]
    assert of_type(doc, "Organization")["name"] == "Plain News"
    assert doc.xpath("//header//a[@class='site-title']/span[@class='mark']")
