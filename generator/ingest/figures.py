"""Photo blocks in page text -> `Image` metadata, leaving a figure marker where they stood.

2024 defense.gov layout (six lines)::

    <alt text>
    <caption title>
    <caption>
    Download: Full Size (2.88 MB)
    Credit: <credit>
    VIRIN: <virin>

Older layout: '<title>' / '• Download Image: Full Size (1 MB)' / '• Photo By: <credit> VIRIN: <virin>.JPG'.
A lone caption ending in a credit such as '(AP Photo/Kevin Wolf)' is a photo block too.
"""
from __future__ import annotations

import re

from .model import Image
from .text import clean, looks_like_heading

_BULLET = r"^(?:[•*·-]\s*)?"
DOWNLOAD = re.compile(_BULLET + r"(?:Download(?: Image)?:?\s.*|DOWNLOAD HI-RES.*|PHOTO DETAILS|Full Size \(.*\))$", re.I)
CREDIT = re.compile(_BULLET + r"(?:Credit|Photo By|Photo Credit|Photo by):\s*(?P<credit>.*?)(?:\s+VIRIN:\s*(?P<virin>\S+))?$")
VIRIN = re.compile(_BULLET + r"VIRIN:\s*(?P<virin>\S+)$")
CAPTION_CREDIT = re.compile(
    r"\s*\((?P<credit>(?:AP|Reuters|AFP|Getty|DoD|DOD|Courtesy|U\.S\.[A-Za-z .]*?|Navy|Army|Air Force|Marine Corps|"
    r"Space Force|Coast Guard|National Guard|NASA|White House)[^()]*?(?:[Pp]hoto|[Ii]llustration|[Gg]raphic)\b[^()]*)\)\s*$")
TRAILING_CREDIT = re.compile(
    r"(?<=[.!?])\s+(?P<credit>(?:DoD|DOD|U\.S\. [A-Za-z ]+?|Navy|Army|Air Force|Marine Corps) photo by [^.]+(?:\.[^.]+)?)\.?$")


def is_meta(line: str) -> bool:
    return bool(DOWNLOAD.match(line) or CREDIT.match(line) or VIRIN.match(line))


def _virin(value: str) -> str:
    value = value.strip().rstrip(".")
    return re.sub(r"\.(?:jpe?g|png|gif|tiff?)$", "", value, flags=re.I)


def split_caption_credit(caption: str) -> tuple[str, str]:
    """'… Oct. 30, 2024. (U.S. Air Force photo/Jim Varhegyi)' -> (caption, 'U.S. Air Force photo/Jim Varhegyi')."""
    m = CAPTION_CREDIT.search(caption)
    if m:
        return caption[: m.start()].rstrip(), clean(m.group("credit"))
    m = LABELLED_CREDIT.search(caption)
    if m:
        return caption[: m.start()].rstrip(), clean(m.group("credit"))
    m = TRAILING_CREDIT.search(caption)
    if m:
        return caption[: m.start()].rstrip(), clean(m.group("credit"))
    return caption, ""


# '(Image credit: iStock)', '(Photo: Jane Roe)', '(Foto: Stadt X)' at the end of a caption
LABELLED_CREDIT = re.compile(r"\s*\((?:image|photo|picture|foto|bild|crédit photo|photo credit)s?(?: credit| by)?\s*:\s*"
                             r"(?P<credit>[^()]{1,80})\)\s*$", re.I)


def is_lone_caption(line: str) -> bool:
    return bool(CAPTION_CREDIT.search(line)) and len(line) > 40 or bool(LABELLED_CREDIT.search(line))


def extract_figures(lines: list[str]) -> tuple[list[str | int], list[Image]]:
    """Non-blank lines -> (lines with photo blocks replaced by 1-based image numbers, images)."""
    lines = [clean(line) for line in lines]
    lines = [line for line in lines if line]
    out: list[str | int] = []
    images: list[Image] = []
    i = 0
    while i < len(lines):
        if not is_meta(lines[i]):
            if is_lone_caption(lines[i]):
                caption, credit = split_caption_credit(lines[i])
                if out and isinstance(out[-1], str) and caption.startswith(out[-1]):
                    out.pop()    # the image's alt text, shown just before its caption
                if images and out and out[-1] == len(images) and images[-1].caption == caption:
                    i += 1   # the same caption shown twice (gallery + lightbox)
                    continue
                images.append(Image(caption=caption, credit=credit))
                out.append(len(images))
            else:
                out.append(lines[i])
            i += 1
            continue
        # caption lines before the first metadata line
        pre: list[str] = []
        while out and isinstance(out[-1], str) and len(pre) < 3:
            pre.insert(0, out.pop())
        alt, title, caption, taken = _caption_parts(pre)
        for line in pre[: len(pre) - taken]:
            out.append(line)
        credit = virin = ""
        while i < len(lines) and is_meta(lines[i]):
            line = lines[i]
            if m := CREDIT.match(line):
                credit = credit or clean(m.group("credit"))
                virin = virin or _virin(m.group("virin") or "")
            elif m := VIRIN.match(line):
                virin = virin or _virin(m.group("virin"))
            i += 1
        if not credit and caption:
            caption, credit = split_caption_credit(caption)
        images.append(Image(alt=alt, title=title, caption=caption, credit=credit, virin=virin))
        out.append(len(images))
    return out, images


def _caption_parts(pre: list[str]) -> tuple[str, str, str, int]:
    """Up to three lines before 'Download:' -> (alt, title, caption, how many lines were used)."""
    n = len(pre)
    if n >= 3 and looks_like_heading(pre[-2]) and not looks_like_heading(pre[-3]) and len(pre[-3]) <= 400:
        return pre[-3], pre[-2], pre[-1], 3
    if n >= 2 and looks_like_heading(pre[-2]):
        return "", pre[-2], pre[-1], 2
    if n >= 1 and looks_like_heading(pre[-1]):
        return "", pre[-1], "", 1
    if n >= 1:
        return "", "", pre[-1], 1
    return "", "", "", 0
