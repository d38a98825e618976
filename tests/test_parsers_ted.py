"""TED parsers (eForms UBL, TED XML R2, Search API v3) on real notices: one assertion per field a member checks."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spiders import parsers
from spiders.parsers import ted_api, ted_eforms, ted_r2
from vigie.core.errors import ParseError
from vigie.core.items import RAW_FIELDS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "ted"
CORPUS = ROOT.parent / "shared" / "corpus" / "ted"


def one(module, name: str, folder: Path = FIXTURES) -> dict:
    path = folder / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    records = list(module.parse(path.read_bytes(), source="ted", url=str(path)))
    assert len(records) == 1
    assert set(records[0]) == set(RAW_FIELDS)
    return records[0]


# --- eForms: Belgian contract notice, French and Dutch --------------------------------------------------------


@pytest.fixture(scope="module")
def be_cn() -> dict:
    return one(ted_eforms, "eforms_real_BE_cn_fr-nl_2024-OJS198-00612681.xml")


def test_be_cn_native_id_is_the_publication_number(be_cn):
    assert be_cn["native_id"] == "612681-2024"


def test_be_cn_url_is_the_ted_page(be_cn):
    assert be_cn["url"] == "https://ted.europa.eu/en/notice/-/detail/612681-2024"


def test_be_cn_title_fr(be_cn):
    assert be_cn["texts"]["fr"]["title"].startswith("PROCEDURE OUVERTE POUR LES SERVICES DE PHARMACIE")


def test_be_cn_title_nl(be_cn):
    assert be_cn["texts"]["nl"]["title"].startswith("OPENBARE PROCEDURE VOOR DE APOTHEEKDIENSTEN")


def test_be_cn_summary_fr(be_cn):
    assert be_cn["texts"]["fr"]["summary"].startswith("Le présent marché porte sur LA PREPARATION")


def test_be_cn_main_language_is_the_notice_language(be_cn):
    assert be_cn["language"] == "nl"
    assert be_cn["title"] == be_cn["texts"]["nl"]["title"]


def test_be_cn_deadline_keeps_its_offset(be_cn):
    assert be_cn["deadline_at"] == "2024-11-18T10:00:00+01:00"


def test_be_cn_published(be_cn):
    assert be_cn["published_at"] == "2024-10-10"


def test_be_cn_buyer_in_notice_language(be_cn):
    assert be_cn["organiser"] == "FOD Justitie"


def test_be_cn_buyer_legal_type(be_cn):
    assert be_cn["organiser_type"] == "cga"


def test_be_cn_country(be_cn):
    assert be_cn["country"] == "BE"


def test_be_cn_nuts_of_buyer_then_places(be_cn):
    assert be_cn["nuts"][:3] == ["BE100", "BE332", "BE328"]
    assert len(be_cn["nuts"]) == len(set(be_cn["nuts"]))


def test_be_cn_city_and_postal_code(be_cn):
    assert (be_cn["city"], be_cn["postal_code"]) == ("Brussel", "1000")


def test_be_cn_place_of_performance(be_cn):
    assert be_cn["location"].startswith("Prison de Lantin; Gevangenis Leuze")


def test_be_cn_cpv(be_cn):
    assert be_cn["cpv"] == ["85149000"]


def test_be_cn_kind(be_cn):
    assert be_cn["kind"] == "tender"


def test_be_cn_notice_type(be_cn):
    assert be_cn["notice_type"] == "cn-standard"


def test_be_cn_status(be_cn):
    assert be_cn["status"] == "open"


def test_be_cn_family(be_cn):
    assert be_cn["family"] == "eforms"


# --- eForms: PIN used as a call for competition, design contest, award, prior information, cancellation -----


@pytest.fixture(scope="module")
def pin_cfc() -> dict:
    return one(ted_eforms, "eforms_real_BE_pin-cfc-social_nl_2024-OJS052-00152054.xml")


def test_pin_cfc_notice_type(pin_cfc):
    assert pin_cfc["notice_type"] == "pin-cfc-social"


def test_pin_cfc_is_an_open_tender(pin_cfc):
    assert (pin_cfc["kind"], pin_cfc["status"]) == ("tender", "open")


def test_pin_cfc_dutch_only(pin_cfc):
    assert list(pin_cfc["texts"]) == ["nl"]
    assert pin_cfc["title"].startswith("Concessieovereenkomst voor de exploitatie van de cafetaria")


def test_pin_cfc_buyer(pin_cfc):
    assert (pin_cfc["organiser"], pin_cfc["city"], pin_cfc["country"]) == ("Farys", "Gent", "BE")


def test_pin_cfc_budget(pin_cfc):
    assert (pin_cfc["budget_amount"], pin_cfc["budget_currency"]) == (12960000.0, "EUR")


@pytest.fixture(scope="module")
def design_contest() -> dict:
    return one(ted_eforms, "eforms_real_FR_cn-desg_2024-OJS015-00041387.xml")


def test_design_contest_is_a_tender(design_contest):
    assert design_contest["kind"] == "tender"


def test_design_contest_notice_type(design_contest):
    assert design_contest["notice_type"] == "cn-desg"


def test_design_contest_deadline(design_contest):
    assert design_contest["deadline_at"] == "2024-03-04T12:00:00+02:00"


def test_design_contest_buyer(design_contest):
    assert (design_contest["organiser"], design_contest["organiser_type"]) == (
        "Région Nouvelle-Aquitaine",
        "ra",
    )


def test_design_contest_cpv_is_architecture(design_contest):
    assert design_contest["cpv"] == ["71000000"]


def test_design_contest_place(design_contest):
    assert (design_contest["postal_code"], design_contest["city"], design_contest["nuts"]) == (
        "87500",
        "Saint-Yrieix-la-Perche",
        ["FRI23"],
    )


@pytest.fixture(scope="module")
def award() -> dict:
    return one(ted_eforms, "eforms_real_BE_can_fr-nl_2024-OJS065-00191534.xml")


def test_award_status(award):
    assert award["status"] == "awarded"


def test_award_notice_type(award):
    assert award["notice_type"] == "can-standard"


def test_award_titles_fr_nl(award):
    assert award["texts"]["fr"]["title"].startswith("PROCEDURE OUVERTE POUR LE NETTOYAGE DES MAISONS FITT")
    assert award["texts"]["nl"]["title"].startswith(
        "OPENBARE PROCEDURE VOOR HET SCHOONMAKEN VAN DE FITT-WONINGEN"
    )


def test_award_main_language_and_buyer(award):
    assert (award["language"], award["organiser"]) == ("fr", "SPF Intérieur")


def test_award_has_no_deadline(award):
    assert award["deadline_at"] is None


def test_award_native_id(award):
    assert award["native_id"] == "191534-2024"


def test_award_without_winner_is_cancelled():
    # the only lot "clos-nw": all tenders rejected, the procedure ends without a contract
    rec = one(ted_eforms, "eforms_real_BE_can_fr-nl_2024-OJS197-00607986.xml")
    assert (rec["status"], rec["notice_type"]) == ("cancelled", "can-standard")


def test_unpublished_pin_only_is_forthcoming_and_named_by_uuid():
    pin = one(ted_eforms, "eforms_sdk_example_pin-only_81_FRA.xml")
    assert pin["status"] == "forthcoming"
    assert pin["native_id"] == "3f60af90-c612-40bd-9943-866fe3ae21b4-v01"
    assert pin["published_at"] == "2020-12-07T12:35:04+01:00"  # no publication date: the dispatch time
    assert pin["language"] == "fr"


def test_change_notice_cancelling_a_cn():
    change = one(ted_eforms, "eforms_sdk_example_change-cn_24_void.xml")
    assert change["status"] == "cancelled"
    assert change["summary"].endswith("We cancel because...")


def test_empty_eforms_notice_is_a_parse_error():
    body = (FIXTURES / "eforms_sdk_example_INVALID_cn_24_empty.xml").read_bytes()
    with pytest.raises(ParseError, match="empty or invalid eForms notice"):
        list(ted_eforms.parse(body, source="ted", url="empty.xml"))


def test_eforms_multilingual_texts_use_iso_639_1():
    rec = one(ted_eforms, "eforms_real_BE_can_24lang_2023-OJS165-00522031.xml", CORPUS)
    assert len(rec["texts"]) == 24
    assert rec["texts"]["de"]["title"] == "Ultra-Niedrig-Gefriergeräte"
    assert all(len(lang) == 2 for lang in rec["texts"])


# --- TED XML R2.0.9 ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def r2_f02() -> dict:
    return one(ted_r2, "ted_r209_BE_20-343258-001-EXP.xml")


def test_r2_native_id_is_the_document_number(r2_f02):
    assert r2_f02["native_id"] == "338270-2020"


def test_r2_url(r2_f02):
    assert r2_f02["url"] == "https://ted.europa.eu/en/notice/-/detail/338270-2020"


def test_r2_title_in_original_language(r2_f02):
    assert r2_f02["language"] == "en"
    assert r2_f02["title"] == (
        "JRC Multi-site Organisation Certification for ISO 9001 and Certification for ISO 45001 On-site Level"
    )


def test_r2_translated_title_fr(r2_f02):
    assert r2_f02["texts"]["fr"]["title"].startswith("Certification ISO 9001 du JRC")


def test_r2_every_translation_in_texts(r2_f02):
    assert len(r2_f02["texts"]) == 24


def test_r2_deadline_is_local_time_in_brussels(r2_f02):
    assert (r2_f02["deadline_at"], r2_f02["timezone"]) == ("2020-08-24T16:00:00", "Europe/Brussels")


def test_r2_published(r2_f02):
    assert r2_f02["published_at"] == "2020-07-20"


def test_r2_buyer(r2_f02):
    assert r2_f02["organiser"].startswith("European Commission, JRC — Joint Research Centre")


def test_r2_country_and_nuts(r2_f02):
    assert r2_f02["country"] == "BE"
    assert r2_f02["nuts"][0] == "BE100"


def test_r2_cpv(r2_f02):
    assert r2_f02["cpv"] == ["79212000", "79000000"]


def test_r2_contract_notice_is_an_open_tender(r2_f02):
    assert (r2_f02["kind"], r2_f02["status"], r2_f02["notice_type"]) == ("tender", "open", "F02")


def test_r2_budget(r2_f02):
    assert (r2_f02["budget_amount"], r2_f02["budget_currency"]) == (400000.0, "EUR")


def test_r2_award_is_awarded():
    rec = one(ted_r2, "ted_r209_BE_21-000934-001-EXP.xml")
    assert (rec["status"], rec["notice_type"]) == ("awarded", "F03")


def test_r2_design_contest_is_a_tender():
    rec = one(ted_r2, "ted_r209_FR_20-179994-001-EXP.xml")
    assert (rec["kind"], rec["status"], rec["notice_type"]) == ("tender", "open", "F12")
    assert rec["deadline_at"] == "2020-06-05T12:00:00"
    assert rec["timezone"] == "Europe/Paris"


def test_r2_prior_information_is_forthcoming():
    rec = one(ted_r2, "ted_r209_DE_20-155018-001-EXP.xml")
    # the parser's hint: prior information (forthcoming in refine unless a deadline to express interest is found)
    assert (rec["kind"], rec["status"], rec["notice_type"]) == ("tender", "prior information", "F01")


def test_r2_older_release_r207():
    rec = one(ted_r2, "ted_r207_2011.xml", CORPUS)
    assert (rec["native_id"], rec["country"], rec["status"]) == ("5302-2011", "GB", "awarded")
    assert rec["organiser"] == "Southend Borough Council"
    assert (rec["budget_amount"], rec["budget_currency"]) == (878000.0, "GBP")


# --- TED Search API v3 ---------------------------------------------------------------------------------------

API_FILE = "ted_api_v3_search_SE_2026.json"


@pytest.fixture(scope="module")
def api_records() -> list[dict]:
    path = CORPUS / API_FILE
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return list(ted_api.parse(path.read_bytes(), source="ted", url=str(path)))


def test_api_one_record_per_notice(api_records):
    assert [r["native_id"] for r in api_records] == [
        "449657-2026",
        "450106-2026",
        "450199-2026",
        "450382-2026",
        "450523-2026",
    ]


def test_api_language_keyed_titles(api_records):
    texts = api_records[0]["texts"]
    assert texts["en"]["title"] == "Sweden – Communication software package – Stöd för visselblåsarärenden"
    assert texts["fr"]["title"] == "Suède – Logiciels de communications – Stöd för visselblåsarärenden"
    assert len(texts) == 24


def test_api_language_is_the_buyers(api_records):
    assert api_records[0]["language"] == "sv"


def test_api_buyer(api_records):
    assert api_records[0]["organiser"] == "Upphandlingscenter Falun Borlänge-regionen"


def test_api_url(api_records):
    assert api_records[0]["url"] == "https://ted.europa.eu/en/notice/-/detail/449657-2026"


def test_api_cpv_deduplicated(api_records):
    assert api_records[0]["cpv"] == ["48510000", "48900000", "72000000", "79400000"]


def test_api_deadline_and_budget(api_records):
    rec = api_records[1]
    assert rec["deadline_at"] == "2026-08-27"
    assert (rec["budget_amount"], rec["budget_currency"]) == (18000000.0, "SEK")


def test_api_published(api_records):
    assert api_records[0]["published_at"] == "2026-07-01"


def test_api_deadline_joins_date_and_time_per_lot():
    body = json.dumps(
        {
            "notices": [
                {
                    "publication-number": "00612681-2024",
                    "notice-type": "cn-desg",
                    "notice-title": {
                        "fra": "Belgique – Services d'architecture – Concours",
                        "nld": "België – Concours",
                    },
                    "buyer-name": {"nld": ["Stad Gent"]},
                    "buyer-country": ["BEL"],
                    "place-of-performance": ["BE234", "BEL"],
                    "deadline-receipt-tender-date-lot": ["2024-11-20+01:00", "2024-11-18+01:00"],
                    "deadline-receipt-tender-time-lot": ["12:00:00+01:00", "10:00:00+01:00"],
                }
            ],
            "totalNoticeCount": 1,
            "iterationNextToken": None,
        }
    ).encode()
    rec = next(ted_api.parse(body, source="ted"))
    assert rec["deadline_at"] == "2024-11-18T10:00:00+01:00"
    assert (rec["native_id"], rec["language"], rec["country"], rec["nuts"]) == (
        "612681-2024",
        "nl",
        "BE",
        ["BE234"],
    )
    assert (rec["kind"], rec["status"]) == ("tender", "open")


def test_search_request_uses_iteration_pagination():
    body = ted_api.build_search_request("buyer-country IN (BEL)", ["publication-number"], None, 100)
    assert body == {
        "query": "buyer-country IN (BEL)",
        "fields": ["publication-number"],
        "limit": 100,
        "scope": "ALL",
        "paginationMode": "ITERATION",
        "checkQuerySyntax": False,
    }


def test_search_request_sends_the_token_and_caps_the_page():
    body = ted_api.build_search_request("q", ["links"], "tok-2", 1000)
    assert (body["iterationNextToken"], body["limit"]) == ("tok-2", 250)


def test_default_query_filters_belgium_and_member_cpv():
    assert "buyer-country IN (BEL)" in ted_api.DEFAULT_QUERY
    assert "place-of-performance IN (BEL)" in ted_api.DEFAULT_QUERY
    for prefix in ("79*", "92*", "80*", "72*", "71*", "22*"):
        assert prefix in ted_api.DEFAULT_QUERY


def test_next_page_token():
    assert (
        ted_api.next_page_token(
            b'{"notices": [{"publication-number": "1-2026"}], "iterationNextToken": "abc"}'
        )
        == "abc"
    )


def test_next_page_token_none_on_last_or_empty_page():
    assert ted_api.next_page_token(b'{"notices": [{}], "iterationNextToken": null}') is None
    assert ted_api.next_page_token(b'{"notices": [], "iterationNextToken": "abc"}') is None
    assert ted_api.next_page_token(b"<html>502</html>") is None


def test_api_body_without_notices_is_a_parse_error():
    with pytest.raises(ParseError, match='no "notices" list'):
        list(ted_api.parse(b'{"error": "bad query"}', source="ted", url="search.json"))


# --- errors, detection, every corpus file, speed ---------------------------------------------------------------


def test_malformed_xml_is_a_one_line_parse_error():
    body = (FIXTURES / "eforms_real_BE_cn_fr-nl_2024-OJS198-00612681.xml").read_bytes()[:5000]
    with pytest.raises(ParseError) as info:
        list(ted_eforms.parse(body, source="ted", url="notice.xml"))
    message = str(info.value)
    assert message.startswith("XML is not well-formed:")
    assert "\n" not in message


def test_wrong_root_is_a_parse_error():
    with pytest.raises(ParseError, match="not a TED R2 export"):
        list(ted_r2.parse(b"<rss><channel/></rss>", source="ted", url="feed.xml"))
    with pytest.raises(ParseError, match="not an eForms notice"):
        list(ted_eforms.parse(b"<TED_EXPORT/>", source="ted", url="x.xml"))


def test_empty_body_is_a_parse_error():
    with pytest.raises(ParseError, match="empty file"):
        list(ted_r2.parse(b"", source="ted", url="x.xml"))


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*")) if CORPUS.exists() else []


def expected_family(path: Path) -> str:
    if path.name.startswith("eforms_"):
        return "eforms"
    if path.name.startswith("ted_r2"):
        return "ted_r2"
    return "ted"


@pytest.mark.parametrize(
    "path",
    corpus_files() or [pytest.param(None, marks=pytest.mark.skip("no corpus"))],
    ids=lambda p: p.name if p else "none",
)
def test_every_corpus_file_is_detected_and_parses_or_fails_cleanly(path: Path):
    body = path.read_bytes()
    family = parsers.detect_family(body, path.name)
    assert family == expected_family(path)
    try:
        records = list(parsers.parse(body, family, source="ted", url=path.name))
    except ParseError as exc:
        assert "\n" not in str(exc)
        assert "INVALID" in path.name  # only the SDK's deliberately empty notice may fail
        return
    assert records and all(r["native_id"] and r["texts"] for r in records)


@pytest.mark.parametrize(
    "path", sorted(p for p in FIXTURES.iterdir() if p.suffix in (".xml", ".json")), ids=lambda p: p.name
)
def test_sniffers_are_exclusive(path: Path):
    head = path.read_bytes()[:4096]
    hits = [m.FAMILY for m in (ted_eforms, ted_r2, ted_api) if m.sniff(head, path.name)]
    assert hits == [expected_family(path)]


def test_refined_items_are_valid():
    refine = pytest.importorskip("refine.pipeline")
    records = [
        r
        for name in (
            "eforms_real_BE_cn_fr-nl_2024-OJS198-00612681.xml",
            "ted_r209_BE_20-343258-001-EXP.xml",
            "eforms_real_FR_cn-desg_2024-OJS015-00041387.xml",
        )
        for r in (ted_eforms if name.startswith("eforms") else ted_r2).parse(
            (FIXTURES / name).read_bytes(), source="ted", url=name
        )
    ]
    result = refine.refine(records, now=datetime(2024, 10, 12, tzinfo=UTC))
    assert result.quarantined == []
    assert {i["id"] for i in result.items} == {"ted:612681-2024", "ted:338270-2020", "ted:41387-2024"}


def test_parse_speed_per_notice():
    names = sorted(FIXTURES.glob("*.xml"))
    bodies = [(p.name, p.read_bytes()) for p in names if "INVALID" not in p.name]
    start = time.perf_counter()
    count = 0
    for _ in range(5):
        for name, body in bodies:
            count += len(list(parsers.parse(body, source="ted", url=name)))
    per_notice_ms = (time.perf_counter() - start) / count * 1000
    print(f"TED XML parse: {per_notice_ms:.2f} ms per notice over {count} notices")
    assert per_notice_ms < 50  # generous: ~1-6 ms measured on the 2-core machine


# --- TED Search API v3 on a Belgian page built from the real eForms notices above -----------------------------


@pytest.fixture(scope="module")
def api_be() -> list[dict]:
    body = (FIXTURES / "ted_api_handmade_BE_search_page1.json").read_bytes()
    return list(ted_api.parse(body, source="ted-be", url="search.json"))


def test_api_be_same_identity_as_the_eforms_notice(api_be, be_cn):
    assert api_be[0]["native_id"] == be_cn["native_id"] == "612681-2024"


def test_api_be_titles_fr_nl(api_be):
    assert api_be[0]["texts"]["fr"]["title"].startswith("PROCEDURE OUVERTE POUR LES SERVICES DE PHARMACIE")
    assert api_be[0]["texts"]["nl"]["title"].startswith("OPENBARE PROCEDURE VOOR DE APOTHEEKDIENSTEN")


def test_api_be_language_and_buyer(api_be):
    assert (api_be[0]["language"], api_be[0]["organiser"]) == ("nl", "FOD Justitie")


def test_api_be_deadline_is_the_first_lot_to_close(api_be):
    assert api_be[0]["deadline_at"] == "2024-11-18T10:00:00+01:00"


def test_api_be_country_and_nuts(api_be):
    assert api_be[0]["country"] == "BE"
    assert api_be[0]["nuts"][:2] == ["BE332", "BE328"]
    assert "BEL" not in api_be[0]["nuts"]


def test_api_be_status_and_kind(api_be):
    assert [(r["kind"], r["status"], r["notice_type"]) for r in api_be] == [
        ("tender", "open", "cn-standard"),
        ("tender", "open", "pin-cfc-social"),
    ]


def test_api_be_budget(api_be):
    assert (api_be[1]["budget_amount"], api_be[1]["budget_currency"]) == (12960000.0, "EUR")


def test_api_be_next_page_token():
    body = (FIXTURES / "ted_api_handmade_BE_search_page1.json").read_bytes()
    assert ted_api.next_page_token(body) == "eyJzb3J0IjpbMTcyODUxMjAwMDAwMCwiMTUyMDU0LTIwMjQiXX0="
    assert parsers.detect_family(body, "search.json") == "ted"
