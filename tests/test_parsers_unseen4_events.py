"""Event families on real files never used while building Vigie (fourth unseen-file hunt, 2026-12-04;
tests/fixtures/unseen4, provenance in tests/fixtures/SOURCES.md). Class fixed:
The Events Calendar (WordPress, PRODID "ECPv…") writes an address's empty part as an empty comma pair
(`LOCATION:735 Randolph\\, 5th Floor Board Room\\, Detroit\\,\\, MI\\, 48226`), shown as "Detroit,, MI": empty parts
are dropped (spiders.parsers._text.tidy_address, from ics_event.location). The other tests pin what a member reads
in new publishers' calendars: a Brussels university timetable without UIDs and with double-encoded accents, a
Thunderbird series with one cancelled occurrence, a Google Calendar "last Friday of the month" series.
Time frozen (each file at a moment of its own year); one assertion per field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import ics
from spiders.parsers._text import tidy_address

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "unseen4"


def _items(name: str, now: str) -> list[dict]:
    with time_machine.travel(now, tick=False):
        records = list(ics.parse((FIXTURES / name).read_bytes(), source="t"))
        return refine_and_cluster(records, now=datetime.now(UTC)).items


# ------------------------------------------------------------ Great Lakes Water Authority (Detroit), 2018


@pytest.fixture(scope="module")
def glwa() -> list[dict]:
    return _items("ics_cityscrapers_det_glwa.ics", "2018-06-20T09:00:00+00:00")


def test_an_events_calendar_address_has_no_empty_part(glwa):
    assert glwa[0]["location"] == "735 Randolph, 5th Floor Board Room, Detroit, MI, 48226"


def test_glwa_meeting_is_in_the_united_states(glwa):
    assert glwa[0]["country"] == "US"


def test_glwa_meeting_starts_at_its_detroit_time(glwa):
    assert glwa[0]["starts_at"] == "2018-06-27T13:00:00-04:00"


def test_glwa_meeting_titled_cancelled_is_cancelled(glwa):
    assert glwa[0]["status"] == "cancelled"


def test_glwa_meeting_titled_cancelled_in_capitals_is_cancelled(glwa):
    meeting = next(i for i in glwa if i["title"].endswith("(CANCELLED)"))
    assert meeting["status"] == "cancelled"


def test_glwa_meeting_not_cancelled_is_open(glwa):
    assert next(i for i in glwa if i["title"] == "Audit Committee Meeting")["status"] == "open"


def test_glwa_meeting_url_is_its_event_page(glwa):
    assert glwa[0]["url"] == "http://www.glwater.org/event/legal-committee-meeting-7/"


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Detroit,, MI", "Detroit, MI"),
        ("Salle 2, , Namur", "Salle 2, Namur"),
        (", Bruxelles", "Bruxelles"),
        ("Halle 1, 1000 Bruxelles", "Halle 1, 1000 Bruxelles"),
        (",,", None),
    ],
)
def test_an_address_keeps_only_its_written_parts(written, shown):
    assert tidy_address(written) == shown


# ------------------------------------------------------------ ULB (Brussels) timetable, 2013-2014


@pytest.fixture(scope="module")
def ulb() -> list[dict]:
    return _items("ics_icspy_gehol_ulb_BA1.ics", "2013-09-01T09:00:00+00:00")


def test_every_ulb_class_without_uid_is_an_item(ulb):
    assert len(ulb) == 179


def test_ulb_title_double_encoded_accent_is_repaired(ulb):
    assert ulb[0]["title"] == "Guidance en Mathématique"


def test_ulb_class_starts_at_its_brussels_summer_time(ulb):
    assert ulb[0]["starts_at"] == "2013-09-30T12:00:00+02:00"


def test_ulb_class_ends_at_its_brussels_summer_time(ulb):
    assert ulb[0]["ends_at"] == "2013-09-30T14:00:00+02:00"


def test_ulb_class_after_the_clock_change_is_in_winter_time(ulb):
    december = next(i for i in ulb if i["starts_at"].startswith("2013-12-11"))
    assert december["starts_at"].endswith("+01:00")


def test_ulb_class_is_in_french(ulb):
    assert ulb[0]["language"] == "fr"


def test_ulb_class_location_is_its_rooms(ulb):
    assert ulb[0]["location"] == "P.2NO.506, P.2NO.607"


# ------------------------------------------------------------ Thunderbird: one occurrence cancelled, 2020


@pytest.fixture(scope="module")
def thunderbird() -> list[dict]:
    items = _items("ics_rie_thunderbird_cancelled_occurrence.ics", "2020-01-28T09:00:00+00:00")
    return sorted(items, key=lambda i: i["starts_at"])


def test_every_occurrence_of_the_series_is_an_item(thunderbird):
    assert [i["starts_at"][:10] for i in thunderbird] == ["2020-01-28", "2020-01-29", "2020-01-30"]


def test_the_cancelled_occurrence_is_cancelled(thunderbird):
    assert thunderbird[1]["status"] == "cancelled"


def test_the_occurrence_after_the_cancelled_one_is_not(thunderbird):
    assert thunderbird[2]["status"] != "cancelled"


def test_an_occurrence_starts_at_its_berlin_time(thunderbird):
    assert thunderbird[2]["starts_at"] == "2020-01-30T22:00:00+01:00"


# ------------------------------------------------------------ Google Calendar, last Friday of each month, 2026


@pytest.fixture(scope="module")
def karaoke() -> list[dict]:
    return _items("ics_rie_partyborn_google_moved_occurrence.ics", "2026-12-03T09:00:00+00:00")


def test_last_friday_series_gives_the_next_three_last_fridays(karaoke):
    assert [i["starts_at"][:10] for i in karaoke] == ["2026-12-25", "2027-01-29", "2027-02-26"]


def test_last_friday_occurrence_starts_at_its_berlin_time(karaoke):
    assert karaoke[0]["starts_at"] == "2026-12-25T21:30:00+01:00"


def test_last_friday_occurrence_title(karaoke):
    assert karaoke[0]["title"] == "Karaoke"


def test_last_friday_occurrence_is_in_the_descriptions_german(karaoke):
    assert karaoke[0]["language"] == "de"
