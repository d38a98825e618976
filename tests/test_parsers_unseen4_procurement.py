"""Procurement families on real files never used while building Vigie (fourth unseen-file hunt, 2026-12-04;
tests/fixtures/unseen4, provenance in tests/fixtures/SOURCES.md). Classes fixed:

- an OCDS release whose `ocid` comes after the first 4 KiB (Mexico's federal administration writes it last,
  after kilobytes of contracts; Mexico's INAI after its contracts) was "format not recognised": the sniff now
  knows release fields (tender with contracts/awards/planning, initiationType, tenderPeriod...) and asks the
  whole body for the ocid;
- an OCDS process whose publisher left `tender.status` at "active" after signing the contract (Mexico City's
  airport group, Nigeria's open contracting portal) was shown "open" years later: a signed contract covering
  every lot is "awarded" (a dynamic purchasing system stays open);
- an OCDS contract titled "." (Mexico's federal administration) was shown as the title: a title without a
  letter is none, and the next source is read;
- an eForms (and TED R2) notice whose procedure title is the buyer's own name ("VZW AZ Jan Portaels" for AZ Jan
  Portaels) and whose lot title is a file reference with a lot number ("AZJP_122182_GBS - 1") showed the name:
  the description says what is bought.

The other files pin what a member relies on (deadline with its offset, status, buyer, country) on publishers
and years not seen before. Time frozen; one assertion per field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import detect_family, parse
from spiders.parsers._text import names_only, worded
from spiders.parsers.ocds_releases import status

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "unseen4"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def refined(name: str, now: str) -> list[dict]:
    with time_machine.travel(now, tick=False):
        records = list(parse(read(name), source="t"))
        return refine_and_cluster(records, now=datetime.now(UTC)).items


# ------------------------------------------------------------ OCDS: the ocid after the sniffed head

APF = "ocds_mx_apf_ocid_last_ocds-07smqs-1038.json"
INAI = "ocds_mx_inai_ocid_late_PC-0010.json"


@pytest.mark.parametrize("name", [APF, INAI])
def test_a_release_with_its_ocid_far_down_is_ocds(name):
    assert detect_family(read(name), name) == "ocds"


@pytest.fixture(scope="module")
def apf() -> dict:
    return refined(APF, "2018-02-01T09:00:00+00:00")[0]


def test_the_late_ocid_release_is_one_process(apf):
    assert apf["native_id"] == "ocds-07smqs-1038"


def test_the_late_ocid_release_title_is_its_contract(apf):
    assert apf["title"] == "PAGO FACT 25"


def test_the_late_ocid_release_buyer(apf):
    assert apf["organiser"] == "delegación SEDESOL en Tabasco"


def test_the_late_ocid_release_is_awarded(apf):
    assert apf["status"] == "awarded"


@pytest.fixture(scope="module")
def inai() -> dict:
    return refined(INAI, "2017-10-01T09:00:00+00:00")[0]


def test_the_inai_release_title_is_what_is_bought(inai):
    assert inai["title"].startswith("Servicio integral de producción audiovisual")


def test_the_inai_release_is_awarded(inai):
    assert inai["status"] == "awarded"


def test_the_inai_release_budget(inai):
    assert (inai["budget_amount"], inai["budget_currency"]) == (1500000.0, "MXN")


def test_a_json_feed_is_still_no_ocds():
    body = b'{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [{"id": "1"}]}'
    assert detect_family(body, "feed.json") == "feed"


def test_release_fields_without_any_ocid_are_not_ocds():
    body = b'{"tender": {"id": "1"}, "contracts": [{"id": "c"}]}'
    with pytest.raises(Exception, match="format not recognised"):
        detect_family(body, "x.json")


# ------------------------------------------------------------ OCDS: "." is no title

DOT = "ocds_mx_apf_dot_title_ocds-07smqs-1035.json"


def test_a_contract_titled_with_a_dot_gives_no_title():
    records = list(parse(read(DOT), source="t"))
    assert records[0]["title"] is None


# ------------------------------------------------------------ OCDS: tender left "active" after the contract

GACM = "ocds_mx_gacm_active_signed_record_10.json"
NIGERIA = "ocds_ng_active_signed_record_zt1ngs.json"


@pytest.fixture(scope="module")
def gacm() -> dict:
    return refined(GACM, "2017-03-01T09:00:00+00:00")[0]


def test_an_active_tender_with_a_signed_contract_is_awarded(gacm):
    assert gacm["status"] == "awarded"


def test_the_airport_group_buyer(gacm):
    assert gacm["organiser"] == "Grupo Aeroportuario de la Ciudad de Mexico, S.A. de C.V."


def test_the_airport_group_country(gacm):
    assert gacm["country"] == "MX"


def test_the_airport_group_title(gacm):
    assert gacm["title"].startswith("Prestacion de los Servicios consistentes en la elaboracion del Plan")


@pytest.fixture(scope="module")
def nigeria() -> dict:
    return refined(NIGERIA, "2014-11-01T09:00:00+00:00")[0]


def test_a_nigerian_process_past_its_award_is_not_open(nigeria):
    assert nigeria["status"] == "awarded"


def test_the_nigerian_buyer(nigeria):
    assert nigeria["organiser"] == "benin-owena river basin development authority"


def test_the_nigerian_country(nigeria):
    assert nigeria["country"] == "NG"


def _release(lots: list[str], related: list[str]) -> dict:
    return {
        "tender": {"status": "active", "lots": [{"id": lot} for lot in lots]},
        "awards": [{"status": "active", "relatedLots": related}],
        "contracts": [{"status": "active"}],
    }


def test_a_signed_contract_for_one_lot_of_two_leaves_the_tender_open():
    assert status(_release(["1", "2"], ["1"]), ["award"]) == "open"


def test_signed_contracts_for_every_lot_award_the_tender():
    assert status(_release(["1", "2"], ["1", "2"]), ["award"]) == "awarded"


def test_a_dynamic_purchasing_system_with_contracts_stays_open():
    release = _release(["1"], ["1"])
    release["tender"]["techniques"] = {"hasDynamicPurchasingSystem": True}
    assert status(release, ["award"]) == "open"


def test_an_active_tender_with_a_pending_contract_stays_open():
    release = {"tender": {"status": "active"}, "contracts": [{"status": "pending"}]}
    assert status(release, ["tender"]) == "open"


# ------------------------------------------------------------ OCDS: new publishers, pinned values

NSW = "ocds_au_nsw_release_0.json"
CF = "ocds_uk_cf_record_metoffice.json"


@pytest.fixture(scope="module")
def nsw() -> dict:
    return refined(NSW, "2018-02-01T09:00:00+00:00")[0]


def test_nsw_deadline_keeps_its_utc_instant(nsw):
    assert nsw["deadline_at"] == "2018-01-22T23:30:00+00:00"


def test_nsw_buyer(nsw):
    assert nsw["organiser"] == "Public Works Advisory - Hunter New England Region"


def test_nsw_complete_tender_is_closed(nsw):
    assert nsw["status"] == "closed"


def test_nsw_title(nsw):
    assert nsw["title"] == "Belmont Hospital Theatre Refurbishment"


@pytest.fixture(scope="module")
def contracts_finder() -> dict:
    return refined(CF, "2015-03-01T09:00:00+00:00")[0]


def test_contracts_finder_deadline(contracts_finder):
    assert contracts_finder["deadline_at"] == "2015-02-27T00:00:00+00:00"


def test_contracts_finder_unsuccessful_tender_is_closed(contracts_finder):
    assert contracts_finder["status"] == "closed"


def test_contracts_finder_buyer(contracts_finder):
    assert contracts_finder["organiser"] == "Met Office"


def test_contracts_finder_country(contracts_finder):
    assert contracts_finder["country"] == "GB"


def test_contracts_finder_cpv(contracts_finder):
    assert contracts_finder["cpv"] == ["73000000"]


# ------------------------------------------------------------ eForms: the buyer's name for a title

PORTAELS = "eforms_BE_cn_buyer_name_title_547692-2023.xml"


@pytest.fixture(scope="module")
def portaels() -> dict:
    return refined(PORTAELS, "2023-09-20T09:00:00+00:00")[0]


def test_a_buyer_name_title_gives_way_to_what_is_bought(portaels):
    assert portaels["title"].startswith(
        "Aanstelling van een aannemer voor de installatie van gebouwbeheersysteem"
    )


def test_the_buyer_name_notice_buyer(portaels):
    assert portaels["organiser"] == "AZ Jan Portaels"


def test_the_buyer_name_notice_deadline(portaels):
    assert portaels["deadline_at"] == "2023-10-13T10:00:00+02:00"


def test_the_buyer_name_notice_is_open_before_its_deadline(portaels):
    assert portaels["status"] == "open"


def test_the_buyer_name_notice_region(portaels):
    assert portaels["regions"] == ["BE-VLG"]


@pytest.mark.parametrize(
    ("title", "names"),
    [("VZW AZ Jan Portaels", ["AZ Jan Portaels"]), ("Brugge", ["Stad Brugge"]), ("GmbH EnBW", ["EnBW"])],
)
def test_an_organisation_name_is_no_title(title, names):
    assert names_only(title, names)


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("Bedrijfs- en event catering Havenhuis", ["Haven van Antwerpen-Brugge"]),
        ("Uitbating van de foyer van de Koninklijke Stadsschouwburg", ["Brugge"]),
        ("Projektwettbewerb Wohnen im Alter Balzers", ["Gemeinde Balzers"]),
    ],
)
def test_a_title_naming_its_buyer_among_other_words_stays(title, names):
    assert not names_only(title, names)


def test_a_title_sharing_one_word_with_a_department_stays():
    assert not names_only("Procurement Title", ["Procurement Department"])


def test_a_file_reference_with_a_lot_number_is_not_worded():
    assert not worded("AZJP_122182_GBS - 1")


# ------------------------------------------------------------ eForms: new publishers, pinned values

ROMANIA = "eforms_RO_cn_participation_757543-2023.xml"
AUSTRIA = "eforms_AT_concession_utc_246534-2023.xml"
KKH = "eforms_DE_cn_open_2026_622691-2023.xml"


@pytest.fixture(scope="module")
def romania() -> dict:
    return refined(ROMANIA, "2023-12-20T09:00:00+00:00")[0]


def test_a_restricted_procedure_closes_on_its_request_deadline(romania):
    assert romania["deadline_at"] == "2024-01-03T00:00:00+02:00"


def test_the_restricted_procedure_is_open(romania):
    assert romania["status"] == "open"


def test_the_restricted_procedure_country(romania):
    assert romania["country"] == "RO"


def test_the_restricted_procedure_language(romania):
    assert romania["language"] == "ro"


@pytest.fixture(scope="module")
def austria() -> dict:
    return refined(AUSTRIA, "2023-05-01T09:00:00+00:00")[0]


def test_a_deadline_written_in_utc_stays_utc(austria):
    assert austria["deadline_at"] == "2023-05-30T12:00:00+00:00"


def test_the_concession_is_open(austria):
    assert austria["status"] == "open"


def test_the_concession_buyer(austria):
    assert austria["organiser"] == "Monopolverwaltung für Steiermark und Kärnten"


@pytest.fixture(scope="module")
def kkh() -> dict:
    return refined(KKH, "2026-12-04T09:00:00+00:00")[0]


def test_a_2023_notice_open_until_the_end_of_2026_is_open(kkh):
    assert kkh["status"] == "open"


def test_the_long_open_notice_deadline(kkh):
    assert kkh["deadline_at"] == "2026-12-31T23:59:00+01:00"


def test_the_long_open_notice_buyer(kkh):
    assert kkh["organiser"] == "KKH Kaufmännische Krankenkasse"


# ------------------------------------------------------------ TED R2.0.9: new publishers, pinned values

DISCONTINUED = "ted_r209_PL_F03_discontinued_000084-2019.xml"
ENBW = "ted_r209_DE_F06_008247-2021.xml"


def test_a_discontinued_award_notice_is_cancelled():
    assert refined(DISCONTINUED, "2019-02-01T09:00:00+00:00")[0]["status"] == "cancelled"


@pytest.fixture(scope="module")
def enbw() -> dict:
    return refined(ENBW, "2021-02-01T09:00:00+00:00")[0]


def test_a_utilities_award_is_awarded(enbw):
    assert enbw["status"] == "awarded"


def test_the_utilities_award_title(enbw):
    assert enbw["title"] == "Wachschutz PV-Parks Gottesgabe und Alttrebbin"


def test_the_utilities_award_buyer(enbw):
    assert enbw["organiser"] == "EnBW Energie Baden-Württemberg AG"
