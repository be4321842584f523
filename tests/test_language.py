"""The site's language: the theme's words and every date in it (Babel), and a release's own `language:`."""
from __future__ import annotations

import json
import re
import string
import tomllib
from datetime import date
from email.utils import parsedate_to_datetime

import lxml.etree
import lxml.html
import pytest
from babel.dates import format_date

from generator.check import check_output
from generator.config import shipped_themes
from generator.i18n import Words

BASE = "https://example.org/REPO/"
THEME = shipped_themes() / "default"
CATALOGUES = sorted((THEME / "i18n").glob("*.toml"))
RELEASE = "2025/01/port-reopens/"


def newsroom(site, language: str, per_page: int = 10):
    site.config(f'title = "Newsroom"\nlanguage = "{language}"\nsearch = false\nper_page = {per_page}\n')
    site.article("2025/port", "Port reopens", "2025-01-05 10:00", tags="[Maritime]")
    site.article("2025/ferry", "Ferry returns", "2025-01-20 10:00", tags="[Maritime]")
    site.article("2024/grant", "Grant awarded", "2024-11-02 10:00", tags="[Maritime]")
    site.build()
    return site


def page(site, route: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(site.html(route))


def text(doc: lxml.html.HtmlElement, xpath: str) -> str:
    return " ".join(doc.xpath(f"string({xpath})").split())


def json_ld(doc: lxml.html.HtmlElement) -> dict:
    return json.loads(doc.xpath("string(//script[@type='application/ld+json'])"))


def test_a_french_site_shows_the_themes_words_and_dates_in_french(site):
    newsroom(site, "fr")
    doc = page(site, RELEASE)
    assert doc.get("lang") == "fr"
    assert text(doc, "//article[@class='release']//p[@class='dateline']/time") == "5 janvier 2025"
    assert text(doc, "//article[@class='release']//p[@class='dateline']/time") == format_date(date(2025, 1, 5), "long", locale="fr")
    assert text(doc, "//*[@id='related-heading']") == "Communiqués associés"
    assert [text(a, ".") for a in doc.xpath("//nav[@class='site-nav']//a")][:4] == ["Actualités", "Thèmes", "Archives", "Recherche"]
    assert [text(item, ".") for item in doc.xpath("//nav[@class='breadcrumb']//li")] == ["Accueil", "2025", "janvier 2025"]
    assert text(doc, "//a[@class='skip-link']") == "Aller au contenu"
    crumbs = json_ld(doc)["mainEntityOfPage"]["breadcrumb"]["itemListElement"]
    assert [item["name"] for item in crumbs] == ["Accueil", "2025", "janvier 2025", "Port reopens"]
    assert json_ld(doc)["inLanguage"] == "fr"


def test_french_lists_archive_and_month_pages(site):
    newsroom(site, "fr")
    month = page(site, "2025/01/")
    assert text(month, "//h1") == "Communiqués de janvier 2025"
    assert text(month, "//p[@class='lede']") == "2 communiqués en janvier 2025."
    assert text(month, "//title").startswith("janvier 2025 · ")
    assert text(month, "//nav[contains(@class, 'month-nav')]//a[@class='older']") == "Mois précédent novembre 2024"
    archive = page(site, "archive/")
    assert [text(a, ".") for a in archive.xpath("//ul[@class='months']/li/a")] == ["janvier", "novembre"]
    assert text(archive, "//p[@class='lede']") == "3 communiqués, par année et par mois."
    home = page(site, "")
    assert text(home, "//h1") == "Derniers communiqués"
    assert text(home, "//ol[@class='article-list']//p[@class='dateline']/time") == "20 janvier 2025"
    assert text(page(site, "tags/"), "//p[@class='lede']") == "1 thème, les plus suivis d’abord."   # French: 1 is singular


def test_french_pagination_and_the_missing_page(site):
    newsroom(site, "fr", per_page=1)
    second = page(site, "page/2/")
    assert text(second, "//span[@class='pager-position']") == "Page 2 sur 3"
    assert text(second, "//nav[@class='pager']/a[@rel='next']") == "Plus anciens →"
    assert text(page(site, "404.html"), "//h1") == "Page introuvable"


@pytest.mark.parametrize(("language", "day", "related", "month"), [
    ("de", "5. Januar 2025", "Verwandte Pressemitteilungen", "Pressemitteilungen aus Januar 2025"),
    ("es", "5 de enero de 2025", "Comunicados relacionados", "Comunicados de enero de 2025"),
    ("en", "January 5, 2025", "Related releases", "Releases from January 2025"),
])
def test_german_spanish_and_english(site, language, day, related, month):
    newsroom(site, language)
    doc = page(site, RELEASE)
    assert doc.get("lang") == language
    assert text(doc, "//article[@class='release']//p[@class='dateline']/time") == day
    assert text(doc, "//*[@id='related-heading']") == related
    assert text(page(site, "2025/01/"), "//h1") == month


def test_feeds_keep_their_standard_dates_and_carry_the_language(site):
    newsroom(site, "fr")
    atom = lxml.etree.parse(str(site.out / "feed.xml")).getroot()
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    rss = lxml.etree.parse(str(site.out / "rss.xml")).getroot()
    assert rss.findtext("channel/language") == "fr"
    assert parsedate_to_datetime(rss.findtext("channel/item/pubDate")).date() == date(2025, 1, 20)   # RFC 822, English


def test_a_releases_own_language_sets_its_lang(site):
    site.config('language = "en"\nsearch = false\n')
    site.article("2025/port", "El puerto reabre", "2025-01-05", language="es")
    site.article("2025/ferry", "Ferry returns", "2025-01-20")
    site.build()
    spanish, english = page(site, "2025/01/el-puerto-reabre/"), page(site, "2025/01/ferry-returns/")
    assert spanish.get("lang") == "es" and english.get("lang") == "en"
    assert json_ld(spanish)["inLanguage"] == "es" and json_ld(english)["inLanguage"] == "en"
    cards = {text(card, ".//h2"): card.get("lang") for card in page(site, "").xpath("//article[contains(@class, 'summary')]")}
    assert cards == {"El puerto reabre": "es"}           # the newest, Ferry returns, leads the page
    lead = page(site, "").xpath("//article[contains(@class, 'lead-story')]")[0]
    assert text(lead, ".//h2") == "Ferry returns" and lead.get("lang") is None


def test_a_sites_theme_overrides_a_word_and_keeps_the_rest(site):
    site.write("themes/default/i18n/fr.toml", '"Related releases" = "Voir aussi"\n')
    newsroom(site, "fr")
    doc = page(site, RELEASE)
    assert text(doc, "//*[@id='related-heading']") == "Voir aussi"
    assert text(doc, "//a[@class='skip-link']") == "Aller au contenu"


def test_a_french_site_under_the_base_path_has_no_broken_link(site):
    newsroom(site, "fr")
    report = check_output(site.out, BASE)
    assert report.broken == () and report.pages >= 8


def template_words() -> set[str]:
    """Every literal text the default theme passes to t() or tn()."""
    found: set[str] = set()
    for path in (THEME / "templates").glob("*.html"):
        source = path.read_text(encoding="utf-8")
        found.update(re.findall(r"\bt\('([^']+)'", source))
        for call in re.findall(r"\btn\([^)]*\)", source):
            found.update(re.findall(r"'([^']*\{count\}[^']*|release|releases)'", call))
    return found


def fields(text_: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text_) if name}


def test_every_word_the_templates_use_is_in_every_catalogue_with_the_same_placeholders():
    words = template_words() | {"Home", "Topics", "Archive", "About", "Contact", "Accessibility", "Privacy", "Licence"}
    assert {"Related releases", "{count} releases in {period}.", "Page {number} of {total}"} <= words
    assert [p.stem for p in CATALOGUES] == ["de", "es", "fr"]
    for path in CATALOGUES:
        catalogue = tomllib.loads(path.read_text(encoding="utf-8"))
        assert sorted(words - set(catalogue)) == [], path.name
        wrong = [key for key, value in catalogue.items() if fields(key) != fields(value)]
        assert wrong == [], path.name


def test_words_fall_back_to_english_for_an_unknown_word_or_language():
    french = Words.load("fr", [THEME])
    assert french.t("A word nobody translated") == "A word nobody translated"
    assert french.tn(0, "{count} release", "{count} releases") == "0 release"     # untranslated, but counted as French
    assert Words("en").tn(0, "{count} release", "{count} releases") == "0 releases"
    assert Words("zz").date(date(2025, 1, 5)) == "January 5, 2025"
    assert Words("fr-CA").date(date(2025, 1, 5), "month") == "janvier 2025"
    assert Words.load("fr-CA", [THEME]).t("Related releases") == "Communiqués associés"   # fr.toml serves fr-CA
    assert str(Words.load("fr", [THEME]).html("Atom feed for {title}", title="<b>")) == "Flux Atom de &lt;b&gt;"


def test_no_catalogue_types_a_month_name_babel_gives_them():
    assert len(CATALOGUES) == 3
    for path in CATALOGUES:
        assert not re.search(r"janvier|février|Januar|Februar|enero|febrero", path.read_text(encoding="utf-8")), path.name


def test_a_french_newsroom_page_correction_contact_source_and_moved_page(site):
    site.config('language = "fr"\nsearch = false\n')
    site.write("content/pages/about.md", "---\ntitle: À propos\n---\nLe bureau de presse.\n")
    site.article("2025/port", "Port reopens", "2025-01-05", source="Port Authority", updated="2025-01-07 09:00",
                 correction="'Le port ouvre à 8 h, non à 9 h.'", aliases="[/ancien/port/]",
                 contact="{name: Ann Lee, email: ann@example.org}")
    site.build()
    doc = page(site, RELEASE)
    assert " ".join(doc.xpath("string(//aside[@class='correction'])").split()) == \
        "Rectificatif, 7 janvier 2025: Le port ouvre à 8 h, non à 9 h."
    assert text(doc, "//*[@id='contact-heading']") == "Contact presse"
    source = page(site, "sources/port-authority/")
    assert text(source, "//h1") == "Publié par : Port Authority"
    assert text(source, "//nav[@class='breadcrumb']//li") == "Accueil"
    assert text(page(site, "about/"), "//nav[@class='breadcrumb']//li") == "Accueil"
    moved = page(site, "ancien/port/")
    assert text(moved, "//title") == "Page déplacée : Pressroom"
    assert text(moved, "//p") == f"Cette page a été déplacée vers {BASE}{RELEASE}."
    assert check_output(site.out, BASE).broken == ()


def test_editing_a_catalogue_rebuilds_the_pages_that_show_its_words(site):
    newsroom(site, "fr")
    assert text(page(site, RELEASE), "//*[@id='related-heading']") == "Communiqués associés"
    site.write("themes/default/i18n/fr.toml", '"Related releases" = "À lire aussi"\n')
    site.build()        # warm: the cache must not answer with the old words
    assert text(page(site, RELEASE), "//*[@id='related-heading']") == "À lire aussi"
    from generator.changes import ChangeKind, change_kind

    assert change_kind(site.root / "themes/default/i18n/fr.toml", site.root) is ChangeKind.TEMPLATE


def test_a_broken_catalogue_is_an_error_naming_its_file_and_line(site, capsys):
    from generator.cli import main

    site.config('language = "fr"\nsearch = false\n')
    site.article("2025/port", "Port reopens", "2025-01-05")
    site.write("themes/default/i18n/fr.toml", '"Home" = "Accueil"\n"Related releases" = Voir aussi\n')
    assert main(["build", "--site", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert "themes/default/i18n/fr.toml:2: not valid TOML" in err and "Traceback" not in err
