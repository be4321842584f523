"""Site chrome, recognised by what it is rather than by the strings of any one site.

Kinds: navigation (skip links, breadcrumbs, back/next links, 'you are here'), sharing (a line of
social-network names or share/print/e-mail verbs), subscription (subscribe, newsletter, RSS, sign up),
comments (add/leave/post a comment, n comments), contact blocks (a 'contact' label, or a short line
that is mostly a phone number or an e-mail address), attachments and downloads (PDF/print links,
'download', file sizes), boilerplate (copyright, all rights reserved, cookies, JavaScript required),
end marks ('-30-', '###', '- end -') and category/tag trailers. Words are given for the languages
the importer reads (en, de, fr, es, it, pt, nl, hu): these are the words for the kinds, not strings
copied from a page.
"""
from __future__ import annotations

import re

_SOCIAL = r"(?:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|xing|instagram|youtube|mastodon|tumblr|e-?mail|email|mail|print|drucken|imprimer|imprimir|stampa|share|teilen|partager|compartir|condividi|tweet|copy link|link kopieren|print (?:this )?(?:page|article|release))"
_SHARE = re.compile(rf"^(?:(?:share|teilen|partager|compartir|condividi|megoszt\w*)(?: (?:this|on|via|auf|sur|en|su))?"
                    rf"(?: (?:page|article|story|release|post|link|seite|artikel|cette page|esta página|x|\w+:))?:?\s*)?"
                    rf"(?:{_SOCIAL}[\s,|/·•]*)*$", re.I)
_NAV = re.compile(
    r"^(?:(?:skip|jump) to .{1,40}|zum inhalt|zur navigation|aller au contenu|ir al contenido|vai ai contenuti|"
    r"torna ai contenuti|ugrás a\b.{0,80}|(?:back to|return to|zurück zu[mr]?|retour à(?: la)?|volver a(?:l)?|torna a(?:l|i)?)\s+"
    r"(?:top|the top|content|contents|main content|home(?:page)?|news|list|listing|overview|index|"
    r"inhalt|übersicht|startseite|liste|accueil|sommaire|inicio|contenido|listado|contenuti|elenco)|top of page|nach oben|"
    r"haut de page|(?:you are here|vous êtes ici|sie sind hier|usted está en|ti trovi in)\s*:?.{0,120}|"
    r"(?:home|accueil|startseite|inicio)\s*[>»/›].{0,120}|(?:previous|next) (?:article|post|story|release)|"
    r"menu|main menu|navigation|breadcrumbs?|search|suche|rechercher|buscar|cerca)[.!]?$", re.I)
_SUBSCRIBE = re.compile(
    r"^.{0,40}\b(?:subscribe|sign up|newsletter|rss(?: feed)?|abonnieren|abonnez|abonnement|suscrib\w*|iscriviti|"
    r"get (?:email|e-mail) updates|follow us|folgen sie uns|suivez-nous|síguenos|seguici)\b.{0,80}$", re.I)
_COMMENTS = re.compile(
    r"^(?:(?:add|leave|post|write|view|show)(?: a| your)? comments?|\d+ comments?|comments?(?: \(\d+\))?|no comments(?: yet)?|"
    r"kommentar(?:e|e schreiben)?|commentaires?|laisser un commentaire|comentarios?|deja un comentario|commenti|"
    r"be the first to comment.*)$", re.I)
_CONTACT_LABEL = re.compile(
    r"^(?:(?:media|press|news|editorial|investor|public)(?: relations)? )?(?:contacts?|contact information|kontakt|pressekontakt|"
    r"ansprechpartner\w*|contacto|contatti|contact presse|pressestelle|for (?:more|further) information,? (?:please )?contact|"
    r"(?:media|press) (?:inquiries|enquiries)|information for (?:the )?(?:press|media)|contacts? (?:de|pour) (?:la )?presse|"
    r"contacto de prensa|kontakt für (?:journalisten|medien)|rückfragen(?: bitte)?(?: an)?|relations (?:médiatiques|avec les médias|presse)|"
    r"contacts? médias?|relaciones con (?:los )?medios|ufficio stampa|pour (?:en savoir plus|plus d'informations?),? "
    r"(?:veuillez )?(?:communiquer avec|contacter)|para (?:más|mayor) información,? (?:contacte|contactar|comuníquese))\b", re.I)
_PHONE = re.compile(r"(?:\+?\d[\d ()./-]{6,}\d)")
CALL_IN = re.compile(r"\b(?:reporters?|participants?|dial|call|toll|passcode|password|conference|bridge|webinar|audio|"
                     r"zugangscode|einwahl|numéro d'accès)\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_DOWNLOAD = re.compile(
    r"^(?:.{0,80}\((?:pdf|doc|docx|xls|xlsx|ppt|zip)[,;]?\s*[\d.,]*\s*[kmg]?b?\)|"
    r"(?:download|herunterladen|télécharger|descargar?|scarica|printer[- ]friendly|print version|druckversion|pdf)\b.{0,80}|"
    r"(?:attachments?|documents? (?:joints?|adjuntos?)|anh[äa]nge?|allegati|downloads?)\s*:?|"
    r".{0,60}\b(?:pdf|docx?)\s*[,(]?\s*\d+(?:[.,]\d+)?\s*[kmg]b\)?)$", re.I)
_BOILERPLATE = re.compile(
    r"^(?:(?:©|\(c\)\s*(?:19|20)\d\d|copyright\s*(?:©|\(c\)|(?:19|20)\d\d)).{0,150}|.{0,100}(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    r"todos los derechos reservados).{0,20}|"
    r"this (?:site|website) uses cookies|we use cookies|cookies?\b.{0,120}(?:accept|akzeptieren|accepter|aceptar)|"
    r"(?=.{0,200}\bcookies?\b)(?=.{0,200}\b(?:site|website|seite|webseite|page|browser|besucher\w*|visitors?|"
    r"experience|erlebnis|navigation|utilis\w+|usamos|utilizamos|sitio|sito)\b).{10,300}|"
    r"(?:sorry, )?(?:you need to|please) enable javascript.{0,60}|javascript (?:is )?required.{0,60}|"
    r"advertisement|anzeige|publicité|publicidad|"
    r"(?:publié le|mis en ligne(?: le)?|mis à jour le|date de publication|published(?: on)?|posted(?: on)?|"
    r"(?:last )?updated(?: on)?|publication date|veröffentlicht(?: am)?|erstellt am|zuletzt aktualisiert(?: am)?|"
    r"publicado(?: el)?|fecha de publicación|actualizado(?: el)?|pubblicato(?: il)?)\s*:?|"
    r"(?:categor(?:y|ies)|tags?|filed under|posted in|schlagwörter|kategorie|catégories?|categorías?|etiquetas?)\s*:.{0,200})$", re.I)
_MEDIA = re.compile(r"^(?:foto|photo|image|picture|bild|imagen|immagine|vidéo|video|audio)(?: [\wáéíóú]+){0,2}$", re.I)
_BREADCRUMB = re.compile(r"^(?!.*\d)(?!.*\b[Bb]y\s)[^|.!?:]{1,60}(?:\s[|»›]\s[^|.!?]{1,60})+$")   # no date, no byline
_ATTACHMENT = re.compile(
    r"^(?:.{0,60}(?:download|descargar?|herunterladen|télécharger|scarica)|.{0,60}\b(?:documentos? adjuntos?|"
    r"documento adjunto|pièces? jointes?|anh[äa]nge?|attachments?|allegat[oi]))\s*:?$", re.I)
_SYNDICATION = re.compile(
    r"^(?:original[- ]content (?:von|from)|originalmeldung|distributed by|übermittelt durch|this (?:release|content|article) "
    r"(?:was|is) (?:originally )?(?:published|distributed|posted)|(?:source|quelle|fuente|source originale)\s*:|"
    r"view (?:the )?original|read (?:the )?original|voir l'original|archived? (?:from|copy)|"
    r"(?:official news )?published at\s+https?://|.{0,80}\boriginally (?:published|appeared) (?:at|on|in|by)\b)\b.{0,160}$", re.I)
_POST_NAV = re.compile(r"^(?:more|related|latest|other) (?:news|stories|articles|posts|releases)$|^read more\b.{0,40}$|"
                       r"^(?:\[[^\[\]]{2,30}\]\s*){2,}$", re.I)   # '[Date Prev] [Date Next] [Thread Index]'
END_MARK = re.compile(r"^(?:-+\s*30\s*-+|#{3,}|\\#{3}|-*\s*end\s*-*|\*{3}|—\s*end\s*—|-?\s*fin\s*-?|- ende -)$", re.I)


def chrome_kind(line: str) -> str:
    """'' for article text, else the kind of chrome the line is (for reports and tests)."""
    text = line.strip()
    if not text:
        return ""
    if END_MARK.match(text):
        return "end mark"
    if len(text) <= 400 and re.search(r"\b(?:previous|next|older|newer) (?:post|article|story|entry)\b", text, re.I) \
            and not re.search(r"[a-z]{2}[.!?]\s+[A-Z]", text):
        return "navigation"       # 'Headline A Previous post Headline B' from the pager under an article
    if len(text) > 200:
        return ""
    for kind, pattern in (("sharing", _SHARE), ("navigation", _NAV), ("navigation", _BREADCRUMB), ("navigation", _POST_NAV),
                          ("subscription", _SUBSCRIBE), ("comments", _COMMENTS), ("download", _DOWNLOAD),
                          ("download", _ATTACHMENT), ("media placeholder", _MEDIA), ("syndication", _SYNDICATION),
                          ("boilerplate", _BOILERPLATE)):
        if pattern.match(text):
            return kind
    if contact_line(text):
        return "contact"
    return ""


def contact_line(text: str) -> bool:
    """A contact label, or a short line that is mostly a phone number or an e-mail address."""
    if _CONTACT_LABEL.match(text):
        return True
    if len(text) > 120 or CALL_IN.search(text):
        return False     # an advisory's dial-in line is what it is about
    phones = [p for p in _PHONE.findall(text) if _phone_like(p)]
    rest = _EMAIL.sub("", text)
    for phone in phones:
        rest = rest.replace(phone, "")
    found = len(phones) + len(_EMAIL.findall(text))
    return found > 0 and len(rest.split()) <= 8 and not text.endswith((".", "?", "!"))


def _phone_like(value: str) -> bool:
    """Seven or more digits that are not a date ('19.01.2018', '2024-03-04') or a year range."""
    value = value.strip()
    if re.fullmatch(r"\d{1,2}[./-]\s?\d{1,2}[./-]\s?\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{4}\s?[-/]\s?\d{2,4}", value):
        return False
    return sum(c.isdigit() for c in value) >= 7


def is_chrome(line: str) -> bool:
    """Chrome to drop from a line list; a contact label stays so that `contact_runs` can drop its block."""
    return bool(chrome_kind(line)) and not is_contact_label(line)


def is_contact_label(text: str) -> bool:
    return bool(_CONTACT_LABEL.match(text.lstrip("#*_ ").strip())) and len(text.split()) <= 12


def contact_runs(blocks: list[str]) -> set[int]:
    """Indexes of contact sections anywhere: a contact label and the short blocks after it (names, roles,
    phone numbers, addresses) up to the next real paragraph."""
    drop: set[int] = set()
    for i, block in enumerate(blocks):
        if not is_contact_label(block):
            continue
        drop.add(i)
        for j in range(i + 1, len(blocks)):
            text = blocks[j].lstrip("#*_ ").strip()
            reach = j == i + 1 and len(text.split()) <= 60 and _reachable(text)   # 'Questions to press@x.org. …'
            if not reach and (len(text.split()) > 12 or text.endswith((".", "!", "?")) and not contact_line(text)):
                break
            if blocks[j].startswith("#") and j + 1 < len(blocks) and len(blocks[j + 1].split()) >= 20:
                break      # a section heading over a paragraph, not a name in the contact list
            drop.add(j)
    return drop


def _reachable(text: str) -> bool:
    return bool(_EMAIL.search(text)) or any(_phone_like(p) for p in _PHONE.findall(text))


def trailing_contact(blocks: list[str]) -> int:
    """Where a closing contact section starts (a contact label, then only short blocks with an address,
    phone number or e-mail), or len(blocks) when there is none."""
    for i in range(max(1, len(blocks) - 8), len(blocks)):
        head = blocks[i].lstrip("#* ").strip()
        if not _CONTACT_LABEL.match(head):
            continue
        rest = blocks[i:]
        words = sum(len(b.split()) for b in rest)
        if words <= 150 and any(_EMAIL.search(b) or any(_phone_like(p) for p in _PHONE.findall(b)) for b in rest):
            return i
    return len(blocks)
