"""Event families on real files never used while building Vigie (second unseen-file hunt, 2026-12-02;
tests/fixtures/unseen2, tests/fixtures/SOURCES.md). Classes: Outlook display-name TZIDs ("(UTC-05:00) Eastern
Time (US and Canada)") read as Brussels time; a quoted TZID that swallows the value; an event URL that is no
address (`URL:F`) made a link next to the file; one UiTdatabank event document of the older API
(`/api/1.0/event.jsonld`) not recognised. Time frozen; one assertion per field."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine

from spiders.parsers import detect_family, ics, ics_repair, ics_zones, uitdatabank

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "unseen2"
NOW = "2026-12-02T09:00:00+00:00"


def calendar(name: str, url: str = "") -> list[dict]:
    with time_machine.travel(NOW, tick=False):
        return list(ics.parse((FIXTURES / name).read_bytes(), source="t", url=url))


# ------------------------------------------------------------ Outlook display-name zones


def test_display_name_zone_of_eastern_time_is_new_york():
    assert str(ics_zones.display_zone("(UTC-05:00) Eastern Time (US and Canada)")) == "America/New_York"


def test_display_name_zone_of_a_listed_city():
    assert str(ics_zones.display_zone("(UTC+01:00) Brussels, Copenhagen, Madrid, Paris")) == "Europe/Brussels"


def test_display_name_zone_without_a_known_city_is_its_offset():
    zone = ics_zones.display_zone("(UTC+03:00) Somewhere Standard")
    assert zone is not None and zone.utcoffset(None).total_seconds() == 3 * 3600


def test_an_iana_tzid_is_not_a_display_name():
    assert ics_zones.display_zone("Europe/Paris") is None


def test_repair_names_the_iana_zone_of_a_display_name_so_recurrences_keep_it():
    line = 'DTSTART;TZID="(UTC-05:00) Eastern Time (US & Canada)":20261207T190000'
    assert ics_repair.repair(line) == "DTSTART;TZID=America/New_York:20261207T190000"


def test_repair_keeps_a_display_name_the_file_defines():
    text = 'BEGIN:VTIMEZONE\nTZID:(UTC+01:00) Brussels\nEND:VTIMEZONE\nDTSTART;TZID="(UTC+01:00) Brussels":20260101T100000'
    assert ics_repair.repair(text) == text


def test_quoted_display_name_tzid_is_read_in_its_zone():
    events = calendar("ics_nodeical_windows-quoted-tz-rrule.ics")
    assert events[0]["starts_at"] == "2015-07-06T12:00:00-04:00"


# ------------------------------------------------------------ Outlook: TZID="Zone:VALUE" (quote after the value)


@pytest.fixture(scope="module")
def outlook() -> list[dict]:
    return calendar("ics_nodeical_ms_timezones.ics")


def test_a_swallowed_value_is_read_again(outlook):
    assert "Log Yesterday's Jira time" in {e["title"] for e in outlook}


def test_no_event_of_the_outlook_export_is_lost(outlook):
    assert len(outlook) == 4


def test_windows_zone_id_keeps_its_offset(outlook):
    first = next(e for e in outlook if e["title"] == "test")
    assert first["starts_at"] == "2020-09-10T09:00:00+02:00"


# ------------------------------------------------------------ URL that is no address


@pytest.fixture(scope="module")
def festival() -> list[dict]:
    return calendar("ics_nodeical_festival-multiday-rrule.ics", url="https://www.foobar.org/summer11.ics")


def test_a_url_that_is_a_word_gives_no_link(festival):
    first = next(e for e in festival if e["title"] == "foobar Summer 2011 starts!")
    assert first["url"] is None


def test_an_absolute_event_url_is_kept(festival):
    entrance = next(e for e in festival if e["title"] == "Main entrance opened")
    assert entrance["url"] == "http://www.foobar.org/summer11/come-to-party/entry-setup"


def test_event_url_of_a_bare_host_gets_a_scheme():
    assert ics._event_url("www.example.be/agenda/1", "") == "https://www.example.be/agenda/1"


def test_event_url_of_a_path_is_the_calendar_site():
    assert ics._event_url("/agenda/1", "https://example.be/cal.ics") == "https://example.be/agenda/1"


# ------------------------------------------------------------ UiTdatabank: one event of the older API


@pytest.fixture(scope="module")
def kruisboog() -> list[dict]:
    body = (FIXTURES / "uitdb_event_with_dates.json").read_bytes()
    return list(uitdatabank.parse(body, source="t"))


def test_an_older_uitdatabank_event_document_is_recognised():
    body = (FIXTURES / "uitdb_event_with_dates.json").read_bytes()
    assert detect_family(body, "event.json") == "uitdatabank"


def test_older_uitdatabank_event_title(kruisboog):
    assert kruisboog[0]["title"] == "Koran, kaliefen en kruistochten - De fundamenten van de islam"


def test_older_uitdatabank_event_starts(kruisboog):
    assert kruisboog[0]["starts_at"] == "2015-03-02T13:30:00+01:00"


def test_older_uitdatabank_event_ends(kruisboog):
    assert kruisboog[0]["ends_at"] == "2015-03-30T16:30:00+02:00"


def test_older_uitdatabank_event_language(kruisboog):
    assert kruisboog[0]["language"] == "nl"


def test_older_uitdatabank_event_link_is_its_public_page(kruisboog):
    assert kruisboog[0]["url"].startswith("http://www.uitinvlaanderen.be/agenda/e/koran-kaliefen")


# ------------------------------------------------------------ Outlook Web App 2012: display names, summer and winter


@pytest.fixture(scope="module")
def owa() -> dict[str, dict]:
    return {e["title"]: e for e in calendar("ics_nodeical_Office-2012-owa.ics")}


def test_sydney_display_name_is_read_in_australian_summer_time(owa):
    assert owa["TEST Syd"]["starts_at"] == "2020-10-28T13:30:00+11:00"


def test_eastern_display_name_is_read_in_summer_time_in_october(owa):
    assert owa["TEST"]["starts_at"] == "2020-10-28T13:30:00-04:00"


def test_eastern_display_name_is_read_in_winter_time_in_november(owa):
    assert owa["TEST 3"]["starts_at"] == "2020-11-02T13:30:00-05:00"


# ------------------------------------------------------------ all-day events of a calendar in another zone


@pytest.fixture(scope="module")
def pacific() -> dict[str, dict]:
    return {e["title"]: e for e in calendar("ics_nodeical_mixed-timezone-handling.ics")}


def test_an_all_day_event_is_a_day(pacific):
    assert pacific["Date Only (Explicit)"]["starts_at"] == "2002-10-28"


def test_an_all_day_event_has_the_days_of_its_calendar_zone(pacific):
    assert pacific["Date Only (Explicit)"]["timezone"] == "US/Pacific"


def test_a_timed_event_with_its_own_zone_keeps_it(pacific):
    assert pacific["Inline Timezone"]["starts_at"] == "2002-10-28T01:20:30-05:00"
