"""Tag vocabulary: countries (from pycountry, plus the names people use), regions and organizations.

`find_tags(title, body, extra=...)` returns, in a stable order, the display names of the
places and organizations an article is about: those named in its title, or named at
least twice in its text (a country's demonym counts: 'Ukrainians' is a mention of Ukraine).

The site can extend the vocabulary (pressroom.toml) with terms written as
``"Display"`` or ``"Display = alias, alias"``; a term with a capital letter matches
case-sensitively, an all-lowercase one matches any case.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pycountry

# Names people write for countries whose ISO names are formal ('Korea, Republic of').
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "KP": ("North Korea", "DPRK", "Democratic People's Republic of Korea"),
    "KR": ("South Korea", "Republic of Korea", "ROK"),
    "RU": ("Russia", "Russian Federation"),
    "IR": ("Iran", "Islamic Republic of Iran"),
    "SY": ("Syria",),
    "TW": ("Taiwan",),
    "VN": ("Vietnam", "Viet Nam"),
    "LA": ("Laos",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
    "MD": ("Moldova",),
    "CZ": ("Czech Republic", "Czechia"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "BN": ("Brunei",),
    "FM": ("Micronesia",),
    "PS": ("Palestinian Territories", "West Bank", "Gaza"),
    "CD": ("Democratic Republic of the Congo", "DRC", "DR Congo"),
    "CG": ("Republic of the Congo",),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire", "Ivory Coast"),
    "GB": ("United Kingdom", "U.K.", "Britain", "Great Britain"),
    "US": ("United States", "U.S.", "USA"),
    "VA": ("Holy See", "Vatican"),
    "MM": ("Burma", "Myanmar"),
    "KG": ("Kyrgyzstan", "Kyrgyz Republic"),
    "MK": ("North Macedonia",),
    "SZ": ("Eswatini",),
    "CV": ("Cabo Verde", "Cape Verde"),
    "TL": ("Timor-Leste", "East Timor"),
    "NL": ("Netherlands", "the Netherlands"),
    "PH": ("Philippines", "the Philippines"),
}
# Demonyms that no suffix rule can make.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "CN": ("Chinese",), "JP": ("Japanese",), "FR": ("French",), "GB": ("British",), "NL": ("Dutch",),
    "PH": ("Filipino", "Filipinos", "Philippine"), "IL": ("Israeli", "Israelis"), "IQ": ("Iraqi", "Iraqis"),
    "AF": ("Afghan", "Afghans"), "PK": ("Pakistani", "Pakistanis"), "YE": ("Yemeni", "Yemenis"),
    "TR": ("Turkish",), "ES": ("Spanish",), "PL": ("Polish",), "DK": ("Danish",), "SE": ("Swedish",),
    "FI": ("Finnish",), "CH": ("Swiss",), "GR": ("Greek", "Greeks"), "TH": ("Thai",), "VN": ("Vietnamese",),
    "PT": ("Portuguese",), "SA": ("Saudi", "Saudis"), "QA": ("Qatari", "Qataris"), "KW": ("Kuwaiti", "Kuwaitis"),
    "BD": ("Bangladeshi", "Bangladeshis"), "NZ": ("New Zealander", "New Zealanders"), "IE": ("Irish",),
    "LB": ("Lebanese",), "SD": ("Sudanese",), "SS": ("South Sudanese",), "TW": ("Taiwanese",),
    "MM": ("Burmese",), "NP": ("Nepali", "Nepalese"), "OM": ("Omani", "Omanis"), "AE": ("Emirati", "Emiratis"),
    "BH": ("Bahraini", "Bahrainis"), "SO": ("Somali", "Somalis"), "HU": ("Hungarian", "Hungarians"),
    "KP": ("North Korean", "North Koreans"), "KR": ("South Korean", "South Koreans"), "UA": ("Ukrainian", "Ukrainians"),
    "RU": ("Russian", "Russians"), "IR": ("Iranian", "Iranians"), "SY": ("Syrian", "Syrians"),
    "DE": ("German", "Germans"), "IT": ("Italian", "Italians"), "CA": ("Canadian", "Canadians"),
    "MX": ("Mexican", "Mexicans"), "AU": ("Australian", "Australians"), "IN": ("Indian",),
    "GT": ("Guatemalan", "Guatemalans"), "BW": ("Motswana", "Batswana"), "CI": ("Ivoirian", "Ivorian"),
    "KH": ("Cambodian", "Cambodians"), "DZ": ("Algerian", "Algerians"), "MA": ("Moroccan", "Moroccans"),
    "BG": ("Bulgarian", "Bulgarians"), "IS": ("Icelandic",), "LV": ("Latvian", "Latvians"), "GY": ("Guyanese",),
    "JO": ("Jordanian", "Jordanians"), "EG": ("Egyptian", "Egyptians"), "CO": ("Colombian", "Colombians"),
    "SG": ("Singaporean", "Singaporeans"), "ZA": ("South African", "South Africans"),
}
# Too ambiguous to tag on a bare name (a US state, a given name, a bird, a US demonym).
NOT_TAGGED = {"US"}
AMBIGUOUS_NAMES = {"Georgia", "Jordan", "Chad", "Turkey", "Guinea", "Niger", "Indian", "Greek", "Dominica"}

REGIONS: dict[str, tuple[str, ...]] = {
    "Indo-Pacific": ("Indo-Pacific", "Indo-Pacific region"),
    "Middle East": ("Middle East", "Mideast"),
    "Europe": ("Europe", "European"),
    "Africa": ("Africa", "African"),
    "Asia": ("Asia",),
    "Latin America": ("Latin America", "Latin American"),
    "Arctic": ("Arctic",),
    "Caribbean": ("Caribbean",),
    "Central Asia": ("Central Asia",),
    "East Asia": ("East Asia",),
    "Southeast Asia": ("Southeast Asia",),
    "Eastern Europe": ("Eastern Europe",),
    "Western Balkans": ("Western Balkans", "Balkans"),
    "Horn of Africa": ("Horn of Africa",),
    "Sahel": ("Sahel",),
    "South China Sea": ("South China Sea",),
    "Korean Peninsula": ("Korean Peninsula", "Korean peninsula"),
    "Pacific Islands": ("Pacific Islands",),
}
ORGANIZATIONS: dict[str, tuple[str, ...]] = {
    "NATO": ("NATO", "North Atlantic Treaty Organization"),
    "UN": ("United Nations", "U.N.", "UN"),
    "European Union": ("European Union", "EU", "E.U."),
    "ASEAN": ("ASEAN", "Association of Southeast Asian Nations"),
    "African Union": ("African Union",),
    "G7": ("G7", "G-7", "Group of Seven"),
    "G20": ("G20", "G-20", "Group of 20"),
    "OAS": ("Organization of American States", "OAS"),
    "OSCE": ("OSCE", "Organization for Security and Co-operation in Europe"),
    "APEC": ("APEC",),
    "IAEA": ("IAEA", "International Atomic Energy Agency"),
    "World Bank": ("World Bank",),
    "IMF": ("IMF", "International Monetary Fund"),
    "ISIS": ("ISIS", "ISIL", "Islamic State"),
    "Quad": ("the Quad",),
}


@dataclass(frozen=True)
class Term:
    display: str
    patterns: tuple[str, ...]
    min_mentions: int = 2


def _country_terms() -> list[Term]:
    terms = []
    for country in pycountry.countries:
        code = country.alpha_2
        if code in NOT_TAGGED:
            continue
        common = COMMON_NAMES.get(code, ())
        display = (common[0] if common else None) or getattr(country, "common_name", None) or country.name
        names = {display, country.name, *common}
        if getattr(country, "common_name", None):
            names.add(country.common_name)
        if getattr(country, "official_name", None) and "," not in country.official_name:
            names.add(country.official_name)
        names = {n for n in names if "," not in n}
        forms = set(names)
        for name in names:
            forms.update(d for d in _demonyms(name) if not any(other.startswith(d) for other in _all_names()))
        forms.update(DEMONYMS.get(code, ()))
        ambiguous = display in AMBIGUOUS_NAMES
        forms -= AMBIGUOUS_NAMES if not ambiguous else set()
        terms.append(Term(display, tuple(sorted(forms, key=len, reverse=True)), 3 if ambiguous else 2))
    return terms


@lru_cache(maxsize=1)
def _all_names() -> tuple[str, ...]:
    return tuple(c.name for c in pycountry.countries) + tuple(n for names in COMMON_NAMES.values() for n in names)


def _demonyms(name: str) -> set[str]:
    """Regular English demonyms: Ukraine -> Ukrainian(s), Russia -> Russian(s), Kenya -> Kenyan(s)."""
    if " " in name or not name.isalpha():
        return set()
    out = set()
    if name.endswith("ia") or name.endswith("a"):
        out.add(name + "n")
    elif name.endswith("e"):
        out.add(name[:-1] + "ian")
    elif name.endswith("y"):
        out.add(name[:-1] + "ian")
    elif name.endswith(("n", "l", "r")):
        out.add(name + "ian")
    return out | {d + "s" for d in out}


def _term(entry: str) -> Term | None:
    """'Space Force' or 'Space Force = USSF, U.S. Space Force'."""
    display, _, aliases = entry.partition("=")
    display = " ".join(display.split())
    if not display:
        return None
    forms = [display] + [" ".join(a.split()) for a in aliases.split(",") if a.strip()]
    return Term(display, tuple(sorted(set(forms), key=len, reverse=True)), 2)


@lru_cache(maxsize=8)
def vocabulary(extra: tuple[str, ...] = ()) -> tuple[Term, ...]:
    terms = _country_terms()
    terms += [Term(d, tuple(sorted(set(p), key=len, reverse=True))) for d, p in {**REGIONS, **ORGANIZATIONS}.items()]
    terms += [t for t in (_term(e) for e in extra) if t]
    return tuple(terms)


@lru_cache(maxsize=8)
def _matcher(extra: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, Term]]:
    owner: dict[str, Term] = {}
    for term in vocabulary(extra):
        for form in term.patterns:
            key = form if any(c.isupper() for c in form) else form.lower()
            owner.setdefault(key, term)
    forms = sorted(owner, key=len, reverse=True)
    sensitive = [re.escape(f) for f in forms if any(c.isupper() for c in f)]
    insensitive = [re.escape(f) for f in forms if not any(c.isupper() for c in f)]
    parts = []
    if sensitive:
        parts.append("(?P<s>" + "|".join(sensitive) + ")")
    if insensitive:
        parts.append("(?i:(?P<i>" + "|".join(insensitive) + "))")
    pattern = re.compile(r"(?<![\w.-])(?:" + "|".join(parts) + r")(?![\w-]|\.\w)")
    return pattern, owner


def count_mentions(text: str, extra: Sequence[str] = ()) -> dict[str, int]:
    pattern, owner = _matcher(tuple(extra))
    counts: dict[str, int] = {}
    for m in pattern.finditer(text.replace("’", "'")):
        key = m.group("s") if m.groupdict().get("s") else (m.group("i") or "").lower()
        term = owner.get(key)
        if term:
            counts[term.display] = counts.get(term.display, 0) + 1
    return counts


def find_tags(title: str, body: str, extra: Iterable[str] = (), limit: int = 8) -> list[str]:
    """Display names of the places and organizations the article is about, most-mentioned first."""
    extra = tuple(extra)
    in_title = count_mentions(title, extra)
    in_all = count_mentions(title + "\n" + body, extra)
    minimum = {t.display: t.min_mentions for t in vocabulary(extra)}
    chosen = [name for name, n in in_all.items() if name in in_title or n >= minimum.get(name, 2)]
    chosen.sort(key=lambda name: (name not in in_title, -in_all[name], name))
    return chosen[:limit]
