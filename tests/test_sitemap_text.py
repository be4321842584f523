"""The sitemap is written as text for speed; ElementTree (what wrote it before) is the reference, byte for byte."""
from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

from generator import feeds
from generator.urls import Urls


def reference(urls: Urls, routes: list[str], dates: dict[str, datetime], newest: datetime) -> bytes:
    urlset = ET.Element("urlset", {"xmlns": feeds.SITEMAP_NS})
    for route in routes:
        entry = ET.SubElement(urlset, "url")
        ET.SubElement(entry, "loc").text = feeds.clean(urls.absolute_url(route))
        ET.SubElement(entry, "lastmod").text = feeds._iso(dates.get(route, newest))
    return feeds._xml(urlset)


@pytest.mark.parametrize("base,path", [("https://example.org/", "/"), ("https://example.org/REPO/", "/REPO/"),
                                       ("https://ex.org/a&b<c>/", "/a&b<c>/")])
def test_urlset_is_what_elementtree_wrote(base: str, path: str) -> None:
    rng = random.Random(base)
    alphabet = "abcé&<>\"' -_/\x01\x0b\ufffe语\n"      # a line break: the one-by-one way
    routes = ["", "tags/"] + [f"{2000 + rng.randint(0, 25)}/{rng.randint(1, 12):02d}/"
                              + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) + "/" for _ in range(400)]
    newest = datetime(2024, 5, 1, tzinfo=timezone.utc)
    dates = {r: datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=rng.randint(-5, 5))))
             + timedelta(seconds=rng.randint(0, 10**8)) for r in routes[::2]}
    urls = Urls(base, path, "{year}/{month}/{slug}/")
    for chosen in (routes, [r for r in routes if "\n" not in r], [], routes[:1]):
        assert feeds._urlset(urls, chosen, dates, newest) == reference(urls, chosen, dates, newest)
