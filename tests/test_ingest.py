"""parse_seed on the seed and on variants we wrote (tests/fixtures/seeds); no ../shared."""
from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape
from pathlib import Path

import markdown
import pytest
import yaml

from generator.errors import PressroomError
from generator.ingest import parse_seed, release_to_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "seeds"
SEED = FIXTURES / "seed_dod_news.txt"


def parse(name: str, data: bytes | None = None):
    path = FIXTURES / name
    return parse_seed(Path("seeds") / name, path.read_bytes() if data is None else data)


def one(name: str, data: bytes | None = None):
    releases = parse(name, data)
    assert len(releases) == 1
    return releases[0]


def plain(body: str) -> str:
    """Body Markdown -> visible text, as the site's renderer would show it."""
    html = markdown.markdown(body, extensions=["extra", "sane_lists"])
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def seed_paragraphs() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    photo = set(lines[7:13])
    return [" ".join(l.split()) for l in lines[5:] if l.strip() and l not in photo]


def test_seed_front_matter():
    r = one("seed_dod_news.txt")
    assert r.title == "U.S., South Korea Concerned North Koreans May Soon Fight Against Ukrainians"
    assert r.date == date(2024, 10, 30) and not isinstance(r.date, datetime)
    assert r.authors == ("David Vergun",)
    assert r.source == "DOD News"
    assert r.kind == "story"
    assert r.summary.startswith("The Defense Department is closely tracking")
    assert {"North Korea", "South Korea", "Russia", "Ukraine"} <= set(r.tags)
    assert "Iran" not in r.tags   # named once, in passing
    assert r.seed == "seeds/seed_dod_news.txt" and len(r.seed_sha256) == 64


def test_seed_image():
    (image,) = one("seed_dod_news.txt").images
    assert image.title == "Reaffirming Partnerships"
    assert image.alt.startswith("Two military leaders in business attire")
    assert image.caption.startswith("Secretary of Defense Lloyd J. Austin III and South Korean Defense Minister")
    assert image.credit == "Air Force Senior Airman Madelyn Keech, DOD"
    assert image.virin == "241030-D-FN350-1571"
    assert image.src == ""


def test_seed_body_is_faithful_and_clean():
    r = one("seed_dod_news.txt")
    text = plain(r.body)
    position = 0
    for paragraph in seed_paragraphs():
        found = text.find(paragraph, position)
        assert found >= 0, paragraph
        assert text.count(paragraph) == 1
        position = found + len(paragraph)
    assert "\u00a0" not in r.body and not re.search(r"[ \t]$", r.body, re.M)
    for chrome in ("Download:", "Credit:", "VIRIN:", "Reaffirming Partnerships", "official website", "date 2024"):
        assert chrome not in r.body
    blocks = r.body.strip().split("\n\n")
    assert blocks[1] == "{{< figure 1 >}}"   # where the photo block stood
    assert not any(b.startswith(">") for b in blocks)   # quotes stay paragraphs


def test_markdown_file_round_trips_through_yaml():
    r = one("seed_dod_news.txt")
    text = release_to_markdown(r)
    head, body = text[4:].split("\n---\n", 1)
    meta = yaml.safe_load(head)
    assert list(meta) == ["title", "date", "authors", "source", "kind", "summary", "tags", "images",
                          "seed", "seed_sha256", "unsafe_html", "import_sha256"]
    assert meta["date"] == date(2024, 10, 30) and meta["unsafe_html"] is False
    assert meta["images"][0]["virin"] == "241030-D-FN350-1571"
    assert body.lstrip("\n") == r.body


@pytest.mark.parametrize("transform", [
    lambda b: b.replace(b"\n", b"\r\n"),
    lambda b: b"\xef\xbb\xbf" + b,
    lambda b: b.decode("utf-8").replace("\u00a0", " ").encode("cp1252"),
    lambda b: b.decode("utf-8").encode("utf-16"),
], ids=["crlf", "bom", "cp1252", "utf16"])
def test_encodings_and_line_endings(transform):
    r = one("seed_dod_news.txt", transform(SEED.read_bytes()))
    base = one("seed_dod_news.txt")
    assert (r.title, r.date, r.authors, r.images) == (base.title, base.date, base.authors, base.images)
    assert r.body == base.body


def test_cp1252_curly_quotes():
    data = "Title Here\n\nJune 3, 2021 | By Ann Lee\n\n\u201cQuoted,\u201d she said \u2013 twice.\n".encode("cp1252")
    r = parse_seed(Path("x.txt"), data)[0]
    assert "\u201cQuoted,\u201d she said \u2013 twice." in r.body


def test_banner_two_authors_sept_list_heading_figure():
    r = one("banner_two_authors_sept.txt")
    assert r.title == "Pilots Practice Arctic Landings With Norway and Finland"
    assert r.date == date(2023, 9, 12)   # the dateline, not the 2023-09-14 capture header
    assert r.authors == ("Jim Garamone", "C. Todd Lopez")
    assert r.source == "DOD News"
    assert r.images[0].title == "Cold Start" and r.images[0].virin == "230911-F-AB123-1001"
    assert "## What comes next" in r.body
    assert "- Three runways were used;\n- two crews flew at night; and\n- no aircraft was damaged." in r.body
    assert "1\\. This line starts with a number" in r.body
    assert "<ol>" not in markdown.markdown(r.body, extensions=["extra"])
    for chrome in ("Here's how you know", "Secure .gov", "Photo Gallery", "A lock"):
        assert chrome not in r.body
    assert {"Norway", "Finland"} <= set(r.tags)


def test_no_header_no_by_june_lead_date():
    r = one("no_header_june.txt")
    assert r.title == "Navy Ships Arrive in Guam"
    assert r.date == date(2020, 6, 21)
    assert r.authors == ("Mass Communication Specialist 3rd Class Brian Sloan",)
    assert r.body.startswith("APRA HARBOR, Guam (June 21, 2020)")


def test_transcript_speaker_lines():
    r = one("transcript.txt")
    assert r.kind == "transcript"
    assert r.title == "Secretary of Defense Holds a Press Conference"
    assert r.date == date(2024, 2, 1)
    assert "SECRETARY AUSTIN: Good afternoon, everyone." in r.body
    assert "##" not in r.body


def test_ap_wire_byline_and_duplicate_caption():
    r = one("ap_wire.txt")
    assert r.title == "Austin Says North Korean Troops Are Moving Toward Ukraine"
    assert r.authors == ("Tara Copp", "Lolita C. Baldor")
    assert r.source == "Associated Press" and r.kind == "wire"
    assert len(r.images) == 1 and r.images[0].credit == "AP Photo/Jane Roe"
    for chrome in ("Breaking", "Nation & World", "minutes ago", "AP Photo"):
        assert chrome not in r.body
    assert r.body.count("{{< figure 1 >}}") == 1


def test_rss_feed_gives_one_release_per_item():
    first, second = parse("feed_two_items.rss")
    assert first.title == "Secretary\u2019s Call with Japanese Foreign Minister"
    assert first.date == datetime.fromisoformat("2022-03-25T02:44:18+00:00")
    assert first.source == "Office of the Spokesperson" and first.authors == ()
    assert "Office of the Spokesperson" not in first.body and "jQuery" not in first.body
    assert "- First point about Japan;\n- second point & last." in first.body
    assert second.kind == "transcript" and second.authors == ("Ned Price",)
    assert second.source == "U.S. Department of State"
    assert "**MR PRICE:** Good afternoon." in second.body   # the feed's <strong> speaker label


def test_atom_entry():
    (r,) = parse("atom_entry.atom")
    assert r.title == "Embassy Marks Europe Day" and r.authors == ("Jane Q. Public",)
    assert r.date.year == 2022 and "European Union" in r.tags


def test_markdown_front_matter_normalised():
    r = one("whitehouse_front_matter.md")
    assert r.title == "Readout of a Meeting with the Prime Minister of Ukraine"
    assert r.date == datetime.fromisoformat("2022-04-21T10:48:33-04:00")
    assert r.source == "The White House" and r.kind == "release"
    assert "The President met with the Prime Minister of Ukraine this morning. The leaders discussed" in r.body
    assert "- The first item of a list that is wrapped over two lines.\n- The second item.\n    - A nested item." in r.body
    assert "<span" not in r.body and "Section 1. Purpose." in r.body
    assert "###" not in r.body and "Ukraine" in r.tags


def test_afmil_print_html():
    r = one("afmil_print.html")
    assert r.title == "Airmen train with partners in Poland"
    assert r.date == date(2016, 1, 14)
    assert r.authors == ("Senior Airman Jane Doe",) and r.source == "52nd Fighter Wing Public Affairs"
    assert r.body.startswith("**WASHINGTON (AFNS) --** Airmen trained with partners in Poland this week.")
    assert "\u201cIt went well,\u201d said Col. Smith" in r.body
    (image,) = r.images
    assert image.credit == "U.S. Air Force photo/Jim Varhegyi" and image.virin == "160114-F-EX708-001"
    assert image.src.startswith("https://media.defense.gov/2016/")
    assert "DOWNLOAD" not in r.body and "training" not in r.body and "VIEWSTATE" not in r.body


def test_photo_page_is_skipped_as_not_an_article():
    with pytest.raises(PressroomError) as info:
        parse("photo_page.txt")
    assert info.value.problem.warning and "not an article: photo page" in info.value.problem.message


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"   \n\n\t ", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    (b" date 2024-01-02 An official website of the United States Government \n", "no text"),
])
def test_unusable_seeds_raise_clear_errors(data, reason):
    with pytest.raises(PressroomError) as info:
        parse_seed(Path("seeds/x.txt"), data)
    assert reason in info.value.problem.message and not info.value.problem.warning
    assert str(info.value).startswith("seeds/x.txt")


def test_markdown_escaping_renders_same_text():
    data = ("A Title\n\nMay 1, 2024 | By A. Writer\n\n# not a heading, *not bold* and <b>not html</b> & co\n\n"
            "> not a quote [x](y) {{< figure 9 >}} a_b_c\n").encode()
    r = parse_seed(Path("x.txt"), data)[0]
    html = markdown.markdown(r.body, extensions=["extra"])
    assert "<h1>" not in html and "<em>" not in html and "<b>" not in html and "<blockquote>" not in html and "<a " not in html
    assert "# not a heading, *not bold* and <b>not html</b> & co" in plain(r.body)
    assert "> not a quote [x](y) {{< figure 9 >}} a_b_c" in plain(r.body)
