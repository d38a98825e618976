"""The EU procurement vocabulary as evidence of a short text's language (refine.language_lexicon, issue 13).

Texts quoted here are CPV 2008 labels as the eForms SDK gives them (translations/code_<lang>.xml, © European Union,
CC BY 4.0; refine/language_lexicon.md), or titles of tests/labelled/languages.tsv (origin given there)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from refine.language import detect_language
from refine.language_lexicon import (
    LEXICON_FILE,
    covering_languages,
    lexicon,
    lexicon_candidates,
    lexicon_choice,
    word_languages,
)
from refine.language_lexicon_build import LANGS, build, cpv_labels, kept_words, word_counts

# CPV 92311000 "Works of art" in the lexicon's languages (Spanish and Portuguese write it the same: left out).
WORKS_OF_ART = {
    "cs": "Umělecká díla", "da": "Kunstværker", "de": "Kunstwerke", "en": "Works of art", "et": "Kunstiteosed",
    "fi": "Taideteokset", "fr": "Œuvres d'art", "hr": "Umjetnička djela", "hu": "Műalkotás",
    "it": "Opere d'arte", "lt": "Meno kūriniai", "lv": "Mākslas darbi", "mt": "Xogħlijiet ta' l-arti",
    "nl": "Kunstwerken", "pl": "Dzieła sztuki", "ro": "Opere de artă", "sk": "Umelecké diela",
    "sl": "Umetniška dela", "sv": "Konstverk",
}  # fmt: skip


def test_the_shipped_word_list_is_compact_and_says_where_it_comes_from() -> None:
    assert LEXICON_FILE.stat().st_size < 1_000_000
    with gzip.open(LEXICON_FILE, "rt", encoding="utf-8") as fh:
        header = [next(fh) for _ in range(3)]
    assert "eForms-SDK" in header[1]
    assert "CC BY 4.0" in header[2]


def test_every_language_of_the_lexicon_has_its_procurement_words() -> None:
    langs = {lang for found in lexicon().values() for lang in found}
    assert langs == set(LANGS)
    assert word_languages("konstverk") == ("sv",)
    assert word_languages("stro") == ("nl",)  # CPV 03114100 "Straw"


def test_a_stray_use_does_not_make_a_word_another_languages() -> None:
    # "de" is in two English labels ("de-icing"), thousands of French, Spanish, Dutch... ones
    assert "en" not in word_languages("de")
    assert {"fr", "es", "nl", "pt", "ro"} <= set(word_languages("de"))


def test_a_compound_is_read_by_its_head() -> None:
    # BOSA title "groenonderhoud tuin Oude Pastorij" (languages.tsv): "onderhoud" is Dutch CPV
    assert word_languages("groenonderhoud") == ("nl",)
    assert word_languages("xyzzyq") == ()


def test_the_languages_writing_most_words_are_the_candidates() -> None:
    assert covering_languages(["Mobilie", "telefoni"]) == (("lv",), 2)  # CPV 32250000
    assert lexicon_candidates(["Mobilie", "telefoni"]) == (("lv",), False)
    assert lexicon_candidates(["Mobilie", "telefoni"], exclude=("lv",)) == ((), False)


def test_half_the_words_name_a_language_only_when_one_language_alone_writes_them() -> None:
    assert lexicon_candidates(["Werken", "Klavertje"]) == (("nl",), True)  # BOSA title, languages.tsv
    assert lexicon_candidates(["Expo", "photo"]) == ((), False)  # "photo": de, en, fr; "expo": none


def test_initials_and_elisions_are_no_evidence() -> None:
    assert word_languages("sur") == ("fr",)  # one stray use in every other language's labels
    assert covering_languages(["OK", "Lab"]) == ((), 0)


def test_the_detector_vetoes_a_choice_it_finds_far_less_likely() -> None:
    assert lexicon_choice({"da": 0.3}, top=0.4, partial=True) == "da"
    assert lexicon_choice({"da": 0.1}, top=0.4, partial=True) is None
    assert lexicon_choice({"da": 0.1}, top=0.4, partial=False) == "da"
    # unsure among several
    assert lexicon_choice({"es": 0.2, "pt": 0.2, "it": 0.2}, top=0.2, partial=False) is None


def test_a_german_title_with_a_word_danish_alone_writes_stays_german() -> None:
    # iCalendar entries of ics/rie_machbar_calendar.ics and ics/rie_discourse_no_dtend.ics (corpus, not labelled)
    assert detect_language("Potsdamer Tag der Wissenschaften 11.5.2019") == "de"
    assert detect_language('"Bioökonomie-Tag"') == "de"


@pytest.mark.parametrize(("lang", "label"), sorted(WORKS_OF_ART.items()))
def test_one_cpv_label_in_every_language_is_named_truthfully(lang: str, label: str) -> None:
    assert detect_language(label) == lang


def test_short_cpv_labels_the_detector_alone_could_not_name() -> None:
    assert detect_language("Stro") == "nl"
    assert detect_language("Oscilloscopen") == "nl"  # CPV 38342000
    assert detect_language("Information panels") == "en"  # CPV 35261000
    assert detect_language("Frysere med ultralav temperatur") == "da"  # TED notice, languages.tsv


def test_a_declared_language_is_still_kept() -> None:
    assert detect_language("Konstverk", "nl") == "nl"


def test_the_languages_of_the_other_texts_are_not_candidates() -> None:
    assert detect_language("Stro", exclude=("nl",)) != "nl"


def _code_file(path: Path, labels: dict[str, str]) -> None:
    entries = "".join(f'<entry key="code|name|cpv.{code}">{text}</entry>\n' for code, text in labels.items())
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE properties SYSTEM "http://java.sun.com/dtd/properties.dtd">'
        f'\n<properties>\n<entry key="code|name|country.BEL">Belgium</entry>\n{entries}</properties>\n',
        encoding="utf-8",
    )


def test_the_builder_reads_cpv_labels_only(tmp_path: Path) -> None:
    path = tmp_path / "code_sv.xml"
    _code_file(path, {"92311000": "Konstverk", "03114100": "Halm"})
    assert cpv_labels(path) == ["Konstverk", "Halm"]


def test_the_builder_drops_stray_uses() -> None:
    counts = {"fr": word_counts(["Pièces de rechange"] * 200), "en": word_counts(["De-icing services"])}
    kept = kept_words(counts)
    assert "de" in kept["fr"]
    assert "de" not in kept["en"]
    assert "icing" in kept["en"]


def test_the_builder_refuses_a_folder_without_the_translations(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="code_cs.xml: missing"):
        build(tmp_path, tmp_path / "out.tsv.gz")
    for lang in LANGS:
        _code_file(tmp_path / f"code_{lang}.xml", {"92311000": "Konstverk"})
    with pytest.raises(SystemExit, match="1 CPV labels, expected the whole CPV"):
        build(tmp_path, tmp_path / "out.tsv.gz")
