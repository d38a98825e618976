"""Procurement families on real files never used while building Vigie (third unseen-file hunt, 2026-12-03;
tests/fixtures/unseen3, tests/fixtures/SOURCES.md). Class: an OCDS publisher that writes its fields only per
language with the standard's suffix (`title_en`/`title_fr`, `name_en`/`name_fr`, Canada's buyandsell) was
refused as "title is missing", and its buyer (an empty `buyer.name`) was lost; a TED title that is only the
buyer's file reference written as one token ("AOO/2015/LPA/CRYOSTAT.", "2024_AOO_CRYOSTATS_LPENS_3") was shown as
the title. Time frozen; one assertion per field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import detect_family, ocds, ted_r2
from spiders.parsers._text import worded
from spiders.parsers.ocds_fields import localized, name

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "unseen3"
NOW = "2026-12-03T09:00:00+00:00"
BILINGUAL = "ocds_ca_buyandsell_bilingual_release.json"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def buyandsell() -> list[dict]:
    records = list(ocds.parse(read(BILINGUAL), source="t"))
    with time_machine.travel(NOW, tick=False):
        return refine_and_cluster(records, now=datetime.now(UTC)).items


def test_a_bilingual_release_is_ocds():
    assert detect_family(read(BILINGUAL), BILINGUAL) == "ocds"


def test_a_bilingual_release_gives_its_process(buyandsell):
    assert len(buyandsell) == 1


def test_title_is_the_translation_in_the_release_language(buyandsell):
    assert buyandsell[0]["title"] == "ADP Software"


def test_buyer_is_its_party_name_in_the_release_language(buyandsell):
    assert buyandsell[0]["organiser"] == "Agriculture and Agri-Food Canada"


def test_language_is_the_declared_one(buyandsell):
    assert buyandsell[0]["language"] == "en"


def test_country_of_the_bilingual_buyer(buyandsell):
    assert buyandsell[0]["country"] == "CA"


def test_a_contract_without_open_tender_is_awarded(buyandsell):
    assert buyandsell[0]["status"] == "awarded"


def test_a_plain_field_wins_over_its_translations():
    assert localized({"title": "Plain", "title_fr": "Traduit"}, "title", "fr") == "Plain"


def test_the_release_language_picks_among_translations():
    assert localized({"title_en": "Software", "title_fr": "Logiciel"}, "title", "fr") == "Logiciel"


def test_a_region_tagged_suffix_is_its_language():
    assert localized({"title_pt-BR": "Obras"}, "title", "pt") == "Obras"


def test_an_ocds_10_organisation_is_named_by_its_legal_name():
    assert name({"identifier": {"legalName": "Ville de Namur"}}) == "Ville de Namur"


# ------------------------------------------------------------ a file reference for a title (TED R2.0.8, CNRS)

R208 = "ted_r208_FR_cnrs_reference_title_21991-2016.xml"


@pytest.fixture(scope="module")
def cnrs() -> dict:
    with time_machine.travel(NOW, tick=False):
        records = list(ted_r2.parse(read(R208), source="t"))
        return refine_and_cluster(records, now=datetime.now(UTC)).items[0]


def test_a_reference_title_gives_way_to_what_is_bought(cnrs):
    assert cnrs["title"].startswith("Acquisition d'un cryostat")


def test_the_reference_notice_is_awarded(cnrs):
    assert cnrs["status"] == "awarded"


def test_the_reference_notice_buyer(cnrs):
    assert cnrs["organiser"] == "CNRS Délégation Paris B"


def test_the_reference_notice_language(cnrs):
    assert cnrs["language"] == "fr"


@pytest.mark.parametrize("title", ["AOO/2015/LPA/CRYOSTAT.", "2024_AOO_CRYOSTATS_LPENS_3"])
def test_a_one_token_file_reference_is_not_worded(title):
    assert not worded(title)


@pytest.mark.parametrize("title", ["COVID-19", "5G", "Travaux 2024/2025 à l'école", "Mission d'AMO"])
def test_short_codes_and_sentences_stay_worded(title):
    assert worded(title)
