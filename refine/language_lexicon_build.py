"""Builds refine/language_lexicon.tsv.gz, the procurement vocabulary refine.language_lexicon reads, from the EU's
Common Procurement Vocabulary (CPV 2008, 9454 labels) in the official EU languages.

    .venv/bin/python -m refine.language_lexicon_build TRANSLATIONS_DIR

TRANSLATIONS_DIR is the `translations/` folder of the Publications Office's eForms SDK
(github.com/OP-TED/eForms-SDK, CC BY 4.0), whose `code_<lang>.xml` files hold every CPV label
(`code|name|cpv.<code>` entries). Kept: each language's words (lower case, letters only, less stray uses: kept_words), not the labels.
Left out: Irish (its CPV labels are the English ones) and the languages written in Greek and Cyrillic letters
(the script already names them: refine.language_words.SCRIPTS).
"""

from __future__ import annotations

import gzip
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from refine.language_sample import WORD

OUTPUT = Path(__file__).with_name("language_lexicon.tsv.gz")
LANGS = ("cs", "da", "de", "en", "es", "et", "fi", "fr", "hr", "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt",
         "ro", "sk", "sl", "sv")  # fmt: skip
STRAY_RATIO = 20
STRAY_MAX = 2
_CPV_KEY = re.compile(r"^code\|name\|cpv\.\d{8}$")
HEADER = (
    "# Words of the Common Procurement Vocabulary (CPV 2008) labels, one line per language: lang<TAB>words.\n"
    "# Derived from the eForms SDK translations/code_<lang>.xml (github.com/OP-TED/eForms-SDK, {commit}),\n"
    "# (c) European Union, Publications Office, CC BY 4.0. Rebuild: python -m refine.language_lexicon_build.\n"
)


def cpv_labels(path: Path) -> list[str]:
    """The CPV labels of one code_<lang>.xml file (a Java properties XML file)."""
    root = ET.parse(path).getroot()
    return [entry.text or "" for entry in root.iter("entry") if _CPV_KEY.match(entry.get("key", ""))]


def word_counts(labels: list[str]) -> dict[str, int]:
    """word (lower case) -> in how many of `labels` it is written."""
    counts: dict[str, int] = {}
    for label in labels:
        for word in {w.lower() for w in WORD.findall(label)}:
            counts[word] = counts.get(word, 0) + 1
    return counts


def kept_words(counts: dict[str, dict[str, int]]) -> dict[str, list[str]]:
    """lang -> its words, less a word's stray uses: a language whose labels use a word in fewer than STRAY_MAX + 1
    labels, and STRAY_RATIO times less often than the language using it most, does not write it (English
    "de-icing" makes no "de" English, a standard's "EN" no "en" Czech, a name no "sur" Finnish)."""
    most: dict[str, int] = {}
    for by_word in counts.values():
        for word, count in by_word.items():
            most[word] = max(most.get(word, 0), count)
    return {
        lang: sorted(w for w, count in by_word.items() if count > STRAY_MAX or count * STRAY_RATIO >= most[w])
        for lang, by_word in counts.items()
    }


def build(translations: Path, output: Path = OUTPUT, commit: str = "") -> dict[str, int]:
    """Writes the lexicon; returns the number of words per language."""
    counts: dict[str, dict[str, int]] = {}
    for lang in LANGS:
        path = translations / f"code_{lang}.xml"
        if not path.is_file():
            raise SystemExit(f"{path}: missing (expected the eForms SDK translations folder)")
        labels = cpv_labels(path)
        if len(labels) < 9000:
            raise SystemExit(f"{path}: {len(labels)} CPV labels, expected the whole CPV (9454)")
        counts[lang] = word_counts(labels)
    kept = kept_words(counts)
    lines = [f"{lang}\t{' '.join(words)}\n" for lang, words in kept.items()]
    text = HEADER.format(commit=commit or "unknown commit") + "".join(lines)
    # mtime=0: the same input gives the same bytes
    output.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    return {lang: len(words) for lang, words in kept.items()}


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit("usage: python -m refine.language_lexicon_build TRANSLATIONS_DIR [SDK_COMMIT]")
    print(build(Path(sys.argv[1]), commit=sys.argv[2] if len(sys.argv) == 3 else ""))
