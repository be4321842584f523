"""Site -> (route, bytes) pages through the Jinja2 theme chain.

Themes override by file name: the site's `themes/<name>/` first, then the built-in
default theme. Templates receive plain data and two URL functions; they compute nothing.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .config import Config, shipped_themes
from .content import Article, Page
from .model import Listing, Site
from .i18n import Words
from .structured import Presenter
from .urls import Urls, menu_links

FEEDS = (("feed.xml", "application/atom+xml", "Atom"), ("rss.xml", "application/rss+xml", "RSS"),
         ("feed.json", "application/feed+json", "JSON Feed"))
LIST_TEMPLATES = {"home": "index.html", "tag": "tag.html", "year": "year.html", "month": "month.html",
                  "source": "taxonomy.html", "author": "taxonomy.html"}
CARD_TEMPLATE = "summary_card.html"   # one article's card in a list, rendered once and reused (`summary_card()`)


def default_theme_dir() -> Path:
    return shipped_themes() / "default"


def theme_dirs(config: Config) -> list[Path]:
    """The theme chain, most specific first."""
    chain = []
    site_theme = config.site_dir / "themes" / config.theme
    if site_theme.is_dir():
        chain.append(site_theme)
    elif (default_theme_dir().parent / config.theme).is_dir():   # a theme shipped with Pressroom ('uswds')
        chain.append(default_theme_dir().parent / config.theme)
    if config.theme != "default" and (config.site_dir / "themes" / "default").is_dir():
        chain.append(config.site_dir / "themes" / "default")
    builtin = default_theme_dir()
    if builtin.resolve() not in [d.resolve() for d in chain]:
        chain.append(builtin)
    return chain


def static_files(config: Config) -> dict[str, Path]:
    """Output route -> source file for every static file: the themes', then the site's own `static/` (which wins),
    published at `/static/`."""
    found: dict[str, Path] = {}
    for static in [theme / "static" for theme in reversed(theme_dirs(config))] + [config.site_dir / "static"]:
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found["static/" + path.relative_to(static).as_posix()] = path
    return found


def format_date(moment: datetime, style: str = "long", language: str = "en") -> str:
    """'January 5, 2025' (`long`), 'January 2025' (`month`) or ISO 8601 (`iso`), in `language` (Babel)."""
    return Words(language).date(moment, style)


def json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script> element: '<', '>' and '&' escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Environment(jinja2.Environment):
    """Each template's globals as one flat dict rather than Jinja's ChainMap over the environment's (the renderer sets
    every global before it loads a template): `{% from "_macros.html" import ... %}` compares the two templates'
    global names on every page, a set difference that is slow Python over a ChainMap and C over a dict."""

    def make_globals(self, d: Mapping[str, Any] | None) -> Any:
        return {**self.globals, **(d or {})}


class ThemeLoader(jinja2.FileSystemLoader):
    """The theme chain's templates; a name found in none of its folders is remembered as missing (an optional
    `{% include ... ignore missing %}` is otherwise looked for in every folder for every page)."""

    def __init__(self, searchpath: list[str]) -> None:
        super().__init__(searchpath)
        self.missing: dict[str, str | None] = {}     # name -> the message it was not found with

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        if template in self.missing:
            raise jinja2.TemplateNotFound(template, self.missing[template])
        try:
            return super().get_source(environment, template)
        except jinja2.TemplateNotFound as exc:
            self.missing[template] = exc.message
            raise


@dataclass
class Renderer:
    config: Config
    urls: Urls
    env: jinja2.Environment
    static_versions: dict[str, str]
    cards: dict[str, tuple[Article, str]] = field(default_factory=dict, repr=False)   # source path -> (article, its card)

    @classmethod
    def create(cls, config: Config) -> "Renderer":
        # A renderer lives for one state of the theme (the builder makes a new one when a template changes), so
        # templates are not looked at again on disk for every page (auto_reload), nor missing ones looked for again.
        env = _Environment(
            loader=ThemeLoader([str(d / "templates") for d in theme_dirs(config)]),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
        )
        urls = Urls.from_config(config)
        words = Words.load(config.language, theme_dirs(config))   # the theme's words, dates (i18n.py)
        versions = {route: hashlib.sha256(path.read_bytes()).hexdigest()[:10] for route, path in static_files(config).items()}
        env.globals.update(url=urls.url, absolute_url=urls.absolute_url, config=config, feeds=FEEDS,
                           asset=lambda route: f"{urls.url(route)}?v={versions.get(route, '0')}",
                           has_asset=lambda route: route in versions)
        env.globals.update(month_names=words.month_names, t=words.html, tn=words.html_n, words=words)
        env.globals.update(tag_route=Urls.tag, year_route=Urls.year, month_route=Urls.month, source_route=Urls.source_of,
                           author_route=Urls.author_of)
        env.globals["menu"] = lambda route: menu_links(config.menu, urls, route)    # [[menu]] in pressroom.toml
        env.filters["date"] = words.date
        env.filters["json_ld"] = json_ld
        renderer = cls(config, urls, env, versions)
        env.globals["summary_card"] = renderer.summary_card
        env.globals["present"] = Presenter(config, urls, asset=env.globals["asset"], words=words)   # see structured.py
        return renderer

    @property
    def words(self) -> Words:
        """The theme's words in the site's language (part of every page's dependency key)."""
        return self.env.globals["words"]

    def localised(self, listing: Listing) -> Listing:
        """A front-page or month listing titled in the site's language ('Derniers communiqués', 'janvier 2025')."""
        words = self.words
        if listing.kind == "home":
            title = words.t(listing.title)
        elif listing.kind == "month":
            title = words.month_year(int(listing.key[:4]), int(listing.key[5:7]))
        else:
            return listing
        return listing if title == listing.title else replace(listing, title=title)

    def summary_card(self, article: Article) -> Markup:
        """`summary_card.html` for `article`, rendered once and reused by every list page that shows it."""
        hit = self.cards.get(article.source_path)
        if hit is None or hit[0] is not article:
            hit = (article, self.env.get_template(CARD_TEMPLATE).render(article=article))
            self.cards[article.source_path] = hit
        return Markup(hit[1])

    def page(self, template: str, route: str, **context: Any) -> bytes:
        return self.env.get_template(template).render(route=route, **context).encode("utf-8")

    def article(self, site: Site, article: Article) -> bytes:
        links = site.neighbours[article.route]
        return self.page("article.html", article.route, article=article, newer=links.newer, older=links.older,
                         related=links.related, structured_data=self._structured_data(article),
                         image_url=self._image_url(article))

    def listing(self, listing: Listing, site: Site | None = None) -> bytes:
        """`site` (optional) lets a month page show its count and neighbouring months."""
        return self.page(LIST_TEMPLATES[listing.kind], listing.route, listing=self.localised(listing), years=site.years if site else None)

    def standalone(self, page: Page) -> bytes:
        """A page of `content/pages/` (About, Contact...) through `page.html`."""
        return self.page("page.html", page.route, page=page)

    def redirect(self, alias: str, target: str) -> bytes:
        """The page left at an old URL (`aliases:`): sends the reader, and search engines, to `target`."""
        return self.page("alias.html", alias, target=target)

    def site_pages(self, site: Site) -> Iterator[tuple[str, bytes]]:
        """The pages besides articles and listings (few and cheap: rebuilt on every build)."""
        yield "tags/", self.page("tags.html", "tags/", tags=site.tags)
        yield "archive/", self.page("archive.html", "archive/", years=site.years, total=len(site.articles))
        yield "search/", self.page("search.html", "search/")
        yield "404.html", self.page("404.html", "404.html")

    def _structured_data(self, article: Article) -> str:
        return json_ld(self.env.globals["present"].article_data(article))

    def _image_url(self, article: Article) -> str:
        """Absolute URL of the article's share image, or '' when it has none."""
        if not article.image:
            return ""
        return article.image if "://" in article.image else self.urls.absolute_url(article.image.lstrip("/"))
