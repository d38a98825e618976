"""Issue 13, event families on real files never used while building Vigie (the unseen-file hunt of 2026-12-02,
tests/fixtures/*/SOURCES.md), and class 11: naive local times read in the place's zone, `country` from the place.
Time frozen; one assertion per field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import _place, detect_family, ics, ics_repair, schemaorg
from vigie.core import timezone

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = "2026-12-02T09:00:00+00:00"


def refined(records: list[dict]) -> list[dict]:
    with time_machine.travel(NOW, tick=False):
        return refine_and_cluster(records, now=datetime.now(UTC)).items


def calendar(name: str) -> list[dict]:
    with time_machine.travel(NOW, tick=False):
        return list(ics.parse((FIXTURES / "ics" / name).read_bytes(), source="t"))


def page(name: str) -> list[dict]:
    body = (FIXTURES / "html" / name).read_bytes()
    return refined(list(schemaorg.parse(body, source="t", url=f"https://example.org/{name}", options={})))


# ------------------------------------------------------------ Last.fm: GEO written longitude first, one empty GEO


@pytest.fixture(scope="module")
def lastfm() -> list[dict]:
    return calendar("ical4j_lastfm_deventer.ics")


def test_an_empty_geo_costs_only_its_own_coordinates(lastfm):
    assert len(lastfm) == 33  # every VEVENT of the file


def test_lastfm_floating_time_is_read_in_the_netherlands(lastfm):
    assert lastfm[0]["timezone"] == "Europe/Amsterdam"


def test_lastfm_country_from_the_location(lastfm):
    assert lastfm[0]["country"] == "NL"


def test_lastfm_latitude_put_back_first(lastfm):
    assert lastfm[0]["latitude"] == 52.255862


def test_lastfm_longitude_put_back_second(lastfm):
    assert lastfm[0]["longitude"] == 6.161613


def test_lastfm_refined_start_has_the_dutch_offset(lastfm):
    assert refined(lastfm[:1])[0]["starts_at"] == "2010-02-10T20:30:00+01:00"


# The same Last.fm event (LFMEVENT-1358028) as many calendars write it: the venue alone, GEO in RFC 5545 order.
VENUE_ONLY = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Last.fm Limited Event Feeds//NONSGML//EN\r\nBEGIN:VEVENT\r\n"
    b"UID:LFMEVENT-1358028\r\nDTSTART:20100212T210000\r\nDTEND:20100212T235900\r\n"
    b"SUMMARY:Zu + The New Earth Group at Burgerweeshuis\r\nLOCATION:Burgerweeshuis\r\n"
    b"GEO:52.254341;6.155862\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_geo_alone_gives_the_zone():
    [event] = ics.parse(VENUE_ONLY, source="t")
    assert event["timezone"] == "Europe/Amsterdam"


def test_geo_alone_gives_the_country():
    [event] = ics.parse(VENUE_ONLY, source="t")
    assert event["country"] == "NL"


# ------------------------------------------------------------ Apple structured location (iOS 26), Linz


def test_apple_structured_location_gives_the_country():
    [event] = calendar("ical4j_apple_structured_location_linz.ics")
    assert event["country"] == "AT"


def test_apple_structured_location_gives_the_latitude():
    [event] = calendar("ical4j_apple_structured_location_linz.ics")
    assert event["latitude"] == 48.309978


def test_apple_event_keeps_its_own_tzid():
    [event] = refined(calendar("ical4j_apple_structured_location_linz.ics"))
    assert event["starts_at"] == "2026-05-22T10:30:00+02:00"


# ------------------------------------------------------------ exporters' damage that refused whole calendars


def test_exchange_blank_tzid_is_read():
    assert len(calendar("ical4j_exchange_blank_tzid.ics")) == 1


def test_exchange_blank_tzid_uses_its_nameless_vtimezone():
    [event] = refined(calendar("ical4j_exchange_blank_tzid.ics"))
    assert event["starts_at"] == "2015-08-26T09:00:00+00:00"


def test_exchange_blank_tzid_end():
    [event] = refined(calendar("ical4j_exchange_blank_tzid.ics"))
    assert event["ends_at"] == "2015-08-26T10:00:00+00:00"


def test_calendar_cut_inside_an_event_keeps_the_events_before_the_cut():
    assert len(calendar("ical4j_moon_phases_cut_short.ics")) == 41  # 42 begun, the last one cut


def test_calendar_cut_inside_an_event_drops_the_cut_one():
    starts = [r["starts_at"] for r in calendar("ical4j_moon_phases_cut_short.ics")]
    assert "2005-05-08T08:45:00+00:00" not in starts


def test_two_zones_in_one_vtimezone_are_read():
    assert len(calendar("cityscrapers_chi_low_income_housing_trust_fund.ics")) == 30


def test_two_zones_in_one_vtimezone_chicago_time():
    records = refined(calendar("cityscrapers_chi_low_income_housing_trust_fund.ics"))
    outreach = next(r for r in records if (r["url"] or "").endswith("/outreach-meeting-4/"))
    assert outreach["starts_at"] == "2024-05-09T08:30:00-05:00"


def test_repair_leaves_a_sound_calendar_alone():
    assert ics_repair.repair(VENUE_ONLY.decode()) == VENUE_ONLY.decode()


# ------------------------------------------------------------ VALUE=DATE with a TZID is a day


@pytest.fixture(scope="module")
def hiroshima() -> dict:
    records = calendar("ical4j_japan_west_date_with_tzid.ics")
    return next(r for r in records if r["native_id"] == "20060503-17@apike.ca")


def test_date_with_tzid_starts_on_its_day(hiroshima):
    assert hiroshima["starts_at"] == "2006-05-03"


def test_date_with_tzid_ends_on_its_last_day(hiroshima):
    assert hiroshima["ends_at"] == "2006-05-05"  # "from May 3rd to 5th": DTEND 20060506 is exclusive


# ------------------------------------------------------------ schema.org pages abroad


def test_globe_naive_time_is_london_time():
    [play] = page("extruct_schemaorg_event_008.html")
    assert play["starts_at"] == "2014-10-01T19:30:00+01:00"


def test_globe_country_from_the_address_text():
    [play] = page("extruct_schemaorg_event_008.html")
    assert play["country"] == "GB"


def test_songkick_brooklyn_country():
    [concert] = page("extruct_songkick_owl_music_parlor.html")
    assert concert["country"] == "US"


def test_songkick_brooklyn_start_keeps_its_offset():
    [concert] = page("extruct_songkick_owl_music_parlor.html")
    assert concert["starts_at"] == "2015-10-31T19:30:00-04:00"


def test_songkick_brooklyn_zone_from_its_coordinates():
    body = (FIXTURES / "html" / "extruct_songkick_owl_music_parlor.html").read_bytes()
    [concert] = schemaorg.parse(body, source="t", url="https://www.songkick.com/", options={})
    assert concert["timezone"] == "America/New_York"


# A locality that is a country (schema.org lets addressCountry out): the shape of the Songkick JSON-LD above.
LUXEMBOURG = b"""<html><head><script type="application/ld+json">
{"@context": "http://schema.org", "@type": "MusicEvent", "name": "Elysian Fields", "startDate": "2027-03-12T20:00",
 "location": {"@type": "Place", "name": "den Atelier",
              "address": {"@type": "PostalAddress", "addressLocality": "Luxembourg", "streetAddress": "54 rue de Hollerich"}}}
</script></head><body></body></html>"""


def test_locality_naming_a_country_gives_the_zone():
    [event] = schemaorg.parse(LUXEMBOURG, source="t", url="https://example.org/", options={})
    assert event["timezone"] == "Europe/Luxembourg"


def test_locality_naming_a_country_gives_the_country():
    [event] = schemaorg.parse(LUXEMBOURG, source="t", url="https://example.org/", options={})
    assert event["country"] == "LU"


@pytest.mark.parametrize(
    ("locality", "country"),
    [("Luxembourg", "LU"), ("Monaco", "MC"), ("Spa", None), ("As", None), ("Gent", None)],
)
def test_only_a_locality_that_names_a_country_counts(locality, country):
    assert _place.locality_country(locality) == country


# ------------------------------------------------------------ the one time-zone table


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("BE", "Europe/Brussels"),
        ("JP", "Asia/Tokyo"),
        ("SN", "Africa/Dakar"),
        ("ES", "Europe/Madrid"),
        ("US", None),
    ],
)
def test_country_zone(country, zone):
    assert timezone.country_zone(country) == zone


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (50.85, 4.35, "Europe/Brussels"),
        (28.1, -15.4, "Atlantic/Canary"),
        (41.88, -87.63, "America/Chicago"),
        (45.0, -30.0, None),
    ],
)
def test_geo_zone(lat, lon, zone):
    assert timezone.geo_zone(lat, lon) == zone


def test_zone_country_of_an_island_zone():
    assert timezone.zone_country("Atlantic/Canary") == "ES"


def test_procurement_parsers_read_the_same_table():
    from spiders.parsers import _xml

    assert _xml.COUNTRY_TZ is timezone.COUNTRY_TZ


# ------------------------------------------------------------ JSON Feed written by PHP


def test_json_feed_with_escaped_slashes_is_detected():
    body = (FIXTURES / "feeds" / "rsparser_curtclifton_escaped_slashes.json").read_bytes()
    assert detect_family(body, "feed.json") == "feed"


def test_json_feed_with_escaped_slashes_gives_its_items():
    from spiders.parsers import feed

    body = (FIXTURES / "feeds" / "rsparser_curtclifton_escaped_slashes.json").read_bytes()
    assert len(list(feed.parse(body, source="t", url="http://curtclifton.net/feed.json"))) == 26


def test_json_feed_without_version_but_with_its_keys_is_read():
    from spiders.parsers import feed

    # The head of leancrew.com's feed (RSParser's allthis.json), which writes no version.
    body = (
        b'{"description": "I just said what I said and it was wrong. Or was taken wrong.", "feed_url": '
        b'"http://leancrew.com/all-this/feed.json", "title": "And now it\\u2019s all this", "items": [{"title": '
        b'"Last thoughts on modifier keys", "url": "http://leancrew.com/all-this/2017/11/last-thoughts-on-modifier-keys/",'
        b' "id": "http://leancrew.com/all-this/2017/11/last-thoughts-on-modifier-keys/", "content_html": "<p>x</p>"}]}'
    )
    [entry] = feed.parse(body, source="t", url="http://leancrew.com/all-this/feed.json")
    assert entry["title"] == "Last thoughts on modifier keys"


# ------------------------------------------------------------ a component Vigie does not read cannot cost the events


def test_broken_freebusy_does_not_cost_the_events():
    records = calendar("icsparser_broken_freebusy.ics")
    assert any(r["title"] == "My Holidays" for r in records)


def test_event_after_a_broken_freebusy_keeps_its_start():
    [holidays] = [r for r in calendar("icsparser_broken_freebusy.ics") if r["title"] == "My Holidays"]
    assert holidays["starts_at"] == "2016-01-05T09:00:00+00:00"


def test_event_after_a_broken_freebusy_keeps_its_end():
    [holidays] = [r for r in calendar("icsparser_broken_freebusy.ics") if r["title"] == "My Holidays"]
    assert holidays["ends_at"] == "2016-01-07T17:30:00+00:00"


# ------------------------------------------------------------ feeds with the RSS event module and geo elements

# Two items of Allauch's municipal agenda (https://www.allauch.com/flux_rss_agenda), as quoted in a public test of a
# feed-to-calendar converter: ev:startdate with offsets, W3C geo coordinates.
ALLAUCH = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/"
  xmlns:geo="http://www.w3.org/2003/01/geo/wgs84_pos#" xmlns:art="https://www.allauch.com/rss/art">
  <channel>
    <item>
      <title>Concert du soir</title>
      <link>https://www.allauch.com/agenda/concert-du-soir/</link>
      <category>Musique</category>
      <description><![CDATA[<p>Concert officiel.</p>]]></description>
      <ev:startdate>2026-07-24T21:00:00+02:00</ev:startdate>
      <ev:enddate>2026-07-24T22:00:00+02:00</ev:enddate>
      <ev:location>Bastide de Fontvieille</ev:location>
      <geo:lat>43.32273021871184</geo:lat>
      <geo:long>5.4912591153147305</geo:long>
      <guid isPermaLink="false">0119731</guid>
    </item>
    <item>
      <title>F\u00eate de la Saint-Laurent</title>
      <link>https://www.allauch.com/agenda/fete-de-la-saint-laurent-2/</link>
      <art:enddate>2027-08-06T00:00:00+02:00</art:enddate>
      <ev:startdate>2026-08-06T00:00:00+02:00</ev:startdate>
      <ev:enddate>2026-08-15T00:00:00+02:00</ev:enddate>
      <guid isPermaLink="false">0119736</guid>
    </item>
  </channel>
</rss>""".encode()

# protest.net's RSS 1.0 calendar item, as MagpieRSS's documentation quotes it: a naive ev:startdate in Massachusetts.
PROTEST_NET = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:ev="http://purl.org/rss/1.0/modules/event/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://protest.net/NorthEast/calendrome.cgi"><title>protest.net</title>
<link>http://protest.net/</link><description>protest.net</description></channel>
<item rdf:about="http://protest.net/NorthEast/calendrome.cgi?span=event&#38;ID=210257">
 <title>Weekly Peace Vigil</title>
 <link>http://protest.net/NorthEast/calendrome.cgi?span=event&#38;ID=210257</link>
 <description>Wear a white ribbon</description>
 <dc:subject>Peace</dc:subject>
 <ev:startdate>2002-06-01T11:00:00</ev:startdate>
 <ev:location>Northampton, MA</ev:location>
 <ev:enddate>2002-06-01T12:00:00</ev:enddate>
 <ev:type>Protest</ev:type>
</item>
</rdf:RDF>"""


def feed_records(body: bytes) -> list[dict]:
    from spiders.parsers import feed

    return list(feed.parse(body, source="t", url="https://example.org/feed"))


def test_event_module_start():
    assert feed_records(ALLAUCH)[0]["starts_at"] == "2026-07-24T21:00:00+02:00"


def test_event_module_end():
    assert feed_records(ALLAUCH)[0]["ends_at"] == "2026-07-24T22:00:00+02:00"


def test_event_module_location():
    assert feed_records(ALLAUCH)[0]["location"] == "Bastide de Fontvieille"


def test_feed_geo_gives_the_country():
    assert feed_records(ALLAUCH)[0]["country"] == "FR"


def test_feed_geo_gives_the_latitude():
    assert feed_records(ALLAUCH)[0]["latitude"] == 43.32273021871184


def test_event_module_without_place_has_no_country():
    assert feed_records(ALLAUCH)[1]["country"] is None


def test_refined_feed_entry_with_event_dates_is_an_event():
    assert refined(feed_records(ALLAUCH))[0]["kind"] == "event"


def test_naive_event_module_time_is_read_at_the_place():
    [vigil] = refined(feed_records(PROTEST_NET))
    assert vigil["starts_at"] == "2002-06-01T11:00:00-04:00"


def test_event_module_location_gives_the_country():
    [vigil] = feed_records(PROTEST_NET)
    assert vigil["country"] == "US"


def test_feed_entry_without_event_elements_is_unchanged():
    body = (FIXTURES / "feeds" / "rsparser_curtclifton_escaped_slashes.json").read_bytes()
    assert all(r["starts_at"] is None for r in feed_records(body))


def test_coordinates_and_zone_table_agree_on_the_principal_cities():
    # zone.tab gives each zone's principal city: its point must fall in a zone of the same country (Monaco's point
    # falls in Europe/Paris: same offset, and the address's own zone is kept when they disagree).
    rows = [line.split("\t") for line in timezone._zone_tab().splitlines() if not line.startswith("#")]

    def degrees(text: str) -> float:
        sign, digits = (-1 if text[0] == "-" else 1), text[1:]
        cut = 2 if len(digits) in (4, 6) else 3
        rest = digits[cut:]
        return sign * (int(digits[:cut]) + int(rest[:2]) / 60 + (int(rest[2:]) / 3600 if rest[2:] else 0))

    agree = 0
    for country, where, _name, *_ in rows:
        split = max(where.rfind("+"), where.rfind("-"))
        point = timezone.geo_zone(degrees(where[:split]), degrees(where[split:]))
        agree += timezone.zone_country(point) == country
    assert agree >= 0.99 * len(rows)


def test_a_zone_name_gives_its_key_and_a_wrong_one_none():
    from vigie.core.timezone import zone_key

    assert zone_key(" US/Pacific ") == "US/Pacific"
    assert zone_key("Europe/Brussels") == "Europe/Brussels"
    assert (
        zone_key("(UTC+01:00) Brussels") is None
    )  # an Outlook display name is read by spiders.parsers.ics_zones
    assert zone_key("") is None
