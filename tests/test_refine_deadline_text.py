"""Deadlines found in free text, scored on a labelled set; other time zones."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from refine.deadline_text import find_deadline

LABELLED = Path(__file__).parent / "labelled" / "deadlines.tsv"


def _rows() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _extract(text: str) -> tuple[str, str]:
    found = find_deadline(text)
    return (found[0].isoformat(), found[1]) if found else ("", "")


def test_labelled_set_is_large_mixed_real_and_split() -> None:
    rows = _rows()
    assert len(rows) >= 130
    assert {row["lang"] for row in rows} == {"fr", "nl", "en"}
    assert sum(1 for row in rows if not row["expected"]) >= 40  # negatives: events, publications, works
    real = [row for row in rows if row["origin"] != "written"]
    assert len(real) >= 60
    assert {row["lang"] for row in real} == {"fr", "nl", "en"}
    assert {row["split"] for row in rows} == {"tuned", "held-out"}


@pytest.mark.parametrize(("part", "exact", "false_positives"), [("tuned", 1.0, 0), ("held-out", 0.95, 2)])
def test_deadline_extraction_score_on_each_part(part: str, exact: float, false_positives: int) -> None:
    rows = [row for row in _rows() if row["split"] == part]
    right = sum(_extract(row["text"]) == (row["expected"], row["precision"]) for row in rows)
    wrong_dates = [row["text"] for row in rows if not row["expected"] and _extract(row["text"])[0]]
    # Measured 2026-12-01: tuned 74/74 right, 0 false positives; held-out 60/62 right (0.968), 34/34 deadlines
    # found, 2 false positives (its misses are left unread: the held-out part is the check, not rule material).
    # After 28 real rows (13 tuned, 15 held-out) and the weak-cue and application-period rules written on the
    # tuned part: tuned 87/87, held-out 76/77 (0.987), 43/43 found, 1 false positive.
    # 2026-12-02, 20 real sentences of TED R2 notices never used before (OP-TED/ted-rdf-mapping samples; 11 tuned,
    # 9 held-out by the SHA-1 rule), added before any rule: tuned 93/98, held-out 83/86 (0.965), 48/49 found,
    # 2 false positives. Rules then written on the tuned misses (a bare "voor"/"before" in front of the date,
    # "au plus tard" after it, a long subject before "is", "17:00 hours on Tuesday," before the date, call-off
    # contracts): tuned 98/98; held-out unchanged, 83/86, 2 false positives (left unread).
    assert right / len(rows) >= exact
    assert len(wrong_dates) <= false_positives


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date limite de dépôt : 15 mars 2027 à 12h00", "2027-03-15T12:00:00+01:00"),
        ("uiterste indieningsdatum 3 april 2027 om 17u", "2027-04-03T17:00:00+02:00"),
        ("Deadline: 1 June 2027, 17:00 CET", "2027-06-01T17:00:00+02:00"),
        ("clôture le 02/05/2027", "2027-05-02T23:59:59+02:00"),
        ("avant le 1er octobre 2027", "2027-10-01T23:59:59+02:00"),
        ("tot en met 28 februari 2027", "2027-02-28T23:59:59+01:00"),
        ("Applications close on 15 March 2027 at 5pm", "2027-03-15T17:00:00+01:00"),
        ("Date limite : 15/01/2027 à 10 heures", "2027-01-15T10:00:00+01:00"),
        ("Uiterste indieningsdatum: 15.01.2027 om 10u", "2027-01-15T10:00:00+01:00"),
        ("Deadline 2027-01-15 10h30", "2027-01-15T10:30:00+01:00"),
        ("Clôture : 15-01-2027 à 10:00", "2027-01-15T10:00:00+01:00"),
        ("Deadline: 15 June 2027 at 10:00 CEST", "2027-06-15T10:00:00+02:00"),
        ("Applications close at noon on 15 January 2027", "2027-01-15T12:00:00+01:00"),
        ("Date limite : lundi 15 mars 2027 à midi", "2027-03-15T12:00:00+01:00"),
        ("Uiterste datum: woensdag 15 december 2027 om 3 uur 's middags", "2027-12-15T15:00:00+01:00"),
        ("Deadline: 15 March 2027, midnight (Brussels time)", "2027-03-15T23:59:59+01:00"),
        ("Date limite : 15 mars 2027 à minuit", "2027-03-15T23:59:59+01:00"),
        ("Indienen vóór 15 maart 2027 om middernacht", "2027-03-15T23:59:59+01:00"),
        ("Deadline: March 15th, 2027", "2027-03-15T23:59:59+01:00"),
        ("Deadline: 31-Aug-2025", "2025-08-31T23:59:59+02:00"),
    ],
)
def test_issue_phrases(text: str, expected: str) -> None:
    assert _extract(text)[0] == expected


def test_deadline_in_other_time_zone() -> None:
    found = find_deadline("Deadline: 1 June 2027, 17:00", "America/Montreal")
    assert found is not None
    assert found[0].isoformat() == "2027-06-01T17:00:00-04:00"


@pytest.mark.parametrize(
    "text",
    [
        "Rolling call. Next cut-off: 3 March 2027",
        "Appel permanent – prochaine date de dépôt : 3 mars 2027",
        "Doorlopende oproep, volgende indiendatum: 3 maart 2027",
    ],
)
def test_the_next_cut_off_of_a_rolling_call_is_its_deadline(text: str) -> None:
    assert _extract(text) == ("2027-03-03T23:59:59+01:00", "date")


def test_a_changed_deadline_is_the_new_date() -> None:
    # vlaio.be, projectsubsidies voor organisaties en kunstenaars (tests/labelled/SOURCES.md)
    text = "De uiterste indiendatum voor de tweede beoordelingsronde wordt eenmalig gewijzigd van 15 maart 2020 in 15 mei 2020."
    assert _extract(text) == ("2020-05-15T23:59:59+02:00", "date")


@pytest.mark.parametrize(
    "text",
    [
        # be-eprocurement/bosa_search_publications_travaux_prod.json: the completion of works, not a submission
        "La réception provisoire du projet doit être donnée au plus tard pour le 28 février 2029.",
        "De voorlopige oplevering van het project moet uiterlijk op 28 februari 2029 plaatsvinden.",
        # ted/ted_r208_2015.xml, ted/ted_r209_CH_20-162034-001-EXP.xml: dates of the notice itself
        "Date d'envoi du présent avis au JOUE et au BOAMP: 30.12.2014.",
        "Publication de référence nationale: SIMAP du 1.4.2020, doc. 1120749.",
    ],
)
def test_dates_that_are_not_a_deadline_to_act_give_none(text: str) -> None:
    assert find_deadline(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The end of a period for applying, with no deadline word (tests/labelled/SOURCES.md)
        (  # lejournaldemayotte.yt, 2020-02-21
            "Du 17 février au 27 mars 2020 à minuit, les porteurs de projets sont invités à effectuer leurs "
            "demandes de subventions",
            ("2020-03-27T23:59:59+01:00", "datetime"),
        ),
        (  # raumars.org/en/hakulomake
            "The application for the 2026 residencies is open 15th April – 15th May 2025.",
            ("2025-05-15T23:59:59+02:00", "date"),
        ),
        (
            "Submissions must be received by 17:00 CET on 15 January 2027.",
            ("2027-01-15T17:00:00+01:00", "datetime"),
        ),
        ("Applications are open until 15 March 2027.", ("2027-03-15T23:59:59+01:00", "date")),
        (
            "L'exposition et les candidatures sont ouvertes jusqu'au 15 mars 2027.",
            ("2027-03-15T23:59:59+01:00", "date"),
        ),
    ],
)
def test_periods_for_applying_and_cues_naming_what_is_submitted(text: str, expected: tuple[str, str]) -> None:
    assert _extract(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # "until", "tot", "au plus tard" bound what ends, not only submissions: a rule in force, an exhibition,
        # a contract, eligible costs, the announcement of results
        "blijven van kracht tot 1 juli 2021.",  # amsterdamsfondsvoordekunst.nl
        "Exposition « Peintres du Pacifique » du 5 au 28 mai 2020",  # lechevaletdart.nc
        "When: from November 15th to November 27th 2020",  # ainin.org
        "L'exposition est visible jusqu'au 15 mars 2027.",
        "De tentoonstelling loopt nog tot en met 15 maart 2027.",
        "The contract is valid until 31 December 2027.",
        "Kosten zijn subsidiabel tot en met 31 december 2027.",
        "Les lauréats seront informés au plus tard le 15 mars 2027.",
        "Results will be communicated no later than 15 March 2027.",
        "Residency period: 1 February 2027 until 30 April 2027.",
    ],
)
def test_a_weak_cue_bounding_something_else_is_no_deadline(text: str) -> None:
    assert find_deadline(text) is None


def test_cue_patterns_start_at_a_word_as_a_bare_word_boundary_would() -> None:
    # deadline_cues starts its patterns at a word's first letter (a speed-up): a cue added there that starts with
    # something else ("'s avonds", "(closing)") would silently never match; this compares with plain \b.
    import re

    from refine import deadline_cues as cues

    texts = [row["text"] for row in _rows()]
    texts += [
        "om 5 uur's avonds, deadline(s) à 17h",
        "l'exposition, jusqu'au 3 mai; t/m 4 juni – vóór 5 juli",
    ]
    for name in (
        "CUE_RE",
        "NOT_SUBMISSION",
        "SUBMIT_AFTER",
        "OTHER_SUBJECT",
        "APPLICATION",
        "BEFORE_DATE",
        "COPULA",
    ):
        fast = getattr(cues, name)
        assert fast.pattern.startswith(cues.AT_WORD), name
        plain = re.compile(r"\b" + fast.pattern.removeprefix(cues.AT_WORD), fast.flags)
        for text in texts:
            for end in range(0, len(text) + 1, 7):  # the $-anchored ones need many ends
                window = text[max(0, end - 90) : end]
                assert [m.group(0) for m in fast.finditer(window)] == [
                    m.group(0) for m in plain.finditer(window)
                ]
