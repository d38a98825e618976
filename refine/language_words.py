"""Words that on their own say which language a short text is in, and the writing systems that do.

Two cheap signals for the texts a character n-gram model is weakest on:
- a lexicon of very common function and domain words for fr/nl/en/de, for titles of three words or fewer;
- the script: a text written mostly in Cyrillic, Greek, Han, kana, Hangul, Arabic, Hebrew... is in one of the
  few languages written that way, never in French, Dutch, English or German.
"""

from __future__ import annotations

import re
from functools import lru_cache

from vigie.core.languages import ITEM_LANGS
from vigie.core.text import fold

# Only words that are NOT also common in one of the other three languages (so no "de", "en", "les", "service",
# "workshop", "festival", "project"). Accents are stripped before lookup, so list words without accents (except
# "à", kept as is: folded it would be the English "a").
LEXICON: dict[str, frozenset[str]] = {
    "fr": frozenset(
        """
        accord achat aide aides amenagement appel appels ateliers attribution au aux avec avis
        bourse bourses bruxelles cadre candidature candidatures chez cirque commune concours conseil
        creation d dans danse des du ecriture edition entre entretien et etude etudes formations
        fourniture fournitures gestion graphique journee l la le les marche marches matinee mise
         musique nouveau nouveaux nouvelle numerique ou par patrimoine photographe
        photographie pour prestation prestations prix projets publics publique publiques qu
        recherche rencontre rencontres renovation reseautage residence residences sans seance soiree
        spectacle spectacles subside subsides sur travaux un une ville vivant vivants wallonie à
        financier financiere financiers financieres risque risques critere criteres ce cette ces est sont
        qui que notre votre nos vos leur leurs lors apres avant pendant depuis sous contre
        """.split()  # noqa: SIM905 (a word block is easier to edit than a list)
    ),
    "nl": frozenset(
        """
        aan aankondiging aankoop begeleiding bestek beurs beurzen bij brussel diensten een
        erfgoed gebouw gebouwen gemeente gezocht gunning het huur infosessie inrichten inrichting
        kunstenaar kunstenaars levering leveringen met muziek naar netwerkavond netwerkmoment nieuw
        nieuwe onderhoud ontwerp ook op opdracht opdrachten ophalen opleiding opleidingen oproep
        oproepen organisatie overheidsopdracht podiumkunsten prijs projectoproep provincie
        raamovereenkomst realisatie renovatie residentie schrijvers sessie stad subsidie subsidies
        tentoonstelling tot tussen uit van verwerken vlaamse vlaanderen voor vorming wedstrijd
        werken werkzaamheden zie zonder
        financieel financiele risico risicos criterium om niet wordt worden zijn hoe wat waar deze dit
        dat maar nog ons onze jullie hun kan moet
        """.split()  # noqa: SIM905 (a word block is easier to edit than a list)
    ),
    "en": frozenset(
        """
        agreement and artist artists at award breakfast brussels by call calls consulting contract contracts
        development digital evening fair for framework from fund funding grant grants heritage
          music   performing prize proposal proposals publishing
        research residency supply tender tenders that the this to  with works writers
        financial risk risks criterion desk your our new how what why about into are you
        """.split()  # noqa: SIM905 (a word block is easier to edit than a list)
    ),
    "de": frozenset(
        """
        auf aufruf auftrag auftrage aus ausschreibung bauarbeiten bei beschaffungsunterlagen das dem
        der dienstleistungen ein eine einer forderung fur im informationsabend kultur kulturprojekte
        kunstler lieferung mit nach offentliche offentlicher projektaufruf siehe und veranstaltung
        von wettbewerb zu
        finanziell finanzielle risiko kriterium ist sind nicht wir unser unsere zum zur vom beim oder
        """.split()  # noqa: SIM905 (a word block is easier to edit than a list)
    ),
}
# Dutch and German build compounds ("Projectsubsidie", "Kunstenaarsresidentie"); their head comes last. The
# suffixes after them are each found in one of the four languages only ("-ung", "-heid", "-ship"); not
# "-ness": "business" is written in every language.
_COMPOUND_TAILS: dict[str, tuple[str, ...]] = {
    "nl": ("subsidie", "subsidies", "oproep", "opdracht", "sessie", "tentoonstelling", "residentie",
           "wedstrijd", "beurs", "workshop", "stage", "festival", "moment", "avond", "werken", "diensten",
           "heid", "heden", "schap", "atie", "aties"),
    "de": ("ausschreibung", "auftrag", "aufruf", "forderung", "wettbewerb", "veranstaltung", "projekte",
           "projekt", "ung", "ungen", "keit", "schaft", "werke", "arbeiten", "leistungen"),
    "en": ("ship", "ships", "ity", "ities"),
}  # fmt: skip
# Letters that, among fr/nl/en/de, only one language writes.
_LETTERS = {"ß": "de", "œ": "fr", "ĳ": "nl"}
# Spellings that, among fr/nl/en/de, one language writes and the others (almost) never do, for words the lists
# above do not know: accents (French é/è/ç..., German umlauts, Dutch ë as in "België"), Dutch "ij" and "uu" and
# diminutives, English "wh-", "-aw", "-th", "-ly", "-ful", French "-aux"/"-eux", German "-lich", "tz". Checked on
# the word as written (not folded). Loanwords do not carry them ("workshop", "show" are written everywhere).
_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), lang)
    for pattern, lang in (
        ("[éèêàâçîôûùœ]", "fr"),
        (r"(?:eaux|aux|eux|euses?)$", "fr"),
        ("[ßäöü]", "de"),
        (r"tz|(?:lich|liche|lichen|licher)$", "de"),
        (r"ij|ĳ|uu|ë|(?:tje|tjes|pje|pjes|kje|kjes)$", "nl"),
        (r"^wh|(?<!u)aw(?![aeiouy])|th$|..ly$|ful$", "en"),
    )
)


def lexicon_votes(words: list[str]) -> dict[str, int]:
    """Language -> how many of `words` belong to it alone."""
    votes: dict[str, int] = {}
    for raw in words:
        lang = _lexicon_vote(raw)
        if lang is not None:
            votes[lang] = votes.get(lang, 0) + 1
    return votes


@lru_cache(maxsize=16384)  # titles repeat their words
def _lexicon_vote(raw: str) -> str | None:
    """The one language whose lexicon (or compound tails, or letters) holds `raw`, else None."""
    lowered = raw.lower()
    word = fold(lowered)
    hits = [lang for lang in ITEM_LANGS if word in LEXICON[lang] or lowered in LEXICON[lang]]
    if not hits and len(word) > 6:
        hits = [
            lang
            for lang, tails in _COMPOUND_TAILS.items()
            if any(word.endswith(t) and len(word) > len(t) + 2 for t in tails)
        ]
    if not hits:
        hits = [lang for letter, lang in _LETTERS.items() if letter in lowered]
    return hits[0] if len(hits) == 1 else None


def spelling_votes(words: list[str]) -> dict[str, int]:
    """Language -> how many of `words` have a spelling of it alone (_SPELLINGS). A weaker sign than the lexicon:
    other languages write accents and umlauts too, so refine.language asks it only of a text the detector does
    not place in another language, and heeds it only when the detector's choice among fr/nl/en/de agrees."""
    votes: dict[str, int] = {}
    for raw in words:
        lang = _spelling_vote(raw)
        if lang is not None:
            votes[lang] = votes.get(lang, 0) + 1
    return votes


@lru_cache(maxsize=16384)
def _spelling_vote(raw: str) -> str | None:
    lowered = raw.lower()
    if len(lowered) > 2:
        hits = {lang for pattern, lang in _SPELLINGS if pattern.search(lowered)}
        if len(hits) == 1:
            return hits.pop()
    return None


def lexicon_winner(votes: dict[str, int]) -> str | None:
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


# Writing systems other than Latin, and the languages (py3langid codes) written in each. A script with one
# language settles it; a script shared by several (Cyrillic) lets the detector choose among them only.
SCRIPTS: dict[str, tuple[str, ...]] = {
    "cyrillic": ("ru", "uk", "bg", "sr", "mk", "be", "kk"),
    "greek": ("el",),
    "kana": ("ja",),
    "hangul": ("ko",),
    "han": ("zh",),
    "arabic": ("ar", "fa", "ur"),
    "hebrew": ("he",),
    "armenian": ("hy",),
    "georgian": ("ka",),
    "thai": ("th",),
    "devanagari": ("hi", "mr", "ne"),
}
_SCRIPT_RANGES = {
    "cyrillic": "\u0400-\u04ff\u0500-\u052f",
    "greek": "\u0370-\u03ff\u1f00-\u1fff",
    "kana": "\u3040-\u30ff\u31f0-\u31ff",
    "hangul": "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f",
    "han": "\u4e00-\u9fff\u3400-\u4dbf",
    "arabic": "\u0600-\u06ff\u0750-\u077f",
    "hebrew": "\u0590-\u05ff",
    "armenian": "\u0530-\u058f",
    "georgian": "\u10a0-\u10ff",
    "thai": "\u0e00-\u0e7f",
    "devanagari": "\u0900-\u097f",
}
_SCRIPT_RE = {name: re.compile(f"[{chars}]") for name, chars in _SCRIPT_RANGES.items()}
_ANY_SCRIPT_RE = re.compile(f"[{''.join(_SCRIPT_RANGES.values())}]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Languages written in a non-Latin script: a source declaring one of them for a Latin text is wrong.
NON_LATIN_LANGS = frozenset(lang for langs in SCRIPTS.values() for lang in langs)


def script_of(text: str) -> str | None:
    """The non-Latin script of `text` (a quarter of its letters or more), or None (Latin, or no letters).
    Japanese mixes kana and Han: any kana makes it Japanese."""
    if text.isascii() or not _ANY_SCRIPT_RE.search(text):  # the common case: one scan, no count
        return None
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPT_RE.items()}
    if counts["kana"]:
        counts["kana"] += counts.pop("han")
    name, count = max(counts.items(), key=lambda kv: kv[1])
    # A quarter is enough: Russian quoting code or names is Russian, an English text never carries that much.
    return name if count and count * 3 >= len(_LATIN_RE.findall(text)) else None
