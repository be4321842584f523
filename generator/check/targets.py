"""Where a link on the built site leads: a file of the output folder, somewhere else, or nowhere.

`Site` knows the output folder and the public base URL; `Site.resolve(page_url, link)` answers for one link
as a browser on the published site would follow it (relative links against the page, `..` removed).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

WEB_SCHEMES = ("http", "https", "")
TOP_ANCHORS = frozenset({"", "top"})     # '#' and '#top' scroll to the top of any page


@dataclass(frozen=True)
class Resolved:
    """A link followed: `file` (output-relative) when it is on this site, `problem` when it leads nowhere."""

    file: str = ""
    fragment: str = ""
    external: bool = False
    problem: str = ""


@dataclass
class Site:
    output_dir: Path
    base_url: str
    _memo: dict[str, Resolved] = field(default_factory=dict, repr=False)     # by URL path
    _links: dict[str, Resolved] = field(default_factory=dict, repr=False)    # by link (and page folder if relative)

    @property
    def base_path(self) -> str:
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc.lower()

    def page_url(self, rel: str) -> str:
        """Public URL of the output file `rel` ('2024/05/x/index.html' is served as '.../2024/05/x/')."""
        route = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
        return self.base_url.rstrip("/") + "/" + route

    def label(self, rel: str) -> str:
        """How a report names a page or feed: its path on the site, base path included."""
        return urlsplit(self.page_url(rel)).path

    def resolve(self, page_url: str, link: str) -> Resolved:
        """Follow `link` found on the page at `page_url` (remembered: a site repeats its links on every page)."""
        link = link.strip()
        independent = link.startswith(("/", "http:", "https:")) and not link.startswith("//")
        key = link if independent else page_url.rsplit("/", 1)[0] + "\0" + link
        hit = self._links.get(key)
        if hit is None:
            hit = self._links[key] = self._follow(page_url, link)
        return hit

    def _follow(self, page_url: str, link: str) -> Resolved:
        absolute = urljoin(page_url, link)
        parts = urlsplit(absolute)
        if parts.scheme.lower() not in WEB_SCHEMES or (parts.netloc and parts.netloc.lower() != self.host):
            return Resolved(external=True)
        fragment = unquote(parts.fragment)
        key = parts.path
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._file_of(unquote(parts.path))
        return Resolved(hit.file, fragment, problem=hit.problem) if hit.problem or fragment else hit

    def _file_of(self, path: str) -> Resolved:
        base = self.base_path
        if not path.startswith(base):
            if path + "/" == base:
                return Resolved("index.html")
            return Resolved(problem=f"outside the base path {base}")
        rel = path[len(base):]
        if ".." in rel.split("/") or "\\" in rel or "\0" in rel:
            return Resolved(problem="leaves the site")
        target = self.output_dir / rel
        if rel == "" or rel.endswith("/"):
            return Resolved(rel + "index.html") if (target / "index.html").is_file() else Resolved(problem="no such page")
        if target.is_file():
            return Resolved(rel)
        if (target / "index.html").is_file():    # served as a redirect to 'rel/'
            return Resolved(rel + "/index.html")
        return Resolved(problem="no such file")
