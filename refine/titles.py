"""Titles: clean text without the boilerplate TED puts in front ("Country – CPV label – ", "Country-Town: ")."""

from __future__ import annotations

import re
from functools import lru_cache

from refine.clean import clean_text, truncate

TITLE_MAX_CHARS = 500

# Country names as TED writes them in front of titles ("Belgique-Bruxelles: ...", "Belgium – CPV label – title"),
# in the languages our members read plus German (TED's other frequent language for Belgian notices).
_COUNTRIES = frozenset(
    name.casefold()
    for name in [
        "Belgique",
        "Belgium",
        "België",
        "Belgien",
        "Luxembourg",
        "Luxemburg",
        "France",
        "Frankrijk",
        "Frankreich",
        "Nederland",
        "Netherlands",
        "Pays-Bas",
        "Niederlande",
        "Deutschland",
        "Germany",
        "Allemagne",
        "Duitsland",
        "Italia",
        "Italy",
        "Italie",
        "Italië",
        "Italien",
        "España",
        "Spain",
        "Espagne",
        "Spanje",
        "Spanien",
        "Portugal",
        "Österreich",
        "Austria",
        "Autriche",
        "Oostenrijk",
        "Ireland",
        "Irlande",
        "Ierland",
        "Irland",
        "Danmark",
        "Denmark",
        "Danemark",
        "Denemarken",
        "Dänemark",
        "Sverige",
        "Sweden",
        "Suède",
        "Zweden",
        "Schweden",
        "Suomi",
        "Finland",
        "Finlande",
        "Finnland",
        "Polska",
        "Poland",
        "Pologne",
        "Polen",
        "Česko",
        "Czechia",
        "Tchéquie",
        "Tsjechië",
        "Tschechien",
        "Slovensko",
        "Slovakia",
        "Slovaquie",
        "Slowakije",
        "Slowakei",
        "Slovenija",
        "Slovenia",
        "Slovénie",
        "Slovenië",
        "Slowenien",
        "Hrvatska",
        "Croatia",
        "Croatie",
        "Kroatië",
        "Kroatien",
        "Magyarország",
        "Hungary",
        "Hongrie",
        "Hongarije",
        "Ungarn",
        "România",
        "Romania",
        "Roumanie",
        "Roemenië",
        "Rumänien",
        "Bulgaria",
        "Bulgarie",
        "Bulgarije",
        "Bulgarien",
        "Ελλάδα",
        "Greece",
        "Grèce",
        "Griekenland",
        "Griechenland",
        "Κύπρος",
        "Cyprus",
        "Chypre",
        "Cyprus",
        "Zypern",
        "Malta",
        "Malte",
        "Eesti",
        "Estonia",
        "Estonie",
        "Estland",
        "Latvija",
        "Latvia",
        "Lettonie",
        "Letland",
        "Lettland",
        "Lietuva",
        "Lithuania",
        "Lituanie",
        "Litouwen",
        "Litauen",
        "Norge",
        "Norway",
        "Norvège",
        "Noorwegen",
        "Norwegen",
        "Island",
        "Iceland",
        "Islande",
        "IJsland",
        "Schweiz",
        "Suisse",
        "Switzerland",
        "Zwitserland",
        "Svizzera",
        "Liechtenstein",
    ]
) | {"united kingdom", "royaume-uni", "verenigd koninkrijk", "vereinigtes königreich"}
_DASH_SPLIT = re.compile(r"\s+[–—-]\s+")
_COUNTRY_TOWN = re.compile(r"^(?P<prefix>[^:]{2,80}?):\s+(?P<rest>\S.*)$")


def clean_title(value: object) -> str:
    """A title without TED's "Country – CPV label – " or "Country-Town: " boilerplate."""
    # Sources repeat titles (each occurrence of a recurring event, each run of a feed): remembered per text.
    return _clean_title_text(value) if isinstance(value, str) else _clean_title(value)


def _clean_title(value: object) -> str:
    text = clean_text(value)
    for _ in range(3):  # to a fixed point, so cleaning a clean title changes nothing
        stripped = strip_title_boilerplate(text) if text else text
        if stripped == text:
            break
        text = stripped
    return truncate(text, TITLE_MAX_CHARS)


_clean_title_text = lru_cache(maxsize=8192)(_clean_title)


@lru_cache(maxsize=4096)
def _is_country_prefix(prefix: str, with_town: bool) -> bool:
    head = prefix.casefold().strip()
    if not with_town:
        return head in _COUNTRIES
    # "Belgique-Bruxelles", "België-Sint-Niklaas", "Royaume-Uni-Londres": country, hyphen, town.
    return any(head.startswith(country + "-") for country in _COUNTRIES)


def strip_title_boilerplate(title: str) -> str:
    if ":" in title:
        match = _COUNTRY_TOWN.match(title)
        if match and _is_country_prefix(match["prefix"], True):
            return match["rest"]
    # Three parts need two dashes: a title with one (often "Title – subtitle") is not split at all.
    if ("–" in title or "—" in title or " - " in title) and (
        title.count("–") + title.count("—") + title.count("-") >= 2
    ):
        parts = _DASH_SPLIT.split(title)
        # Only the three-part form: "Luxembourg – Appel à candidatures" from a feed keeps its country.
        if len(parts) >= 3 and _is_country_prefix(parts[0], False):
            return " – ".join(parts[2:])
    return title


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
DERIVED_TITLE_WORDS = 12


def derived_title(summary: str, url: str | None) -> str:
    """A title for an entry that has none (feeds and calendars allow it): the summary's first sentence, cut to
    a dozen words, else the page address without its scheme. Empty when there is neither."""
    if summary:
        first = _SENTENCE_END.split(summary.strip(), maxsplit=1)[0]
        words = first.split()
        return " ".join(words[:DERIVED_TITLE_WORDS]) + (" …" if len(words) > DERIVED_TITLE_WORDS else "")
    if url:
        return re.sub(r"^[a-z][a-z0-9+.-]*://(www\.)?", "", url, flags=re.I).rstrip("/")
    return ""
