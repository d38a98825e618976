"""Which EU languages write a word, from the words of the EU's Common Procurement Vocabulary in 21 of its
languages (refine/language_lexicon.tsv.gz, built by refine.language_lexicon_build; source and licence:
refine/language_lexicon.md).

Short procurement and culture titles ("Konstverk", "Stro", "Mobilie telefoni") are too short for a character
n-gram detector, and are very often the CPV's own words. refine.language asks this lexicon which languages can
write all (or most) of a short text's words, then lets the detector choose among those only. It knows nothing of
the languages the CPV is not written in (Norwegian, Catalan...): a Norwegian word Danish also writes reads as
Danish when the text has no declared language.
"""

from __future__ import annotations

import gzip
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("language_lexicon.tsv.gz")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, tuple[str, ...]]:
    """word (lower case) -> the languages (ISO 639-1) whose CPV labels use it; loaded once, when first needed
    (about 0.1 s: only short texts without a declared language ask)."""
    by_word: dict[str, list[str]] = {}
    with gzip.open(LEXICON_FILE, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            lang, words = line.rstrip("\n").split("\t", 1)
            for word in words.split(" "):
                by_word.setdefault(word, []).append(lang)
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # a few hundred distinct language sets: one copy each
    return {word: shared.setdefault(tuple(langs), tuple(langs)) for word, langs in by_word.items()}


# Words this short are not evidence ("d'", "EE", "OK": elisions, initials, codes), nor counted.
WORD_MIN = 3


def _counted(words: list[str]) -> list[str]:
    return [word.lower() for word in words if len(word) >= WORD_MIN]


def all_listed(words: list[str]) -> bool:
    """Whether the vocabulary lists every one of `words` as written (no compound read by its head)."""
    table = lexicon()
    return all(word in table for word in _counted(words))


# A compound the vocabulary does not list ("groenonderhoud", "ultracongeladores") is read by its head, the
# longest listed word it ends with: at least HEAD_MIN letters, after at least MODIFIER_MIN others.
HEAD_MIN = 7
MODIFIER_MIN = 3


@lru_cache(maxsize=8192)
def word_languages(word: str) -> tuple[str, ...]:
    """The languages that write `word` (lower case), or its compound head's; () when none does."""
    table = lexicon()
    found = table.get(word)
    if found is not None:
        return found
    for start in range(MODIFIER_MIN, len(word) - HEAD_MIN + 1):
        found = table.get(word[start:])
        if found is not None:
            return found
    return ()


def covering_languages(words: list[str]) -> tuple[tuple[str, ...], int]:
    """The languages whose procurement vocabulary holds the most of `words`, and how many of them that is
    ((), 0 when no word is known)."""
    counts: dict[str, int] = {}
    for word in _counted(words):
        for lang in word_languages(word):
            counts[lang] = counts.get(lang, 0) + 1
    if not counts:
        return (), 0
    most = max(counts.values())
    return tuple(lang for lang, count in counts.items() if count == most), most


def lexicon_candidates(words: list[str], exclude: Collection[str] = ()) -> tuple[tuple[str, ...], bool]:
    """The languages (less `exclude`) a short text can be in by its words: those writing all of them, or the one
    language alone writing at least half ("Werken Klavertje 4"); () when the vocabulary cannot tell. And whether
    the vocabulary knows only part of the text."""
    langs, hits = covering_languages(words)
    candidates = tuple(lang for lang in langs if lang not in exclude)
    counted = len(_counted(words))
    if not candidates or hits * 2 < counted or (hits < counted and len(candidates) > 1):
        return (), False
    return candidates, hits < counted


# The detector's choice among several candidates must have at least this share of their probability; and it is
# not taken when the detector finds its own first language VETO times likelier, or PARTIAL_VETO times when the
# vocabulary knows only part of the text ("Potsdamer Tag der Wissenschaften", "Bioökonomie-Tag": Danish writes
# "tag", German CPV labels do not).
SHARE_MIN = 0.5
VETO = 10
PARTIAL_VETO = 2


def lexicon_choice(detected: dict[str, float], top: float, partial: bool) -> str | None:
    """The language to name among the candidates of lexicon_candidates(), from the detector's probability of each
    (`detected`) and of its own first language (`top`); None when the two disagree or the detector is unsure."""
    total = sum(detected.values())
    if not detected or total <= 0.0:
        return None
    lang = max(detected, key=lambda code: detected[code])
    if len(detected) > 1 and detected[lang] < SHARE_MIN * total:
        return None
    return lang if detected[lang] * (PARTIAL_VETO if partial else VETO) >= top else None
