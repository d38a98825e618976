"""The HTML-listing spider end to end against a local server: list page -> detail pages -> next page, with the
selectors of a registry entry, through the real collection (spiders.crawl.collect)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import LoopbackHandler, loopback_server

from spiders import registry
from spiders.crawl import collect

HTML = Path(__file__).resolve().parent / "fixtures" / "html"

REGISTRY = """
[[source]]
name = "agenda-exemple"
family = "html_list"
kind = "event"
url = "{base}/agenda"
language = "fr"
regions = ["BE-BRU"]
scope = "local"
item = ".event-card"
next_page = "a[rel=next]::attr(href)"
[source.fields]
title = "h3 a"
url = "h3 a::attr(href)"
start = ["time::attr(datetime)", "time::text"]
city = ".city::text"
[source.detail]
summary = ".description p"
location = ".venue"
organiser = ".organiser::text"
end = "time.end::attr(datetime)"
"""

# A detail page without the optional blocks: the list page's values must survive it.
BARE_DETAIL = (
    b"<!DOCTYPE html><html lang='fr'><body><article class='event'><h1>...</h1></article></body></html>"
)

PAGES = {
    "/agenda": (HTML / "handmade_agenda_page1.html").read_bytes(),
    "/agenda?page=2": (HTML / "handmade_agenda_page2.html").read_bytes(),
    "/agenda/concert-cloture": (HTML / "handmade_agenda_detail.html").read_bytes(),
    "/agenda/atelier-serigraphie": BARE_DETAIL,
    "/agenda/sans-titre": BARE_DETAIL,
    "/agenda/rencontre-musiques-monde": BARE_DETAIL,
}


class Handler(LoopbackHandler):
    hits: dict[str, int] = {}

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        type(self).hits[self.path] = type(self).hits.get(self.path, 0) + 1
        body = PAGES.get(self.path)
        status = 200 if body is not None else 404
        body = body if body is not None else b"not found"
        self.send_body(status, body, "text/html; charset=utf-8")


@pytest.fixture
def server() -> Iterator[str]:
    Handler.hits = {}
    with loopback_server(Handler) as base:
        yield base


FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 0}


def _source(tmp_path: Path, base: str, extra: str = "") -> registry.Source:
    path = tmp_path / "sources.toml"
    text = REGISTRY.replace('scope = "local"\n', f'scope = "local"\n{extra}')
    path.write_text(text, encoding="utf-8")
    return registry.load(path, substitutions={"base": base}).get("agenda-exemple")


def _collect(home: Path, source: registry.Source):
    run_dir = home / "raw" / "run1"
    result = asyncio.run(collect(source, home=home, run_dir=run_dir, overrides=FAST))
    lines = (run_dir / f"{source.name}.jsonl").read_text(encoding="utf-8").splitlines()
    records = {r["url"].split("/agenda/")[1]: r for r in map(json.loads, lines)}
    return result, records


def test_list_detail_and_next_page_are_followed(home, tmp_path, server):
    result, records = _collect(home, _source(tmp_path, server))
    assert result.errors == []
    assert result.records == 4
    assert sorted(records) == [
        "atelier-serigraphie",
        "concert-cloture",
        "rencontre-musiques-monde",
        "sans-titre",
    ]
    assert Handler.hits["/agenda?page=2"] == 1  # the next page, once; page 2 has no next link
    assert all(Handler.hits[path] == 1 for path in PAGES)

    concert = records["concert-cloture"]
    assert concert["title"] == "Concert de clôture du festival"
    assert concert["native_id"] == f"{server}/agenda/concert-cloture"
    assert concert["starts_at"] == "2027-05-29T20:00:00+02:00"
    assert concert["ends_at"] == "2027-05-29T23:30:00+02:00"  # from the detail page
    assert concert["location"] == "Théâtre de l'Exemple, Place du Marché 3, 1000 Bruxelles"
    assert concert["organiser"] == "Festival de l'Exemple asbl"
    assert concert["city"] == "Bruxelles"  # from the list page
    assert concert["kind"] == "event"
    assert concert["regions"] == ["BE-BRU"]  # registry defaults applied
    assert concert["scope"] == "local"

    meeting = records["rencontre-musiques-monde"]  # found on page 2
    assert meeting["title"] == "Rencontre professionnelle : musiques du monde"
    assert meeting["starts_at"] == "2027-06-03T18:30:00+02:00"
    assert meeting["city"] == "Namur"

    atelier = records["atelier-serigraphie"]
    assert (
        atelier["summary"] == "Date: samedi 17 avril 2027, 14 h"
    )  # the list's date text survives the detail
    assert atelier["starts_at"] is None

    untitled = records["sans-titre"]  # reaches refine, which quarantines it
    assert untitled["title"] is None
    assert untitled["starts_at"] == "2027-06-10"


def test_max_pages_stops_before_the_next_page(home, tmp_path, server):
    result, records = _collect(home, _source(tmp_path, server, extra="max_pages = 1\n"))
    assert result.errors == []
    assert sorted(records) == ["atelier-serigraphie", "concert-cloture", "sans-titre"]
    assert "/agenda?page=2" not in Handler.hits


def test_a_missing_detail_page_is_reported_and_the_others_go_on(home, tmp_path, server, monkeypatch):
    monkeypatch.delitem(PAGES, "/agenda/atelier-serigraphie")
    result, records = _collect(home, _source(tmp_path, server))
    assert result.errors == [f"{server}/agenda/atelier-serigraphie: HTTP 404"]
    assert {"concert-cloture", "rencontre-musiques-monde", "sans-titre"} <= set(records)


def test_a_missing_detail_page_keeps_what_the_list_said(home, tmp_path, server, monkeypatch):
    monkeypatch.delitem(PAGES, "/agenda/atelier-serigraphie")
    result, records = _collect(home, _source(tmp_path, server))
    atelier = records["atelier-serigraphie"]
    assert atelier["title"] == "Atelier de sérigraphie"
    assert atelier["summary"] == "Date: samedi 17 avril 2027, 14 h"
    assert atelier["regions"] == ["BE-BRU"]
    assert result.records == 4


def test_list_pages_without_detail_are_followed_to_the_third(home, tmp_path, server, monkeypatch):
    page2 = PAGES["/agenda?page=2"]
    monkeypatch.setitem(
        PAGES,
        "/agenda?page=2",
        page2.replace(b'rel="prev">', b'rel="prev">&lt;</a> <a href="?page=3" rel="next">'),
    )
    monkeypatch.setitem(
        PAGES, "/agenda?page=3", page2.replace(b"rencontre-musiques-monde", b"rencontre-arts-de-la-rue")
    )
    path = tmp_path / "sources.toml"
    path.write_text(REGISTRY.split("[source.detail]")[0], encoding="utf-8")
    source = registry.load(path, substitutions={"base": server}).get("agenda-exemple")
    result, records = _collect(home, source)
    assert result.errors == []
    assert [Handler.hits.get(f"/agenda?page={n}") for n in (2, 3)] == [1, 1]
    assert sorted(records) == [
        "atelier-serigraphie",
        "concert-cloture",
        "rencontre-arts-de-la-rue",
        "rencontre-musiques-monde",
        "sans-titre",
    ]
    assert not any(
        path.startswith("/agenda/") for path in Handler.hits
    )  # no detail selectors: no detail pages
