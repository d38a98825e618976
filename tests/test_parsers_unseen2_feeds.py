"""Feeds on real files never used while building Vigie (second unseen-file hunt, 2026-12-02; tests/fixtures/unseen2,
tests/fixtures/SOURCES.md). Class: RFC 822 dates with day and month named in the feed's language (UOL's
`Seg, 24 Set 2018 19:42:40 -0300`; French, Dutch, German feeds do the same): every entry lost its date."""

from __future__ import annotations

from pathlib import Path

import pytest

from spiders.parsers import feed, feed_large
from spiders.parsers.feed_dates import localized_rfc822

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "unseen2"


@pytest.fixture(scope="module")
def uol() -> list[dict]:
    return list(feed.parse((FIXTURES / "feed_rssparser_uolNoticias.rss").read_bytes(), source="t"))


def test_no_entry_of_a_portuguese_dated_feed_is_lost(uol):
    assert len(uol) == 15


def test_portuguese_month_and_weekday_are_read(uol):
    assert uol[0]["published_at"] == "2018-09-24T22:42:40+00:00"


def test_every_portuguese_entry_has_its_date(uol):
    assert all(record["published_at"] for record in uol)


def test_portuguese_entry_title_is_decoded(uol):
    assert uol[1]["title"].startswith("Promotoria abre inquérito")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mer., 12 févr. 2020 10:00:00 +0100", "2020-02-12T09:00:00+00:00"),
        ("ma, 24 sep 2018 10:00:00 +0200", "2018-09-24T08:00:00+00:00"),
        ("Mo, 24 Okt 2016 08:00:00 GMT", "2016-10-24T08:00:00+00:00"),
        ("24 mrt 2021 12:00 +0100", "2021-03-24T11:00:00+00:00"),
    ],
)
def test_localized_rfc822_dates(text, expected):
    moment = localized_rfc822(text)
    assert moment is not None and moment.isoformat() == expected


def test_a_text_that_is_no_date_stays_none():
    assert localized_rfc822("bientôt") is None


def test_the_large_feed_reader_reads_localized_dates_too():
    assert feed_large._utc_tuple("jeu., 5 déc. 2024 18:30:00 +0100") == (2024, 12, 5, 17, 30, 0)
