"""The links, images and anchors of one built HTML page, read with lxml."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

# (element, attribute, what it is): every place a page names another file of the site.
LINK_ATTRIBUTES = (("a", "href", "link"), ("area", "href", "link"), ("link", "href", "link"),
                   ("img", "src", "image"), ("source", "src", "image"), ("video", "poster", "image"),
                   ("video", "src", "file"), ("audio", "src", "file"), ("track", "src", "file"),
                   ("script", "src", "script"), ("iframe", "src", "link"), ("embed", "src", "file"),
                   ("object", "data", "file"), ("form", "action", "link"))
SRCSET = (("img", "srcset"), ("source", "srcset"))
SHARE_META = frozenset({"og:image", "og:url", "twitter:image", "og:image:url", "og:image:secure_url"})
_BY_TAG: dict[str, list[tuple[str, str]]] = {"meta": []}
for _tag, _attribute, _kind in LINK_ATTRIBUTES + tuple((tag, attribute, "image") for tag, attribute in SRCSET):
    _BY_TAG.setdefault(_tag, []).append((_attribute, _kind))
_PARSER = etree.HTMLParser(no_network=True)      # plain elements: faster than lxml.html's, all this needs
_REFRESH = re.compile(r"^\s*\d+\s*[;,]\s*url\s*=\s*['\"]?([^'\"]*)['\"]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    target: str     # as written in the page
    kind: str       # 'link', 'image', 'script', 'file'


@dataclass(frozen=True)
class Page:
    ids: frozenset[str]
    links: tuple[Link, ...]
    problem: str = ""       # the page itself could not be read


def read_page(path: Path) -> Page:
    """Every id (and `<a name>`) a fragment may point at, and every link, image and file the page uses."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Page(frozenset(), (), f"cannot read it ({exc.strerror})")
    if not data.strip():
        return Page(frozenset(), (), "empty page")
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        return Page(frozenset(), (), f"not HTML ({exc})")
    if root is None:
        return Page(frozenset(), (), "not HTML")
    ids = {str(value) for value in root.xpath("//@id")} | {str(v) for v in root.xpath("//a/@name")}
    return Page(frozenset(ids), tuple(page_links(root)))


def page_links(root: etree._Element) -> list[Link]:
    """Links in document order, by the table above, plus srcset candidates, share images and meta refresh."""
    found: list[Link] = []
    for element in root.iter(*_BY_TAG):
        for attribute, kind in _BY_TAG[element.tag]:
            value = element.get(attribute)
            if not value:
                continue
            if attribute == "srcset":
                found.extend(Link(candidate, "image") for candidate in srcset_urls(value))
            elif value.strip():
                found.append(Link(value, kind))
        if element.tag == "meta":
            found.extend(_meta_links(element))
    return found


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset ('a.jpg 1x, b.jpg 2x')."""
    return [part.split()[0] for part in value.split(",") if part.strip()]


def _meta_links(element: etree._Element) -> list[Link]:
    if (element.get("http-equiv") or "").lower() == "refresh":
        match = _REFRESH.match(element.get("content") or "")
        return [Link(match.group(1), "link")] if match and match.group(1).strip() else []
    name = (element.get("property") or element.get("name") or "").lower()
    content = element.get("content") or ""
    if name in SHARE_META and content.strip():
        return [Link(content, "image" if "image" in name else "link")]
    return []
