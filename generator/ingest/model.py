"""The values the importer produces: a `Release` (one article) and its `Image`s."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Image:
    """Metadata of one photo block; `src` only when the capture gives an image address."""

    alt: str = ""
    title: str = ""
    caption: str = ""
    credit: str = ""
    virin: str = ""
    src: str = ""

    def as_dict(self) -> dict[str, str]:
        out = {"alt": self.alt, "title": self.title, "caption": self.caption, "credit": self.credit, "virin": self.virin}
        if self.src:
            out["src"] = self.src
        return out


@dataclass(frozen=True)
class Release:
    """One imported article. `body` is clean Markdown with `{{< figure N >}}` lines."""

    title: str                      # "" only on a draft whose headline could not be found
    date: date | datetime | None    # None only on a draft: no date anywhere in the capture
    body: str
    authors: tuple[str, ...] = ()
    source: str = ""
    kind: str = "story"
    summary: str = ""
    tags: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    seed: str = ""
    seed_sha256: str = ""
    review: tuple[str, ...] = ()    # why an editor must check it; a release with reasons is a draft
    language: str = ""              # ISO 639-1 code of the text ("" = not detected)
    slug: str = ""                  # chosen by the writer (unique per year); "" until then

    @property
    def draft(self) -> bool:
        return bool(self.review) or not self.title or self.date is None

    @property
    def day(self) -> date | None:
        return self.date.date() if isinstance(self.date, datetime) else self.date
