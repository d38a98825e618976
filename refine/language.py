"""Language of a title or summary, from every signal the item gives: its script, the source's declared language,
the languages of its other texts, a lexicon for short titles, and a detector.

Detector: py3langid (a langid.py port on numpy) over Europe's languages and the few others our sources meet,
scored in batches (refine.langid_batch). French, Dutch, English and German are decided among themselves, as
before: with every language in play short Dutch titles drift to Afrikaans/Frisian and French ones to Latin.
Another language is named only when the detector is near certain of it on a text long enough to tell, or when
the words of a short text are written in that language's procurement vocabulary ("Konstverk": Swedish), so an
Italian or Slovak text is named truthfully and a short Belgian title is not called Estonian.

Order of the signals (bench/tagging_eval.py gives the figures on the held-out part of tests/labelled/):
1. a text mostly in a non-Latin script (Cyrillic, Greek, Han...) is in a language of that script: a declared
   language of that script is kept, else the detector chooses among that script's languages;
2. a declared language (the feed's or page's, or the source's registry default) is kept unless the text is long
   (8+ words) and the detector is near certain of another; a non-Latin language declared for a Latin text is not;
3. three words or fewer: the lexicon of function words (refine.language_words); then, four words or fewer, the
   EU's procurement vocabulary in 21 languages (refine.language_lexicon) narrows the candidates to the languages
   that write those words and the detector chooses among them; else a confident detector, else None;
4. otherwise the detector (a lexicon majority breaks its doubts). Languages the item already has other texts in
   (`exclude`) are not candidates among fr/nl/en/de: the title that matches none of them is in another one.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from refine.language_lexicon import all_listed, lexicon_candidates, lexicon_choice
from refine.language_sample import WORD
from refine.language_sample import read as _read
from refine.language_words import (
    NON_LATIN_LANGS,
    SCRIPTS,
    lexicon_votes,
    lexicon_winner,
    script_of,
    spelling_votes,
)
from vigie.core.languages import ITEM_LANGS, normalise_lang

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

    from refine.langid_batch import BatchClassifier

# A declared language is overruled only when the text is long and the detector is near certain: sources mostly
# declare correctly; the common failure (an English technical title in a notice declared FR) is a short text.
OVERRULE_MIN_WORDS = 8
OVERRULE_MIN_CONFIDENCE = 0.995
SHORT_MAX_WORDS = 3
LEXICON_MAX_WORDS = 4  # and the EU's procurement vocabulary (refine.language_lexicon) for four words or fewer
# For short texts with no lexicon hit the detector must be this sure, else the language is unknown (None).
SHORT_MIN_CONFIDENCE = 0.5
# For texts of four words and more, a detector this unsure lets a lexicon majority decide instead.
LEXICON_TIEBREAK_BELOW = 0.75
# A language other than fr/nl/en/de is named when the detector, among all its languages, is this sure of it.
# (surer on three words or fewer: "Info desk" looks Portuguese to it); never on one word alone.
OTHER_MIN_CONFIDENCE = 0.9
SHORT_OTHER_MIN_CONFIDENCE = 0.97
OTHER_MIN_WORDS = 2
# A short text this likely to be in none of fr/nl/en/de, but not surely enough to name its language: unknown.
SHORT_UNKNOWN_ABOVE = 0.8
# The EU's languages, its neighbours' and those of the scripts above: what the detector chooses among.
_EU_OTHERS = ("bg", "cs", "da", "el", "es", "et", "fi", "ga", "hr", "hu", "it", "lt", "lv", "mt", "pl", "pt",
              "ro", "sk", "sl", "sv")  # fmt: skip
_NEIGHBOURS = ("no", "is", "tr", "sq", "bs", "ca", "eu", "gl")
DETECTOR_LANGS = tuple(
    dict.fromkeys(
        [*ITEM_LANGS, *_EU_OTHERS, *_NEIGHBOURS, *(lang for langs in SCRIPTS.values() for lang in langs)]
    )
)
LATIN_LANGS = tuple(lang for lang in DETECTOR_LANGS if lang not in NON_LATIN_LANGS)

# Language names some sources write instead of codes (the codes themselves: vigie.core.languages).
_DECLARED_NAMES = {
    "french": "fr", "français": "fr", "francais": "fr", "dutch": "nl", "nederlands": "nl", "vl": "nl",
    "flemish": "nl", "english": "en", "german": "de", "deutsch": "de",
}  # fmt: skip

_identifier: LanguageIdentifier | None = None


def _detector() -> LanguageIdentifier:
    """The py3langid model over DETECTOR_LANGS, loaded once per process (about 0.5 s) and only when needed."""
    global _identifier
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(DETECTOR_LANGS))
        _identifier = identifier
    return _identifier


@lru_cache(maxsize=256)  # sources repeat a handful of spellings
def normalise_declared(declared: str | None) -> str | None:
    """'FR', 'fr-BE', 'fra', 'Nederlands', 'it' -> ISO 639-1; anything else (including 'mul', '') -> None."""
    if not declared:
        return None
    return _DECLARED_NAMES.get(declared.strip().lower()) or normalise_lang(declared)


# A sample's detection, answered for a whole batch at once (a plain tuple: a chunk makes a thousand): probabilities
# over DETECTOR_LANGS, the likeliest other language and P(none of fr/nl/en/de), the best of those four and its share.
Detected = tuple[np.ndarray, str | None, float, str | None, float]


# Detections computed ahead for a batch (prime()); a cache only: a miss scores the text on its own.
_primed: dict[str, Detected] = {}
_PRIMED_MAX = 50_000


def prime(texts: list[str], declared: list[str | None]) -> None:
    """Score at once the texts detect_language() will be asked about (same arguments), so that each of those
    calls finds its scores ready: one vectorised pass (refine.langid_batch) instead of one model walk per text.
    Texts the detector will not be needed for (declared language kept, lexicon-settled short titles) are left."""
    wanted: dict[str, str | None] = {}  # sample -> its script
    for text, hint in zip(texts, declared, strict=True):
        if not text:
            continue
        sample, found, script = _read(text)
        words = len(found)
        if words and (words >= OVERRULE_MIN_WORDS or not normalise_declared(hint)):
            if script and len(SCRIPTS[script]) == 1:
                continue  # the script names the language
            wanted[_script_words(sample, script) if script else sample] = script
    samples = [s for s in wanted if s not in _primed]
    if not samples:
        return
    if len(_primed) + len(samples) > _PRIMED_MAX:
        # Start again with all this batch's texts: an answer must not depend on which texts came before.
        _primed.clear()
        samples = list(wanted)
    by_script: dict[str | None, list[str]] = {}
    for sample in samples:
        by_script.setdefault(wanted[sample], []).append(sample)
    classifier = _batch_classifier()
    for script, group in by_script.items():
        scores = classifier.scores_many(group, _script_columns(script))
        _primed.update(zip(group, _detections(scores), strict=True))


def _script_words(sample: str, script: str) -> str:
    """The words of `sample` written in `script` (non-Latin), or the sample when the script names one language."""
    if len(SCRIPTS[script]) == 1:
        return sample
    return " ".join(w for w in WORD.findall(sample) if _word_script(w) == script) or sample


# A Cyrillic text's words are each asked their script, and words repeat.
_word_script = lru_cache(maxsize=16384)(script_of)


_batch: BatchClassifier | None = None
_columns: dict[str, list[int]] = {}  # label -> the detector's columns (an aliased label has two)


def _batch_classifier() -> BatchClassifier:
    global _batch
    if _batch is None:
        from refine.langid_batch import BatchClassifier

        batch = BatchClassifier(_detector())
        for index, label in enumerate(batch.labels):
            _columns.setdefault(label, []).append(index)
        _batch = batch
    return _batch


def _script_columns(script: str | None) -> list[int]:
    """Each text is scored only in the languages of its script: a Latin text is never Russian."""
    _batch_classifier()
    return [column for lang in (SCRIPTS[script] if script else LATIN_LANGS) for column in _columns[lang]]


def _detections(scores: np.ndarray) -> list[Detected]:
    """Detected of each row of scores_many()'s scores: what _best() answers for one text, for all rows at once."""
    probabilities = _batch_classifier().probabilities(scores, DETECTOR_LANGS)
    # take() keeps rows contiguous: a row's sum then adds in the order a lone row's does (pairwise)
    others = probabilities.take(_indexes(_OTHER_LANGS), axis=1)
    core = probabilities.take(_indexes(ITEM_LANGS), axis=1)
    best = core.argmax(axis=1)
    other, other_share = _picks(_OTHER_LANGS, others.argmax(axis=1), _sum(others, 1), _sum(probabilities, 1))
    lang, share = _picks(ITEM_LANGS, best, core[np.arange(len(core)), best], _sum(core, 1))
    return list(zip(probabilities, other, other_share, lang, share, strict=True))


def _picks(
    langs: tuple[str, ...], best: np.ndarray, part: np.ndarray, whole: np.ndarray
) -> tuple[list[str | None], list[float]]:
    """langs[best] and part / whole of each row (in float64, as float(a) / float(b)); None, 0.0 where whole is 0."""
    whole = whole.astype(np.float64)
    scored = whole > 0.0
    shares = np.where(scored, part / np.where(scored, whole, 1.0), 0.0).tolist()
    return [langs[i] if ok else None for i, ok in zip(best.tolist(), scored.tolist(), strict=True)], shares


def _probabilities(sample: str, script: str | None) -> Detected:
    found = _primed.get(sample)
    if found is not None:
        return found
    scores = np.full((1, len(_batch_classifier().labels)), -np.inf, dtype=np.float32)
    columns = _script_columns(script)
    scores[0, columns] = _batch_classifier().scores_one(sample)[columns]
    return _detections(scores)[0]


_sum = np.add.reduce  # what ndarray.sum() calls, without its Python wrapper (these arrays are small)
_OTHER_LANGS = tuple(lang for lang in DETECTOR_LANGS if lang not in ITEM_LANGS)


@lru_cache(maxsize=64)
def _indexes(langs: tuple[str, ...]) -> np.ndarray:
    return np.array([DETECTOR_LANGS.index(lang) for lang in langs], dtype=np.intp)


def _best(probabilities: np.ndarray, langs: tuple[str, ...]) -> tuple[str | None, float]:
    """The most probable of `langs` and its probability among them (renormalised: a softmax over them only)."""
    picked = probabilities[_indexes(langs)]
    total = float(_sum(picked))
    if total <= 0.0:
        return None, 0.0
    best = int(picked.argmax())
    return langs[best], float(picked[best]) / total


def detect_language(text: str, declared: str | None = None, exclude: Collection[str] = ()) -> str | None:
    """ISO 639-1 code of `text`, or None when it cannot be told.

    `declared` is what the source says (any common spelling: "FR", "fr-BE", "NLD", "it"). `exclude`: languages
    the text is known not to be in (those of the item's other texts)."""
    declared_code = normalise_declared(declared)
    if not text or not text.strip():
        return declared_code
    sample, words, script = _read(text)
    if not words:
        return declared_code
    if script is not None:
        langs = SCRIPTS[script]
        if declared_code in langs or len(langs) == 1:
            return declared_code if declared_code in langs else langs[0]
        # only the words in that script: the Latin code or names a Russian text quotes are no evidence
        return _best(_probabilities(_script_words(sample, script), script)[0], langs)[0]
    if declared_code in NON_LATIN_LANGS:
        declared_code = None
    if declared_code and len(words) < OVERRULE_MIN_WORDS:
        return declared_code
    core = (tuple(lang for lang in ITEM_LANGS if lang not in exclude) if exclude else ()) or ITEM_LANGS
    candidates, partial = (
        lexicon_candidates(words, exclude) if len(words) <= LEXICON_MAX_WORDS else ((), False)
    )
    if len(words) <= SHORT_MAX_WORDS:
        winner = lexicon_winner(lexicon_votes(words))
        # a function word two languages write ("d'" in "Opere d'arte") does not overrule the words the vocabulary
        # lists; a compound's head does not overrule it ("Naaiworkshop": the CPV writes "workshop" in English)
        if winner and winner in core and (winner in candidates or not candidates or not all_listed(words)):
            return winner
    probabilities, other, confidence, lang, best = _probabilities(sample, None)
    if candidates:
        detected = dict(zip(candidates, probabilities[_indexes(candidates)].tolist(), strict=True))
        found = lexicon_choice(detected, float(probabilities.max()), partial)
        if found:
            return found
    if core != ITEM_LANGS:  # the detection's best is among all four
        lang, best = _best(probabilities, core)
    needed = SHORT_OTHER_MIN_CONFIDENCE if len(words) <= SHORT_MAX_WORDS else OTHER_MIN_CONFIDENCE
    if len(words) >= OTHER_MIN_WORDS and other is not None and confidence >= needed:
        return other
    # No other language named: a spelling of one of fr/nl/en/de ("straw", "België") that the detector's choice
    # among them agrees with settles a short text the detector alone is unsure of.
    short_unsure = len(words) <= SHORT_MAX_WORDS and not declared_code and lang is not None
    if short_unsure and lexicon_winner(spelling_votes(words)) == lang:
        return lang
    if len(words) <= SHORT_MAX_WORDS and confidence >= SHORT_UNKNOWN_ABOVE:
        return None  # likely another language, too short to name it: not forced into fr/nl/en/de
    confidence = best
    if declared_code:
        return lang if lang != declared_code and confidence >= OVERRULE_MIN_CONFIDENCE else declared_code
    if len(words) <= SHORT_MAX_WORDS:
        return lang if confidence >= SHORT_MIN_CONFIDENCE else None
    if confidence < LEXICON_TIEBREAK_BELOW:
        winner = lexicon_winner(lexicon_votes(words))
        if winner and winner in core:
            return winner
    return lang


def detect_many(
    texts: list[str], declared: list[str | None] | None = None, exclude: Collection[str] = ()
) -> list[str | None]:
    """detect_language over a list (same answers, the detector run once over the whole list)."""
    if declared is None:
        declared = [None] * len(texts)
    if len(declared) != len(texts):
        raise ValueError(f"detect_many: {len(texts)} texts but {len(declared)} declared languages")
    prime(texts, declared)
    return [detect_language(t, d, exclude) for t, d in zip(texts, declared, strict=True)]
