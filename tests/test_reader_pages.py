"""Lists and themes as a reader meets them, from real sites built into temp folders and parsed with lxml:
lead pictures in lists, the release that leads the front page, a month's count and neighbours, a figure
without a picture, the icon, and the shipped USWDS theme chosen with `theme = "uswds"`.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from lxml import html as lxml_html

from generator.config import load_config
from generator.render import Renderer, theme_dirs
from generator.structured import Presenter
from generator.urls import Urls

ROOT = Path(__file__).resolve().parent.parent


def parse(text: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(text)


def text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_lists_show_a_releases_picture_and_the_newest_leads_the_front_page(site) -> None:
    site.article("a", "Bridge reopens", "2024-03-01", image="/media/bridge.jpg", tags="[Roads]")
    site.article("b", "Ferry timetable", "2024-03-02", tags="[Roads]",
                 images='\n  - {src: "https://cdn.example.gov/ferry.jpg", alt: A ferry at the dock.}')
    site.article("c", "Road survey", "2024-03-03", tags="[Roads]")
    assert site.build(search=False).errors == []
    front = parse(site.html(""))
    [lead] = front.xpath("//ol[@class='article-list']/li[@class='lead']/article")
    assert text(lead.xpath(".//h2")[0]) == "Road survey" and lead.xpath(".//img") == []
    cards = front.xpath("//ol[@class='article-list']/li[not(@class)]/article")
    assert [text(c.xpath(".//h2")[0]) for c in cards] == ["Ferry timetable", "Bridge reopens"]
    assert [c.xpath(".//img/@src") for c in cards] == [["https://cdn.example.gov/ferry.jpg"], ["/REPO/media/bridge.jpg"]]
    assert all(c.xpath(".//img/@alt") == [""] for c in cards)        # the title says it; the picture is decoration
    tag = parse(site.html("tags/roads/"))
    assert tag.xpath("//li[@class='lead']") == []                     # only the front page has a lead
    assert len(tag.xpath("//ol[@class='article-list']/li/article//img")) == 2


def test_a_featured_release_leads_the_front_page_page_one_only() -> None:
    presenter = Presenter(load_config(ROOT), Urls("https://example.org/", "/", "/{year}/{month}/{slug}/"))
    newest, featured, old = (SimpleNamespace(title=t, featured=f) for t, f in (("new", False), ("feat", True), ("old", False)))
    home = SimpleNamespace(kind="home", pager=SimpleNamespace(number=1), articles=(newest, featured, old))
    assert presenter.lead(home) is featured and presenter.rest(home) == (newest, old)
    plain = SimpleNamespace(kind="home", pager=SimpleNamespace(number=1), articles=(old, newest))
    assert presenter.lead(plain) is old
    assert presenter.lead(SimpleNamespace(kind="home", pager=SimpleNamespace(number=2), articles=(featured,))) is None
    assert presenter.lead(SimpleNamespace(kind="tag", pager=SimpleNamespace(number=1), articles=(featured,))) is None


def test_month_pages_show_their_count_and_neighbouring_months(site) -> None:
    from generator.content import parse_article
    from generator.markup import MarkdownRenderer
    from generator.model import build_site

    for name, day in (("a", "2024-01-05"), ("b", "2024-03-02"), ("c", "2024-03-09"), ("d", "2024-06-01")):
        site.article(name, f"Release {name}", day)
    config = load_config(site.root, base_url="https://example.org/REPO/", search=False)
    urls, md = Urls.from_config(config), MarkdownRenderer()
    articles = [parse_article(f"content/{p.name}", p.read_text(), config, md, urls).article
                for p in sorted((site.root / "content").glob("*.md"))]
    model = build_site(sorted(articles, key=lambda a: a.sort_key, reverse=True), config.per_page)
    renderer = Renderer.create(config)
    [march] = [listing for listing in model.listings if listing.kind == "month" and listing.key == "2024/03"]
    page = parse(renderer.listing(march, model).decode())
    assert "2 releases in March 2024" in text(page.xpath("//p[@class='lede']")[0])
    nav = page.xpath("//nav[@aria-label='Other months']//a")
    assert [(text(a), a.get("href")) for a in nav] == [("Previous month January 2024", "/REPO/2024/01/"),
                                                        ("Next month June 2024", "/REPO/2024/06/")]
    [january] = [listing for listing in model.listings if listing.key == "2024/01"]
    first = parse(renderer.listing(january, model).decode())
    assert "1 release in January 2024" in text(first) and [text(a) for a in first.xpath("//nav[@aria-label='Other months']//a")] == [
        "Next month March 2024"]


def test_a_figure_without_a_picture_is_text_not_a_frame(site) -> None:
    site.article("a", "Storm update", "2024-03-01", body="Text.\n\n{{< figure 1 >}}",
                 images="\n  - {alt: Crews clear a road., title: Clearing Up, caption: Crews at work., credit: County}")
    assert site.build(search=False).errors == []
    doc = parse(site.html("2024/03/storm-update/"))
    [figure] = doc.xpath("//article//figure")
    assert figure.xpath("./img") == [] and figure.xpath("./p[@class='figure-description']")
    assert text(figure.xpath("./figcaption")[0]) == "Clearing Up Crews at work. Credit: County"   # spaced for search
    css = (ROOT / "themes" / "default" / "static" / "style.css").read_text()
    rule = css.split(".figure-description {", 1)[1].split("}", 1)[0]
    assert "background" not in rule and "border" not in rule and "italic" not in rule


def test_uswds_is_chosen_by_name_and_falls_back_to_the_default_templates(site) -> None:
    site.article("a", "First release", "2024-03-01", tags="[Roads]", source="Department of Roads")
    site.config('title = "Roads News"\ntheme = "uswds"\noffice = "Department of Roads"\nabout_url = "about/"\n')
    assert site.build(search=False).errors == []
    config = load_config(site.root)
    assert [d.relative_to(ROOT).as_posix() for d in theme_dirs(config)] == ["themes/uswds", "themes/default"]
    front = parse(site.html(""))
    assert text(front.xpath("//section[@class='usa-banner']//summary")[0]).startswith(
        "An official website of the United States government")
    identifier = front.xpath("//div[@class='usa-identifier']")[0]
    assert "An official website of Department of Roads" in text(identifier)
    assert identifier.xpath(".//nav[@aria-label='Important links']//a/@href") == ["/REPO/about/"]
    assert front.xpath("//ol[@class='article-list']")                     # list.html from the default theme
    shipped = (ROOT / "themes" / "uswds" / "static" / "style.css").read_bytes()
    assert (site.out / "static" / "style.css").read_bytes() == shipped
    assert (site.out / "static" / "icon.svg").is_file()                    # static files fall back by name too
    article = parse(site.html("2024/03/first-release/"))
    assert len(article.xpath("//h1")) == 1 and article.xpath("//body/header") and article.xpath("//body/footer")
    assert article.xpath("//body/a[1]/@href") == ["#main"]



def test_body_text_gets_typographic_quotes_and_dashes_but_code_does_not(site) -> None:
    site.article("a", "Quotes", "2024-03-01",
                 body='"We are ready," she said -- it\'s the county\'s plan... 2020--2024 and `"code"` stay.')
    assert site.build(search=False).errors == []
    [body] = parse(site.html("2024/03/quotes/")).xpath("//div[@class='body']/p")
    assert text(body) == "“We are ready,” she said – it’s the county’s plan… 2020–2024 and \"code\" stay."


def test_featured_true_leads_the_front_page_in_a_built_site(site) -> None:
    site.article("a", "Budget adopted", "2024-03-01", featured="true")
    site.article("b", "Park opens", "2024-03-05")
    assert site.build(search=False).errors == []
    front = parse(site.html(""))
    [lead] = front.xpath("//ol[@class='article-list']/li[@class='lead']/article")
    assert text(lead.xpath(".//h2")[0]) == "Budget adopted" and text(lead).startswith("Featured")
    assert [text(h) for h in front.xpath("//ol[@class='article-list']/li[not(@class)]//h2")] == ["Park opens"]
