"""What the language detector reads of a text (refine.language): its start, the first language of a bilingual
title, the words of that sample and their script, read once per text."""

from __future__ import annotations

import re

from refine.language_words import script_of

# The detector's cost grows with length while its accuracy stops improving after a couple of sentences, and
# refine passes title + summary: only the start is read.
DETECT_MAX_CHARS = 160
WORD = re.compile(r"[^\W\d_]+")
# "Appel à projets / Projectoproep": members read the first part; a slash between codes ("2023/DVZOE") is
# not a language boundary, hence the surrounding spaces.
_BILINGUAL_SPLIT = re.compile(r"\s+/\s+|\s+\|\s+")


def first_part(text: str) -> str:
    if "/" not in text and "|" not in text:  # most texts: a C scan instead of the regex's walk
        return text
    parts = _BILINGUAL_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2 and len(WORD.findall(parts[0])) >= 2 and len(WORD.findall(parts[1])) >= 2:
        return parts[0]
    return text


def sample_of(text: str) -> str:
    """The part of `text` the detector reads: the first language of a bilingual title, cut at a word; a text
    shouted in capitals is read in lower case."""
    sample = first_part(text[: DETECT_MAX_CHARS * 2])
    if len(sample) > DETECT_MAX_CHARS:
        cut = sample.rfind(" ", 0, DETECT_MAX_CHARS)
        sample = sample[: cut if cut > 0 else DETECT_MAX_CHARS]
    return _unshouted(sample)


SHOUTED_MIN_LETTERS = 12  # "UNESCO", "BOZAR": an acronym or two stay as written


_ASCII_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LOWER = _ASCII_UPPER.lower()


def _unshouted(sample: str) -> str:
    """`sample` in lower case when most of its letters are capitals. The detector learnt from ordinary text, where
    capitals start words: "CALL FALI Z~ MOVE NOW ~ GREAT PLACE TO CALL HOME!!!" (a Craigslist title) read as
    written is near-certainly Slovenian, and outvotes the feed's declared English. Letters are counted on the
    ASCII ones, in C (bytes.translate): enough to see shouting, and every text passes here."""
    raw = sample.encode("ascii", "ignore")
    upper = len(raw) - len(raw.translate(None, _ASCII_UPPER))
    if upper < SHOUTED_MIN_LETTERS:
        return sample
    lower = len(raw) - len(raw.translate(None, _ASCII_LOWER))
    return sample.lower() if upper > 2 * lower else sample


# prime() and detect_language() both read the same texts, one after the other: each is read once. A cache
# only, cleared when full.
_readings: dict[str, tuple[str, list[str], str | None]] = {}
_READINGS_MAX = 8192


def read(text: str) -> tuple[str, list[str], str | None]:
    """(sample, the sample's words, its non-Latin script or None) of `text`."""
    found = _readings.get(text)
    if found is None:
        sample = sample_of(text)
        words = WORD.findall(sample)
        found = (sample, words, script_of(sample) if words else None)
        if len(_readings) >= _READINGS_MAX:
            _readings.clear()
        _readings[text] = found
    return found
