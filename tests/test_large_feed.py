"""Large RSS/Atom feeds are streamed (spiders.parsers.feed_large) and give the records feedparser gives: the
real feeds of tests/fixtures are read both ways and compared field by field (bench/large_feed.py measures a
50 MB feed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spiders import parsers
from spiders.parsers import feed, feed_large
from vigie.core.errors import ParseError

FEEDS = Path(__file__).resolve().parent / "fixtures" / "feeds"
# Well-formed XML feeds: on damaged ones feedparser's lenient parser and libxml2's recovery keep different parts.
WELL_FORMED = [
    "feedrs_atom_xml_base.xml",
    "picofeed_cerclepsy_fr.xml",
    "picofeed_jeux-linux_fr.xml",
    "picofeed_ibash_ru_windows-1251.xml",
    "feedparser_utf16le_bom.xml",
]
FIELDS = ("native_id", "url", "title", "language", "published_at", "raw_ref")


def _both(name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[dict], list[dict]]:
    body = (FEEDS / name).read_bytes()
    url = f"https://example.org/feeds/{name}"
    small = list(parsers.parse(body, "feed", source="s", url=url))
    monkeypatch.setattr(feed_large, "LARGE_FEED_BYTES", 0)
    return small, list(parsers.parse(body, "feed", source="s", url=url))


@pytest.mark.parametrize("name", WELL_FORMED)
@pytest.mark.parametrize("field", FIELDS)
def test_the_streamed_reading_gives_feedparsers_values(name, field, monkeypatch):
    small, large = _both(name, monkeypatch)
    assert len(large) == len(small)
    assert [r[field] for r in large] == [r[field] for r in small]


@pytest.mark.parametrize("name", WELL_FORMED)
def test_the_streamed_reading_keeps_the_same_text(name, monkeypatch):
    small, large = _both(name, monkeypatch)
    # feedparser sanitises markup (scripts, styles) that refine strips anyway: compare the words.
    assert [len((r["summary"] or "").split()) > 0 for r in large] == [bool(r["summary"]) for r in small]


def test_a_large_body_that_is_no_feed_is_a_one_line_error(monkeypatch):
    monkeypatch.setattr(feed_large, "LARGE_FEED_BYTES", 0)
    with pytest.raises(ParseError) as caught:
        list(feed.parse(b"<html><body><p>moved</p></body></html>", source="s", url="u"))
    assert str(caught.value) == "u: not an RSS or Atom feed"


def test_a_cut_large_feed_keeps_the_entries_before_the_cut(monkeypatch):
    monkeypatch.setattr(feed_large, "LARGE_FEED_BYTES", 0)
    body = b"<rss><channel><item><title>one</title><link>https://e.org/1</link></item><item><title>tw"
    assert [r["title"] for r in feed.parse(body, source="s", url="u")][0] == "one"
