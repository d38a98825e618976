"""What an unchanged source costs on the next run: a 304 and no parsing, an immutable document not even a
request, robots.txt asked for once a day."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

from test_collect_faults import FAST, RSS, Handler, server  # noqa: F401 - `server` is a fixture

from spiders import parsed_cache
from spiders.crawl import collect
from spiders.registry import Source


def _collect(home: Path, source: Source, run: str, **overrides) -> object:
    return asyncio.run(
        collect(source, home=home, run_dir=home / "raw" / run, overrides={**FAST, **overrides})
    )


def _records(home: Path, run: str, name: str) -> list[dict]:
    return [json.loads(line) for line in (home / "raw" / run / f"{name}.jsonl").read_text().splitlines()]


def _feed(url: str, **kw) -> Source:
    return Source(name="appels", family="feed", urls=(url,), kind="call", language="fr", **kw)


def test_a_304_reuses_the_records_parsed_last_time(home, server):  # noqa: F811
    _collect(home, _feed(f"{server}/ok.xml"), "run1")
    second = _collect(home, _feed(f"{server}/ok.xml"), "run2")
    assert second.not_modified == 1
    assert _records(home, "run2", "appels") == _records(home, "run1", "appels")
    assert len(list((home / "raw" / "parsed").glob("*.jsonl.gz"))) == 1


def test_reused_records_are_the_parsers_output(home, server):  # noqa: F811
    """The cache entry holds exactly what the parser gives for those bytes, so reusing it changes nothing."""
    from spiders import parsers

    _collect(home, _feed(f"{server}/ok.xml"), "run1")
    (entry,) = (home / "raw" / "parsed").glob("*.jsonl.gz")
    cached = [json.loads(line) for line in gzip.decompress(entry.read_bytes()).decode().splitlines()]
    fresh = list(
        parsers.parse(
            RSS, "feed", source="appels", url=f"{server}/ok.xml", options=_feed("x").parser_options()
        )
    )
    assert cached == json.loads(json.dumps(fresh, default=str))


def test_new_parser_code_does_not_reuse_old_records(monkeypatch):
    before = parsed_cache.record_key("ab" * 32, "feed", "appels", "https://x/feed", {})
    parsed_cache.parser_version.cache_clear()
    monkeypatch.setattr(parsed_cache, "parser_version", lambda: "another-parser")
    assert parsed_cache.record_key("ab" * 32, "feed", "appels", "https://x/feed", {}) != before


def test_calendar_records_are_reused_the_same_day_only(monkeypatch, time_machine):
    time_machine.move_to("2026-11-23T10:00:00+00:00")
    today = parsed_cache.record_key("ab" * 32, "ics", "agenda", "https://x/a.ics", {})
    time_machine.move_to("2026-11-24T10:00:00+00:00")
    assert parsed_cache.record_key("ab" * 32, "ics", "agenda", "https://x/a.ics", {}) != today


def test_an_immutable_document_is_not_requested_again(home, server):  # noqa: F811
    source = _feed(f"{server}/ok.xml", immutable=True)
    first = _collect(home, source, "run1")
    hits = Handler.hits.get("/ok.xml")
    second = _collect(home, source, "run2")
    assert Handler.hits.get("/ok.xml") == hits == 1
    assert second.reused == 1
    assert second.records == first.records == 2
    assert _records(home, "run2", "appels") == _records(home, "run1", "appels")


def test_a_mutable_document_is_asked_again(home, server):  # noqa: F811
    _collect(home, _feed(f"{server}/ok.xml"), "run1")
    _collect(home, _feed(f"{server}/ok.xml"), "run2")
    assert Handler.hits["/ok.xml"] == 2


def test_robots_txt_is_asked_once_a_day(home, server):  # noqa: F811
    _collect(home, _feed(f"{server}/ok.xml"), "run1")
    _collect(home, _feed(f"{server}/ok.xml"), "run2")
    assert Handler.hits["/robots.txt"] == 1


def test_robots_txt_older_than_its_max_age_is_asked_again(home, server):  # noqa: F811
    _collect(home, _feed(f"{server}/ok.xml"), "run1", VIGIE_ROBOTSTXT_MAX_AGE=0)
    _collect(home, _feed(f"{server}/ok.xml"), "run2", VIGIE_ROBOTSTXT_MAX_AGE=0)
    assert Handler.hits["/robots.txt"] == 2
