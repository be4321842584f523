"""The one place that knows the base path and turns routes into URLs and files.

A *route* is a page's address relative to the site root, without a leading slash:
'' for the front page, '2024/10/some-slug/', 'tags/', 'feed.xml'. Templates never join
paths by hand; they call `url(route)` (base-path aware) or `absolute_url(route)`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from anyascii import anyascii

from .config import Config, MenuItem

_NON_WORD = re.compile(r"[^a-z0-9]+")
SAFE_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


@lru_cache(maxsize=65536)
def slugify(text: str, max_length: int = 80) -> str:
    """'North Korea' -> 'north-korea'; ASCII only, stable, cached (called for every tag).

    Other scripts are transliterated (anyascii: 'مصر' -> 'msr', '中国' -> 'zhongguo'), and a '+' or '#'
    after a letter is spelled out, so 'C', 'C#' and 'C++' stay three slugs."""
    text = re.sub(r"(?<=[\w+])\+", "-plus", re.sub(r"(?<=\w)#", "-sharp", text))
    ascii_text = anyascii(unicodedata.normalize("NFKC", text))
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


# Routes of generated pages and files: an article may not take one, nor sit inside one.
RESERVED_ROUTES = frozenset({"tags/", "sources/", "authors/", "archive/", "search/", "page/", "static/", "feed.xml", "rss.xml", "feed.json",
                             "pagefind/", "sitemap.xml", "robots.txt", "404.html", "CNAME", ".nojekyll", "index.html"})
_RESERVED_NAMES = frozenset(name.lower().rstrip("/") for name in RESERVED_ROUTES)
_LISTING_ROUTE = re.compile(r"^\d{4}/(\d{2}/)?(page/\d+/)?$")
_SITEMAP = re.compile(r"^sitemap(-\d+)?\.xml$")


def takes_generated_route(route: str) -> bool:
    """True when an article at `route` (lowercased) would collide with a generated page or file, or sit inside one."""
    top = route.split("/", 1)[0]
    return route in RESERVED_ROUTES or top in _RESERVED_NAMES or bool(_SITEMAP.match(top) or _LISTING_ROUTE.match(route))


def paginated(route: str, number: int) -> str:
    """Route of page `number` (1-based) of the listing at `route`."""
    return route if number == 1 else f"{route}page/{number}/"


def output_file(route: str) -> str:
    """Relative output path for a route: directories get an index.html."""
    return route + "index.html" if route == "" or route.endswith("/") else route


@dataclass(frozen=True)
class Urls:
    base_url: str
    base_path: str
    permalink: str

    @classmethod
    def from_config(cls, config: Config) -> "Urls":
        return cls(config.base_url, config.base_path, config.permalink)

    def article(self, slug: str, date: datetime) -> str:
        path = self.permalink.format(
            year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}", slug=slug
        )
        return path.lstrip("/")

    def url(self, route: str) -> str:
        """Site-absolute URL ('/REPO/2024/'), correct at a domain root and under a project path."""
        return self.base_path + route

    def absolute_url(self, route: str) -> str:
        return self.base_url + route

    @staticmethod
    def tag(slug: str) -> str:
        return f"tags/{slug}/"

    @staticmethod
    def source(slug: str) -> str:
        return f"sources/{slug}/"

    @staticmethod
    def author(slug: str) -> str:
        return f"authors/{slug}/"

    @staticmethod
    def source_of(name: str) -> str:
        """The page of an issuing office, from its name as written."""
        return Urls.source(slugify(name))

    @staticmethod
    def author_of(name: str) -> str:
        """The page of an author, from the name as written."""
        return Urls.author(slugify(name))

    @staticmethod
    def year(year: int) -> str:
        return f"{year:04d}/"

    @staticmethod
    def month(year: int, month: int) -> str:
        return f"{year:04d}/{month:02d}/"


@dataclass(frozen=True)
class MenuLink:
    label: str
    href: str
    current: bool       # the page being shown: marked aria-current="page"
    external: bool


def menu_links(items: tuple[MenuItem, ...], urls: Urls, route: str) -> list[MenuLink]:
    """The `[[menu]]` entries as links for the page at `route`: pages under the base path, root-relative addresses
    moved under it too, web addresses as written."""
    links = []
    for item in items:
        if item.page:
            target = item.page.strip("/") + "/"
            links.append(MenuLink(item.title, urls.url(target), route == target, False))
        elif item.url.startswith("/") and not item.url.startswith("//"):
            links.append(MenuLink(item.title, urls.url(item.url.lstrip("/")), route == item.url.lstrip("/"), False))
        else:
            links.append(MenuLink(item.title, item.url, False, True))
    return links
