"""The paging and authenticating spiders end to end against a local server, through the real collection
(spiders.crawl.collect): TED Search API (iteration token), EU Funding & Tenders (multipart POST, page number up
to totalResults) and Belgian e-Procurement (OAuth2 token, then pages up to totalCount), three pages each. The
pages are the recorded response shapes of tests/fixtures, with the identifiers made distinct per page."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from factories import LoopbackHandler, loopback_server

from spiders import registry
from spiders.crawl import CollectResult, collect

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TED_PAGE = json.loads((FIXTURES / "ted" / "ted_api_handmade_BE_search_page1.json").read_bytes())
SEDIA_PAGE = json.loads((FIXTURES / "sedia" / "sedia_handmade_search.json").read_bytes())
BOSA_PAGE = json.loads((FIXTURES / "bosa" / "bosa_handmade_publications.json").read_bytes())

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 0}
TOKEN = "loopback-access-token"


def ted_page(page: int) -> dict:
    """TED page `page` of 3: its notices renumbered, a token to the next page except on the last."""
    doc = copy.deepcopy(TED_PAGE)
    for notice in doc["notices"]:
        number, year = notice["publication-number"].split("-")
        notice["publication-number"] = f"{int(number) + page * 1_000_000}-{year}"
    doc["totalNoticeCount"] = 3 * len(doc["notices"])
    if page < 3:
        doc["iterationNextToken"] = f"token-{page + 1}"
    else:
        doc.pop("iterationNextToken")
    return doc


def sedia_page(page: int) -> dict:
    """SEDIA page `page`: every row's identifier given a page suffix; 3 pages of the fixture's rows in all."""
    doc = copy.deepcopy(SEDIA_PAGE)
    for result in doc["results"]:
        result["metadata"]["identifier"] = [f"{result['metadata']['identifier'][0]}-P{page}"]
    doc["pageNumber"] = page
    doc["pageSize"] = len(doc["results"])
    doc["totalResults"] = 3 * len(doc["results"])
    return doc


def bosa_page(page: int) -> dict:
    """e-Procurement page `page`: full pages of the fixture's publications, 3 pages in all (totalCount)."""
    doc = copy.deepcopy(BOSA_PAGE)
    for publication in doc["publications"]:
        publication["publicationWorkspaceId"] += f"-p{page}"
    doc["totalCount"] = 3 * len(doc["publications"])
    return doc


class Handler(LoopbackHandler):
    seen: ClassVar[list[dict[str, Any]]] = []
    token_answer: ClassVar[dict[str, Any]] = {
        "access_token": TOKEN,
        "token_type": "Bearer",
        "expires_in": 600,
    }

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.seen.append({"method": "GET", "path": url.path, "query": query, "headers": dict(self.headers)})
        if url.path == "/bosa/search":
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._json(401, {"error": {"code": "401", "descriptionEN": "no valid token"}})
            return self._json(200, bosa_page(int(query["page"][0])))
        return self._json(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        entry = {"method": "POST", "path": url.path, "query": parse_qs(url.query), "body": body}
        entry["content_type"] = self.headers.get("Content-Type", "")
        self.seen.append(entry)
        if url.path == "/ted/v3/notices/search":
            token = json.loads(body).get("iterationNextToken")
            return self._json(200, ted_page(1 if token is None else int(token.split("-")[1])))
        if url.path == "/sedia/search":
            return self._json(200, sedia_page(int(entry["query"]["pageNumber"][0])))
        if url.path == "/oauth2/token":
            return self._json(200, self.token_answer)
        return self._json(404, {"error": "not found"})

    def _json(self, status: int, doc: Any) -> None:
        self.send_body(status, json.dumps(doc).encode("utf-8"), "application/json")


@pytest.fixture
def server() -> Iterator[str]:
    Handler.seen = []
    with loopback_server(Handler) as base:
        yield base


def _source(tmp_path: Path, base: str, entry: str) -> registry.Source:
    path = tmp_path / "sources.toml"
    path.write_text(entry.replace("{base}", base), encoding="utf-8")
    return registry.load(path).sources[0]


def _collect(home: Path, source: registry.Source) -> tuple[CollectResult, list[dict]]:
    run_dir = home / "raw" / "run1"
    result = asyncio.run(collect(source, home=home, run_dir=run_dir, overrides=FAST))
    path = run_dir / f"{source.name}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return result, [json.loads(line) for line in lines]


def _requests(path: str) -> list[dict]:
    return [entry for entry in Handler.seen if entry["path"] == path]


def test_ted_search_follows_the_iteration_token_over_three_pages(home, tmp_path, server):
    source = _source(
        tmp_path,
        server,
        '[[source]]\nname = "ted-loop"\nfamily = "ted"\nkind = "tender"\n'
        'url = "{base}/ted/v3/notices/search"\nquery = "buyer-country=BEL"\nlimit = 2\n',
    )
    result, records = _collect(home, source)
    assert result.errors == []
    sent = [json.loads(entry["body"]) for entry in _requests("/ted/v3/notices/search")]
    assert [body.get("iterationNextToken") for body in sent] == [None, "token-2", "token-3"]
    assert {body["query"] for body in sent} == {"buyer-country=BEL"}
    assert {body["limit"] for body in sent} == {2}
    per_page = len(TED_PAGE["notices"])
    assert result.records == len(records) == 3 * per_page
    assert len({r["native_id"] for r in records}) == 3 * per_page
    assert {r["kind"] for r in records} == {"tender"}


def test_sedia_search_posts_multipart_pages_until_total_results(home, tmp_path, server):
    source = _source(
        tmp_path,
        server,
        '[[source]]\nname = "sedia-loop"\nfamily = "sedia"\nkind = "call"\nurl = "{base}/sedia/search"\n'
        f'text = "culture"\npage_size = {len(SEDIA_PAGE["results"])}\n',
    )
    result, records = _collect(home, source)
    assert result.errors == []
    sent = _requests("/sedia/search")
    assert [entry["query"]["pageNumber"] for entry in sent] == [["1"], ["2"], ["3"]]
    assert {entry["query"]["text"][0] for entry in sent} == {"culture"}
    # The body is the tested encode_multipart's: one application/json part per form field.
    form = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + sent[0]["content_type"].encode() + b"\r\n\r\n" + sent[0]["body"]
    )
    parts = {part.get_param("name", header="content-disposition"): part for part in form.iter_parts()}
    assert set(parts) == {"query", "languages", "sort"}
    assert {part.get_content_type() for part in parts.values()} == {"application/json"}
    assert "bool" in json.loads(parts["query"].get_payload(decode=True))
    topics_per_page = len({r["metadata"]["identifier"][0] for r in SEDIA_PAGE["results"]})
    assert result.records == len(records) == 3 * topics_per_page
    assert {r["native_id"].rsplit("-", 1)[1] for r in records} == {"P1", "P2", "P3"}


def test_bosa_search_gets_a_token_then_pages_until_total_count(home, tmp_path, server, monkeypatch):
    monkeypatch.setenv("VIGIE_BOSA_CLIENT_ID", "loopback-client")
    monkeypatch.setenv("VIGIE_BOSA_CLIENT_SECRET", "loopback-secret")
    monkeypatch.setenv("VIGIE_BOSA_TOKEN_URL", f"{server}/oauth2/token")
    source = _source(
        tmp_path,
        server,
        '[[source]]\nname = "bosa-loop"\nfamily = "bosa"\nkind = "tender"\nurl = "{base}/bosa/search"\n'
        f"page_size = {len(BOSA_PAGE['publications'])}\n",
    )
    result, records = _collect(home, source)
    assert result.errors == []
    (token_request,) = _requests("/oauth2/token")
    assert parse_qs(token_request["body"].decode())["client_id"] == ["loopback-client"]
    searches = _requests("/bosa/search")
    # The last page is full: only totalCount says it is the last, so no fourth page is asked for.
    assert [entry["query"]["page"] for entry in searches] == [["1"], ["2"], ["3"]]
    assert {entry["headers"]["Authorization"] for entry in searches} == {f"Bearer {TOKEN}"}
    per_page = len(BOSA_PAGE["publications"])
    assert result.records == len(records) == 3 * per_page
    assert len({r["native_id"] for r in records}) == 3 * per_page


def test_bosa_refused_token_is_the_sources_error(home, tmp_path, server, monkeypatch):
    monkeypatch.setenv("VIGIE_BOSA_CLIENT_ID", "loopback-client")
    monkeypatch.setenv("VIGIE_BOSA_CLIENT_SECRET", "wrong-secret")
    monkeypatch.setenv("VIGIE_BOSA_TOKEN_URL", f"{server}/oauth2/token")
    monkeypatch.setattr(
        Handler, "token_answer", {"error": "invalid_client", "error_description": "bad client secret"}
    )
    source = _source(
        tmp_path,
        server,
        '[[source]]\nname = "bosa-loop"\nfamily = "bosa"\nkind = "tender"\nurl = "{base}/bosa/search"\n',
    )
    result, records = _collect(home, source)
    assert records == []
    assert result.errors == [f"{server}/oauth2/token: e-Procurement token request refused: bad client secret"]
    assert _requests("/bosa/search") == []
