"""The last step for every release: the site's time zone, the language, and the reasons to review it.

Uncertain is not silent: a release with no headline, no date, a generic title or garbled text keeps
its reasons in `review` and is written as a draft (see `writer`).
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, tzinfo
from functools import lru_cache

from .chrome import chrome_kind, contact_runs, trailing_contact
from .model import Release
from .text import strip_marks

GENERIC_TITLE = re.compile(
    r"^(?:(?:press|news|media)[ -]?(?:release|statement|advisory|note)s?|pressemitteilung(?:en)?|presseinformation|"
    r"medienmitteilung(?:en)?|communiqu[ée](?: de presse)?|comunicado(?: de prensa)?|nota de prensa|comunicato(?: stampa)?|"
    r"statement|announcement|untitled|home|news|press|actualit[ée]s|noticias|aktuelles)[\s:.!-]*$", re.I)
MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf]|â€[\u0080-\u00bf™œ\u009d]|Â[\u00a0-\u00bf]|\ufffd")


def finish(release: Release, zone: tzinfo, site_language: str) -> Release:
    when = release.date
    if isinstance(when, datetime) and when.tzinfo is not None:
        when = when.astimezone(zone)
    reasons = list(release.review)
    said = " ".join(reasons)
    reasons += [r for r in _reasons(release) if r.split()[1] not in said]   # 'headline', 'date', 'title', …
    language = release.language or detect_language(release.title, release.body)
    if not language or language == (site_language or "en").split("-")[0].lower():
        language = ""
    return replace(release, date=when, review=tuple(reasons), language=language,
                   body=tidy_body(release.body))


def tidy_body(body: str) -> str:
    """Drop one-line blocks that are site chrome (see `chrome`), a lone thematic break, and a closing
    contact section, whatever format the release came from."""
    blocks = [b.strip("\n") for b in body.split("\n\n") if b.strip()]
    runs = contact_runs([_plain(b) for b in blocks])
    kept = [b for i, b in enumerate(blocks) if i not in runs and not _chrome_block(b)]
    kept = kept[:trailing_contact([_plain(b) for b in kept])]
    while kept and re.fullmatch(r"\s*(?:\*\s*){3,}|\s*(?:-\s*){3,}|\s*(?:_\s*){3,}", kept[-1]):
        kept.pop()
    text = "\n\n".join(kept)
    return text + "\n" if text else body


def _plain(block: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)
    return re.sub(r"\\(.)", r"\1", text).strip()


def _chrome_block(block: str) -> bool:
    if "\n" in block.strip() or block.startswith(("{{<", "- ", "1. ")):
        return False
    if not any(c.isalnum() for c in block) and not re.fullmatch(r"\s*(?:[*_-]\s*){3,}", block):
        return True     # a lone quotation mark or bullet left over from the page's decoration
    return bool(chrome_kind(re.sub(r"^#{1,6}\s+", "", _plain(block)).strip("*_ ")))


def _reasons(release: Release) -> list[str]:
    out = []
    if not release.title:
        out.append("no headline found: write the title")
    elif GENERIC_TITLE.match(release.title):
        out.append(f"generic title '{release.title}': write the release's own headline")
    if release.date is None:
        out.append("no date found anywhere in the capture: give it the release date")
    if garbled(release.body):
        out.append("garbled text (broken encoding or OCR): check the body against the original")
    return out


def garbled(body: str) -> bool:
    """Mojibake ('Ã©', 'â€™') or OCR letter soup ('M in is te r  f o r') in more than a trace."""
    text = strip_marks(body)
    if len(MOJIBAKE.findall(text)) >= 3:
        return True
    words = text.split()
    if len(words) < 40:
        return False
    single = sum(1 for w in words if len(w) == 1 and w.isalpha() and w.lower() not in "aiyoeàáé")
    return single / len(words) > 0.12


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(title: str, body: str) -> str:
    """ISO 639-1 code of the text when the guess is confident (py3langid), else ""."""
    sample = strip_marks(f"{title}\n{body}")[:3000]
    sample = re.sub(r"\(https?://[^)]*\)|https?://\S+|[#*_\\\[\]{}<>]", " ", sample)
    if len(sample.split()) < 8:
        return ""
    code, probability = _identifier().classify(sample)
    return code if probability >= 0.9 else ""
