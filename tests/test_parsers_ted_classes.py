"""Issue 13, classes 5-8 on real TED notices (eForms, R2.0.9, creative sector): the latest date to act, the
status a notice type implies (through refine, at a frozen moment the notice was live), every language in
`texts`, the title in the notice's own language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from refine.pipeline import refine_and_cluster
from spiders.parsers import ted_eforms, ted_r2

ROOT = Path(__file__).resolve().parents[1]
TED = ROOT / "tests" / "fixtures" / "ted"
CREATIVE = ROOT / "tests" / "fixtures" / "ted_creative"


def item(module, path: Path, now: datetime) -> dict:
    [record] = module.parse(path.read_bytes(), source="ted", url=str(path))
    [refined] = refine_and_cluster([record], now=now).items
    return refined


# --- class 5: expressions of interest in a PIN used as a call for competition (eForms) -------------------------


@pytest.fixture(scope="module")
def pin_cfc_fr() -> dict:
    return item(
        ted_eforms, TED / "eforms_real_FR_pin-cfc_2024-OJS074-00219998.xml", datetime(2024, 4, 16, tzinfo=UTC)
    )


def test_pin_cfc_deadline_is_the_expression_of_interest(pin_cfc_fr):
    assert pin_cfc_fr["deadline_at"] == "2024-05-13T12:00:00+02:00"


def test_pin_cfc_deadline_precision(pin_cfc_fr):
    assert pin_cfc_fr["deadline_precision"] == "datetime"


def test_pin_cfc_is_open(pin_cfc_fr):
    assert pin_cfc_fr["status"] == "open"


def test_pin_cfc_english_deadline_keeps_its_seconds():
    rec = item(
        ted_eforms,
        TED / "eforms_real_NL_pin-cfc_en_2024-OJS047-00137599.xml",
        datetime(2024, 3, 7, tzinfo=UTC),
    )
    assert rec["deadline_at"] == "2024-03-20T20:03:20+01:00"


def test_call_for_expression_of_interest_deadline():
    rec = item(ted_eforms, TED / "eforms_sdk_example_CEI.xml", datetime(2020, 1, 28, tzinfo=UTC))
    assert rec["deadline_at"] == "2024-06-09T23:59:59+02:00"


# --- class 5/6: R2 design contest, PIN used as a call, concession PRI with a closing date ------------------------


@pytest.fixture(scope="module")
def artworks_contest() -> dict:
    # F12, Tisséo Toulouse: artworks for the stations of metro line 3
    return item(ted_r2, CREATIVE / "ted_r209_190192-2021.xml", datetime(2021, 4, 17, 12, tzinfo=UTC))


def test_design_contest_deadline(artworks_contest):
    assert artworks_contest["deadline_at"] == "2021-05-17T12:00:00+02:00"


def test_design_contest_is_a_tender(artworks_contest):
    assert artworks_contest["kind"] == "tender"


def test_design_contest_is_open(artworks_contest):
    assert artworks_contest["status"] == "open"


def test_r2_pin_with_call_for_competition_deadline():
    rec = item(ted_r2, CREATIVE / "ted_r209_085851-2018.xml", datetime(2018, 2, 25, tzinfo=UTC))
    assert (rec["deadline_at"], rec["status"]) == ("2018-03-28T12:00:00+02:00", "open")


def test_r2_concession_pri_with_closing_date_is_open():
    # F23 NOTICE TYPE="PRI" (Munch Museum film production) that gives a time limit: a call for competition
    rec = item(ted_r2, CREATIVE / "ted_r209_607424-2021.xml", datetime(2021, 11, 27, tzinfo=UTC))
    assert rec["status"] == "open"


def test_r2_concession_pri_deadline_in_oslo_time():
    rec = item(ted_r2, CREATIVE / "ted_r209_607424-2021.xml", datetime(2021, 11, 27, tzinfo=UTC))
    assert rec["deadline_at"] == "2021-12-20T12:00:00+01:00"


def test_r2_pin_only_is_forthcoming():
    rec = item(ted_r2, CREATIVE / "ted_r209_540029-2018.xml", datetime(2018, 12, 8, tzinfo=UTC))
    assert (rec["status"], rec["deadline_at"]) == ("forthcoming", None)


# --- class 6: result notices are awarded on the day they come out -----------------------------------------------


@pytest.fixture(scope="module")
def contest_results() -> dict:
    # F13 results of BRIGHT Brussels 2020 artistic projects competition (visit.brussels), EN+FR+NL
    return item(ted_r2, CREATIVE / "ted_r209_595544-2019.xml", datetime(2019, 12, 17, tzinfo=UTC))


def test_contest_results_are_awarded(contest_results):
    assert contest_results["status"] == "awarded"


def test_contest_results_have_no_deadline(contest_results):
    # a date in the results' text is not a date to act on
    assert contest_results["deadline_at"] is None


def test_contest_results_kind(contest_results):
    assert contest_results["kind"] == "tender"


def test_eforms_award_notice_is_awarded_on_publication_day():
    rec = item(
        ted_eforms,
        TED / "eforms_real_BE_can_24lang_2023-OJS165-00522031.xml",
        datetime(2023, 8, 29, 12, tzinfo=UTC),
    )
    assert rec["status"] == "awarded"


def test_eforms_form_type_gives_the_status_of_an_unknown_subtype():
    assert ted_eforms.notice_type_status("xx-new", "result") == "awarded"


def test_eforms_contract_completion_is_closed():
    assert ted_eforms.notice_type_status("compl") == "closed"


# --- class 7: every language in texts, title in the original language ---------------------------------------------


def test_eforms_all_24_languages_kept():
    rec = item(
        ted_eforms,
        TED / "eforms_real_BE_can_24lang_2023-OJS165-00522031.xml",
        datetime(2023, 8, 29, tzinfo=UTC),
    )
    assert len(rec["texts"]) == 24


def test_eforms_24_languages_title_in_notice_language():
    rec = item(
        ted_eforms,
        TED / "eforms_real_BE_can_24lang_2023-OJS165-00522031.xml",
        datetime(2023, 8, 29, tzinfo=UTC),
    )
    assert (rec["language"], rec["title"]) == ("en", "Ultra-low Temperature Freezers")


def test_r2_translations_all_kept(contest_results):
    assert {"en", "fr", "nl", "de", "it", "pl"} <= set(contest_results["texts"])


def test_r2_title_in_original_language(contest_results):
    assert contest_results["language"] == "en"


def test_r2_dutch_notice_title_is_dutch():
    rec = item(ted_r2, CREATIVE / "ted_r209_027184-2020.xml", datetime(2020, 1, 21, tzinfo=UTC))
    assert (rec["language"], rec["title"][:36]) == ("nl", "Oproep tot aanvraag tot deelneming -")


def test_r2_german_notice_has_24_texts():
    rec = item(ted_r2, CREATIVE / "ted_r209_085851-2018.xml", datetime(2018, 2, 25, tzinfo=UTC))
    assert len(rec["texts"]) == 24


# --- a concession notice without any structured deadline stays without one ---------------------------------------


def test_eforms_concession_without_deadline():
    rec = item(
        ted_eforms,
        CREATIVE / "eforms_real_BE_concession_nl_553536-2023.xml",
        datetime(2023, 9, 15, tzinfo=UTC),
    )
    assert (rec["status"], rec["deadline_at"]) == ("open", None)
