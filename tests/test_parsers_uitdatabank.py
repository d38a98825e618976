"""UiTdatabank Search API v3: the real recorded response (a Brussels event of Constant vzw in FR and NL), the
calendar types and statuses of the API's documentation as variants of that document, and the spider over three
pages of a loopback server."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from factories import LoopbackHandler, loopback_server

from spiders import parsers, registry
from spiders.crawl import collect
from spiders.parsers import uitdatabank
from vigie.core.errors import MissingCredentialsError, ParseError

FIXTURE = (
    Path(__file__).resolve().parent / "fixtures" / "uitdatabank" / "uitdatabank_search_v3_embed_facets.json"
)
BODY = FIXTURE.read_bytes()
DOC = json.loads(BODY)
EVENT_ID = "7438ac58-fb2b-4ddc-bbda-d2d3d61681c5"


def records(doc: dict) -> list[dict]:
    return list(uitdatabank.parse(json.dumps(doc).encode(), source="uit"))


def event_variant(**changes: object) -> dict:
    doc = copy.deepcopy(DOC)
    doc["member"][0].update(changes)
    return doc


@pytest.fixture(scope="module")
def real() -> list[dict]:
    return list(uitdatabank.parse(BODY, source="uit", url="https://search.uitdatabank.be/events/"))


def test_the_file_is_recognised_as_uitdatabank() -> None:
    assert parsers.detect_family(BODY, FIXTURE.name) == "uitdatabank"


def test_a_multiple_calendar_gives_one_record_per_date(real) -> None:
    assert [r["native_id"] for r in real] == [f"{EVENT_ID}/2021-01-22", f"{EVENT_ID}/2021-03-04"]


def test_dates_are_the_sub_events(real) -> None:
    assert real[0]["starts_at"] == "2021-01-21T23:00:00+00:00"
    assert real[0]["ends_at"] == "2021-01-22T22:59:59+00:00"
    assert real[1]["starts_at"] == "2021-03-03T23:00:00+00:00"


def test_an_unavailable_date_is_cancelled_the_other_not(real) -> None:
    assert real[0]["status"] is None
    assert real[1]["status"] == "cancelled"


def test_title_and_summary_in_the_main_language(real) -> None:
    assert real[0]["language"] == "fr"
    assert real[0]["title"] == "Le sanglier et le papillon - La mue"
    assert real[0]["summary"].startswith("A travers la fabrication d’un atlas")


def test_every_language_given_is_in_texts(real) -> None:
    assert set(real[0]["texts"]) == {"fr", "nl"}
    assert real[0]["texts"]["nl"]["title"] == "Het zwijn en de vlinder - De rui"
    assert real[0]["texts"]["nl"]["summary"].startswith("In de vitrine van Constant")


def test_venue_in_the_events_language(real) -> None:
    assert real[0]["location"] == "Constant asbl, Rue du Fort 5, 1060 Saint-Gilles"
    assert real[0]["postal_code"] == "1060"
    assert real[0]["city"] == "Saint-Gilles"
    assert real[0]["country"] == "BE"


def test_organiser_and_public_page(real) -> None:
    assert real[0]["organiser"] == "Constant vzw"
    assert real[0]["url"] == (
        "http://www.uitinvlaanderen.be/agenda/e/le-sanglier-et-le-papillon-la-mue/" + EVENT_ID
    )
    assert real[0]["kind"] == "event"
    assert real[0]["published_at"] == "2021-01-13T12:00:38+01:00"


def test_a_dutch_event_reads_the_venue_in_dutch() -> None:
    (first, _) = records(event_variant(mainLanguage="nl"))
    assert first["title"] == "Het zwijn en de vlinder - De rui"
    assert first["location"] == "Constant vzw, Fortstraat 5, 1060 Sint-Gillis"


def test_a_single_calendar_is_one_record_from_start_to_end() -> None:
    (only,) = records(event_variant(calendarType="single", subEvent=[]))
    assert only["native_id"] == EVENT_ID
    assert only["starts_at"] == "2021-01-21T23:00:00+00:00"
    assert only["ends_at"] == "2021-03-04T22:59:59+00:00"


def test_a_permanent_offer_has_no_dates_and_is_flagged() -> None:
    (only,) = records(event_variant(calendarType="permanent", startDate=None, endDate=None, subEvent=[]))
    assert only["starts_at"] is None
    assert only["flags"] == ["permanent"]


def test_postponed_and_sold_out_are_flagged() -> None:
    doc = event_variant(calendarType="single", subEvent=[], bookingAvailability={"type": "Unavailable"})
    doc["member"][0]["status"] = {"type": "TemporarilyUnavailable"}
    (only,) = records(doc)
    assert only["flags"] == ["sold_out", "postponed"]
    assert only["status"] is None


@pytest.mark.parametrize("workflow", ["DELETED", "REJECTED", "DRAFT"])
def test_offers_that_are_not_public_yield_nothing(workflow: str) -> None:
    assert records(event_variant(workflowStatus=workflow)) == []


def test_places_and_organisers_alone_are_not_opportunities() -> None:
    place = DOC["member"][0]["location"]
    organizer = DOC["member"][0]["organizer"]
    assert records({"@type": "PagedCollection", "totalItems": 2, "member": [place, organizer]}) == []


def test_an_api_problem_document_is_a_one_line_error() -> None:
    problem = {
        "type": "https://api.publiq.be/probs/auth/unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": "The provided client id is not valid",
    }
    with pytest.raises(
        ParseError, match="the API answered 401 Unauthorized: The provided client id is not valid"
    ):
        records(problem)


def test_the_client_id_comes_from_the_environment() -> None:
    assert uitdatabank.client_id_from_env({"VIGIE_UITDATABANK_CLIENT_ID": " abc "}) == "abc"
    with pytest.raises(MissingCredentialsError, match="set VIGIE_UITDATABANK_CLIENT_ID"):
        uitdatabank.client_id_from_env({})


def test_a_page_request_embeds_documents_and_sends_the_client_id() -> None:
    url, headers = uitdatabank.search_request(
        "https://search.uitdatabank.be/events/", 50, 50, "abc", "regions:gem-gent"
    )
    query = parse_qs(urlsplit(url).query)
    assert query == {"embed": ["true"], "start": ["50"], "limit": ["50"], "q": ["regions:gem-gent"]}
    assert headers["x-client-id"] == "abc"


# --------------------------------------------------------------------------- the spider, three pages


def page(start: int, limit: int) -> dict:
    """Page of `limit` copies of the real event, renumbered; 3 full pages in all."""
    doc = copy.deepcopy(DOC)
    template = doc["member"][0]
    doc["member"] = []
    for n in range(start, start + limit):
        member = copy.deepcopy(template)
        member["@id"] = f"https://io.uitdatabank.be/event/00000000-0000-0000-0000-{n:012d}"
        member["calendarType"] = "single"
        doc["member"].append(member)
    doc["itemsPerPage"], doc["totalItems"] = limit, 3 * limit
    return doc


class Handler(LoopbackHandler):
    seen: ClassVar[list[dict]] = []

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urlsplit(self.path)
        if url.path != "/events/":
            return self.send_body(404, b"", "text/plain")  # robots.txt
        query = parse_qs(url.query)
        self.seen.append({"query": query, "client": self.headers.get("x-client-id")})
        if self.headers.get("x-client-id") != "loopback-client":
            body = {"title": "Unauthorized", "status": 401, "detail": "client id missing"}
            return self.send_body(401, json.dumps(body).encode(), "application/problem+json")
        doc = page(int(query["start"][0]), int(query["limit"][0]))
        return self.send_body(200, json.dumps(doc).encode(), "application/ld+json")


@pytest.fixture
def server() -> Iterator[str]:
    Handler.seen = []
    with loopback_server(Handler) as base:
        yield base


def _collect(home: Path, tmp_path: Path, base: str) -> tuple[object, list[dict]]:
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[source]]\nname = "uit-loop"\nfamily = "uitdatabank"\nurl = "{base}/events/"\npage_size = 2\n',
        encoding="utf-8",
    )
    source = registry.load(path).sources[0]
    run_dir = home / "raw" / "run1"
    overrides = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 0}
    result = asyncio.run(collect(source, home=home, run_dir=run_dir, overrides=overrides))
    out = run_dir / "uit-loop.jsonl"
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    return result, [json.loads(line) for line in lines]


def test_the_spider_pages_by_start_until_total_items(home, tmp_path, server, monkeypatch) -> None:
    monkeypatch.setenv("VIGIE_UITDATABANK_CLIENT_ID", "loopback-client")
    result, got = _collect(home, tmp_path, server)
    assert result.errors == []
    assert [entry["query"]["start"] for entry in Handler.seen] == [["0"], ["2"], ["4"]]
    assert {entry["client"] for entry in Handler.seen} == {"loopback-client"}
    assert len({r["native_id"] for r in got}) == 6


def test_without_a_client_id_the_source_reports_it(home, tmp_path, server, monkeypatch) -> None:
    monkeypatch.delenv("VIGIE_UITDATABANK_CLIENT_ID", raising=False)
    result, got = _collect(home, tmp_path, server)
    assert got == []
    assert Handler.seen == []
    assert result.errors == [
        "UiTdatabank Search API needs a client id: set VIGIE_UITDATABANK_CLIENT_ID (publiq issues one on request)"
    ]
