"""Cleaning: markup, entities (also doubly escaped), whitespace, mojibake, caps, CPV."""

from __future__ import annotations

import pytest

from refine.clean import SUMMARY_MAX_CHARS, clean_cpv, clean_text, truncate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Appel   à\n projets\t2027 ", "Appel à projets 2027"),
        (
            "<p>Soutien à la <b>création</b></p><p>Deuxième&nbsp;paragraphe</p>",
            "Soutien à la création Deuxième paragraphe",
        ),
        ("Subsides &amp;eacute;t&amp;eacute; 2027", "Subsides été 2027"),  # escaped twice
        ("&lt;p&gt;Oproep voor &lt;em&gt;kunstenaars&lt;/em&gt;&lt;/p&gt;", "Oproep voor kunstenaars"),
        ("Caf&#233; &#x26; th&eacute;&acirc;tre", "Café & théâtre"),
        ("Ligne 1<br>Ligne 2<br/>Ligne 3", "Ligne 1 Ligne 2 Ligne 3"),
        (
            "<div>Texte<script>alert('x')</script><style>p{}</style><!-- note --> visible</div>",
            "Texte visible",
        ),
        ("Musique â€“ crÃ©ation et diffusion", "Musique – création et diffusion"),  # UTF-8 read as cp1252
        ("Prix 5 < 10 & 3 > 2", "Prix 5 < 10 & 3 > 2"),  # not markup, not entities: left alone
        (None, ""),
    ],
)
def test_clean_text(raw: str | None, expected: str) -> None:
    assert clean_text(raw) == expected


def test_correct_accents_are_not_touched_by_the_mojibake_repair() -> None:
    text = "Âge d'or : œuvres, réalisées à Liège — été 2027"
    assert clean_text(text) == text


def test_truncate_cuts_at_a_word_boundary() -> None:
    text = "mot " * 1000
    cut = truncate(text.strip())
    assert len(cut) <= SUMMARY_MAX_CHARS
    assert cut.endswith("mot…")
    assert truncate("court") == "court"


def test_clean_cpv() -> None:
    assert clean_cpv(["45000000-7", "79340000", "45000000", " 92312000-1 "]) == (
        ["45000000", "79340000", "92312000"],
        False,
    )
    assert clean_cpv(["4500", "79340000"]) == (["79340000"], True)
    assert clean_cpv(None) == ([], False)


def test_control_characters_become_spaces() -> None:
    assert clean_text("Appel\x00à\x1fprojets\x7f 2027") == "Appel à projets 2027"


def test_control_characters_inside_markup_do_not_stop_cleaning() -> None:
    assert clean_text("<p>Appel\x0b à projets</p><p>Théâtre</p>") == "Appel à projets Théâtre"


@pytest.mark.parametrize("ref", ["&#1;", "&#11;", "&#x1f;", "&#127;", "&amp;#8;"])
def test_escaped_control_characters_never_come_out(ref: str) -> None:
    cleaned = clean_text(f"Appel {ref} 2027")
    assert cleaned.startswith("Appel") and cleaned.endswith("2027")
    assert not any(ord(c) < 32 or ord(c) == 127 for c in cleaned)


def test_a_summary_is_cleaned_once_per_text_and_the_same_as_cleaning_it() -> None:
    from refine import clean

    raw = "<p>Appel &agrave; projets " + "pour les arts de la sc&egrave;ne, " * 120 + "</p>"
    first = clean.clean_summary(raw)
    assert first == truncate(clean_text(raw))
    assert len(first) <= SUMMARY_MAX_CHARS and first.startswith("Appel à projets pour les arts de la scène,")
    assert clean.clean_summary(raw) is first  # the repeat (an occurrence of the same event) is not recleaned
    assert clean.clean_summary(None) == "" and clean.clean_summary("Court") == "Court"


def test_the_quick_check_sees_unencodable_text_in_keys_values_and_nesting() -> None:
    from refine.clean import UNENCODABLE_FLAG, sanitise_record

    clean_record = {
        "title": "Résidence",
        "texts": {"fr": {"title": "Résidence"}},
        "cpv": ["92000000"],
        "n": 3,
    }
    assert sanitise_record(clean_record) is clean_record
    for dirty in (
        {"title": "a\x01b"},
        {"texts": {"fr\ud800": {"title": "x"}}},
        {"texts": {"fr": {"title": ["ok", ("deep\uffff",)]}}},
    ):
        assert UNENCODABLE_FLAG in sanitise_record(dirty)["flags"]
    assert sanitise_record({1: "a key that is not text"}) == {1: "a key that is not text"}


def test_the_quick_check_flags_each_unencodable_kind_wherever_it_sits() -> None:
    from refine.clean import UNENCODABLE_FLAG, sanitise_record

    class Text(str):
        pass

    for bad in ("\x00", "\x08", "\x0b", "\x1f", "\x7f", "\ud800", "\udfff", "\ufffe", "\uffff"):
        for dirty in (
            {"summary": f"a{bad}b"},
            {"cpv": ["92000000", f"x{bad}"]},  # a list of strings, read whole
            {"lot_values": [1.5, f"x{bad}"]},  # a list that is not only strings
            {"texts": {"fr": {"summary": Text(f"x{bad}")}}},
        ):
            assert UNENCODABLE_FLAG in sanitise_record(dirty)["flags"], (bad, dirty)
    # Tab, line feeds, no-break space, BOM and other scripts are text, not damage.
    kept = {"summary": "a\tb\nc\r\u00a0\ufeff Ωμέγα 𝄞", "cpv": ["x\ty"], "flags": []}
    assert sanitise_record(kept) is kept


def test_nesting_past_the_limit_is_cut_even_when_it_holds_only_strings() -> None:
    from refine.clean import _MAX_DEPTH, UNENCODABLE_FLAG, sanitise_record

    deep: object = ["text"]
    for _ in range(_MAX_DEPTH):
        deep = [deep]
    assert UNENCODABLE_FLAG in sanitise_record({"place": deep})["flags"]
    shallow: object = ["text"]
    for _ in range(_MAX_DEPTH - 2):
        shallow = [shallow]
    record = {"place": shallow}
    assert sanitise_record(record) is record
    # An empty mapping holds nothing, but past the limit it is still hostile nesting.
    hollow: object = {}
    for _ in range(_MAX_DEPTH):
        hollow = {"texts": hollow}
    assert UNENCODABLE_FLAG in sanitise_record({"texts": hollow})["flags"]
    record = {"title": "Résidence", "texts": {}}
    assert sanitise_record(record) is record
