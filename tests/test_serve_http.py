"""`vigie serve` over HTTP: feeds, conditional requests, bad input, health, the subscribe page."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
import time_machine
from factories import make_item
from test_feeds_snapshot import publish_items, sample_items

from service.app import create_app

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what the project pins
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BRU = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BRU)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One published warehouse for the tests that only read."""
    home = tmp_path_factory.mktemp("vigie-home")
    with time_machine.travel(NOW, tick=False):
        publish_items(home, [sample_items()])
        with TestClient(create_app(home)) as c:
            c.home = home
            yield c


@pytest.fixture
def fresh_client(home: Path) -> Iterator[TestClient]:
    """A warehouse of its own, for a test that publishes again."""
    with time_machine.travel(NOW, tick=False):
        publish_items(home, [sample_items()])
        with TestClient(create_app(home)) as c:
            yield c


def test_atom_feed_200_with_validators(client: TestClient) -> None:
    r = client.get("/feeds/atom?kind=call&region=BE-BRU")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert r.headers["etag"].startswith('W/"')
    assert r.headers["last-modified"].endswith(" GMT")
    parsed = feedparser.parse(r.content)
    assert parsed.bozo is False
    assert {e.link for e in parsed.entries} == {
        "https://example.org/call/1",
        "https://example.org/call/2",
        "https://example.org/call/7",
    }  # item 8 closed on 10 November: not in a feed that does not ask for closed items


@pytest.mark.parametrize(
    ("fmt", "ctype"),
    [
        ("rss", "application/rss+xml; charset=utf-8"),
        ("ics", "text/calendar; charset=utf-8"),
        ("json", "application/feed+json; charset=utf-8"),
    ],
)
def test_every_format_is_served(client: TestClient, fmt: str, ctype: str) -> None:
    r = client.get(f"/feeds/{fmt}", params={"kind": "event"})
    assert r.status_code == 200
    assert r.headers["content-type"] == ctype
    if fmt == "rss":
        assert len(feedparser.parse(r.content).entries) == 2
    elif fmt == "ics":
        assert len(icalendar.Calendar.from_ical(r.content).walk("VEVENT")) == 2
    else:
        assert {i["id"] for i in r.json()["items"]} == {"test-source:5", "test-source:6"}


def test_repeated_and_comma_params_are_the_same_feed(client: TestClient) -> None:
    a = client.get("/feeds/json?sector=visual-arts&sector=performing-arts&kind=call")
    b = client.get("/feeds/json?kind=call&sector=performing-arts,visual-arts")
    assert a.status_code == b.status_code == 200
    assert a.headers["etag"] == b.headers["etag"]
    assert (
        a.json()["feed_url"]
        == "http://testserver/feeds/json?kind=call&sector=performing-arts,visual-arts&hl=fr"
    )


def test_interface_language_of_a_feed(client: TestClient) -> None:
    r = client.get("/feeds/atom?kind=tender&hl=nl")
    entry = feedparser.parse(r.content).entries[0]
    assert entry.title == "Opdracht voor videoregistratie — Uiterste datum: 1 december 2026 om 10:00"


def test_304_on_if_none_match(client: TestClient) -> None:
    first = client.get("/feeds/rss?kind=call")
    again = client.get("/feeds/rss?kind=call", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    other = client.get("/feeds/rss?kind=call", headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200


def test_304_on_if_modified_since(client: TestClient) -> None:
    first = client.get("/feeds/ics")
    assert (
        client.get("/feeds/ics", headers={"If-Modified-Since": first.headers["last-modified"]}).status_code
        == 304
    )
    old = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.get("/feeds/ics", headers={"If-Modified-Since": old}).status_code == 200
    assert client.get("/feeds/ics", headers={"If-Modified-Since": "yesterday-ish"}).status_code == 200


def test_gzip_when_asked(client: TestClient) -> None:
    r = client.get("/feeds/atom", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert feedparser.parse(r.content).entries  # httpx decoded it


def test_new_snapshot_is_picked_up(fresh_client: TestClient, home: Path) -> None:
    client = fresh_client
    before = client.get("/feeds/json?kind=event")
    assert len(before.json()["items"]) == 2
    extra = make_item(
        50,
        kind="event",
        title="Nouvelle rencontre",
        starts_at="2026-12-20T18:00:00+01:00",
        texts={"fr": {"title": "Nouvelle rencontre", "summary": ""}},
        deadline_at=None,
        deadline_precision=None,
    )
    with time_machine.travel(NOW, tick=False):
        publish_items(home, [[extra]])
    after = client.get("/feeds/json?kind=event", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert {i["id"] for i in after.json()["items"]} == {"test-source:5", "test-source:6", "test-source:50"}
    assert client.get("/health").json()["items"] == 9


def test_health(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["snapshot"] is True
    assert body["items"] == 8
    assert datetime.fromisoformat(body["snapshot_mtime"]).timestamp() == pytest.approx(
        os.stat(client.home / "published.duckdb").st_mtime, abs=1e-3
    )


def test_without_snapshot_health_and_feeds_say_so(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path)) as c:
        health = c.get("/health")
        assert health.status_code == 503
        assert health.json()["snapshot"] is False
        feed = c.get("/feeds/atom")
        assert feed.status_code == 503
        assert "no published snapshot yet" in feed.text
        page = c.get("/")
        assert page.status_code == 200
        assert "pas encore publiées" in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=concert", "kind: unknown value 'concert' (accepted values: call, event, news, tender)"),
        ("sector=painting", "sector: unknown value 'painting' (accepted values: architecture, audiovisual,"),
        ("lang=xx", "lang: unknown value 'xx' (accepted values: de, en, fr, nl)"),
        (
            "region=Paris%3B+DROP+TABLE+opportunities",
            "region: unknown value 'PARIS; DROP TABLE OPPORTUNITIES' (accepted values: BE-BRU, BE-VLG, BE-WAL)",
        ),
        ("region=mars", "region: unknown value 'MARS' (accepted values: BE-BRU, BE-VLG, BE-WAL)"),
        ("scope=galactic", "scope: unknown value 'galactic' (accepted values: community, european,"),
        ("status=pending", "status: unknown value 'pending' (accepted values: awarded, cancelled, closed,"),
        ("fit=perfect", "fit: unknown value 'perfect' (accepted values: good, possible, unlikely)"),
        ("closing-within=soon", "closing-within: 'soon' is not a whole number of days"),
        ("closing-within=-1", "closing-within: days must be between 0 and 3650"),
        ("closing-within=" + "9" * 400, "closing-within: days must be between 0 and 3650"),
        ("closing-within=1&closing-within=2", "closing-within: give this parameter once"),
        ("q=" + "a" * 201, "q: too long (at most 200)"),
        ("keywords=" + ",".join(f"w{n}" for n in range(51)), "keywords: too long (at most 50)"),
        ("q=x&q=y", "q: give this parameter once"),
        ("utm_source=newsletter", "utm_source: unknown parameter (accepted parameters: kind, sector, lang,"),
        ("kind=call%27+OR+1%3D1--", "kind: unknown value 'call' OR 1=1--' (accepted values:"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(client: TestClient, query: str, message: str) -> None:
    r = client.get(f"/feeds/atom?{query}&hl=en")
    assert r.status_code == 400
    assert r.text.startswith(message)
    assert "\n" not in r.text.rstrip("\n")


@pytest.mark.parametrize(
    ("query", "headers", "message"),
    [
        (
            "region=mars&hl=fr",
            {},
            "region : valeur inconnue « MARS » (valeurs acceptées : BE-BRU, BE-VLG, BE-WAL)",
        ),
        (
            "region=mars&hl=nl",
            {},
            "region: onbekende waarde ‘MARS’ (toegelaten waarden: BE-BRU, BE-VLG, BE-WAL)",
        ),
        ("kind=party", {"Accept-Language": "nl-BE"}, "kind: onbekende waarde ‘party’"),
        ("kind=party", {}, "kind : valeur inconnue « party »"),
        ("hl=de", {}, "hl : valeur inconnue « de » (valeurs acceptées : fr, nl, en)"),
        ("hl=de", {"Accept-Language": "en"}, "hl: unknown value 'de' (accepted values: fr, nl, en)"),
    ],
)
def test_errors_speak_the_language_of_hl(client: TestClient, query: str, headers: dict, message: str) -> None:
    r = client.get(f"/feeds/json?{query}", headers=headers)
    assert r.status_code == 400
    assert r.text.startswith(message)


def test_unknown_format_is_404(client: TestClient) -> None:
    r = client.get("/feeds/pdf?kind=call")
    assert r.status_code == 404
    assert r.text.strip() == "unknown feed format 'pdf': use one of atom, rss, ics, json"


HOSTILE = [
    "q=%27%3B+DROP+TABLE+opportunities%3B--",
    "q=%25",
    "q=_",
    "q=%5C",
    "q=%00",
    "q=%F0%9F%8E%AD+th%C3%A9%C3%A2tre",
    "q=%FF%FE",
    "q=%ED%A0%80",
    "q=" + "%E2%80%AE" * 60,
    "q=",
    "kind=",
    "kind=,,,",
    "sector=%2C",
    "region=",
    "region=be-bru",
    "region=BE-BRU%00",
    "closing-within=0",
    "closing-within=3650",
    "closing-within=1e3",
    "closing-within=0x10",
    "closing-within=%EF%BC%91",
    "kind=call&kind=call&kind=call",
    "lang=fr&lang=nl,en",
    "a=b",
    "%00=1",
    "kind[]=call",
    "q=" + "x" * 200,
    "hl=",
    "format=rss",
    "&&&",
    "=",
    "q=%22%3E%3Cscript%3E",
    "status=open,closed",
    "keywords=th%C3%A9%C3%A2tre,video",
    "q=" + "%C3%A9" * 199,
]


@pytest.mark.parametrize("fmt", ["atom", "rss", "ics", "json", "../etc/passwd", "%00"])
@pytest.mark.parametrize("query", HOSTILE)
def test_no_input_produces_a_500(client: TestClient, fmt: str, query: str) -> None:
    r = client.get(f"/feeds/{fmt}?{query}")
    assert r.status_code in (200, 400, 404), (r.status_code, r.text[:200])
    if r.status_code == 200 and fmt in ("atom", "rss"):
        assert feedparser.parse(r.content).bozo is False
    if r.status_code == 200 and fmt == "json":
        json.loads(r.content)


@pytest.mark.parametrize("query", HOSTILE)
def test_page_never_500s(client: TestClient, query: str) -> None:
    r = client.get(f"/?{query}")
    assert r.status_code in (200, 400)
    assert "<script>alert" not in r.text


def test_hostile_host_header_does_not_leak_into_other_feeds(client: TestClient) -> None:
    evil = client.get("/feeds/json", headers={"Host": "evil.example"})
    normal = client.get("/feeds/json")
    assert evil.json()["feed_url"].startswith("http://evil.example/")
    assert normal.json()["feed_url"].startswith("http://testserver/")


@pytest.mark.parametrize(
    ("headers", "url", "lang", "phrase"),
    [
        ({}, "/", "fr", "Opportunités Vigie pour les membres de Smart"),
        ({"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"}, "/", "nl", "Vigie-kansen voor de leden van Smart"),
        (
            {"Accept-Language": "de-DE, en;q=0.7, fr;q=0.3"},
            "/",
            "en",
            "Vigie opportunities for Smart members",
        ),
        ({"Accept-Language": "nl"}, "/?hl=en", "en", "Vigie opportunities for Smart members"),
    ],
)
def test_page_language(client: TestClient, headers: dict, url: str, lang: str, phrase: str) -> None:
    r = client.get(url, headers=headers)
    assert r.status_code == 200
    assert f'<html lang="{lang}">' in r.text
    assert phrase in r.text


def test_page_without_js_builds_the_links_and_the_cards(client: TestClient) -> None:
    r = client.get("/?hl=fr&kind=call&sector=visual-arts&region=BE-BRU&closing-within=14")
    assert r.status_code == 200
    url = "http://testserver/feeds/atom?closing-within=14&amp;kind=call&amp;region=BE-BRU&amp;sector=visual-arts&amp;hl=fr"
    assert f'id="url-atom" type="text" readonly value="{url}"' in r.text
    assert 'href="webcal://testserver/feeds/ics?closing-within=14' in r.text
    assert "1 opportunité" in r.text
    assert "Open call for visual artists" in r.text
    assert "Arts plastiques" in r.text  # sector labels from config/sectors.toml
    assert 'value="visual-arts" checked' in r.text


def test_page_reports_a_bad_filter_in_its_language(client: TestClient) -> None:
    r = client.get("/?kind=concert&hl=en")
    assert r.status_code == 400
    assert "kind: unknown value &#39;concert&#39; (accepted values: call, event, news, tender)" in r.text


def test_page_number_is_checked(client: TestClient) -> None:
    r = client.get("/?page=zero&hl=en")
    assert r.status_code == 400
    assert "page: &#39;zero&#39; is not a page number (1 to 500)" in r.text


def test_publishing_while_serving_never_fails(fresh_client: TestClient, home: Path) -> None:
    """Runs publish new snapshots (os.replace) while members poll: every answer is a whole feed, never a 500."""
    import threading

    errors: list[BaseException] = []

    def pipeline() -> None:
        try:
            for run in range(3):
                extra = make_item(
                    100 + run,
                    kind="event",
                    title=f"Rencontre {run}",
                    starts_at="2026-12-20T18:00:00+01:00",
                    texts={"fr": {"title": f"Rencontre {run}", "summary": ""}},
                    deadline_at=None,
                    deadline_precision=None,
                )
                publish_items(home, [[extra]], now=datetime.now(BRU))
        except BaseException as exc:  # surfaced below: the test is about the server, not the writer
            errors.append(exc)

    writer = threading.Thread(target=pipeline)
    writer.start()
    statuses = []
    queries = ["kind=event", "kind=call", "", "region=BE-BRU", "kind=event&hl=nl"]
    while writer.is_alive() or len(statuses) < 20:
        r = fresh_client.get(f"/feeds/json?{queries[len(statuses) % len(queries)]}")
        statuses.append(r.status_code)
        json.loads(r.content)
    writer.join()
    assert errors == []
    assert set(statuses) == {200}
    final = fresh_client.get("/feeds/json?kind=event").json()
    assert {"test-source:100", "test-source:101", "test-source:102"} <= {i["id"] for i in final["items"]}
