"""The event families on recorded and hand-made responses, with time frozen where the parser depends on "now":
iCalendar (spiders.parsers.ics), schema.org Event pages (spiders.parsers.schemaorg) and HTML listings described
by registry selectors (spiders.parsers.html_list). One assertion per field a member would check."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine

from spiders import parsers, registry
from spiders.parsers import html_list, ics, schemaorg
from vigie.core.errors import ParseError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ICS = FIXTURES / "ics"
HTML = FIXTURES / "html"

AGENDA_URL = "https://agenda.example.be/agenda.ics"
AGENDA = "handmade_brussels_agenda.ics"
# The hand-made agenda is read on 1 March 2027 at 09:00 Brussels time unless a test says otherwise.
NOW = "2027-03-01T08:00:00+00:00"
SERIES = "permanence-juridique@agenda.example.be"


def read_ics(name: str, now: str = NOW, body: bytes | None = None, **options: object) -> list[dict]:
    body = body if body is not None else (ICS / name).read_bytes()
    with time_machine.travel(now, tick=False):
        return list(ics.parse(body, source="agenda-exemple", url=AGENDA_URL, options=options))


def by_id(records: list[dict]) -> dict[str, dict]:
    ids = [r["native_id"] for r in records]
    assert len(ids) == len(set(ids)), "native ids must be unique within one response"
    return {r["native_id"]: r for r in records}


def occurrences(records: list[dict], uid: str) -> list[dict]:
    found = [r for r in records if r["native_id"].startswith(f"{uid}@")]
    return sorted(found, key=lambda r: r["starts_at"])


# ================================================================ iCalendar: one-off events


@pytest.fixture(scope="module")
def agenda() -> dict[str, dict]:
    return by_id(read_ics(AGENDA))


def test_ics_one_off_event_fields(agenda):
    concert = agenda["concert-printemps-2027@agenda.example.be"]
    assert concert["source"] == "agenda-exemple"
    assert concert["family"] == "ics"
    assert concert["kind"] == "event"
    assert concert["title"] == "Concert de printemps : jeunes ensembles"
    assert concert["starts_at"] == "2027-03-20T20:00:00+01:00"
    assert concert["ends_at"] == "2027-03-20T22:30:00+01:00"
    assert concert["timezone"] == "Europe/Brussels"
    assert concert["location"] == "Salle des fêtes, Rue Haute 12, 1000 Bruxelles"
    assert (
        concert["url"] == "https://agenda.example.be/agenda/concert-printemps-2027"
    )  # relative URL resolved
    assert concert["organiser"] == "Centre culturel de l'Exemple"
    assert concert["summary"] == "Trois ensembles issus des académies de la Région. Entrée libre."
    assert concert["published_at"] == "2027-01-15T10:15:00+00:00"
    assert concert["status"] is None


def test_ics_cancelled_event_with_floating_time_in_the_calendar_zone(agenda):
    atelier = agenda["atelier-son-2027@agenda.example.be"]
    assert atelier["status"] == "cancelled"
    # Floating time, read in X-WR-TIMEZONE Europe/Brussels: after the switch to summer time on 28 March.
    assert atelier["starts_at"] == "2027-04-05T14:00:00+02:00"
    assert atelier["ends_at"] == "2027-04-05T17:00:00+02:00"
    assert atelier["timezone"] == "Europe/Brussels"


def test_ics_all_day_event_spanning_two_days(agenda):
    foire = agenda["foire-livre-2027@agenda.example.be"]
    assert foire["starts_at"] == "2027-04-10"  # a date, not a time: all-day precision
    assert foire["ends_at"] == "2027-04-11"  # DTEND 20270412 is exclusive: the last day is the 11th
    assert foire["timezone"] is None
    assert foire["location"] == "Namur"


def test_ics_utc_time_is_given_in_the_calendar_zone_and_duration_makes_the_end(agenda):
    reunion = agenda["reunion-info-2027@agenda.example.be"]
    assert reunion["starts_at"] == "2027-03-15T10:00:00+01:00"  # 09:00Z
    assert reunion["ends_at"] == "2027-03-15T11:30:00+01:00"  # DURATION:PT1H30M
    assert reunion["timezone"] == "Europe/Brussels"


def test_ics_missing_dtend_gives_no_end(agenda):
    vernissage = agenda["vernissage-2027@agenda.example.be"]
    assert vernissage["starts_at"] == "2027-04-02T18:30:00+02:00"
    assert vernissage["ends_at"] is None


def test_ics_event_without_dtstart_is_kept_flagged_for_refine_to_quarantine(agenda):
    undated = agenda["sans-date@agenda.example.be"]
    assert undated["title"] == "Événement sans date (à confirmer)"
    assert undated["starts_at"] is None
    assert undated["flags"] == ["starts_unreadable"]
    assert len(agenda) == 15  # 6 one-off events + 7 occurrences of the series (one EXDATE) + 2 moved lessons


def test_ics_recorded_discourse_export_without_dtend():
    records = by_id(read_ics("rie_discourse_no_dtend.ics", now="2019-02-16T12:00:00+00:00"))
    openlab = records["0ab03762-6e6d-40d7-9ceb-b49844ba61a4"]
    assert openlab["title"] == "2019-01-17 openLab"
    assert openlab["starts_at"] == "2019-01-17T18:00:25+01:00"
    assert openlab["ends_at"] is None
    assert openlab["url"] == "https://agenda.example.be/c/machbar/calendar"
    workshop = records["d7069eb4-e82c-40af-9486-fb5bb332c328"]
    assert workshop["ends_at"] == "2019-02-28T18:30:14+01:00"
    assert len(records) == 4  # one-off events are kept whatever their date: refine decides what is past


def test_ics_all_day_event_with_only_a_start_date():
    [event] = read_ics("icaljs_only_dtstart_date.ics")
    assert event["title"] == "Really long event name thing"
    assert event["starts_at"] == "2012-06-30"
    assert event["ends_at"] == "2012-06-30"


# ================================================================ iCalendar: time zones


def test_ics_named_utc_and_floating_times():
    records = {r["native_id"].split("@")[0]: r for r in read_ics("icalendar_multiple_timezones.ics")}
    assert records["test-vtime-named-timezone"]["starts_at"] == "2021-03-02T00:00:00-05:00"
    assert records["test-vtime-named-timezone"]["timezone"] == "America/New_York"
    assert records["test-vtime-utc"]["starts_at"] == "2021-03-02T00:00:00+00:00"
    # No zone at all: written without offset, read downstream as Europe/Brussels local time.
    assert records["test-vtime-floating"]["starts_at"] == "2021-03-02T00:00:00"
    assert records["test-vtime-floating"]["timezone"] is None


def test_ics_x_wr_timezone_moves_utc_times_into_the_calendar_zone():
    records = by_id(read_ics("rie_x_wr_timezone.ics"))
    noon = records["3bc4jff97631or97ntnk75n4se@google.com"]
    assert noon["title"] == "Google Calendar says this is noon to 1PM on 12/22/2021"
    assert noon["starts_at"] == "2021-12-22T12:00:00-05:00"
    assert noon["ends_at"] == "2021-12-22T13:00:00-05:00"
    assert noon["timezone"] == "America/New_York"
    evening = records["14n7h56i35m32ukcq76s46d45p@google.com"]
    assert evening["starts_at"] == "2021-12-22T21:00:00-05:00"  # 02:00Z the next day


def test_ics_made_up_tzid_defined_by_its_vtimezone():
    [event] = read_ics("icalendar_bad_tzid.ics")
    assert event["native_id"] == "1961094_636238800000000000"
    assert event["title"] == "TESTIN"
    assert event["starts_at"] == "2017-02-28T23:00:00+11:00"
    assert event["ends_at"] == "2017-02-28T23:30:00+11:00"


def test_ics_non_ascii_tzid_and_a_stable_id_without_uid():
    [event] = read_ics("icalendar_non_ascii_tzid.ics")
    [again] = read_ics("icalendar_non_ascii_tzid.ics")
    assert event["starts_at"] == "2017-05-11T13:30:00-03:00"  # "(UTC-03:00) Brasília", standard time in May
    assert event["ends_at"] == "2017-05-11T14:00:00-03:00"
    assert event["native_id"] == again["native_id"]  # no UID: derived, but the same on every run
    assert event["native_id"].startswith("h")


def test_ics_unknown_tzid_without_vtimezone_is_read_as_local_time():
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
        b"SUMMARY:Atelier\r\nDTSTART;TZID=Nowhere/Atlantis:20270110T190000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    [event] = read_ics("", body=body)
    assert event["starts_at"] == "2027-01-10T19:00:00"
    assert event["timezone"] is None


def test_ics_bom_is_ignored():
    plain = (ICS / AGENDA).read_bytes()
    assert read_ics(AGENDA, body=b"\xef\xbb\xbf" + plain) == read_ics(AGENDA, body=plain)
    assert parsers.detect_family(b"\xef\xbb\xbf" + plain, "agenda.ics") == "ics"


def test_ics_recorded_bom_calendar_without_events_is_empty_not_an_error():
    assert read_ics("icalendar_bom.ics") == []


def test_ics_organiser_and_location_with_umlauts():
    [event] = read_ics("icalendar_umlauts_organizer.ics")
    assert event["organiser"] == "acme, ädmin"
    assert event["location"] == "im büro"
    assert event["starts_at"] == "2013-04-16T10:00:00+00:00"


# ================================================================ iCalendar: recurrence


@pytest.fixture(scope="module")
def agenda_records() -> list[dict]:
    return read_ics(AGENDA)


def test_ics_series_is_expanded_over_the_default_horizon(agenda_records):
    series = occurrences(agenda_records, SERIES)
    assert [r["starts_at"] for r in series] == [
        "2027-03-01T17:00:00+01:00",
        "2027-03-08T17:00:00+01:00",
        "2027-03-16T18:00:00+01:00",  # moved from Monday 15th to Tuesday 16th
        "2027-03-22T17:00:00+01:00",
        # 29 March is excluded (EXDATE): no item; summer time from 28 March
        "2027-04-05T17:00:00+02:00",
        "2027-04-12T17:00:00+02:00",  # cancelled in its own RECURRENCE-ID override
        "2027-04-19T17:00:00+02:00",
    ]
    assert [r["ends_at"][11:16] for r in series] == ["19:00", "19:00", "20:00", "19:00"] + ["19:00"] * 3
    assert all(r["location"] == "Maison des artistes, 1060 Saint-Gilles" for r in series if not r["status"])


def test_ics_moved_occurrence_keeps_the_id_of_its_original_slot(agenda_records):
    moved = by_id(agenda_records)[f"{SERIES}@2027-03-15T16:00:00+00:00"]
    assert moved["title"] == "Permanence juridique pour artistes (déplacée au mardi)"
    assert moved["starts_at"] == "2027-03-16T18:00:00+01:00"
    assert moved["ends_at"] == "2027-03-16T20:00:00+01:00"
    assert moved["status"] is None
    # The same slot before the organiser moved it had the same native id: the item is updated, not duplicated.
    text = (ICS / AGENDA).read_bytes().decode("utf-8")
    blocks = text.split("BEGIN:VEVENT")
    unmoved = "BEGIN:VEVENT".join(
        b for b in blocks if "RECURRENCE-ID;TZID=Europe/Brussels:20270315T" not in b
    )
    assert unmoved != text
    before = by_id(read_ics(AGENDA, body=unmoved.encode()))[f"{SERIES}@2027-03-15T16:00:00+00:00"]
    assert before["starts_at"] == "2027-03-15T17:00:00+01:00"


def test_ics_exdate_removes_its_occurrence(agenda_records):
    # EXDATE says the instance does not exist (RFC 5545): it is no item, neither open nor cancelled
    ids = {r["native_id"] for r in agenda_records}
    assert f"{SERIES}@2027-03-29T15:00:00+00:00" not in ids
    assert f"{SERIES}@2027-03-22T16:00:00+00:00" in ids  # the weeks around it stay
    assert f"{SERIES}@2027-04-05T15:00:00+00:00" in ids


def test_ics_cancelled_override_is_a_cancelled_occurrence(agenda_records):
    cancelled = by_id(agenda_records)[f"{SERIES}@2027-04-12T15:00:00+00:00"]
    assert cancelled["status"] == "cancelled"
    assert cancelled["starts_at"] == "2027-04-12T17:00:00+02:00"
    assert sum(r["status"] == "cancelled" for r in occurrences(agenda_records, SERIES)) == 1


def test_ics_overrides_without_their_master_are_distinct_occurrences(agenda_records):
    lessons = occurrences(agenda_records, "cours-danse@agenda.example.be")
    assert [r["native_id"] for r in lessons] == [
        "cours-danse@agenda.example.be@2027-03-03T18:00:00+00:00",
        "cours-danse@agenda.example.be@2027-03-10T18:00:00+00:00",
    ]
    assert [r["starts_at"] for r in lessons] == ["2027-03-04T19:00:00+01:00", "2027-03-10T19:00:00+01:00"]
    assert [r["status"] for r in lessons] == [None, "cancelled"]


def test_ics_horizon_days_bounds_the_expansion():
    series = occurrences(read_ics(AGENDA, horizon_days=30), SERIES)
    assert [r["starts_at"][:10] for r in series] == [
        "2027-03-01",
        "2027-03-08",
        "2027-03-16",
        "2027-03-22",
    ]


def test_ics_a_later_run_drops_past_occurrences_and_keeps_the_ids():
    first = {r["native_id"] for r in occurrences(read_ics(AGENDA), SERIES)}
    later = occurrences(read_ics(AGENDA, now="2027-03-10T08:00:00+00:00"), SERIES)
    assert len(later) == 5
    assert {r["native_id"] for r in later} < first
    assert later[0]["starts_at"] == "2027-03-16T18:00:00+01:00"


def test_ics_since_option_starts_the_window_earlier():
    series = occurrences(read_ics(AGENDA, now="2027-03-10T08:00:00+00:00", since="2027-03-01"), SERIES)
    assert series[0]["starts_at"] == "2027-03-01T17:00:00+01:00"
    assert len(series) == 7


def test_ics_endless_rule_is_bounded_by_horizon_and_max_occurrences():
    now = "2026-11-23T09:00:00+00:00"  # a Monday: the daily sync recurs every weekday since 2016
    two_weeks = read_ics("icalendar_x_location.ics", now=now, horizon_days=14)
    assert len(two_weeks) == 10
    assert two_weeks[0]["starts_at"] == "2026-11-23T14:00:00+01:00"
    assert two_weeks[0]["timezone"] == "Europe/Zurich"
    assert two_weeks[0]["location"] == "Roadstar 16 12764 Happyville Denmark"
    assert two_weeks[-1]["starts_at"] == "2026-12-04T14:00:00+01:00"
    assert len(read_ics("icalendar_x_location.ics", now=now, max_occurrences=3)) == 3


def test_ics_sub_minute_rule_is_refused_and_keeps_only_its_first_occurrence():
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:tick\r\nSUMMARY:Tick\r\n"
        b"DTSTART:20200101T000000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    [event] = read_ics("", body=body)
    assert event["native_id"] == "tick@2020-01-01T00:00:00+00:00"
    assert event["starts_at"] == "2020-01-01T00:00:00+00:00"
    assert event["flags"] == ["recurrence_refused"]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"horizon_days": "six months"}, "horizon_days"), ({"since": "yesterday"}, "since")],
)
def test_ics_bad_options_are_a_clear_error(options, message):
    with pytest.raises(ParseError, match=message):
        read_ics(AGENDA, **options)


def test_ics_recorded_recurrence_with_rdate_exdate_and_overrides():
    records = read_ics("icaljs_recur_instances.ics", now="2012-09-20T09:00:00+00:00", horizon_days=180)
    uid = "623c13c0-6c2b-45d6-a12b-c33ad61c4868"
    found = by_id(records)
    assert len(records) == 7  # and no item for its two EXDATEs inside the window (4 December, 5 February)
    # RECURRENCE-ID given in UTC (20121105T180000Z) names the RDATE written in Los Angeles time.
    moved = found[f"{uid}@2012-11-05T18:00:00+00:00"]
    assert moved["starts_at"] == "2012-11-06T20:00:00-08:00"
    first = found[f"{uid}@2012-10-02T17:00:00+00:00"]
    assert first["starts_at"] == "2012-10-02T15:00:00-07:00"  # the first occurrence moved to the afternoon
    assert first["organiser"] == "James Lal"
    assert first["location"] is None  # an override is a whole instance: it names no place
    assert found[f"{uid}@2012-11-06T18:00:00+00:00"]["location"] == "PLACE"
    starts = {r["starts_at"][:10] for r in records}
    assert not starts & {"2012-12-04", "2013-02-05"}
    assert all(r["status"] is None for r in records)


def test_ics_recorded_community_calendar_on_the_day_it_was_saved():
    records = read_ics("rie_machbar_calendar.ics", now="2019-02-16T12:00:00+00:00", horizon_days=30)
    found = by_id(records)
    repair = occurrences(records, "ome5r9735mpdoo3n6lpf8oi0c4@google.com")
    assert [r["starts_at"] for r in repair] == ["2019-02-24T11:00:00+01:00"]  # moved from Saturday 16th
    assert repair[0]["native_id"] == "ome5r9735mpdoo3n6lpf8oi0c4@google.com@2019-02-16T10:00:00+00:00"
    assert repair[0]["location"] == "Treffpunkt Freizeit, Am Neuen Garten 64, 14469 Potsdam, Deutschland"
    class_ = occurrences(records, "7g6502aejkun96i5fenfu6hvc1@google.com")
    assert [(r["starts_at"], r["status"]) for r in class_] == [
        ("2019-02-28T08:30:00+01:00", None),
        ("2019-03-14T08:30:00+01:00", None),  # 7 March is an EXDATE: no class that week
    ]
    assert found["05b6u5vfdih0cdr6q3msgemss2@google.com"]["starts_at"] == "2018-05-26"  # all-day, one-off


# ================================================================ iCalendar: unreadable input


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty body"),
        (b"<html><body>Not found</body></html>", "not an iCalendar file"),
    ],
    ids=["empty", "html"],
)
def test_ics_unreadable_input_is_one_clear_line(body, message):
    with pytest.raises(ParseError, match=message) as caught:
        read_ics("", body=body)
    assert str(caught.value).startswith(AGENDA_URL)
    assert "\n" not in str(caught.value)


# ================================================================ schema.org Event pages

PAGE_URL = "https://agenda.example.be/agenda"


def read_page(name: str, url: str = PAGE_URL, body: bytes | None = None) -> list[dict]:
    body = body if body is not None else (HTML / name).read_bytes()
    return list(schemaorg.parse(body, source="agenda-exemple", url=url, options={"kind": "event"}))


@pytest.fixture(scope="module")
def page() -> dict[str, dict]:
    return {r["title"]: r for r in read_page("handmade_events_schemaorg.html")}


def test_jsonld_with_js_comments_control_chars_and_trailing_comma(page):
    nuit = page["Nuit des musiques nouvelles"]
    assert nuit["family"] == "jsonld"
    assert nuit["kind"] == "event"
    assert nuit["native_id"] == "https://agenda.example.be/evenements/nuit-musiques-nouvelles"
    assert nuit["url"] == "https://agenda.example.be/evenements/nuit-musiques-nouvelles"
    assert nuit["starts_at"] == "2027-05-20T20:00:00+02:00"
    assert nuit["ends_at"] == "2027-05-21T01:00:00+02:00"
    assert nuit["summary"] == "Six concerts dans trois salles.\nUne nuit entière de créations."
    assert nuit["location"] == "Les Halles de Schaerbeek, Rue Royale-Sainte-Marie 22a, 1030 Schaerbeek"
    assert nuit["postal_code"] == "1030"
    assert nuit["city"] == "Schaerbeek"
    assert nuit["country"] == "BE"
    assert nuit["organiser"] == "Collectif Exemple"
    assert nuit["language"] == "fr"  # from <html lang="fr-BE">
    # EventPostponed: no status (STATUSES has no "postponed") but a flag, as the date is the old one.
    assert nuit["status"] is None
    assert nuit["flags"] == ["postponed"]


def test_jsonld_rescheduled_event_in_a_graph(page):
    lecture = page["Lecture scénique : Les Veilleurs"]
    assert lecture["native_id"] == "https://agenda.example.be/evenements/lecture-scenique#event"  # its @id
    assert lecture["starts_at"] == "2027-06-12T19:30:00+02:00"  # the new date; "+0200" written as "+02:00"
    assert lecture["status"] is None
    assert lecture["language"] == "nl"  # inLanguage beats the page's language
    assert lecture["city"] == "Liège"
    assert lecture["postal_code"] == "4000"
    assert lecture["country"] == "BE"  # addressCountry {"@type": "Country", "name": "Belgique"}
    assert lecture["location"] == "Théâtre de l'Exemple, Place du Marché 3, 4000 Liège"


def test_jsonld_event_moved_online(page):
    webinar = page["Webinaire : facturer ses droits d'auteur"]
    assert (
        webinar["url"] == "https://agenda.example.be/evenements/webinaire-droits-auteur"
    )  # relative resolved
    assert webinar["starts_at"] == "2027-03-09T12:30:00+00:00"  # "Z"
    assert webinar["location"] == "https://visio.example.be/droits-auteur"
    assert webinar["status"] is None


def test_jsonld_status_as_a_node_and_an_hour_only_offset(page):
    festival = page["Festival des arts de rue"]
    assert festival["status"] == "cancelled"  # "eventStatus": {"@id": "https://schema.org/EventCancelled"}
    assert festival["starts_at"] == "2027-07-03T15:00:00+02:00"  # "+02": the time is kept
    assert festival["ends_at"] == "2027-07-04"
    assert festival["location"] == "Parc de la Boverie, Liège"
    assert festival["city"] is None  # a plain-text location is not split


def test_microdata_cancelled_event(page):
    atelier = page["Atelier d'écriture de chansons"]
    assert atelier["status"] == "cancelled"
    assert atelier["url"] == "https://agenda.example.be/evenements/atelier-chansons"
    assert atelier["starts_at"] == "2027-04-17T10:00:00"  # no offset on the page: local time downstream
    assert atelier["ends_at"] == "2027-04-17T16:00:00"
    assert atelier["location"] == "Maison des cultures, Rue de la Gare 5, 7000 Mons"
    assert atelier["city"] == "Mons"
    assert atelier["postal_code"] == "7000"


def test_jsonld_unrepairable_block_is_skipped_alone_and_duplicates_merge(page):
    assert "Bloc illisible" not in page
    # Five events: the one given in both JSON-LD and microdata is one record.
    assert sorted(page) == [
        "Atelier d'écriture de chansons",
        "Festival des arts de rue",
        "Lecture scénique : Les Veilleurs",
        "Nuit des musiques nouvelles",
        "Webinaire : facturer ses droits d'auteur",
    ]


def test_jsonld_ids_are_stable_between_runs():
    first = [r["native_id"] for r in read_page("handmade_events_schemaorg.html")]
    assert first == [r["native_id"] for r in read_page("handmade_events_schemaorg.html")]


def test_microdata_recorded_cancelled_event_without_url():
    [event] = read_page("extruct_schemaorg_event_004.html", url="https://example.org/events")
    assert event["title"] == "CANCELLED - Typhoon with Radiation City"
    assert event["status"] == "cancelled"
    assert event["starts_at"] == "2013-09-14T21:30:00"
    assert event["location"] == "The Hi-Dive, 7 S. Broadway, 80209 Denver"
    assert event["city"] == "Denver"
    assert event["postal_code"] == "80209"
    assert event["url"] == "https://example.org/events"  # the page itself
    [again] = read_page("extruct_schemaorg_event_004.html", url="https://example.org/events")
    assert event["native_id"] == again["native_id"]


def test_jsonld_recorded_songkick_offset_without_colon():
    [event] = read_page("extruct_songkick_tovestyrke.html", url="https://www.songkick.com/artists/tovestyrke")
    assert event["title"] == "Tove Styrke"
    assert event["starts_at"] == "2017-06-12T20:00:00+01:00"  # "+0100" on the page
    assert event["location"] == "Hoxton Square Bar & Kitchen, 2-4 Hoxton Square, N1 6NU London"
    assert event["city"] == "London"
    assert event["country"] == "GB"  # "UK"
    assert event["url"].startswith("https://www.songkick.com/concerts/30166884-tove-styrke")


def test_jsonld_recorded_wordpress_agenda_with_broken_dates_and_microdata():
    events = read_page(
        "cityscrapers_chi_cook_landbank.html", url="https://www.cookcountylandbank.org/events/"
    )
    assert len(events) == 9
    first = events[0]
    assert first["title"] == "CCLBA Data & Marketing Committee"
    # JSON-LD writes "2019-9-18T10-10-00-00"; the microdata copy of the same event gives the time.
    assert first["starts_at"] == "2019-09-18T10:00:00"
    assert first["ends_at"] == "2019-09-18T11:00:00"
    assert first["url"] == "http://www.cookcountylandbank.org/events/cclba-data-marketing-committee-20190918/"
    assert first["location"].endswith("69 W Washington St.")
    assert len({e["native_id"] for e in events}) == 9


def test_microdata_recorded_meeting_detail():
    [event] = read_page("cityscrapers_chi_chi_ssa_19_detail.html", url="https://business.rpba.org/events/")
    assert event["title"] == "Howard Street SSA #19 Commissioners Meeting"
    assert event["starts_at"] == "2019-11-20T08:30:00"
    assert event["ends_at"] == "2019-11-20T10:00:00"
    assert event["location"] == "The Factory Theater 1623 W. Howard St."


@pytest.mark.parametrize(
    "name",
    [
        "cityscrapers_chi_chi_citycouncil.html",  # a meeting list without schema.org
        "extruct_jsonld_with_js_comment.html",  # a NewsArticle (repaired JSON, but no Event)
        "extruct_jsonld_control_chars.html",  # no @type at all
    ],
)
def test_page_without_event_gives_no_record(name):
    assert read_page(name) == []


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("cityscrapers_chi_chi_citycouncil.html", "page"),
        ("extruct_jsonld_with_js_comment.html", "page"),
        ("cityscrapers_chi_chi_ssa_19_detail.html", "jsonld"),
        ("cityscrapers_chi_cook_landbank.html", "jsonld"),
    ],
)
def test_html_page_goes_to_schemaorg_only_with_an_event(name, family):
    assert parsers.detect_family((HTML / name).read_bytes(), name) == family


def test_empty_page_is_a_clear_error():
    with pytest.raises(ParseError, match="empty body"):
        read_page("", body=b"  \n")


def test_schemaorg_page_is_detected():
    body = (HTML / "handmade_events_schemaorg.html").read_bytes()
    assert parsers.detect_family(body, "agenda.html") == "jsonld"


# ================================================================ HTML listings (selectors from the registry)

REGISTRY = """
[[source]]
name = "agenda-exemple"
family = "html_list"
kind = "event"
url = "{base}/agenda"
language = "fr"
regions = ["BE-BRU"]
item = ".event-card"
next_page = "a[rel=next]::attr(href)"
[source.fields]
title = "h3 a"
url = "h3 a::attr(href)"
start = ["time::attr(datetime)", "time::text"]   # the ISO date when there is one, else the text
city = ".city::text"
[source.detail]
summary = ".description p"
location = ".venue"
organiser = ".organiser::text"
end = "time.end::attr(datetime)"
"""
BASE = "https://agenda.example.be"


@pytest.fixture(scope="module")
def listing_source(tmp_path_factory) -> registry.Source:
    path = tmp_path_factory.mktemp("registry") / "sources.toml"
    path.write_text(REGISTRY, encoding="utf-8")
    return registry.load(path, substitutions={"base": BASE}).get("agenda-exemple")


def read_list(source: registry.Source, name: str, url: str) -> list[dict]:
    body = (HTML / name).read_bytes()
    return list(html_list.parse(body, source=source.name, url=url, options=source.parser_options()))


@pytest.fixture(scope="module")
def page1(listing_source) -> list[dict]:
    return read_list(listing_source, "handmade_agenda_page1.html", f"{BASE}/agenda")


def test_html_list_item_fields(page1):
    concert = page1[0]
    assert concert["source"] == "agenda-exemple"
    assert concert["family"] == "html_list"
    assert concert["kind"] == "event"
    assert concert["title"] == "Concert de clôture du festival"
    assert concert["url"] == f"{BASE}/agenda/concert-cloture"
    assert concert["native_id"] == f"{BASE}/agenda/concert-cloture"
    assert concert["starts_at"] == "2027-05-29T20:00:00+02:00"
    assert concert["city"] == "Bruxelles"
    assert concert["language"] == "fr"
    assert concert["summary"] is None


def test_html_list_text_date_is_left_to_refine_in_the_summary(page1):
    atelier = page1[1]
    assert atelier["title"] == "Atelier de sérigraphie"
    assert atelier["starts_at"] is None
    assert atelier["summary"] == "Date: samedi 17 avril 2027, 14 h"


def test_html_list_item_without_title_is_kept_for_quarantine_and_an_empty_block_is_skipped(page1):
    assert len(page1) == 3  # the promotional card has neither title nor link
    untitled = page1[2]
    assert untitled["title"] is None
    assert untitled["url"] == f"{BASE}/agenda/sans-titre"
    assert untitled["starts_at"] == "2027-06-10"


def test_html_list_detail_links_and_next_page(listing_source):
    body = (HTML / "handmade_agenda_page1.html").read_bytes()
    options = listing_source.parser_options()
    assert html_list.item_links(body, f"{BASE}/agenda", options) == [
        f"{BASE}/agenda/concert-cloture",
        f"{BASE}/agenda/atelier-serigraphie",
        f"{BASE}/agenda/sans-titre",
    ]
    assert html_list.next_page(body, f"{BASE}/agenda", options) == f"{BASE}/agenda?page=2"
    last = (HTML / "handmade_agenda_page2.html").read_bytes()
    assert html_list.next_page(last, f"{BASE}/agenda?page=2", options) is None


def test_html_list_detail_page_completes_the_list_record(listing_source, page1):
    body = (HTML / "handmade_agenda_detail.html").read_bytes()
    record = html_list.parse_detail(body, page1[0]["url"], listing_source.parser_options(), page1[0])
    assert record["title"] == "Concert de clôture du festival"
    assert record["starts_at"] == "2027-05-29T20:00:00+02:00"
    assert record["ends_at"] == "2027-05-29T23:30:00+02:00"
    assert record["location"] == "Théâtre de l'Exemple, Place du Marché 3, 1000 Bruxelles"
    assert record["organiser"] == "Festival de l'Exemple asbl"
    assert record["summary"] == (
        "Trois orchestres de jeunes musiciens referment le festival.\nEntrée gratuite sur réservation."
    )
    assert record["city"] == "Bruxelles"  # from the list page
    assert record["native_id"] == f"{BASE}/agenda/concert-cloture"


def test_html_list_shipped_registry_entry_reads_a_calls_listing():
    source = registry.load().get("wallonie-appels")
    body = (HTML / "handmade_listing.html").read_bytes()
    url = "https://www.wallonie.be/fr/appels-a-projets"
    records = list(html_list.parse(body, source=source.name, url=url, options=source.parser_options()))
    assert [r["title"] for r in records] == [
        "Résidences arts numériques 2027",
        "Soutien à la diffusion des musiques actuelles",
        "Prix de la jeune illustration",
    ]
    assert records[0]["url"] == "https://www.wallonie.be/appels/residences-arts-numeriques-2027"
    assert records[2]["url"] == "https://partenaire.example.org/prix-jeune-illustration"
    assert all(r["kind"] == "call" for r in records)
    assert html_list.next_page(body, url, source.parser_options()) == f"{url}?page=1"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"item": ".nothing-here", "fields": {"title": "h3"}}, "matched nothing"),
        ({"item": ".event-card", "fields": {"title": "h3[["}}, "not valid CSS or XPath"),
        ({"item": ".event-card", "fields": {"titel": "h3"}}, "unknown field"),
        ({"item": ".event-card"}, "needs `item` and `fields`"),
    ],
    ids=["layout-changed", "bad-selector", "typo-in-field", "no-fields"],
)
def test_html_list_configuration_and_layout_errors_are_clear(options, message):
    body = (HTML / "handmade_agenda_page1.html").read_bytes()
    with pytest.raises(ParseError, match=message) as caught:
        list(html_list.parse(body, source="agenda-exemple", url=f"{BASE}/agenda", options=options))
    assert "\n" not in str(caught.value)


def test_html_list_is_never_guessed():
    body = (HTML / "handmade_agenda_page1.html").read_bytes()
    assert html_list.sniff(body[:4096], "agenda.html") is False


def test_html_list_items_nested_in_items_are_read_once():
    # An item selector that also matches blocks inside a matched block (found by bench/fuzz.py 255 levels
    # deep, where it took over 30 s): only the outermost block is an item.
    nested = "<div class='event-card'><h3><a href='/e/1'>Atelier</a></h3>" * 255 + "</div>" * 255
    body = f"<html><body>{nested}</body></html>".encode()
    options = {"item": ".event-card", "fields": {"title": "h3", "url": "h3 a::attr(href)"}}
    records = list(html_list.parse(body, source="agenda-exemple", url=f"{BASE}/agenda", options=options))
    assert [r["url"] for r in records] == [f"{BASE}/e/1"]


# ================================================================ iCalendar: events without SUMMARY


def test_ics_event_without_summary_or_text_is_named_by_its_calendar_and_start():
    # icalendar's test file: three VEVENTs with a DTSTART and nothing else to name them by
    records = {r["native_id"].split("@")[0]: r for r in read_ics("icalendar_multiple_timezones.ics")}
    named = records["test-vtime-named-timezone"]
    assert (
        named["title"] == "agenda-exemple · 2021-03-02 00:00"
    )  # the source's name: the file has no X-WR-CALNAME
    assert named["flags"] == ["recurrence_unreadable", "title_generated"]
    assert records["test-vtime-utc"]["title"] == "agenda-exemple · 2021-03-02 00:00"


def test_ics_event_without_summary_takes_its_calendar_name_location_or_categories():
    def one(lines: str) -> dict:
        body = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Fablab Cottbus\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
            f"DTSTART:20270110T190000\r\n{lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode()
        [event] = read_ics("", body=body)
        return event

    assert one("")["title"] == "Fablab Cottbus · 2027-01-10 19:00"
    assert one("LOCATION:Zuse-Saal\\, Cottbus\r\n")["title"] == "Zuse-Saal, Cottbus · 2027-01-10 19:00"
    assert one("CATEGORIES:Workshop,Kinder\r\n")["title"] == "Workshop, Kinder"
    described = one("DESCRIPTION:Offene Werkstatt für alle\r\n")
    assert described["title"] is None  # refine names it by its text (flag title_derived)
    assert described["flags"] == []


def test_ics_event_with_a_made_up_zone_and_no_summary_keeps_its_id():
    [event] = read_ics("icalendar_non_ascii_tzid.ics")
    assert event["title"] == "agenda-exemple · 2017-05-11 13:30"
    from spiders.parsers._text import stable_id

    assert event["native_id"] == stable_id(None, event["starts_at"])  # from the absent SUMMARY, as before
