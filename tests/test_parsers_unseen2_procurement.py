"""Procurement families on real files never used while building Vigie (second unseen-file hunt, 2026-12-02;
tests/fixtures/unseen2, tests/fixtures/SOURCES.md). Classes: an OCDS record on its own whose ocid is only inside
its releases (Prozorro); an award-only release whose title is its awarded item (Montréal); a title that is only
a reference or a value ("2719-2016", "5,640,000": the description says what it is); a release `language` that
is a country code (Moldova's "md"). Time frozen; one assertion per field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import detect_family, ocds, ted_eforms

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "unseen2"
NOW = "2026-12-02T09:00:00+00:00"


def refined(records: list[dict]) -> list[dict]:
    with time_machine.travel(NOW, tick=False):
        return refine_and_cluster(records, now=datetime.now(UTC)).items


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# ------------------------------------------------------------ Prozorro (UA): a record without a top-level ocid


@pytest.fixture(scope="module")
def prozorro() -> list[dict]:
    return refined(list(ocds.parse(read("ocds_ua_prozorro_record.json"), source="t")))


def test_a_lone_record_without_top_level_ocid_is_ocds():
    assert detect_family(read("ocds_ua_prozorro_record.json"), "record.json") == "ocds"


def test_prozorro_record_gives_one_process(prozorro):
    assert len(prozorro) == 1


def test_prozorro_record_is_named_by_its_tender(prozorro):
    assert prozorro[0]["title"] == "Стіл масажний"


def test_prozorro_record_is_in_ukrainian(prozorro):
    assert prozorro[0]["language"] == "uk"


def test_prozorro_record_native_id_is_the_ocid_of_its_releases(prozorro):
    assert prozorro[0]["native_id"] == "ocds-be6bcu-UA-2016-06-02-000468-c"


# ------------------------------------------------------------ Montréal: an award release without any title


@pytest.fixture(scope="module")
def montreal() -> list[dict]:
    return refined(list(ocds.parse(read("ocds_ca_montreal_release.json"), source="t")))


def test_award_only_release_is_kept(montreal):
    assert len(montreal) == 1


def test_award_only_release_is_named_by_what_was_awarded(montreal):
    assert montreal[0]["title"].startswith("Évaluation d'un panneau lumineux")


def test_award_only_release_is_in_french(montreal):
    assert montreal[0]["language"] == "fr"


# ------------------------------------------------------------ Colombia: tender.title is a file number


@pytest.fixture(scope="module")
def colombia() -> list[dict]:
    return refined(list(ocds.parse(read("ocds_co_record.json"), source="t")))


def test_a_file_number_title_gives_way_to_the_description(colombia):
    assert colombia[0]["title"].startswith("MEJORAMIENTO DE LA GESTIÓN DE LA SECRETARIA DE EDUCACIÓN")


def test_a_title_made_of_the_description_is_cut_on_a_word(colombia):
    assert len(colombia[0]["title"]) <= 161


def test_colombia_process_is_awarded(colombia):
    assert colombia[0]["status"] == "awarded"


# ------------------------------------------------------------ Moldova: "language": "md" (the country)


def test_a_country_code_written_as_language_is_no_language():
    records = list(ocds.parse(read("ocds_md_record.json"), source="t"))
    assert records[0]["language"] is None


def test_moldova_deadline_is_the_tender_period_end():
    item = refined(list(ocds.parse(read("ocds_md_record.json"), source="t")))[0]
    assert item["deadline_at"] == "2017-01-17T10:00:00+00:00"


# ------------------------------------------------------------ eForms VEAT: the procedure's name is a value


@pytest.fixture(scope="module")
def veat() -> list[dict]:
    return refined(list(ted_eforms.parse(read("eforms_sdk_veat_25.xml"), source="t")))


def test_a_value_written_as_title_gives_way_to_the_description(veat):
    assert veat[0]["title"].startswith("This is a voluntary ex ante transparency (VEAT) notice.")


def test_veat_title_is_not_the_amount(veat):
    assert "5,640,000" not in veat[0]["title"]


def test_veat_is_awarded(veat):
    assert veat[0]["status"] == "awarded"


def test_veat_is_in_english(veat):
    assert veat[0]["language"] == "en"
