"""Collection against a local server that misbehaves: each failure is reported in one line, the others go on,
and an unchanged source is not downloaded again (conditional requests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from factories import LoopbackHandler, loopback_server

from spiders.crawl import collect
from spiders.registry import Source

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Appels</title><link>http://127.0.0.1/</link><language>fr</language>
<item><title>Appel \xc3\xa0 projets : r\xc3\xa9sidences d'artistes 2027</title><link>http://127.0.0.1/a1</link>
<guid>a1</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0100</pubDate>
<description>Date limite de d\xc3\xa9p\xc3\xb4t : 15 mars 2027 \xc3\xa0 12h00.</description></item>
<item><title>Bourse d'aide \xc3\xa0 la cr\xc3\xa9ation musicale</title><link>http://127.0.0.1/a2</link><guid>a2</guid>
<pubDate>Tue, 03 Nov 2026 09:00:00 +0100</pubDate><description>Cl\xc3\xb4ture le 02/05/2027.</description></item>
</channel></rss>"""

ETAG = '"v1"'


class Handler(LoopbackHandler):
    hits: dict[str, int] = {}

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        type(self).hits[self.path] = type(self).hits.get(self.path, 0) + 1
        if self.path == "/robots.txt":
            return self.send_body(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if self.path == "/ok.xml":
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return None
            return self.send_body(
                200, RSS, "application/rss+xml", {"ETag": ETAG, "Cache-Control": "no-cache"}
            )
        if self.path == "/error.xml":
            return self.send_body(500, b"Internal Server Error", "text/plain")
        if self.path == "/slow.xml":
            time.sleep(3)
            return self.send_body(200, RSS, "application/rss+xml")
        if self.path == "/garbage.xml":
            return self.send_body(200, b"\x00\x01\x02 this is not a feed \xff\xfe", "application/rss+xml")
        if self.path == "/busy.xml":
            if type(self).hits[self.path] == 1:
                return self.send_body(503, b"busy", "text/plain", {"Retry-After": "1"})
            return self.send_body(200, RSS, "application/rss+xml")
        return self.send_body(404, b"not found", "text/plain")


@pytest.fixture
def server() -> Iterator[str]:
    Handler.hits = {}
    with loopback_server(Handler) as base:
        yield base


FAST = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_TIMEOUT": 1,
    "RETRY_TIMES": 1,
    "VIGIE_RETRY_BACKOFF_BASE": 0.05,
}


def _source(name: str, url: str) -> Source:
    return Source(name=name, family="feed", urls=(url,), kind="call", language="fr")


def _run(home, names_urls):
    async def go():
        run_dir = home / "raw" / "run1"
        return await asyncio.gather(
            *(collect(_source(n, u), home=home, run_dir=run_dir, overrides=FAST) for n, u in names_urls)
        )

    return {r.source: r for r in asyncio.run(go())}


def test_each_failure_is_reported_and_the_others_go_on(home, server):
    results = _run(
        home,
        [
            ("ok", f"{server}/ok.xml"),
            ("error", f"{server}/error.xml"),
            ("slow", f"{server}/slow.xml"),
            ("garbage", f"{server}/garbage.xml"),
            ("private", f"{server}/private/feed.xml"),
            ("missing", f"{server}/nope.xml"),
        ],
    )
    assert results["ok"].records == 2
    assert results["ok"].errors == []
    assert results["error"].errors == [f"{server}/error.xml: HTTP 500"]
    assert results["slow"].errors == [f"{server}/slow.xml: timed out"]
    assert results["garbage"].records == 0
    assert results["garbage"].errors[0].startswith(f"{server}/garbage.xml: ")
    assert "robots.txt" in results["private"].errors[0]
    assert results["missing"].errors == [f"{server}/nope.xml: HTTP 404"]
    assert all("\n" not in e for r in results.values() for e in r.errors)


def test_a_500_is_retried_before_giving_up(home, server):
    _run(home, [("error", f"{server}/error.xml")])
    assert Handler.hits["/error.xml"] == 2  # the first request and one retry (RETRY_TIMES = 1)


def test_retry_after_is_honoured(home, server):
    started = time.perf_counter()
    results = _run(home, [("busy", f"{server}/busy.xml")])
    assert results["busy"].records == 2
    assert time.perf_counter() - started >= 1.0


def test_an_unchanged_source_is_not_downloaded_again(home, server):
    first = _run(home, [("ok", f"{server}/ok.xml")])["ok"]
    second = _run(home, [("ok", f"{server}/ok.xml")])["ok"]
    assert first.bytes == len(RSS)
    assert second.not_modified == 1
    assert second.bytes == 0
    assert second.records == 2  # the cached body is read again, so items stay "seen"


def test_raw_records_and_responses_are_kept(home, server):
    _run(home, [("ok", f"{server}/ok.xml")])
    run_dir = home / "raw" / "run1"
    assert len((run_dir / "ok.jsonl").read_text().splitlines()) == 2
    assert (run_dir / "responses" / "ok.jsonl").exists()
    assert len(list((home / "raw" / "bodies").glob("*.gz"))) == 1
