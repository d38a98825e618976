"""Languages: the ones Vigie speaks to people, and the one normaliser of language codes that sources send."""

from __future__ import annotations

import re

# Interface and newsletter languages (hl): what Vigie writes in.
UI_LANGS = ("fr", "nl", "en")
# The Babel locale each interface language is written in: Belgian French and Dutch, British English.
UI_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
# Languages an item filter (lang=) and the detector know by name; any other ISO 639-1 code is kept as given.
ITEM_LANGS = ("fr", "nl", "en", "de")

# ISO 639-2 (bibliographic and terminological) -> ISO 639-1, for the EU's languages and Europe's neighbours,
# as TED and the EU portals write them ("FRA", "DUT", "NLD").
# fmt: off
_LANG3 = {
    "BUL": "bg", "CES": "cs", "CZE": "cs", "DAN": "da", "DEU": "de", "GER": "de", "ELL": "el", "GRE": "el",
    "ENG": "en", "EST": "et", "FIN": "fi", "FRA": "fr", "FRE": "fr", "GLE": "ga", "HRV": "hr", "HUN": "hu",
    "ITA": "it", "LAV": "lv", "LIT": "lt", "MLT": "mt", "NLD": "nl", "DUT": "nl", "POL": "pl", "POR": "pt",
    "RON": "ro", "RUM": "ro", "SLK": "sk", "SLO": "sk", "SLV": "sl", "SPA": "es", "SWE": "sv",
    "NOR": "no", "NOB": "nb", "NNO": "nn", "ISL": "is", "ICE": "is", "LTZ": "lb", "CAT": "ca", "EUS": "eu",
    "BAQ": "eu", "GLG": "gl", "SQI": "sq", "ALB": "sq", "MKD": "mk", "MAC": "mk", "SRP": "sr", "BOS": "bs",
    "TUR": "tr", "UKR": "uk", "RUS": "ru", "CYM": "cy", "WEL": "cy", "GLA": "gd",
}
# fmt: on
_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")


def normalise_lang(code: object) -> str | None:
    """ISO 639-1 from any language tag a source sends: "fr", "fr-BE", "en_US", "nl-nl", "FRA", "dut";
    None for anything else (an unknown three-letter code included)."""
    if not isinstance(code, str):
        return None
    match = _TAG.match(code)
    if not match:
        return None
    tag = match.group(1)
    return tag.lower() if len(tag) == 2 else _LANG3.get(tag.upper())
