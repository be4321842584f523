"""Importer, page kinds and body cleaning: what is not an article, chrome sections in any format,
headlines on saved pages, front matter checked against the text. Synthetic variants only."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.errors import PressroomError
from generator.ingest import parse_seed
from generator.ingest.review import tidy_body

PARA = ("The council approved the new budget for the harbour district on Monday after a long debate that lasted "
        "well into the evening. Work on the ferry terminal will start in the spring and finish within two years.")


def one(name: str, text: str | bytes, **kw):
    data = text.encode("utf-8") if isinstance(text, str) else text
    (release,) = parse_seed(Path(name), data, **kw)
    return release


def skipped(name: str, text: str) -> str:
    with pytest.raises(PressroomError) as info:
        parse_seed(Path(name), text.encode("utf-8"))
    assert info.value.problem.warning, info.value.problem.message
    return info.value.problem.message


def test_listing_of_dated_rows_is_skipped():
    rows = "\n".join(f"0{n}/1{n}/2016 Release\nHarbour item number {n}" for n in range(1, 8))
    assert "listing" in skipped("x.txt", f"News and Releases\nDate Type Title\n{rows}\n")


def test_listing_of_time_stamped_teasers_is_skipped():
    rows = "\n".join(f"Headline number {n}\n8:0{n} a.m. - Teaser text for item {n} of the day" for n in range(1, 7))
    assert "listing" in skipped("x.txt", f"News Releases for Tuesday, August 23, 2022\n{rows}\n")


def test_javascript_shell_is_skipped():
    text = f"Please enable JavaScript to use this site.\nSkip to main content\n{PARA}\n"
    assert "JavaScript" in skipped("x.txt", text)


def test_degraded_text_without_line_breaks_is_skipped():
    text = "   Harbour Budget Approved   City Council   " + " ".join(["the council approved the budget"] * 80)
    assert "degraded" in skipped("x.txt", text)


def test_photo_page_is_skipped_but_an_article_with_a_photo_is_not():
    photo = ("Image Gallery\n180502-N-AB123-005 SPRINGFIELD (May 2, 2018) The mayor opens the terminal.\n"
             "Download Image: Full Size (0.86 MB)\nPhoto by: Jo Bloggs | VIRIN: 180502-N-AB123-005.JPG\n")
    assert "photo page" in skipped("x.txt", photo)
    article = f"Harbour Budget Approved\nMay 2, 2018 | By Jo Bloggs\n{PARA}\n" + photo.split("\n", 1)[1]
    assert one("x.txt", article).title == "Harbour Budget Approved"


def test_secondary_coverage_is_skipped_but_a_wire_dateline_is_not():
    coverage = f"The Harbour Group said yesterday that its board had voted to raise the dividend. {PARA}\n{PARA}\n"
    assert "secondary coverage" in skipped("x.txt", coverage)
    wire = f"SPRINGFIELD (AP) — The mayor said Monday that the council approved the budget. {PARA}\n{PARA}\n"
    r = one("x.txt", wire)
    assert r.draft and any("headline" in why for why in r.review)


def test_contact_section_is_dropped_wherever_it_stands():
    body = (f"{PARA}\n\n**For further information contact:**\n\n## Jo Bloggs\n\nChief Executive\n\nP: (555) 201-3344\n\n"
            f"E: jo@example.org\n\n## Forward-looking statements\n\n{PARA}\n")
    cleaned = tidy_body(body)
    assert "Jo Bloggs" not in cleaned and "Chief Executive" not in cleaned and "jo@example.org" not in cleaned
    assert "## Forward-looking statements" in cleaned and cleaned.count(PARA) == 2


def test_chrome_blocks_and_stray_marks_are_dropped_from_any_body():
    body = f"{PARA}\n\n„\n\nShare\n\nSubscribe to our newsletter\n\n\\###\n\nOriginal-Content von: Stadt X, übermittelt durch Y\n"
    assert tidy_body(body) == PARA + "\n"


def test_advisory_labels_stay_with_their_values_and_are_not_speakers():
    text = (f"Harbour Tour for Reporters\nMarch 1, 2024 | By City Press Office\n{PARA}\nWHAT:\nA tour of the new terminal\n"
            "WHEN:\nFriday, March 8, 2024, 10 a.m.\nWHO:\nJo Bloggs, harbour director\nCALL-IN:\nReporters: 555-201-3344\n")
    r = one("x.txt", text)
    assert "WHAT: A tour of the new terminal" in r.body and "WHO: Jo Bloggs, harbour director" in r.body
    assert "Reporters: 555-201-3344" in r.body and r.kind != "transcript" and "## " not in r.body


def test_caption_with_labelled_credit_becomes_a_photo_and_its_alt_text_goes():
    text = (f"Harbour Budget Approved\nMarch 1, 2024 | By Jo Bloggs\nA ferry at dusk.\n"
            f"A ferry at dusk. (Image credit: Jane Roe)\n{PARA}\n")
    r = one("x.txt", text)
    assert len(r.images) == 1 and r.images[0].credit == "Jane Roe" and "ferry at dusk" not in r.body


def test_sign_off_line_names_the_issuer():
    r = one("x.txt", f"Statement on Harbour Day\nMarch 1, 2024\n{PARA}\n:: Office of the Mayor\n")
    assert r.source == "Office of the Mayor" and "Office of the Mayor" not in r.body


def test_mojibake_in_plain_text_is_repaired():
    r = one("x.txt", f"Harbour Budget Approved\nMarch 1, 2024 | By Jo Bloggs\nThe cafÃ© at the â€œnew terminalâ€\x9d opens. {PARA}\n")
    assert "café at the “new terminal” opens" in r.body and not r.draft


def test_screen_reader_h1_and_kicker_are_not_the_headline():
    page = ("<html><head><title>Harbour Budget Approved After Long Debate</title></head><body>"
            "<h1 class='sr-only'>City of Springfield</h1><h1><span>Press release of the harbour office</span> "
            f"Harbour Budget Approved After Long Debate</h1><time datetime='2024-03-04'>4 March</time><article><p>{PARA}</p>"
            f"<p>{PARA}</p></article></body></html>")
    r = one("x.html", page)
    assert r.title == "Harbour Budget Approved After Long Debate" and r.date == date(2024, 3, 4)


def test_feed_items_marked_as_teasers_are_skipped():
    teaser = '&lt;span class="teaser-text"&gt;A short summary of the release.&lt;/span&gt;'
    feed = (f"<rss><channel><title>City</title><item><title>Teaser</title><pubDate>Tue, 02 Jan 2024 10:00:00 +0000</pubDate>"
            f"<description>{teaser}</description></item></channel></rss>")
    assert "no body" in skipped("f.rss", feed)


def test_front_matter_date_and_the_release_date_line_must_agree():
    text = f"---\ntitle: Harbour Budget Approved\ndate: 2015-04-06\n---\nMEDIA RELEASE\n\nTuesday, 7 April 2015\n\n{PARA}\n"
    r = one("x.md", text)
    assert r.date == date(2015, 4, 6) and any("7 April 2015" in why for why in r.review)
    assert "MEDIA RELEASE" not in r.body and "7 April" not in r.body


def test_a_heading_ends_its_markdown_block():
    r = one("x.md", f"# Harbour Budget Approved\n\n12 March 2022\n\n## What changes\nThe first line after it.\n\n{PARA}\n")
    assert "## What changes\n\nThe first line after it." in r.body


def test_mail_list_items_keep_their_wrapped_lines():
    text = ("From: a@example.org\nSubject: harbour\n\nFOR IMMEDIATE RELEASE                     March 1, 1993\n\n"
            "HARBOUR BUDGET APPROVED\n\n" + "\n".join(["     The council approved the new budget for the harbour district"
                                                        " on Monday after a long debate."] * 3) +
            "\n\nThe terminal is useful :\n-      in bringing ferries to thousands of\n       new passengers, and\n"
            "-      in opening new routes.\n\n     Work will start in the spring and finish within two years, officials said.\n")
    r = one("x.txt", text)
    assert "- in bringing ferries to thousands of new passengers, and" in r.body
    assert r.date == date(1993, 3, 1) and r.title == "Harbour Budget Approved"


def test_a_draft_without_title_or_date_is_left_out_of_the_build_with_a_warning(tmp_path: Path):
    from generator.config import load_config
    from generator.content import parse_article
    from generator.markup import MarkdownRenderer
    from generator.urls import Urls

    config = load_config(tmp_path)
    text = "---\ntitle: Harbour\ndate: null\ndraft: true\nreview:\n- no date found\n---\n\nBody.\n"
    with pytest.raises(PressroomError) as info:
        parse_article("content/undated/harbour.md", text, config, MarkdownRenderer(), Urls.from_config(config))
    assert info.value.problem.warning and "review" in info.value.problem.message


def test_markdown_figures_become_images_with_captions():
    text = (f"# Harbour Budget Approved\n\nPrepared by Jo Bloggs (jo@example.org)\n\n12 March 2022\n\n{PARA}\n\n"
            "![](map.png)\n\n**Figure 1** Map of the harbour district.\n\n![A ferry](https://example.org/f.jpg)\n")
    r = one("x.md", text)
    assert r.authors == ("Jo Bloggs",) and "jo@example.org" not in r.body
    assert [(i.caption, i.src) for i in r.images] == [("Map of the harbour district.", ""), ("", "https://example.org/f.jpg")]
    assert r.images[1].alt == "A ferry" and "{{< figure 1 >}}" in r.body and "{{< figure 2 >}}" in r.body


def test_front_matter_entities_and_escapes_are_decoded():
    text = (f"---\ntitle: 'Le port accueille son directeur&nbsp;: Jo Bloggs'\nauthor: \"Anne\\_Martin, directrice\"\n"
            f"date: 2018-03-09\n---\n\n> «&nbsp;Une citation.&nbsp;»\n\n{PARA}\n")
    r = one("x.md", text)
    assert r.title == "Le port accueille son directeur : Jo Bloggs" and r.authors == ("Anne Martin",)
    assert "&nbsp;" not in r.body and "«\u00a0Une citation" in r.body


def test_page_metadata_gives_author_or_issuer_when_no_byline_shows():
    page = ("<html><head><meta name='author' content='Jo Bloggs'><meta property='og:site_name' content='City of Springfield'>"
            f"</head><body><h1>Harbour Budget Approved</h1><time datetime='2024-03-04'>4 March</time><article><p>{PARA}</p>"
            f"<p>{PARA}</p></article></body></html>")
    assert one("x.html", page).authors == ("Jo Bloggs",)
    org = page.replace("content='Jo Bloggs'", "content='Springfield Police'")
    r = one("x.html", org)
    assert r.authors == () and r.source == "Springfield Police"


def test_json_ld_gives_headline_and_date_when_the_page_shows_neither():
    page = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour Budget Approved",'
            ' "datePublished": "2023-06-25T10:00:00+00:00"}</script><title>City of Springfield</title></head>'
            f"<body><div class='story'><p>{PARA}</p><p>{PARA}</p></div></body></html>")
    r = one("x.html", page)
    assert r.title == "Harbour Budget Approved" and r.date == date(2023, 6, 25)


def test_og_title_of_a_page_without_h1_loses_the_site_name():
    page = ("<html><head><meta property='og:title' content='Harbour Budget Approved | City of Springfield'>"
            "<meta property='og:site_name' content='City of Springfield'><meta property='article:published_time' "
            f"content='2023-06-25'></head><body><div><p>{PARA}</p><p>{PARA}</p></div></body></html>")
    assert one("x.html", page).title == "Harbour Budget Approved"


def test_press_information_section_with_an_address_is_dropped():
    body = f"{PARA}\n\n***\n\n## Information for the Press\n\nQuestions can be sent to press@example.org; we answer within a day.\n"
    assert tidy_body(body) == PARA + "\n"


def test_a_street_address_is_not_a_heading():
    r = one("x.txt", f"Harbour Open House\nMarch 1, 2024 | By Jo Bloggs\n{PARA}\nWhere: City Hall\n101 E. Lake St., Springfield\n{PARA}\n")
    assert "## 101" not in r.body and "101 E. Lake St., Springfield" in r.body


def test_short_lines_after_an_including_colon_are_a_list():
    text = (f"Harbour Report Published\nMarch 1, 2024 | By Jo Bloggs\n{PARA}\nThe report covers a range of topics including:\n"
            f"The best times to sail\nHow to book a berth\nMonitoring the tides\nThe report is free to read online at the harbour office.\n")
    r = one("x.txt", text)
    assert "including:\n\n- The best times to sail\n- How to book a berth\n- Monitoring the tides\n\nThe report is free" in r.body


def test_wire_distributed_release_is_a_release_not_a_wire_story():
    text = f"Acme Opens Harbour Terminal\nSPRINGFIELD, Ill., March 4, 2019 /PRNewswire/ -- Acme today opened. {PARA}\n{PARA}\n"
    assert one("x.txt", text).kind == "release"


def test_a_repost_keeps_the_release_and_drops_the_host_sites_trailers():
    text = ("Harbour Office's Call with the Ferry Board\nORGANIZATIONS IN THIS STORY\n"
            f"March 4, 2024\n{PARA}\nOfficial news published at https://harbour.example.org/call-with-the-ferry-board/\n"
            "Harbour Budget Approved Previous post Ferry Timetable Changes For The Summer Season Next post\n"
            "ORGANIZATIONS IN THIS STORY\nMore News\nSource: Harbour Office of Springfield\n")
    r = one("x.txt", text)
    assert r.title == "Harbour Office's Call with the Ferry Board" and r.date == date(2024, 3, 4)
    assert r.source == "Harbour Office of Springfield"
    assert r.body.strip() == PARA


def test_the_capture_header_picks_between_a_site_ticker_and_the_release_date():
    text = f" date 2021-05-17   • Tue. May 18th, 2021\nHarbour Budget Approved\n\nMay 17, 2021 , Springfield\n{PARA}\n"
    assert one("x.txt", text).date == date(2021, 5, 17)


def test_wire_release_page_names_the_issuer_not_the_wire():
    page = ("<html><head><meta property='og:site_name' content='Some Newswire'></head><body><main><article>"
            "<h1>Acme Unveils Harbour Robot</h1><div>News provided by Acme Corp.</div><p>Apr 25, 2016, 08:00 ET</p>"
            f"<p>PALO ALTO, Calif., April 25, 2016 /Some Newswire/ -- {PARA}</p><p>{PARA} More.</p><p>SOURCE Acme Corp.</p>"
            "</article></main></body></html>")
    r = one("x.html", page)
    assert r.source == "Acme Corp." and r.date == date(2016, 4, 25) and "SOURCE" not in r.body
