"""The importer on releases from the wider world: localised dates, wire XML, mail forwards, chrome
kinds, drafts with review reasons, slugs in any script, robustness. Synthetic variants only."""
from __future__ import annotations

import gzip
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.errors import PressroomError
from generator.ingest import import_seeds, parse_seed
from generator.ingest.chrome import chrome_kind
from generator.ingest.dates import find_date
from generator.urls import slugify

BODY = ("The council approved the new budget for the harbour district on Monday after a long debate. "
        "Work on the ferry terminal will start in the spring and finish within two years, officials said.")


def one(name: str, text: str | bytes, **kw):
    data = text.encode("utf-8") if isinstance(text, str) else text
    releases = parse_seed(Path(name), data, **kw)
    assert len(releases) == 1
    return releases[0]


@pytest.mark.parametrize("line, expected, year_given", [
    ("SPRINGFIELD, Ill., March 4, 2019 /PRNewswire/ --", date(2019, 3, 4), True),
    ("TOWNSVILLE, Country - February 3, 2025 / Some Wire /", date(2025, 2, 3), True),
    ("January 17, 2017 at 6:08 PM ET by Sam Carter", date(2017, 1, 17), True),
    ("Sunday, June 25, 2023", date(2023, 6, 25), True),
    ("(December 23, 2023)", date(2023, 12, 23), True),
    ("Updated December 13, 2022", date(2022, 12, 13), True),
    ("Musterstadt, den 19.01.2018", date(2018, 1, 19), True),
    ("08. Februar 2022", date(2022, 2, 8), True),
    ("Publié le 26 mai 2020", date(2020, 5, 26), True),
    ("14 de marzo de 2020El Ayuntamiento informa", date(2020, 3, 14), True),
    ("2017. május 25. 8:16", date(2017, 5, 25), True),
    ("Pubblicato il 10 Ottobre 2019", date(2019, 10, 10), True),
    ("SPRINGFIELD, April 21 -- The mayor said", None, False),
])
def test_date_forms(line, expected, year_given):
    found = find_date(line)
    assert found is not None and found.year_given is year_given
    if expected:
        assert found.value == expected


@pytest.mark.parametrize("line", ["Contact: Jo Bloggs, 555-201-3344", "Call 555-201-3344 for details about the harbour works."])
def test_phone_numbers_are_not_dates(line):
    assert find_date(line) is None


@pytest.mark.parametrize("line, kind", [
    ("Share", "sharing"), ("Facebook Twitter LinkedIn E-mail", "sharing"), ("Skip to main content", "navigation"),
    ("Vous êtes ici : Accueil > Travaux", "navigation"), ("Subscribe to our newsletter", "subscription"),
    ("Add Comment", "comments"), ("3 comments", "comments"), ("Media contact:", "contact"),
    ("Jo Bloggs, 555-201-3344", "contact"), ("Download the plan (PDF, 2.3 MB)", "download"),
    ("Category: News, Harbour", "boilerplate"),
    ("© 2024 City of Springfield", "boilerplate"), ("Alle Rechte vorbehalten.", "boilerplate"),
    ("-30-", "end mark"), ("###", "end mark"), ("Statements | Spokesperson for the Mayor", "navigation"),
    ("Foto Genérica", "media placeholder"), ("Original-Content von: Stadt X, übermittelt durch Y", "syndication"),
    ("Documentos adjuntos", "download"), ("Nombre del documentoDescarga", "download"), ("Publié le", "boilerplate"), ("Mis en ligne le", "boilerplate"), ("Last updated:", "boilerplate"),
    ("Rückfragen bitte an:", "contact"),
    ("Damit wir Ihnen ein gutes Besucher-Erlebnis bieten können, verwendet diese Seite Cookies.", "boilerplate"),
    ("Ce site utilise des cookies pour améliorer votre expérience.", "boilerplate"),
])
def test_chrome_kinds(line, kind):
    assert chrome_kind(line) == kind


@pytest.mark.parametrize("line", ["Search and rescue teams found two people.", "Back to school: city opens three schools",
                                  "Oct. 30, 2024 | By Jo Bloggs, City News", "(c) the terminal is open to all ferries;",
                                  "U.S. reporters: 1-800-555-0100", "Publié le 16 avril 2018 par la mairie",
                                  "The scouts sold 10,000 cookies this year at the harbour market.",
                                  "Navigation systems were upgraded at the airport.", "The contact group meets in May."])
def test_article_sentences_are_not_chrome(line):
    assert chrome_kind(line) == ""


def test_capture_with_localised_date_line_and_label_above_headline():
    text = f"Aktuelle Pressemitteilungen\nPRESSEMITTEILUNG 12 Musterstadt, den 19.01.2018\nNeue Kita am Hafen\n{BODY}\nTeilen\n"
    r = one("x.txt", text, site_language="en")
    assert r.title == "Neue Kita am Hafen" and r.date == date(2018, 1, 19)
    assert "Teilen" not in r.body and "PRESSEMITTEILUNG" not in r.body


def test_capture_without_date_is_a_draft_with_reason():
    r = one("x.txt", f"Harbour Budget Approved\n{BODY}\n")
    assert r.date is None and r.draft and any("no date" in why for why in r.review)


def test_capture_without_headline_is_a_draft_not_a_promoted_dateline():
    r = one("x.txt", f"Springfield, Ill. - March 4, 2019\n{BODY} {BODY}\n")
    assert r.title == "" and r.draft and any("headline" in why for why in r.review)
    assert r.date == date(2019, 3, 4)


def test_short_page_without_headline_is_skipped():
    with pytest.raises(PressroomError) as info:
        parse_seed(Path("x.txt"), b"Sorry, you need to enable JavaScript to visit this website.\nSkip to main content\nWe may decide against action.\n")
    assert info.value.problem.warning and "not an article" in info.value.problem.message


def test_mail_forward_with_release_header_and_yearless_dateline():
    text = ("From: someone@example.org (A Poster)\nSubject: Fwd: harbour news\nDate: Wed, 21 Apr 1993 10:00:00 GMT\n"
            "Organization: Example Net\n\nHere is a press release from the City of Springfield.\n\n"
            "                 HARBOUR BUDGET APPROVED BY COUNCIL\n\n"
            "Contact: Jo Bloggs, 555-201-3344\n\n"
            "     SPRINGFIELD, April 20 -- The council approved the new budget for the harbour district\n"
            "on Monday after a long debate that lasted well into the evening hours.\n\n"
            "     Work on the ferry terminal will start in the spring and finish within two years.\n\n -30-\n"
            "-- \nA Poster <someone@example.org>\n")
    r = one("x.txt", text)
    assert r.title == "Harbour Budget Approved by Council"
    assert r.date == date(1993, 4, 20) and any("no year" in why for why in r.review)
    assert "Contact" not in r.body and "A Poster" not in r.body and "Here is a press release" not in r.body
    assert "on Monday after a long debate" in r.body   # wrapped lines rejoined
    assert r.source == "City of Springfield"            # the issuer, not the poster


def test_release_number_header_gives_the_date():
    text = ("Jo Bloggs\nHeadquarters, Springfield                     April 23, 1993\n(Phone: 555/201-3344)\n\n"
            "RELEASE:  93-76\n\nFERRY TERMINAL WORK TO START IN SPRING\n\n"
            "\tThe council approved the new budget for the harbour district on Monday after\n"
            "a long debate that lasted well into the evening hours, officials said today.\n\n"
            + "\tWork on the ferry terminal will start in the spring and finish within two years.\n"
              "\tMore lines follow here so the text is long enough to look like a wrapped release.\n" * 3)
    r = one("x.txt", text)
    assert r.title == "Ferry Terminal Work to Start in Spring" and r.date == date(1993, 4, 23)


NEWSML_12 = """<?xml version="1.0" encoding="UTF-8"?>
<NewsML Version="1.2"><NewsEnvelope><DateAndTime>20210131T024100+0000</DateAndTime></NewsEnvelope>
<NewsItem><NewsManagement><FirstCreated>20210131T024100+0000</FirstCreated></NewsManagement>
<NewsComponent><AdministrativeMetadata><Source><Party FormalName="Example Harbour Corp." /></Source></AdministrativeMetadata>
<NewsComponent><NewsLines><HeadLine>CORRECTION - Example Harbour Opens Terminal</HeadLine></NewsLines>
<NewsComponent><Role FormalName="Contact" /><ContentItem><DataContent><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Press: jo@example.org</p></body></html></DataContent></ContentItem></NewsComponent>
<NewsComponent><Role FormalName="Body" /><DescriptiveMetadata><Language FormalName="fr" /></DescriptiveMetadata>
<ContentItem><DataContent><html xmlns="http://www.w3.org/1999/xhtml"><body><p>SPRINGFIELD (WIRE) -- """ + BODY + """</p></body></html></DataContent></ContentItem></NewsComponent>
</NewsComponent></NewsComponent></NewsItem></NewsML>"""


def test_newsml_12_body_component_only_and_site_timezone():
    r = one("x.xml", NEWSML_12, zone=ZoneInfo("America/New_York"))
    assert r.title == "CORRECTION - Example Harbour Opens Terminal" and r.source == "Example Harbour Corp."
    assert r.date == datetime(2021, 1, 30, 21, 41, tzinfo=ZoneInfo("America/New_York"))
    assert "jo@example.org" not in r.body and "SPRINGFIELD (WIRE) --" in r.body


def test_newsml_g2_headline_date_language():
    text = ('<?xml version="1.0"?><newsItem standard="NewsML-G2" xml:lang="de-DE" xmlns="http://iptc.org/std/nar/2006-10-01/">'
            "<itemMeta><firstCreated>2020-05-26T15:31:00+00:00</firstCreated></itemMeta><contentMeta>"
            '<subject type="cpnat:organisation"><name>Beispiel AG</name></subject><headline>Beispiel AG eröffnet Terminal</headline>'
            '</contentMeta><contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml">'
            "<body><h1>Beispiel AG eröffnet Terminal</h1><p>Die Beispiel AG hat am Montag das neue Terminal am Hafen eröffnet. "
            "Die Arbeiten dauerten zwei Jahre und kosteten viel Geld, sagte der Vorstand.</p></body></html></inlineXML></contentSet></newsItem>")
    r = one("x.xml", text)
    assert r.title == "Beispiel AG eröffnet Terminal" and r.source == "Beispiel AG" and r.language == "de"
    assert r.date.date() == date(2020, 5, 26) and "eröffnet Terminal" not in r.body.split("\n")[0][:30]


def test_feed_item_day_follows_site_timezone():
    feed = ("<rss><channel><title>City</title><item><title>Harbour Budget</title>"
            f"<pubDate>Tue, 02 Jan 2024 00:22:00 +0000</pubDate><description>{BODY}</description></item></channel></rss>")
    utc = one("f.rss", feed)
    ny = one("f.rss", feed, zone=ZoneInfo("America/New_York"))
    assert utc.date.date() == date(2024, 1, 2) and ny.date.date() == date(2024, 1, 1)


def test_rss_092_teaser_items_are_skipped_and_24_00_is_read():
    feed = ('<rss version="0.92"><channel><title>T</title><item><title>Teaser</title><description>Only the start of it '
            "and then ...</description></item><item><title>Full</title><pubDate>Tue, 12 Apr 2022 24:00:00 +0200</pubDate>"
            f"<description>{BODY}</description><dc:creator>12345</dc:creator></item></channel></rss>")
    (r,) = parse_seed(Path("f.xml"), feed.encode())
    assert r.title == "Full" and r.date.date() == date(2022, 4, 12) and r.authors == ()


def test_unclosed_items_are_read_in_linear_time():
    item = f"<item><title>T</title><pubDate>Tue, 02 Jan 2024 10:00:00 +0000</pubDate><description>{BODY}</description>"
    started = time.perf_counter()
    with pytest.raises(PressroomError) as info:
        parse_seed(Path("f.rss"), ("<rss><channel>" + item * 8000).encode())
    assert "limit" in info.value.problem.message and time.perf_counter() - started < 5
    assert len(parse_seed(Path("f.rss"), ("<rss><channel>" + item * 300).encode())) == 300


def test_unclosed_void_elements_keep_the_rest_of_the_article():
    page = (f"<html><body><h1>Harbour Budget</h1><time datetime='2024-03-04'>4 March</time><article><p>{BODY}</p>"
            "<embed src='x.swf'><video><source src='a.mp4'></video>"
            "<p>The last paragraph survives the embed and the source tags intact here.</p></article></body></html>")
    r = one("x.html", page)
    assert "last paragraph survives" in r.body and r.date == date(2024, 3, 4)


def test_gzip_html_is_read_as_html():
    page = f"<html><head><meta property='article:published_time' content='2024-03-04'></head><body><h1>Harbour Budget</h1><p>{BODY}</p></body></html>"
    r = one("x.html.gz", gzip.compress(page.encode()))
    assert r.title == "Harbour Budget" and r.date == date(2024, 3, 4)


def test_meta_date_written_with_value_attribute():
    page = f"<html><head><meta name='date' value='2023-06-25'></head><body><h1>Harbour Budget</h1><p>{BODY}</p></body></html>"
    assert one("x.html", page).date == date(2023, 6, 25)


def test_bare_markdown_heading_label_and_byline():
    text = f"# PRESS RELEASE\n\n12 March 2022\n\n## Harbour Budget Approved\n\n{BODY}\n\n- Jo Bloggs <jo@example.org>\n"
    r = one("x.md", text)
    assert r.title == "Harbour Budget Approved" and r.date == date(2022, 3, 12) and r.authors == ("Jo Bloggs",)
    assert "#" not in r.title


def test_front_matter_generic_title_takes_the_heading_or_is_flagged():
    r = one("x.md", f"---\ntitle: Press Release\ndate: 2024-07-01\n---\n\n## Harbour Budget Approved\n\n{BODY}\n")
    assert r.title == "Harbour Budget Approved" and not r.draft
    flagged = one("x.md", f"---\ntitle: Press Release\ndate: 2024-07-01\n---\n\n{BODY}\n")
    assert flagged.draft and any("generic title" in why for why in flagged.review)


def test_language_written_only_when_not_the_sites():
    german = ("Neue Kita am Hafen\n4. März 2024\nDie Stadt hat am Montag die neue Kita am Hafen eröffnet. Die Arbeiten dauerten zwei Jahre, sagte die Bürgermeisterin. "
              "Die Kita bietet Platz für achtzig Kinder und wird von einem freien Träger aus der Nachbarschaft betrieben.")
    assert one("x.txt", german, site_language="en").language == "de"
    assert one("x.txt", german, site_language="de").language == ""


@pytest.mark.parametrize("title", ["مصر تعلن خطة جديدة", "中国发布新计划", "한국 정부 발표"])
def test_non_latin_titles_get_stable_ascii_slugs(title):
    slug = slugify(title)
    assert slug and slug.isascii() and slug == slugify(title)


def test_c_sharp_and_c_plus_plus_stay_three_tags():
    assert len({slugify("C"), slugify("C#"), slugify("C++")}) == 3


def _site(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    return tmp_path


def test_same_headline_same_month_gets_two_slugs_and_review_list(tmp_path: Path):
    site = _site(tmp_path)
    for n in (1, 2):
        (site / "seeds" / f"s{n}.txt").write_text(f"Harbour Budget Approved\nMarch {n}, 2024\n{BODY} {n}\n")
    (site / "seeds" / "undated.txt").write_text(f"Ferry News\n{BODY}\n")
    report = import_seeds(site / "seeds", site / "content", site_dir=site)
    texts = sorted(p.read_text() for p in report.written)
    slugs = sorted(line for t in texts for line in t.split("\n") if line.startswith("slug: "))
    assert slugs == ["slug: ferry-news", "slug: harbour-budget-approved", "slug: harbour-budget-approved-2"]
    lines = report.review_lines(site)
    assert len(lines) == 1 and lines[0].startswith("content/undated/ferry-news.md: draft:") and "no date" in lines[0]


def test_oversized_item_is_refused_at_import_with_the_limit(tmp_path: Path):
    site = _site(tmp_path)
    (site / "seeds" / "big.txt").write_text("Harbour Budget Approved\nMarch 1, 2024\n" + "".join(f"{BODY} {n}\n" for n in range(30000)))
    report = import_seeds(site / "seeds", site / "content", site_dir=site)
    assert not report.written and "5 MB limit" in report.skipped[0].message


@pytest.mark.parametrize("above", ["Alert: Offices closed Monday because of snow", "|", "—", "Print", "Share this page",
                                   "U.S. Department of Harbours", "Press Releases", "Ministry of Transport"])
def test_a_chrome_line_above_the_headline_is_not_the_title(above):
    r = one("x.txt", f" date 2024-03-04 {above}\nHarbour Budget Approved by Council\n{BODY} {BODY}\n")
    assert r.title == "Harbour Budget Approved by Council" and r.date == date(2024, 3, 4)


@pytest.mark.parametrize("lead, expected", [
    ("SPRINGFIELD, Ill., March 4, 2019 /PRNewswire/ -- Acme Harbour Corp. today opened", date(2019, 3, 4)),
    ("TOWNSVILLE, Country - February 3, 2025 / Some Wire / -- Acme Harbour Corp. today opened", date(2025, 2, 3)),
])
def test_wire_dateline_in_the_lead_dates_a_capture(lead, expected):
    r = one("x.txt", f"Acme Opens Harbour Terminal\n{lead} its new terminal. {BODY}\n{BODY}\n")
    assert r.date == expected and not r.draft


def test_blog_date_line_gives_date_and_author():
    r = one("x.txt", f"Harbour Budget Approved\nJanuary 17, 2017 at 6:08 PM ET by Jo Bloggs\n{BODY} {BODY}\n")
    assert r.date == date(2017, 1, 17) and r.authors == ("Jo Bloggs",) and "6:08" not in r.body


def test_yearless_wire_dateline_is_flagged_not_guessed():
    r = one("x.txt", f"Harbour Budget Approved\nSPRINGFIELD, April 21 -- {BODY}\n{BODY}\n")
    assert r.date is None and any("no year" in why for why in r.review)


def test_each_teaser_item_left_out_of_a_feed_is_reported(tmp_path: Path):
    site = _site(tmp_path)
    feed = ("<rss><channel><title>City</title>"
            f"<item><title>Full</title><pubDate>Tue, 02 Jan 2024 10:00:00 +0000</pubDate><description>{BODY}</description></item>"
            "<item><title>Only a title</title><link>https://example.org/x</link></item></channel></rss>")
    (site / "seeds" / "f.rss").write_text(feed)
    report = import_seeds(site / "seeds", site / "content", site_dir=site)
    assert len(report.written) == 1
    assert [p.warning for p in report.skipped] == [True] and "Only a title" in report.skipped[0].message


def test_a_draft_edited_by_hand_is_kept_and_not_listed_again(tmp_path: Path):
    site = _site(tmp_path)
    (site / "seeds" / "undated.txt").write_text(f"Ferry News\n{BODY}\n")
    first = import_seeds(site / "seeds", site / "content", site_dir=site)
    (path,) = first.written
    assert [p for p, _ in first.review] == [path]
    path.write_text(path.read_text().replace("date: null", "date: 2024-03-04"))
    again = import_seeds(site / "seeds", site / "content", site_dir=site)
    assert again.kept == (path,) and again.review == () and "2024-03-04" in path.read_text()


def test_mailing_list_archive_release_with_contact_block_before_the_dateline():
    text = ("Harbour Office Sets Deadlines for Ferry Passes\n\n[Date Prev] [Date Next] [Thread Prev] [Thread Index]\n\n"
            f"Oct. 24, 2007\n\nJo Bloggs\nHarbour Office, Springfield\n\nSPRINGFIELD - {BODY}\n\n{BODY} More.\n")
    r = one("x.txt", text)
    assert r.title == "Harbour Office Sets Deadlines for Ferry Passes" and r.date == date(2007, 10, 24)
    assert r.body.startswith("SPRINGFIELD - ") and "Date Prev" not in r.body and "Jo Bloggs" not in r.body


def test_headline_under_the_date_when_a_contact_name_stands_above_it():
    text = f"Jo Bloggs\nHarbour Office, Springfield\nDec. 09, 2008\nHarbour Office Sets Ferry Deadlines\nSPRINGFIELD -- {BODY}\n"
    r = one("x.txt", text)
    assert r.title == "Harbour Office Sets Ferry Deadlines" and r.date == date(2008, 12, 9) and "Jo Bloggs" not in r.body


def test_release_label_and_number_come_off_the_headline():
    r = one("x.txt", f"Aug 24 2017\nMEDIA ADVISORY M17-096 Media Invited to Tour the Ferry Terminal\n{BODY} {BODY}\n")
    assert r.title == "Media Invited to Tour the Ferry Terminal" and r.kind == "advisory" and r.date == date(2017, 8, 24)


def test_hard_wrapped_text_is_read_as_paragraphs_and_capitals_keep_acronyms():
    wrapped = ("The council approved the new budget for the harbour district on\nMonday after a long debate "
               "that lasted well into the evening hours, and\nthe ferry terminal work will start in the spring, "
               "officials said.\n")
    text = (f"Jo Bloggs\nHarbour Office, Springfield\n555-201-3344\n\nMEDIA ADVISORY: M08-070\n\n"
            f"HFO SETS FERRY PASS DEADLINES FOR THE SUMMER\n\nSPRINGFIELD -- The HFO said today that passes are due.\n"
            f"{wrapped}\n{wrapped}\n{wrapped}")
    r = one("x.txt", text)
    assert r.title == "HFO Sets Ferry Pass Deadlines for the Summer" and r.kind == "advisory"
    assert "harbour district on Monday after a long debate" in r.body and "555-201-3344" not in r.body
    assert r.date is None and any("no date" in why for why in r.review)


def test_committee_press_notice_label_is_not_the_headline():
    text = f"Harbour Select Committee: Press Notice\n\nFriday 30 May 2008\n\nFerry Fares Must Fall, Say MPs\n\n{BODY}\n"
    r = one("x.txt", text)
    assert r.title == "Ferry Fares Must Fall, Say MPs" and r.date == date(2008, 5, 30)


def test_reference_codes_are_not_a_headline():
    r = one("x.txt", f"HSC 04-05 PN 7\n\nSession 2004-05\n\nPress Notice 7\n\n{BODY} {BODY}\n")
    assert r.title == "" and r.draft and any("headline" in why for why in r.review)


def test_archived_briefing_page_headline_below_the_release_header():
    text = ("The Harbour House\nMayor Jo Bloggs\nPrint this document\n\nFor Immediate Release\nOffice of the Press Secretary\n"
            "April 26, 2006\n\nPress Briefing by Sam Carter\nHarbour Briefing Room\n\n12:18 P.M. EDT\n\n"
            f"MR. McCARTER: Good afternoon, everyone. {BODY}\n\nQ Sam, what about the ferries?\n\nMR. McCARTER: {BODY} Yes.\n")
    r = one("x.txt", text)
    assert r.title == "Press Briefing by Sam Carter" and r.date == date(2006, 4, 26) and r.kind == "transcript"
    assert r.body.startswith("MR. McCARTER: Good afternoon")


def test_site_name_above_a_statement_is_not_its_headline():
    r = one("x.txt", f"The Harbour House\n\nOffice of the Press Secretary\n\nStatement by the Press Secretary on Ferry Fares\n\n{BODY} {BODY}\n")
    assert r.title == "Statement by the Press Secretary on Ferry Fares"


def test_feed_with_lowercase_tags_odd_dates_and_double_escaped_titles():
    feed = ("<rss><channel><title>Office of Jo Bloggs</title><link>https://example.org/</link>"
            "<item><title>Bloggs&amp;#8217;s Statement on Ferries</title><pubdate>Monday, April 15, 2013 - 2:23pm</pubdate>"
            f"<description>{BODY}</description></item>"
            "<item><title>No Date Here</title>"
            f"<description>{BODY}</description></item></channel></rss>")
    first, second = parse_seed(Path("f.xml"), feed.encode())
    assert first.title == "Bloggs\u2019s Statement on Ferries" and first.date == date(2013, 4, 15)
    assert second.date is None and second.draft and any("no usable date" in why for why in second.review)
