"""Parsers for the EU Funding & Tenders portal (SEDIA), Belgian e-Procurement (BOSA) and OCDS."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from spiders.parsers import bosa, bosa_auth, detect_family, ocds, sedia, sedia_request
from vigie.core.errors import MissingCredentialsError, ParseError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def corpus_file(relative: str) -> bytes:
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/corpus is not part of a fresh clone)")
    return path.read_bytes()


def by_id(records: list[dict]) -> dict[str, dict]:
    return {r["native_id"]: r for r in records}


# ============================================================ SEDIA (EU Funding & Tenders)

SEDIA_FIXTURE = FIXTURES / "sedia" / "sedia_handmade_search.json"


def sedia_records(body: bytes | None = None, **options) -> dict[str, dict]:
    return by_id(list(sedia.parse(body or SEDIA_FIXTURE.read_bytes(), source="eu-ft", options=options)))


@time_machine.travel(NOW, tick=False)
def test_sedia_call_fields() -> None:
    call = sedia_records()["CREA-CULT-2027-MOBILITY"]
    assert call["source"] == "eu-ft"
    assert call["family"] == "sedia"
    assert call["kind"] == "call"
    assert call["url"] == (
        "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
        "topic-details/CREA-CULT-2027-MOBILITY"
    )
    assert call["title"] == "Mobility of artists and cultural professionals"
    assert call["language"] == "en"
    assert call["texts"]["fr"]["title"] == "Mobilité des artistes et des professionnels de la culture"
    assert "touring" in call["summary"]
    assert call["published_at"] == "2026-09-15"
    assert call["starts_at"] == "2026-09-15"  # the opening date
    assert call["deadline_at"] == "2027-01-14T17:00:00"
    assert call["timezone"] == "Europe/Brussels"
    assert call["status"] == "open"
    assert call["organiser"] == "European Commission – Creative Europe"
    assert call["budget_amount"] == 3_500_000
    assert call["budget_currency"] == "EUR"
    assert call["scope"] == "european"
    assert call["notice_type"] == "call-for-proposals"


@time_machine.travel(NOW, tick=False)
def test_sedia_duplicate_rows_collapse_into_one_record() -> None:
    # 5 rows: the call in English, in French and as a stale CENTRICITY copy, one tender, one cascade call.
    records = list(sedia.parse(SEDIA_FIXTURE.read_bytes(), source="eu-ft"))
    assert len(json.loads(SEDIA_FIXTURE.read_bytes())["results"]) == 5
    assert [r["native_id"] for r in records] == [
        "CREA-CULT-2027-MOBILITY",
        "EAC/2026/OP/0042",
        "CASCADE-STARTS-2027-01",
    ]
    assert sorted(records[0]["texts"]) == ["en", "fr"]


@pytest.mark.parametrize(
    ("now", "deadline"),
    [
        (datetime(2026, 10, 1, tzinfo=UTC), "2026-10-20T17:00:00"),
        (datetime(2026, 11, 23, tzinfo=UTC), "2027-01-14T17:00:00"),
        (datetime(2027, 2, 1, tzinfo=UTC), "2027-04-15T17:00:00"),
    ],
)
def test_sedia_deadline_is_the_next_cut_off(now: datetime, deadline: str) -> None:
    with time_machine.travel(now, tick=False):
        assert sedia_records()["CREA-CULT-2027-MOBILITY"]["deadline_at"] == deadline


@time_machine.travel(NOW, tick=False)
def test_sedia_summary_keeps_every_cut_off_date() -> None:
    summary = sedia_records()["CREA-CULT-2027-MOBILITY"]["summary"]
    assert (
        "Cut-off dates (multiple cut-off): 2026-10-20 17:00 (Brussels time), 2027-01-14 17:00 (Brussels time), "
        "2027-04-15 17:00 (Brussels time)."
    ) in summary


def _with_status(code: str, deadline: str) -> bytes:
    doc = json.loads(SEDIA_FIXTURE.read_bytes())
    doc["results"] = doc["results"][:1]
    doc["results"][0]["metadata"]["status"] = [code]
    doc["results"][0]["metadata"]["deadlineDate"] = [deadline]
    return json.dumps(doc).encode()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("code", "deadline", "status"),
    [
        (
            "31094501",
            "2027-03-01T17:00:00.000+0000",
            "open",
        ),  # forthcoming code, but the opening date has passed
        ("31094502", "2027-03-01T17:00:00.000+0000", "open"),
        ("31094503", "2027-03-01T17:00:00.000+0000", "closed"),
        ("31094502", "2026-01-10T17:00:00.000+0000", "closed"),  # stale code: every cut-off is over
    ],
)
def test_sedia_status_codes(code: str, deadline: str, status: str) -> None:
    assert sedia_records(_with_status(code, deadline))["CREA-CULT-2027-MOBILITY"]["status"] == status


@time_machine.travel(NOW, tick=False)
def test_sedia_tender_and_cascade_funding() -> None:
    records = sedia_records()
    tender, cascade = records["EAC/2026/OP/0042"], records["CASCADE-STARTS-2027-01"]
    assert tender["kind"] == "tender"
    assert tender["url"].endswith("/opportunities/tender-details/19876")
    assert tender["deadline_at"] == "2027-01-08T16:00:00"
    assert cascade["kind"] == "call"
    assert cascade["url"].endswith("/opportunities/competitive-calls-cs/6001")
    assert cascade["status"] == "forthcoming"
    assert cascade["deadline_at"] == "2027-03-01"  # midnight in the index means the day only
    assert cascade["published_at"] is None  # opens in January: not published yet
    assert cascade["starts_at"] == "2027-01-10"


@time_machine.travel(NOW, tick=False)
def test_sedia_budget_read_from_a_cut_packed_string() -> None:
    doc = json.loads(SEDIA_FIXTURE.read_bytes())
    packed = doc["results"][0]["metadata"]["budgetOverview"][0]
    doc["results"][0]["metadata"]["budgetOverview"] = [
        packed[: packed.index("CREA-CULT-2027-TRANSLATION") + 10]
    ]
    with pytest.raises(json.JSONDecodeError):
        json.loads(doc["results"][0]["metadata"]["budgetOverview"][0])
    assert sedia_records(json.dumps(doc).encode())["CREA-CULT-2027-MOBILITY"]["budget_amount"] == 3_500_000


@time_machine.travel(NOW, tick=False)
def test_sedia_dates_and_status_from_packed_actions_when_metadata_lacks_them() -> None:
    doc = json.loads(SEDIA_FIXTURE.read_bytes())
    doc["results"] = doc["results"][:1]
    for key in ("deadlineDate", "status", "startDate"):
        del doc["results"][0]["metadata"][key]
    call = sedia_records(json.dumps(doc).encode())["CREA-CULT-2027-MOBILITY"]
    assert call["deadline_at"] == "2027-01-14"
    assert call["starts_at"] == "2026-09-15"
    assert call["status"] == "open"


@time_machine.travel(NOW, tick=False)
def test_sedia_real_page_representative_record() -> None:
    records = by_id(list(sedia.parse(corpus_file("eu-funding/sedia_search_full_page.json"), source="eu-ft")))
    soil = records["HORIZON-MISS-2027-05-SOIL-01-two-stage"]
    assert soil["kind"] == "call"
    assert soil["title"] == (
        "Living labs to enhance soil health in Continental, Black Sea, Pannonian and Steppic "
        "biogeographical regions"
    )
    assert soil["url"].endswith("/topic-details/HORIZON-MISS-2027-05-SOIL-01-two-stage")
    assert soil["language"] == "en"
    assert soil["deadline_at"] == "2027-04-08"
    assert "Cut-off dates (two-stage): 2027-04-08, 2027-09-14." in soil["summary"]
    assert soil["summary"].startswith('<p class="topicdescriptionkind">Expected Outcome:</p>')
    assert soil["status"] == "forthcoming"
    assert soil["published_at"] is None
    assert soil["organiser"] == "European Commission – Horizon Europe"
    assert soil["scope"] == "european"
    assert records["HORIZON-CL6-2026-04-GOVERNANCE-01"]["budget_amount"] == 60_000_000


@time_machine.travel(NOW, tick=False)
def test_sedia_real_page_duplicates_and_stale_rows() -> None:
    body = corpus_file("eu-funding/sedia_search_full_page.json")
    records = list(sedia.parse(body, source="eu-ft"))
    assert len(json.loads(body)["results"]) == 9
    assert len(records) == 8
    eosc = by_id(records)["HORIZON-INFRA-2024-EOSC-01-03"]
    assert eosc["url"].endswith("/topic-details/HORIZON-INFRA-2024-EOSC-01-03")  # not the data/…json address
    assert eosc["status"] == "closed"  # the row says forthcoming; its only cut-off was in March 2024
    assert eosc["deadline_at"] == "2024-03-12T17:00:00"


def test_sedia_search_request() -> None:
    url, parts = sedia_request.build_search_request("culture", None, page=2, page_size=50)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://api.tech.ec.europa.eu/search-api/prod/rest/search?")
    assert query == {"apiKey": ["SEDIA"], "text": ["culture"], "pageSize": ["50"], "pageNumber": ["2"]}
    assert json.loads(parts["query"]) == sedia_request.DEFAULT_QUERY
    assert json.loads(parts["languages"]) == ["en"]
    assert json.loads(parts["sort"]) == {"field": "sortStatus", "order": "ASC"}
    custom = {"bool": {"must": [{"terms": {"type": ["1"]}}]}}
    assert json.loads(sedia_request.build_search_request("", custom, 1, 10)[1]["query"]) == custom
    assert "text=%2A%2A%2A" in sedia_request.build_search_request("", None, 1, 10)[0]
    body, content_type = sedia_request.encode_multipart(parts)
    assert content_type == "multipart/form-data; boundary=vigie-sedia-form"
    assert b'name="languages"' in body and b'["en"]' in body and body.endswith(b"--vigie-sedia-form--\r\n")


def test_sedia_total_results() -> None:
    assert sedia_request.total_results(SEDIA_FIXTURE.read_bytes()) == 5
    with pytest.raises(ParseError, match="totalResults"):
        sedia_request.total_results(b'{"results": []}')


@pytest.mark.parametrize("body", [b"<html>gateway timeout</html>", b'{"notices": []}', b"[1, 2]", b""])
def test_sedia_bad_input_is_a_one_line_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError) as info:
        list(sedia.parse(body, source="eu-ft", url="sedia.json"))
    assert str(info.value).startswith("sedia.json: ") and "\n" not in str(info.value)


# ============================================================ BOSA (Belgian e-Procurement)

BOSA_FIXTURE = FIXTURES / "bosa" / "bosa_handmade_publications.json"
WORKSPACE = "a1b2c3d4-0000-4000-8000-000000000001"


def bosa_records(body: bytes | None = None) -> dict[str, dict]:
    return by_id(list(bosa.parse(body or BOSA_FIXTURE.read_bytes(), source="be-eproc")))


def test_bosa_contract_notice_fields() -> None:
    notice = bosa_records()[WORKSPACE]
    assert notice["family"] == "bosa"
    assert notice["kind"] == "tender"
    assert notice["url"] == f"https://www.publicprocurement.be/publication-workspaces/{WORKSPACE}/general"
    assert notice["title"] == "Animation culturelle de la fête de quartier"
    assert (
        notice["summary"] == "Conception et animation d'un programme culturel pour la fête de quartier 2027."
    )
    assert notice["language"] == "fr"
    assert notice["texts"]["nl"]["title"] == "Culturele animatie van het buurtfeest"
    assert notice["organiser"] == "Commune d'Exemple"
    assert notice["published_at"] == "2026-11-19"
    assert notice["deadline_at"] == "2026-12-15T11:00:00"
    assert notice["timezone"] == "Europe/Brussels"
    assert notice["cpv"] == ["79952000", "92312000"]
    assert notice["nuts"] == ["BE100"]
    assert notice["country"] == "BE"
    assert notice["status"] == "open"
    assert notice["notice_type"] == "contract-notice:16"


def test_bosa_texts_in_french_and_dutch() -> None:
    texts = bosa_records()[WORKSPACE]["texts"]
    assert sorted(texts) == ["fr", "nl"]
    assert (
        texts["nl"]["summary"] == "Ontwerp en animatie van een cultureel programma voor het buurtfeest 2027."
    )


def test_bosa_notice_types_map_to_status() -> None:
    records = bosa_records()
    award = records["a1b2c3d4-0000-4000-8000-000000000002"]
    cancelled = records["a1b2c3d4-0000-4000-8000-000000000003"]
    assert (award["status"], award["notice_type"], award["deadline_at"]) == (
        "awarded",
        "award-notice:29",
        None,
    )
    assert award["language"] == "nl"
    assert (cancelled["status"], cancelled["notice_type"]) == ("cancelled", "contract-notice:E3")


def test_bosa_wrapped_capture_reads_like_the_bare_response() -> None:
    wrapped = {
        "term": "culture",
        "capturedAt": "2026-11-20T08:00:00.000Z",
        "url": "https://www.publicprocurement.be/api/sea/search/publications",
        "status": 200,
        "json": json.loads(BOSA_FIXTURE.read_bytes()),
    }
    assert bosa_records(json.dumps(wrapped).encode()) == bosa_records()


def test_bosa_real_search_response() -> None:
    records = list(
        bosa.parse(
            corpus_file("be-eprocurement/bosa_search_publications_travaux_prod.json"), source="be-eproc"
        )
    )
    assert len(records) == 25
    first = records[0]
    assert first["native_id"] == "94cee4d6-7856-4003-b530-700d5e3eb577"
    assert first["title"] == "Werken Klavertje 4"
    assert first["texts"]["fr"]["title"] == "Travaux Klavertje 4"
    assert first["language"] == "nl"
    assert first["organiser"] == "Grondregie Stad Brussel"
    assert first["cpv"] == ["45000000"]
    assert first["nuts"] == ["BE100"]
    assert first["published_at"] == "2026-01-28"
    assert first["deadline_at"] == "2026-01-29T00:00:00"
    assert first["status"] == "cancelled"
    assert all("-" not in code for r in records for code in r["cpv"])
    assert sum(r["status"] == "awarded" for r in records) == 14


def test_bosa_error_body_raises_parse_error_with_the_api_message() -> None:
    body = json.dumps(
        {
            "error": {
                "fsbTransactionId": "x",
                "code": "40100",
                "descriptionNL": "Niet geautoriseerd",
                "descriptionFR": "Non autorisé",
                "descriptionEN": "Unauthorized",
            }
        }
    ).encode()
    assert bosa.sniff(body, "")
    with pytest.raises(ParseError, match=r"^search\.json: e-Procurement API error 40100: Unauthorized$"):
        list(bosa.parse(body, source="be-eproc", url="search.json"))


def test_bosa_real_error_body() -> None:
    body = corpus_file("be-eprocurement/bosa_error_500_cpv.json")
    with pytest.raises(ParseError) as info:
        list(bosa.parse(body, source="be-eproc", url="bosa_error_500_cpv.json"))
    assert str(info.value) == (
        "bosa_error_500_cpv.json: e-Procurement API error 50000: Internal Server Error (HTTP 404 Not Found)"
    )


@pytest.mark.parametrize("body", [b"not json", b'{"items": []}', b"null"])
def test_bosa_wrong_shape_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError, match="^x.json: "):
        list(bosa.parse(body, source="be-eproc", url="x.json"))


def test_bosa_total_count() -> None:
    assert bosa.total_count(BOSA_FIXTURE.read_bytes()) == 3


def test_bosa_missing_credentials_message() -> None:
    with pytest.raises(MissingCredentialsError) as info:
        bosa_auth.credentials_from_env({})
    message = str(info.value)
    assert "VIGIE_BOSA_CLIENT_ID and VIGIE_BOSA_CLIENT_SECRET" in message
    assert "\n" not in message
    with pytest.raises(MissingCredentialsError, match="set VIGIE_BOSA_CLIENT_SECRET "):
        bosa_auth.credentials_from_env({"VIGIE_BOSA_CLIENT_ID": "vigie"})


def test_bosa_token_request_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIE_BOSA_CLIENT_ID", "vigie-client")
    monkeypatch.setenv("VIGIE_BOSA_CLIENT_SECRET", "s3cr&t")
    monkeypatch.delenv("VIGIE_BOSA_TOKEN_URL", raising=False)
    credentials = bosa_auth.credentials_from_env()
    assert "s3cr&t" not in repr(credentials)
    url, headers, body = bosa_auth.token_request(credentials)
    assert url == "https://public.pr.fedservices.be/api/oauth2/token"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(body.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["vigie-client"],
        "client_secret": ["s3cr&t"],
    }
    monkeypatch.setenv("VIGIE_BOSA_TOKEN_URL", "https://public.int.fedservices.be/api/oauth2/token")
    assert bosa_auth.token_request()[0] == "https://public.int.fedservices.be/api/oauth2/token"
    monkeypatch.delenv("VIGIE_BOSA_CLIENT_SECRET")
    with pytest.raises(MissingCredentialsError, match="VIGIE_BOSA_CLIENT_SECRET"):
        bosa_auth.token_request()


def test_bosa_token_response() -> None:
    assert bosa_auth.read_token(b'{"access_token": "abc", "token_type": "Bearer", "expires_in": 3600}') == (
        "abc",
        3600,
    )
    with pytest.raises(ParseError, match="refused: Client authentication failed"):
        bosa_auth.read_token(
            b'{"error": "invalid_client", "error_description": "Client authentication failed"}'
        )


# ============================================================ OCDS

OCDS = FIXTURES / "ocds"


def ocds_records(name: str, body: bytes | None = None) -> list[dict]:
    return list(ocds.parse(body or (OCDS / name).read_bytes(), source="ocds-test", url=name))


def test_ocds_json_lines_releases_compiled_per_process() -> None:
    records = ocds_records("handmade_releases.jsonl")
    assert [r["native_id"] for r in records] == ["ocds-vigie01-2026-001", "ocds-vigie01-2026-002"]
    first, planned = records
    assert first["kind"] == "tender"
    assert first["title"] == "Scénographie de l'exposition « Été 2027 »"
    assert first["summary"] == "Conception et réalisation de la scénographie."
    assert first["language"] == "fr"
    assert first["texts"] == {"fr": {"title": first["title"], "summary": first["summary"]}}
    assert first["published_at"] == "2026-11-02T09:00:00+01:00"
    assert first["deadline_at"] == "2026-12-14T12:00:00+01:00"
    assert first["organiser"] == "Ville d'Exemple"
    assert first["country"] == "BE"  # from "Belgique"
    assert first["cpv"] == ["92312000", "79932000"]
    assert first["status"] == "awarded"  # the award release of the same ocid, on the next line
    assert first["budget_amount"] == 85_000
    assert first["budget_currency"] == "EUR"
    assert planned["status"] == "forthcoming"
    assert planned["cpv"] == ["92111000"]


def test_ocds_json_lines_are_read_line_by_line() -> None:
    body = (OCDS / "handmade_releases.jsonl").read_bytes() + b'{"ocid": "broken",\n'
    records = ocds.parse(body, source="ocds-test", url="feed.jsonl")
    assert next(records)["native_id"] == "ocds-vigie01-2026-001"  # yielded before the bad line is reached
    with pytest.raises(ParseError, match=r"^feed\.jsonl: line 4 is not valid JSON"):
        list(records)


def test_ocds_utf16_with_bom_reads_like_utf8() -> None:
    text = (OCDS / "handmade_releases.jsonl").read_text(encoding="utf-8")
    assert ocds_records("utf16.jsonl", text.encode("utf-16")) == ocds_records("handmade_releases.jsonl")


def test_ocds_iso_8859_1_file_is_decoded() -> None:
    body = (OCDS / "release-package_encoding-iso-8859-1.json").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    [record] = ocds_records("release-package_encoding-iso-8859-1.json")
    assert record["title"] == "MANTENIMIENTO A MÁQUINA CORTADORA"
    assert record["organiser"] == "SECRETARÍA DE FINANZAS"


def test_ocds_record_package_representative_record() -> None:
    record = ocds_records("record-package_linked-releases.json")[1]
    assert record["native_id"] == "OCDS-87SD3T-AD-SF-DRM-065-2015"
    assert record["kind"] == "tender"
    assert record["title"] == "RENOVACIÓN DEL LICENCIAMIENTO SELECT BENTLEY"
    assert record["summary"] == "RENOVACIÓN DEL LICENCIAMIENTO SELECT BENTLEY"
    assert record["language"] == "es"
    assert (
        record["url"]
        == "http://www.contratosabiertos.cdmx.gob.mx/api/contrato/OCDS-87SD3T-AD-SF-DRM-065-2015#02"
    )
    assert record["published_at"] == "2015-12-14T00:00:00-06:00"
    assert record["deadline_at"] == "2015-12-17T00:00:00-06:00"
    assert record["organiser"] == "SECRETARÍA DE FINANZAS"
    assert record["country"] == "MX"
    assert record["status"] == "awarded"
    assert record["budget_amount"] == 1_471_566.72
    assert record["budget_currency"] == "MXN"


def test_ocds_versioned_and_compiled_releases_agree() -> None:
    [versioned] = ocds_records("versioned-release-1.json")
    [compiled] = ocds_records("compiled-release-1.json")
    for field in ("native_id", "title", "summary", "deadline_at", "organiser", "status", "budget_amount"):
        assert versioned[field] == compiled[field], field
    assert versioned["title"] == "ARRENDAMIENTO DE BIENES INFORMÁTICOS"
    # tender.status "planned" is stale: the award is active and a contract signed
    assert versioned["status"] == "awarded"


def test_ocds_concatenated_packages_one_per_line() -> None:
    records = ocds_records("release-package_split.json")
    assert [r["native_id"] for r in records] == [
        "OCDS-87SD3T-AD-SF-DRM-063-2015",
        "OCDS-87SD3T-AD-SF-DRM-065-2015",
    ]


def test_ocds_record_with_compiled_release_only_linked_history() -> None:
    [record] = ocds_records("record-package_1.1.json")
    assert record["native_id"] == "ocds-03ad3f-193399"
    assert record["title"] == "Adquisición de Scanner"
    assert record["status"] == "awarded"
    assert (
        record["url"] == "https://www.contrataciones.gov.py/datos/id/convocatorias/193399-adquisicion-scanner"
    )


def test_ocds_record_with_embedded_releases_is_compiled_and_linked_only_is_kept() -> None:
    lines = [json.loads(line) for line in (OCDS / "handmade_releases.jsonl").read_text("utf-8").splitlines()]
    package = {
        "uri": "https://example.org/records.json",
        "publishedDate": "2026-12-21T00:00:00Z",
        "records": [
            {"ocid": "ocds-vigie01-2026-001", "releases": lines[:2]},
            {
                "ocid": "ocds-vigie01-2026-009",
                "releases": [{"url": "https://example.org/r/9.json", "date": "x"}],
            },
        ],
    }
    compiled, linked = ocds_records("records.json", json.dumps(package).encode())
    assert compiled["title"] == "Scénographie de l'exposition « Été 2027 »"
    assert compiled["status"] == "awarded"
    assert compiled["url"] == "https://example.org/records.json"
    # Nothing readable but the ocid: still yielded, so validation quarantines it with a reason.
    assert (linked["native_id"], linked["title"], linked["url"]) == (
        "ocds-vigie01-2026-009",
        None,
        "https://example.org/r/9.json",
    )


@pytest.mark.parametrize("body", [b'{"data": [1]}', b"{]", b"42", b'{"releases": [], "uri": "x"}\n{oops}\n'])
def test_ocds_bad_input_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"^in\.json: "):
        list(ocds.parse(body, source="ocds-test", url="in.json"))


# ============================================================ detection and the whole corpus


@pytest.mark.parametrize(
    ("path", "family"),
    [
        (SEDIA_FIXTURE, "sedia"),
        (BOSA_FIXTURE, "bosa"),
        (OCDS / "handmade_releases.jsonl", "ocds"),
        (OCDS / "release-package_encoding-iso-8859-1.json", "ocds"),
        (OCDS / "versioned-release-1.json", "ocds"),
    ],
)
def test_format_detection(path: Path, family: str) -> None:
    assert detect_family(path.read_bytes(), path.name) == family


def test_sniffers_do_not_claim_each_others_files() -> None:
    samples = {"sedia": SEDIA_FIXTURE, "bosa": BOSA_FIXTURE, "ocds": OCDS / "handmade_releases.jsonl"}
    for family, path in samples.items():
        head = path.read_bytes()[:4096]
        claims = [m.FAMILY for m in (sedia, bosa, ocds) if m.sniff(head, path.name)]
        assert claims == [family], path.name


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("folder, module", [("eu-funding", sedia), ("be-eprocurement", bosa), ("ocds", ocds)])
def test_every_corpus_file_parses_or_fails_cleanly(folder: str, module) -> None:
    directory = CORPUS / folder
    if not directory.is_dir():
        pytest.skip(f"{directory} not available")
    for path in sorted(directory.iterdir()):
        body = path.read_bytes()
        assert module.sniff(body[:4096], path.name), path.name
        try:
            records = list(module.parse(body, source="corpus", url=path.name))
        except ParseError as exc:
            assert str(exc).startswith(f"{path.name}: ") and "\n" not in str(exc)
            continue
        assert records, path.name
        for record in records:
            assert record["native_id"], path.name
            assert record["title"], (path.name, record["native_id"])
