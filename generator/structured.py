"""What a page says about itself, computed in Python: schema.org JSON-LD, Open Graph values, the site's
identity (press office, logo, icon, footer links, media contact) and the small presentation facts lists need
(lead image, the release that leads the front page, a month's count and neighbours).

Templates receive one object, `present` (a `Presenter`), and only print what it returns; the JSON-LD dicts
go through the `json_ld` filter, which escapes them for a <script> element.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from markupsafe import Markup

from .config import Config
from .content import Article
from .i18n import Words
from .markup import is_unsafe_url
from .urls import Urls

ICON_SVG = "static/icon.svg"        # the theme's icon (a site overrides it by file name, or with `icon`)
ICON_PNG = "static/icon-512.png"    # raster fallback: apple-touch-icon, JSON-LD logo, share image of last resort
FOOTER_LINKS = (("about_url", "About"), ("contact_url", "Contact"), ("accessibility_url", "Accessibility"),
                ("privacy_url", "Privacy"))
# Python-Markdown's figure markup puts a figure's title, caption and credit side by side with no space between
# them; a reader's eye sees blocks (CSS), but a search index reads "Check-InRed Oak". Give it the spaces.
_FIGURE_JOINS = (('</strong><span class="figure-caption">', '</strong> <span class="figure-caption">'),
                 ('</strong><small class="figure-credit">', '</strong> <small class="figure-credit">'),
                 ('</span><small class="figure-credit">', '</span> <small class="figure-credit">'))


@dataclass(frozen=True)
class Link:
    label: str
    href: str


@dataclass(frozen=True)
class Identity:
    """Who publishes the site, as every page shows it."""

    office: str               # the press office (JSON-LD publisher); the site title unless `office` is set
    logo: str                 # site-absolute URL of the logo shown in the header
    logo_absolute: str        # absolute URL of a raster logo (JSON-LD publisher.logo)
    icon: str                 # site-absolute URL of the favicon (SVG unless the site gives another)
    icon_type: str
    touch_icon: str           # PNG fallback for browsers and home screens without SVG icons
    links: tuple[Link, ...]   # footer: about, contact, accessibility, privacy (those the site sets)
    licence: Link | None      # footer: the licence of the content
    media_contact: str        # text, e.g. "Press office: +1 202 555 0100"
    media_email: str


@dataclass(frozen=True)
class MonthNav:
    count: int                        # releases in the month (all pages)
    newer: tuple[str, str] | None     # (label, route) of the next month with releases
    older: tuple[str, str] | None     # (label, route) of the previous month with releases


class Presenter:
    """Every value a template shows that needs more than a lookup. One per build (the `present` global)."""

    def __init__(self, config: Config, urls: Urls, asset: Any = None, words: Words | None = None) -> None:
        self.config = config
        self.words = words or Words(config.language)     # labels and month names in the site's language
        self.urls = urls
        self._asset = asset or urls.url     # asset(route): a static file's URL with its cache-busting version

    # ---- URLs ---------------------------------------------------------------------------------------------------

    def href(self, value: str) -> str:
        """A configured link: absolute URLs and mailto:/tel: stay as they are, anything else is a route on the site."""
        value = value.strip()
        if not value or is_unsafe_url(value):
            return ""
        if "://" in value or value.startswith(("mailto:", "tel:", "#")):
            return value
        return self.urls.url(value.lstrip("/"))

    def absolute(self, value: str) -> str:
        """Absolute URL of a site path or URL ('' stays '')."""
        value = value.strip()
        if not value or is_unsafe_url(value):
            return ""
        if "://" in value:
            return value
        return self.urls.absolute_url(value.lstrip("/"))

    @cached_property
    def address(self) -> str:
        """The site's address as people read it: 'example.gov' or 'example.gov/news' (no scheme, no slash)."""
        return self.urls.absolute_url("").split("://", 1)[-1].rstrip("/")

    def author_route(self, name: str) -> str:
        """Route of an author's page: `authors/<slug>/`."""
        return Urls.author_of(name)

    # ---- identity -----------------------------------------------------------------------------------------------

    @cached_property
    def identity(self) -> Identity:
        config = self.config
        icon = config.icon
        logo = config.logo
        icon_href = self.href(icon) if icon else self._asset(ICON_SVG)
        extension = (icon or ICON_SVG).split("?")[0].rsplit(".", 1)[-1].lower()
        icon_type = {"svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon"}.get(extension, "")
        raster_logo = logo if logo and not logo.lower().endswith(".svg") else ICON_PNG
        links = tuple(Link(self.words.t(label), self.href(getattr(config, key))) for key, label in FOOTER_LINKS
                      if self.href(getattr(config, key)))
        licence_name, licence_url = config.licence, config.licence_url
        licence = Link(licence_name or self.words.t("Licence"), self.href(licence_url)) if licence_name or licence_url else None
        return Identity(
            office=config.office or config.title,
            logo=self.href(logo) if logo else "",
            logo_absolute=self.absolute(raster_logo),
            icon=icon_href, icon_type=icon_type, touch_icon=self._asset(ICON_PNG),
            links=links, licence=licence,
            media_contact=config.media_contact, media_email=config.media_email,
        )

    def _publisher(self) -> dict[str, Any]:
        identity = self.identity
        return {"@type": "Organization", "@id": self.urls.absolute_url("") + "#publisher", "name": identity.office,
                "url": self.urls.absolute_url(""),
                "logo": {"@type": "ImageObject", "url": identity.logo_absolute}}

    # ---- articles -----------------------------------------------------------------------------------------------

    def images(self, article: Article) -> list[str]:
        """Absolute URLs of the article's pictures: front matter `image`, then every `images[].src`."""
        found = [self.absolute(article.image)] if article.image else []
        found += [self.absolute(image.src) for image in article.images if image.src]
        return list(dict.fromkeys(url for url in found if url))

    def share_image(self, article: Article | None = None) -> str:
        """og:image: the article's first picture, else the site's raster logo."""
        pictures = self.images(article) if article is not None else []
        return pictures[0] if pictures else self.identity.logo_absolute

    def share_image_alt(self, article: Article | None = None) -> str:
        if article is not None and self.images(article):
            for image in article.images:
                if image.src and image.alt and self.absolute(image.src) == self.images(article)[0]:
                    return image.alt
            return ""
        return f"{self.identity.office} logo"

    def lead_image(self, article: Article) -> tuple[str, str] | None:
        """(site-absolute URL, alt text) of the picture a list shows for this release, or None."""
        if article.image:
            alt = next((i.alt for i in article.images if i.src == article.image), "")
            return (self.href(article.image), alt) if self.href(article.image) else None
        for image in article.images:
            if image.src and self.href(image.src):
                return self.href(image.src), image.alt
        return None

    def body(self, article: Article) -> Markup:
        """The article's HTML with a space between a figure's title, caption and credit (for search excerpts)."""
        html = article.html
        if "figure-" in html:
            for old, new in _FIGURE_JOINS:
                html = html.replace(old, new)
        return Markup(html)

    def article_data(self, article: Article) -> dict[str, Any]:
        """schema.org NewsArticle (with its BreadcrumbList) for one release."""
        url = self.urls.absolute_url(article.route)
        data: dict[str, Any] = {
            "@type": "NewsArticle", "@id": url + "#article", "headline": article.title,
            "description": article.summary, "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url, "breadcrumb": self.article_breadcrumbs(article)},
            "datePublished": article.date.isoformat(), "dateModified": article.updated.isoformat(),
            "inLanguage": article.language or self.config.language,
            "image": self.images(article) or [self.identity.logo_absolute],
            "author": [{"@type": "Person", "name": name, "url": self.urls.absolute_url(self.author_route(name))}
                       for name in article.authors]
            or [{"@type": "Organization", "name": article.source or self.identity.office,
                 "url": self.urls.absolute_url("")}],
            "publisher": self._publisher(),
        }
        if article.source:
            data["sourceOrganization"] = {"@type": "Organization", "name": article.source}
        if article.contact:
            contact = article.contact
            point = {"@type": "ContactPoint", "contactType": "media relations", "name": contact.name,
                     "email": contact.email, "telephone": contact.phone, "jobTitle": contact.role}
            data.setdefault("sourceOrganization", {"@type": "Organization", "name": self.identity.office})
            data["sourceOrganization"]["contactPoint"] = {k: v for k, v in point.items() if v}
        if article.tags:
            data["keywords"] = [tag.name for tag in article.tags]
        return {"@context": "https://schema.org", **data}

    def article_breadcrumbs(self, article: Article) -> dict[str, Any]:
        """BreadcrumbList of an article page, as its visible breadcrumb shows it (plus the article itself);
        the NewsArticle carries it as `mainEntityOfPage.breadcrumb`, so an article page has one JSON-LD block."""
        year, month = article.date.year, article.date.month
        crumbs = self._breadcrumbs([(self.words.t("Home"), ""), (str(year), Urls.year(year)),
                                    (self.words.month_year(year, month), Urls.month(year, month)), (article.title, article.route)])
        crumbs.pop("@context")    # it lives inside the NewsArticle's WebPage
        return crumbs

    # ---- lists and the front page -------------------------------------------------------------------------------

    def breadcrumb_items(self, listing: Any) -> list[tuple[str, str]]:
        """(label, route) of the trail to a listing, the listing itself last."""
        kind, key = listing.kind, listing.key
        if kind == "tag":
            trail = [(self.words.t("Home"), ""), (self.words.t("Topics"), "tags/")]
        elif kind == "year":
            trail = [(self.words.t("Home"), ""), (self.words.t("Archive"), "archive/")]
        elif kind == "month":
            trail = [(self.words.t("Home"), ""), (self.words.t("Archive"), "archive/"), (key[:4], Urls.year(int(key[:4])))]
        else:
            return [(self.words.t("Home"), "")]
        return trail + [(listing.title, listing.route)]

    def _breadcrumbs(self, items: Sequence[tuple[str, str]]) -> dict[str, Any]:
        return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": n, "name": label, "item": self.urls.absolute_url(route)}
            for n, (label, route) in enumerate(items, 1)]}

    def listing_data(self, listing: Any) -> dict[str, Any]:
        """BreadcrumbList for tag, year and month pages; WebSite and Organization for the front page."""
        if listing.kind == "home":
            return self.site_data()
        return self._breadcrumbs(self.breadcrumb_items(listing))

    def site_data(self) -> dict[str, Any]:
        """WebSite (with its search) and the Organization that publishes it."""
        home = self.urls.absolute_url("")
        website: dict[str, Any] = {
            "@type": "WebSite", "@id": home + "#website", "name": self.config.title, "url": home,
            "description": self.config.description, "inLanguage": self.config.language,
            "publisher": {"@id": home + "#publisher"},
        }
        if self.config.search:
            website["potentialAction"] = {"@type": "SearchAction",
                                          "target": {"@type": "EntryPoint",
                                                     "urlTemplate": self.urls.absolute_url("search/") + "?q={search_term_string}"},
                                          "query-input": "required name=search_term_string"}
        organization = self._publisher()
        same_as = [link.href for link in self.identity.links if link.href.startswith("http")]
        if self.identity.media_email:
            organization["email"] = self.identity.media_email
        if same_as:
            organization["sameAs"] = same_as
        return {"@context": "https://schema.org", "@graph": [website, organization]}

    def lead(self, listing: Any) -> Article | None:
        """The release that leads the first page of the front page: the newest `featured: true` one, else the newest."""
        if listing.kind != "home" or listing.pager.number != 1 or not listing.articles:
            return None
        return next((a for a in listing.articles if a.featured), listing.articles[0])

    def rest(self, listing: Any) -> tuple[Article, ...]:
        """The releases of a listing after its lead (all of them when it has none)."""
        lead = self.lead(listing)
        return tuple(a for a in listing.articles if a is not lead)

    def month_nav(self, listing: Any, years: Iterable[Any] | None) -> MonthNav | None:
        """A month page's count and its neighbouring months, from the site's years (newest first)."""
        if listing.kind != "month" or years is None:
            return None
        months = [m for year in years for m in year.months]          # newest first
        for n, month in enumerate(months):
            if f"{month.year:04d}/{month.month:02d}" == listing.key:
                label = lambda m: self.words.month_year(m.year, m.month)  # noqa: E731
                newer = months[n - 1] if n > 0 else None
                older = months[n + 1] if n + 1 < len(months) else None
                return MonthNav(month.count, (label(newer), newer.route) if newer else None,
                                (label(older), older.route) if older else None)
        return None
