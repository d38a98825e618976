"""A schema.org JSON-LD document served on its own (`application/ld+json`), not inside an HTML page: the City of
Toronto's Festivals & Events open data as a list of schema.org Events (CivicTechTO's proxy; five records of its
`docs/all.jsonld`, see tests/fixtures/SOURCES.md). It was "format not recognised"; now it is the jsonld family,
and the publisher's `keywords` (its own categories) reach refine as declared categories. Time frozen."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import detect_family, parse
from vigie.core.errors import ParseError, UnknownFormatError

FILE = Path(__file__).parent / "fixtures" / "unseen5" / "jsonld_toronto_festivals_events_excerpt.jsonld"
NOW = "2024-05-01T12:00:00+00:00"


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    with time_machine.travel(NOW, tick=False):
        found = list(parse(FILE.read_bytes(), source="t", url="https://example.org/all.jsonld"))
    return {r["title"]: r for r in found}


@pytest.fixture(scope="module")
def items() -> dict[str, dict]:
    with time_machine.travel(NOW, tick=False):
        found = list(parse(FILE.read_bytes(), source="t", url="https://example.org/all.jsonld"))
        refined = refine_and_cluster(found, now=datetime.now(UTC)).items
    return {i["title"]: i for i in refined}


COMEDY = "Wednesdays - Pro & Hilarious Stand-up Comedy | Late-Night laughs"


def test_a_bare_json_ld_document_is_the_jsonld_family():
    assert detect_family(FILE.read_bytes(), "all.jsonld") == "jsonld"


def test_every_event_of_the_document_is_a_record(records):
    assert len(records) == 5


def test_event_kind(records):
    assert records[COMEDY]["kind"] == "event"


def test_utc_start_keeps_its_instant(records):
    assert records[COMEDY]["starts_at"] == "2024-05-09T02:00:00+00:00"


def test_offset_start_keeps_its_offset(records):
    assert records["HARKNESS"]["starts_at"] == "2025-04-13T18:00:00-04:00"


def test_zone_of_the_place(records):
    assert records[COMEDY]["timezone"] == "America/Toronto"


def test_country_of_the_place(records):
    assert records[COMEDY]["country"] == "CA"


def test_location_is_the_venue_and_its_address(records):
    assert records[COMEDY]["location"] == "BACKROOM COMEDY CLUB, 814 Bloor St W, M6G 1L9 Toronto"


def test_link_is_the_events_own_page(records):
    assert records[COMEDY]["url"].startswith("https://www.eventbrite.ca/e/10-pm-wednesdays-pro-hilarious")


def test_the_publishers_keywords_are_its_categories(records):
    assert records[COMEDY]["categories"] == ["Comedy", "Live Performances", "Theatre"]


@pytest.mark.parametrize(
    "title, sector",
    [
        (COMEDY, "performing-arts"),
        ("HARKNESS", "audiovisual"),
        ("By the Lake Book Club – 6-Event Package", "writing-publishing"),
    ],
)
def test_a_declared_category_gives_its_sector(items, title, sector):
    assert sector in items[title]["sectors"]


def test_a_json_ld_document_without_an_event_is_not_recognised():
    body = b'{"@context": "https://schema.org", "@type": "Organization", "name": "Smart"}'
    with pytest.raises(UnknownFormatError):
        detect_family(body, "org.jsonld")


def test_a_truncated_document_is_a_one_line_error_naming_it():
    body = FILE.read_bytes()[:3000]
    with pytest.raises(ParseError, match="all.jsonld") as caught:
        list(parse(body, "jsonld", source="t", url="https://example.org/all.jsonld"))
    assert "\n" not in str(caught.value)


def test_keywords_written_as_one_text_are_split_on_commas():
    from spiders.parsers.schemaorg_events import keywords

    assert keywords({"keywords": "Music,  Arts/Exhibits , "}) == ["Music", "Arts/Exhibits"]


def test_keyword_stuffing_is_not_a_classification():
    from spiders.parsers.schemaorg_events import keywords

    stuffed = {"keywords": ["concert " * 20, *(f"tag{i}" for i in range(30))]}
    assert keywords(stuffed) == [f"tag{i}" for i in range(20)]
