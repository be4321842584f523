"""Summary cards between processes: a list page is ten cards in a frame, and a new release moves every page of the
front page's list (and of its tags', year's, source's lists) by one. At 10,000 releases a `pressroom build` after
adding one rendered ~1,100 list pages and, in a new process, every card on them again (~11,000). Cards are kept
in the cache by the file each article was read from (its hash), for one theme and config."""
from __future__ import annotations

from ..cache import DiskCache, fingerprint
from ..content import Article
from ..render import CARD_TEMPLATE
from .deps import Keys
from .sources import FileEntry

NAME = "cards"
WORTH_LOADING = 40      # list pages to render before the saved cards are worth reading (~10 cards a page)

Cards = dict[str, tuple[Article, str]]      # source path -> (article, its card), as Renderer.cards holds them


def cards_key(keys: Keys) -> str:
    return fingerprint(NAME, keys.global_key, keys.tfp.get(CARD_TEMPLATE, b"").hex())


def load_cards(cache: DiskCache, key: str, entries: dict[str, FileEntry]) -> Cards:
    """The saved cards of the articles the entries still hold (same file hash)."""
    saved = cache.load(NAME, key)
    if not isinstance(saved, dict):
        return {}
    cards: Cards = {}
    for path, (hashed, html) in saved.items():
        entry = entries.get(path)
        article = entry.loaded.article if entry is not None and entry.digest == hashed else None
        if article is not None:
            cards[path] = (article, html)
    return cards


def save_cards(cache: DiskCache, key: str, cards: Cards, entries: dict[str, FileEntry]) -> None:
    cache.save(NAME, key, {path: (entries[path].digest, html) for path, (article, html) in cards.items()
                           if path in entries and entries[path].loaded.article is article})


def changed_cards(before: Cards, after: Cards) -> bool:
    """True when rendering made or replaced a card (the saved ones are out of date)."""
    return len(before) != len(after) or any(before.get(path, (None, None))[1] is not html
                                            for path, (_, html) in after.items())
