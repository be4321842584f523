"""Summary cards between processes: a list page is ten cards in a frame, and a new release moves every page of the
front page's list (and of its tags', year's, source's lists) by one. At 10,000 releases a `pressroom build` after
adding one rendered ~1,100 list pages and, in a new process, every card on them again (~11,000). Cards are kept
in the cache by the file each article was read from (its hash), for one theme and config, in the chunks the parsed
files use: a build that made one card saves one chunk (the whole 10 MB took ~0.04 s to write again)."""
from __future__ import annotations

from ..cache import DiskCache, fingerprint
from ..content import Article
from ..render import CARD_TEMPLATE, Renderer
from .deps import Job, Keys
from .entries import CHUNKS, chunk_of
from .sources import FileEntry

NAME = "cards"
WORTH_LOADING = 40      # list pages to render before the saved cards are worth reading (~10 cards a page)

Cards = dict[str, tuple[Article, str]]      # source path -> (article, its card), as Renderer.cards holds them


def cards_key(keys: Keys) -> str:
    return fingerprint(NAME, keys.global_key, keys.tfp.get(CARD_TEMPLATE, b"").hex())


def saved_cards(renderer: Renderer, cache: DiskCache, keys: Keys, jobs: list[Job],
                entries: dict[str, FileEntry]) -> Cards | None:
    """In a build that renders many list pages, the summary cards saved by the last one, put in the renderer (and
    returned, to tell whether to save them again); None when not worth reading."""
    if sum(1 for job in jobs if job[0] == "l") < WORTH_LOADING:
        return None
    if not renderer.cards:
        renderer.cards.update(load_cards(cache, cards_key(keys), entries))
    return dict(renderer.cards)


def load_cards(cache: DiskCache, key: str, entries: dict[str, FileEntry]) -> Cards:
    """The saved cards of the articles the entries still hold (same file hash)."""
    cards: Cards = {}
    for number in range(CHUNKS):
        saved = cache.load(f"{NAME}-{number:02d}", key)
        if not isinstance(saved, dict):
            continue
        for path, (hashed, html) in saved.items():
            entry = entries.get(path)
            article = entry.loaded.article if entry is not None and entry.digest == hashed else None
            if article is not None:
                cards[path] = (article, html)
    return cards


def save_cards(cache: DiskCache, key: str, before: Cards, cards: Cards, entries: dict[str, FileEntry]) -> None:
    """Save again the chunks holding a card that rendering made or replaced since `before` (the cards loaded)."""
    parts: dict[int, dict[str, tuple[bytes, str]]] = {
        chunk_of(path): {} for path, (_, html) in cards.items() if before.get(path, (None, None))[1] is not html}
    for path, (article, html) in cards.items():
        part = parts.get(chunk_of(path)) if parts else None
        if part is not None and path in entries and entries[path].loaded.article is article:
            part[path] = (entries[path].digest, html)
    for number, part in parts.items():
        cache.save(f"{NAME}-{number:02d}", key, part)
