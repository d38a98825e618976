"""Event families on real files never used while building Vigie (third unseen-file hunt, 2026-12-03;
tests/fixtures/unseen3, tests/fixtures/SOURCES.md). Classes: Apple Calendar's all-day events, whose zone is a
`TZID:` property of the event itself, were read as Brussels days (nine hours early for a Los Angeles calendar);
a UiTdatabank offer document without `@context` (udb3's own stores, a dev instance) was "format not recognised".
Time frozen; one assertion per field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import detect_family, ics, uitdatabank

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "unseen3"
NOW = "2026-12-03T09:00:00+00:00"
APPLE = "ics_allenporter_apple_ical.ics"
NO_CONTEXT = "uitdb_udb3search_no_context_draft.json"


@pytest.fixture(scope="module")
def apple() -> list[dict]:
    with time_machine.travel(NOW, tick=False):
        records = list(ics.parse((FIXTURES / APPLE).read_bytes(), source="t"))
        return refine_and_cluster(records, now=datetime.now(UTC)).items


def multi_day(items: list[dict]) -> dict:
    return next(
        i for i in items if i["title"] == "Multi-day event" and i["starts_at"].startswith("2023-10-11")
    )


def test_apple_all_day_event_starts_at_midnight_in_its_own_zone(apple):
    assert multi_day(apple)["starts_at"] == "2023-10-11T00:00:00-07:00"


def test_apple_all_day_event_ends_on_its_last_day_in_its_own_zone(apple):
    assert multi_day(apple)["ends_at"] == "2023-10-12T23:59:59-07:00"


def test_apple_timed_event_keeps_its_dtstart_zone(apple):
    first = next(i for i in apple if i["title"] == "Example")
    assert first["starts_at"] == "2022-09-20T09:00:00-07:00"


def test_an_event_tzid_that_is_no_zone_leaves_the_day_to_brussels():
    text = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Jour\r\nTZID:Nowhere/Land\r\n"
        "DTSTART;VALUE=DATE:20261210\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )  # hand-written: Apple's property with a name no tz database knows
    with time_machine.travel(NOW, tick=False):
        records = list(ics.parse(text.encode(), source="t"))
    assert records[0]["timezone"] is None


def test_an_offer_document_without_context_is_uitdatabank():
    assert detect_family((FIXTURES / NO_CONTEXT).read_bytes(), "event.json") == "uitdatabank"


def test_a_draft_offer_without_context_announces_nothing():
    assert list(uitdatabank.parse((FIXTURES / NO_CONTEXT).read_bytes(), source="t")) == []


def test_an_approved_offer_without_context_is_its_event():
    # hand-written from the fixture's shape, its workflowStatus APPROVED: the public case of the same document
    body = (FIXTURES / NO_CONTEXT).read_text().replace('"DRAFT"', '"APPROVED"').encode()
    assert [r["title"] for r in uitdatabank.parse(body, source="t")] == ["Punkfest"]


def test_a_schema_org_event_json_is_not_uitdatabank():
    body = b'{"@id": "https://x.example/event/1", "@type": "Event", "name": "Concert", "startDate": "2026-12-10"}'
    assert not uitdatabank.sniff(body, "event.json")


# ------------------------------------------------------------ a cancellation written in the title
# Real case: the Detroit Economic Growth Corporation's agenda (City-Bureau/city-scrapers-det,
# tests/files/det_authority.html, MIT, 500 kB: too big to copy) names events "DDA Regular Board
# Meeting&#8211;CANCELLED" with no eventStatus. The page and calendar below are HAND-WRITTEN in that form.

CANCELLED_PAGE = b"""<html><head><script type="application/ld+json">[
{"@context": "http://schema.org", "@type": "Event", "name": "DDA Regular Board Meeting&#8211;CANCELLED",
 "startDate": "2027-01-13T11:00:00-05:00", "url": "https://agenda.example.org/event/dda"},
{"@context": "http://schema.org", "@type": "Event", "name": "The Cancelled Flights exhibition",
 "startDate": "2027-01-14T11:00:00-05:00", "url": "https://agenda.example.org/event/flights"}
]</script></head><body></body></html>"""


@pytest.fixture(scope="module")
def page() -> dict[str, dict]:
    from spiders.parsers import schemaorg

    with time_machine.travel(NOW, tick=False):
        records = list(schemaorg.parse(CANCELLED_PAGE, source="t", url="https://agenda.example.org/"))
        items = refine_and_cluster(records, now=datetime.now(UTC)).items
    return {i["url"]: i for i in items}


def test_a_jsonld_event_whose_title_says_cancelled_is_cancelled(page):
    assert page["https://agenda.example.org/event/dda"]["status"] == "cancelled"


def test_a_title_about_cancelled_things_stays_open(page):
    assert page["https://agenda.example.org/event/flights"]["status"] == "open"


@pytest.mark.parametrize(
    "title",
    ["Concert annulé : Orchestre de Namur", "GEANNULEERD - Voorstelling De Kreun", "Vernissage annulé"],
)
def test_a_calendar_event_titled_cancelled_in_fr_or_nl_is_cancelled(title):
    text = (
        f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:{title}\r\n"
        "DTSTART:20270113T150000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with time_machine.travel(NOW, tick=False):
        records = list(ics.parse(text.encode(), source="t"))
        items = refine_and_cluster(records, now=datetime.now(UTC)).items
    assert items[0]["status"] == "cancelled"  # refine.status reads the title, for events of any family


def test_an_english_title_ending_on_cancelled_without_separator_is_no_cancellation():
    from refine.status import cancelled_in_title

    assert not cancelled_in_title("Why concerts get cancelled")
    assert cancelled_in_title("Why concerts get cancelled – CANCELLED")
