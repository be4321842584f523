"""A press office's site: pages and menus, assets beside releases, redirects, sources and authors, corrections,
embargoes and media contacts; built into a temp folder under /REPO/ and read back as HTML, feeds and sitemap."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import feedparser
from lxml import etree, html
from PIL import Image

CONFIG = 'search = false\nbase_url = "https://example.org/REPO/"\n'


def page(site, route: str):
    return html.fromstring(site.html(route))


def sitemap_routes(site) -> set[str]:
    root = etree.fromstring((site.out / "sitemap.xml").read_bytes())
    return {loc.text.removeprefix("https://example.org/REPO/") for loc in root.iter("{*}loc")}


def listed_anywhere(site, title: str) -> bool:
    lists = ["index.html", "archive/index.html", "feed.xml", "rss.xml", "feed.json", "tags/index.html"]
    return any(title in (site.out / name).read_text() for name in lists)


def test_pages_and_the_menu(site) -> None:
    site.config(CONFIG + '\n[[menu]]\ntitle = "Contact"\nurl = "/contact/"\norder = 2\n\n'
                         '[[menu]]\ntitle = "About us"\npage = "about"\norder = 1\n\n'
                         '[[menu]]\ntitle = "Agency"\nurl = "https://agency.example.gov/"\norder = 3\n')
    site.write("content/pages/about.md", "---\ntitle: About the office\n---\nWe answer the press.\n")
    site.write("content/pages/contact.md", "---\ntitle: Contact\n---\nCall us.\n")
    site.article("a", "A release", "2024-01-01")
    result = site.build()
    assert result.errors == []
    about = page(site, "about/")
    assert about.findtext(".//h1") == "About the office"
    nav = [(a.text, a.get("href"), a.get("aria-current")) for a in about.cssselect("nav.site-nav a")]
    assert nav[-3:] == [("About us", "/REPO/about/", "page"), ("Contact", "/REPO/contact/", None),
                        ("Agency", "https://agency.example.gov/", None)]
    footer = [(a.text, a.get("aria-current")) for a in about.cssselect("nav.footer-menu a")]
    assert footer == [("About us", "page"), ("Contact", None), ("Agency", None)]
    front = page(site, "")
    assert [a.get("aria-current") for a in front.cssselect("nav.site-nav a") if a.text == "About us"] == [None]
    assert not listed_anywhere(site, "About the office")
    assert "about/" in sitemap_routes(site)


def test_a_menu_entry_must_say_where_it_goes(site) -> None:
    import pytest

    from generator.config import load_config
    from generator.errors import PressroomError

    site.config('[[menu]]\ntitle = "About"\n')
    with pytest.raises(PressroomError) as caught:
        load_config(site.root)
    assert str(caught.value) == ("pressroom.toml:1: 'menu' entry 1 ('About') needs either page = \"about\" or "
                                 "url = \"https://...\"")


def test_site_static_bundles_and_files_beside_a_release(site) -> None:
    site.config(CONFIG)
    (site.root / "static").mkdir()
    Image.new("RGB", (64, 48)).save(site.root / "static" / "logo.png")
    bundle = site.root / "content" / "2024" / "visit"
    bundle.mkdir(parents=True)
    Image.new("RGB", (30, 20)).save(bundle / "photo.jpg")
    (bundle / "brief.pdf").write_bytes(b"%PDF-1.4 brief")
    site.write("content/2024/visit/index.md", "---\ntitle: The visit\ndate: 2024-05-01\nimage: /static/logo.png\n---\n"
               "![The minister](photo.jpg)\n\n[Read the brief](brief.pdf), see [about](/about/) and "
               "![logo](/static/logo.png)\n\n![gone](/static/missing.png)\n")
    result = site.build()
    assert [str(p) for p in result.problems] == [
        "content/2024/visit/index.md:10: warning: links to '/static/missing.png', which is not in the site; "
        "add the file or fix the link"]
    assert (site.out / "static" / "logo.png").is_file()
    assert (site.out / "2024/05/the-visit/photo.jpg").read_bytes() == (bundle / "photo.jpg").read_bytes()
    assert (site.out / "2024/05/the-visit/brief.pdf").is_file()
    body = page(site, "2024/05/the-visit/")
    images = {i.get("alt"): (i.get("src"), i.get("width"), i.get("height")) for i in body.cssselect(".body img")}
    assert images["The minister"] == ("photo.jpg", "30", "20")
    assert images["logo"] == ("/REPO/static/logo.png", "64", "48")
    assert [a.get("href") for a in body.cssselect(".body a")] == ["brief.pdf", "/REPO/about/"]


def test_aliases_redirect_and_stay_out_of_lists(site) -> None:
    site.config(CONFIG)
    site.article("moved", "Moved release", "2024-02-01", aliases="[/2019/05/old-title/, /press/old.html]")
    site.build()
    old = page(site, "2019/05/old-title/")
    assert old.cssselect('meta[http-equiv="refresh"]')[0].get("content") == "0; url=/REPO/2024/02/moved-release/"
    assert old.cssselect('link[rel="canonical"]')[0].get("href") == "https://example.org/REPO/2024/02/moved-release/"
    assert old.cssselect("body a")[0].get("href") == "/REPO/2024/02/moved-release/"
    assert (site.out / "press" / "old.html").is_file()
    assert not {"2019/05/old-title/", "press/old.html"} & sitemap_routes(site)


def test_sources_and_authors_have_pages_and_feeds(site) -> None:
    site.config(CONFIG + "per_page = 2\n")
    for n in range(3):
        site.article(f"r{n}", f"Release {n}", f"2024-0{n + 1}-01", source="Office of Emergency Management",
                     authors="[Ann Lee, Bo Chen]" if n else "[Ann Lee]")
    site.build()
    office = page(site, "sources/office-of-emergency-management/")
    assert "Office of Emergency Management" in office.cssselect("h1")[0].text_content()
    assert (site.out / "sources/office-of-emergency-management/page/2/index.html").is_file()
    feed = feedparser.parse((site.out / "authors/ann-lee/feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Release 2", "Release 1", "Release 0"]
    assert len(feedparser.parse((site.out / "authors/bo-chen/feed.xml").read_bytes()).entries) == 2
    release = page(site, "2024/01/release-0/")
    links = {a.text: a.get("href") for a in release.cssselect("article a")}
    assert links["Ann Lee"] == "/REPO/authors/ann-lee/"
    assert links["Office of Emergency Management"] == "/REPO/sources/office-of-emergency-management/"


def test_a_correction_is_visible_dated_and_in_the_metadata(site) -> None:
    site.config(CONFIG)
    site.article("c", "Corrected", "2024-03-01", updated="2024-03-04 10:00", correction="'The count was 12, not 21.'")
    site.build()
    note = page(site, "2024/03/corrected/").cssselect(".correction")[0]
    assert note.text_content().split() == "Correction, March 4, 2024: The count was 12, not 21.".split()
    data = json.loads(page(site, "2024/03/corrected/").cssselect('script[type="application/ld+json"]')[0].text)
    assert data["dateModified"] == "2024-03-04T10:00:00+00:00"
    atom = feedparser.parse((site.out / "feed.xml").read_bytes()).entries[0]
    assert atom.updated.startswith("2024-03-04T10:00:00")
    sitemap = etree.fromstring((site.out / "sitemap.xml").read_bytes())
    lastmods = {u.findtext("{*}loc"): u.findtext("{*}lastmod") for u in sitemap.iter("{*}url")}
    assert lastmods["https://example.org/REPO/2024/03/corrected/"] == "2024-03-04T10:00:00+00:00"


def test_an_embargo_holds_a_release_until_its_time(site) -> None:
    site.config(CONFIG)
    soon = datetime.now(timezone.utc) + timedelta(hours=2)
    site.article("e", "Embargoed", "2024-03-01", embargo=soon.strftime("%Y-%m-%dT%H:%M:00+00:00"))
    result = site.build()
    assert [str(p) for p in result.problems] == [
        f"content/e.md:1: warning: embargoed until {soon:%Y-%m-%d %H:%M}+00:00: held back until then (--drafts shows it)"]
    assert not (site.out / "2024/03/embargoed/index.html").exists()
    past = datetime.now(timezone.utc) - timedelta(minutes=5)
    site.article("e", "Embargoed", "2024-03-01", embargo=past.strftime("%Y-%m-%dT%H:%M:00+00:00"))
    assert site.build().problems == ()
    assert (site.out / "2024/03/embargoed/index.html").is_file()
    assert "Embargoed" in (site.out / "feed.xml").read_text()


def test_a_media_contact_ends_the_release_and_is_in_its_json_ld(site) -> None:
    site.config(CONFIG)
    site.article("m", "With contact", "2024-03-01", source="Port Authority",
                 contact="{name: Ann Lee, role: Press officer, email: ann@example.org, phone: '+1 555 0100'}")
    site.build()
    doc = page(site, "2024/03/with-contact/")
    block = doc.cssselect("section.media-contact")[0]
    assert "Ann Lee" in block.text_content() and block.cssselect('a[href="mailto:ann@example.org"]')
    assert block.cssselect('a[href="tel:+15550100"]')
    data = json.loads(doc.cssselect('script[type="application/ld+json"]')[0].text)
    assert data["sourceOrganization"]["contactPoint"] == {
        "@type": "ContactPoint", "contactType": "media relations", "name": "Ann Lee", "email": "ann@example.org",
        "telephone": "+1 555 0100", "jobTitle": "Press officer"}


def test_a_url_that_changes_is_announced_with_how_to_keep_it(site) -> None:
    from generator.build import SiteBuilder
    from generator.changes import Changes
    from generator.config import load_config

    site.config(CONFIG)
    path = site.article("r", "Old title", "2024-04-01")
    assert site.build().problems == ()
    site.article("r", "New title", "2024-04-01")
    assert [str(p) for p in site.build().problems] == [
        "content/r.md:1: warning: its URL changed from /2024/04/old-title/ to /2024/04/new-title/; add 'slug: "
        "old-title' to keep the old URL, or 'aliases: [/2024/04/old-title/]' so the old URL sends readers on"]
    assert site.build().problems == ()                                  # said once
    builder = SiteBuilder(load_config(site.root), run_import=False)     # serve says it too
    builder.build()
    site.article("r", "New title", "2024-05-02")
    result = builder.rebuild(Changes.classify([path], site.root))
    assert [str(p) for p in result.problems] == [
        "content/r.md:1: warning: its URL changed from /2024/04/new-title/ to /2024/05/new-title/; add 'aliases: "
        "[/2024/04/new-title/]' so the old URL sends readers on"]
