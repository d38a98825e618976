"""Each feed format rendered from items and read back by the library a member's reader would use."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
from factories import make_item

from feeds.entry import entry_id, ical_uid
from feeds.render import render_feed
from vigie.core.errors import FilterError
from warehouse.filters import Filter

BRU = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BRU)


def _items() -> list[dict]:
    call = make_item(1)  # deadline 2027-03-15 12:00 Brussels
    event = make_item(
        2,
        kind="event",
        title="Rencontre réseau des indépendants créatifs",
        texts={
            "fr": {
                "title": "Rencontre réseau des indépendants créatifs",
                "summary": "Apéro et présentations.",
            },
            "nl": {
                "title": "Netwerkmoment voor creatieve freelancers",
                "summary": "Drankje en voorstelling.",
            },
        },
        starts_at="2027-03-12T19:00:00+01:00",
        ends_at="2027-03-12T22:00:00+01:00",
        deadline_at=None,
        deadline_precision=None,
        location="La Bellone, rue de Flandre 46, Bruxelles",
        sectors=["events"],
        regions=["BE-BRU"],
        url="https://example.org/events/2",
    )
    # A date-only deadline, stored as 23:59:59 Brussels; given here in UTC to check the local day is used.
    tender = make_item(
        3,
        kind="tender",
        title="Captation vidéo de spectacles",
        deadline_precision="date",
        texts={"fr": {"title": "Captation vidéo de spectacles", "summary": "Lot unique."}},
        deadline_at="2027-03-31T21:59:59+00:00",
        sectors=["audiovisual"],
        regions=["BE-WAL"],
        url="https://example.org/tenders/3",
    )
    return [call, event, tender]


def _render(fmt: str, items: list[dict] | None = None, lang: str = "fr", now: datetime = NOW) -> bytes:
    body, _ = render_feed(
        items if items is not None else _items(),
        fmt,
        title="Vigie — test",
        self_url="https://vigie.example/feeds/" + fmt + "?kind=call",
        flt=Filter(),
        now=now,
        lang=lang,
    )
    return body


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_xml_feeds_parse_without_bozo(fmt: str) -> None:
    parsed = feedparser.parse(_render(fmt))
    assert parsed.bozo is False
    assert len(parsed.entries) == 3
    assert [e.link for e in parsed.entries] == [
        "https://example.org/calls/1",
        "https://example.org/events/2",
        "https://example.org/tenders/3",
    ]


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_entry_ids_are_tag_uris_stable_across_runs(fmt: str) -> None:
    first = feedparser.parse(_render(fmt, now=NOW))
    later = feedparser.parse(_render(fmt, items=list(reversed(_items())), now=NOW + timedelta(days=3)))
    assert [e.id for e in first.entries] == [
        entry_id("test-source:1"),
        entry_id("test-source:2"),
        entry_id("test-source:3"),
    ]
    assert first.entries[0].id == "tag:smartbe.be,2026:vigie:item:test-source:1"
    assert sorted(e.id for e in later.entries) == sorted(e.id for e in first.entries)


def test_atom_entry_has_deadline_categories_and_dates() -> None:
    entry = feedparser.parse(_render("atom")).entries[0]
    assert entry.title == "Appel à projets arts de la scène 1 — Date limite : 15 mars 2027 à 12:00"
    assert entry.summary.startswith("Date limite : 15 mars 2027 à 12:00\nOrganisateur : Fédération")
    assert {(t.scheme.rsplit(":", 1)[1], t.term) for t in entry.tags} == {
        ("kind", "call"),
        ("sector", "performing-arts"),
        ("region", "BE-BRU"),
    }
    assert {t.label for t in entry.tags} == {"Appel à projets", "Arts de la scène", "Bruxelles"}
    assert entry.updated_parsed[:5] == (2026, 11, 2, 8, 0)  # published_at 09:00+01:00, no updated_at given
    assert entry.published_parsed[:3] == (2026, 11, 2)


def test_date_only_deadline_shows_the_brussels_day_without_time() -> None:
    entry = feedparser.parse(_render("atom")).entries[2]
    assert entry.title == "Captation vidéo de spectacles — Date limite : 31 mars 2027"


def test_event_entry_says_when_and_where_not_a_deadline() -> None:
    entry = feedparser.parse(_render("atom")).entries[1]
    assert entry.title == "Rencontre réseau des indépendants créatifs"
    assert entry.summary.splitlines()[:2] == [
        "Quand : 12 mars 2027 à 19:00–22:00",
        "Lieu : La Bellone, rue de Flandre 46, Bruxelles",
    ]


def _event(starts: str, ends: str | None = None) -> dict:
    return make_item(
        4,
        kind="event",
        title="Journée portes ouvertes",
        texts={"fr": {"title": "Journée portes ouvertes", "summary": ""}},
        starts_at=starts,
        ends_at=ends,
        deadline_at=None,
        deadline_precision=None,
    )


@pytest.mark.parametrize(
    ("starts", "ends", "line"),
    [
        ("2027-03-12T00:00:00+01:00", None, "Quand : 12 mars 2027"),
        ("2027-03-12T00:00:00+01:00", "2027-03-13T00:00:00+01:00", "Quand : 12 mars 2027"),
        (
            "2027-03-12T00:00:00+01:00",
            "2027-03-14T23:59:59+01:00",
            "Quand : 12 mars 2027 jusqu’au 14 mars 2027",
        ),
        (
            "2027-03-12T00:00:00+01:00",
            "2027-03-15T00:00:00+01:00",
            "Quand : 12 mars 2027 jusqu’au 14 mars 2027",
        ),
        ("2027-03-12T10:00:00+01:00", "2027-03-12T17:30:00+01:00", "Quand : 12 mars 2027 à 10:00–17:30"),
    ],
)
def test_date_only_events_never_show_midnight(starts: str, ends: str | None, line: str) -> None:
    entry = feedparser.parse(_render("atom", [_event(starts, ends)])).entries[0]
    assert entry.summary.splitlines()[0] == line


def test_json_feed_language_is_the_text_shown_not_the_filter() -> None:
    feed = json.loads(_render("json", lang="nl"))
    assert feed["items"][0]["language"] == "fr"  # no Dutch text: the French original
    assert feed["items"][1]["language"] == "nl"  # the Dutch text of a French event
    assert feed["items"][1]["title"] == "Netwerkmoment voor creatieve freelancers"


def test_entry_date_is_never_the_request_time_for_a_stored_item() -> None:
    stored = dict(
        make_item(1),
        first_seen_at="2026-11-18T06:00:00+01:00",
        last_seen_at="2026-11-20T06:00:00+01:00",
        updated_at="2026-11-18T06:00:00+01:00",
    )
    entry = feedparser.parse(_render("atom", [stored])).entries[0]
    assert entry.updated == "2026-11-02T09:00:00+01:00"  # published before first seen; last seen is no change


@pytest.mark.parametrize(
    ("lang", "title", "event_title"),
    [
        (
            "nl",
            "Appel à projets arts de la scène 1 — Uiterste datum: 15 maart 2027 om 12:00",
            "Netwerkmoment voor creatieve freelancers",
        ),
        (
            "en",
            "Appel à projets arts de la scène 1 — Deadline: 15 March 2027 at 12:00",
            "Rencontre réseau des indépendants créatifs",
        ),
    ],
)
def test_wording_follows_the_feed_language(lang: str, title: str, event_title: str) -> None:
    parsed = feedparser.parse(_render("atom", lang=lang))
    assert parsed.entries[0].title == title
    assert parsed.entries[1].title == event_title  # the Dutch text when the source gave one
    assert parsed.feed.language == lang


def test_rss_guid_is_not_a_permalink_and_has_categories() -> None:
    body = _render("rss").decode()
    assert '<guid isPermaLink="false">tag:smartbe.be,2026:vigie:item:test-source:1</guid>' in body
    entry = feedparser.parse(body).entries[0]
    assert {t.term for t in entry.tags} == {"Appel à projets", "Arts de la scène", "Bruxelles"}
    assert entry.title.endswith("Date limite : 15 mars 2027 à 12:00")


def test_control_characters_from_a_source_do_not_break_xml() -> None:
    item = make_item(
        9,
        title="Appel\x00 \x0bà\x1f projets",
        summary="ligne\x08 une",
        texts={"fr": {"title": "Appel\x00 \x0bà\x1f projets", "summary": "ligne\x08 une"}},
    )
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(_render(fmt, items=[item]))
        assert parsed.bozo is False
        assert parsed.entries[0].title.startswith("Appel à projets")


def _calendar(items: list[dict] | None = None, lang: str = "fr") -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(_render("ics", items=items, lang=lang))


def _by_uid(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_ics_event_is_a_timed_vevent_in_brussels_time() -> None:
    cal = _calendar()
    event = _by_uid(cal)[ical_uid("test-source:2")]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime(2027, 3, 12, 19, 0, tzinfo=BRU)
    assert str(start.tzinfo) == "Europe/Brussels"
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert end == datetime(2027, 3, 12, 22, 0, tzinfo=BRU)
    assert str(event["LOCATION"]) == "La Bellone, rue de Flandre 46, Bruxelles"
    assert str(event["URL"]) == "https://example.org/events/2"
    assert "Quand : 12 mars 2027 à 19:00–22:00" in str(event["DESCRIPTION"])
    assert not event.walk("VALARM")
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]


def test_ics_call_is_an_all_day_deadline_with_a_reminder_three_days_before() -> None:
    event = _by_uid(_calendar())[ical_uid("test-source:1")]
    assert event.decoded("DTSTART") == date(2027, 3, 15)
    assert not isinstance(event.decoded("DTSTART"), datetime)
    assert event.decoded("DTEND") == date(2027, 3, 16)
    assert str(event["SUMMARY"]) == "Date limite : Appel à projets arts de la scène 1"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-3)
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert int(event["SEQUENCE"]) == 0


def test_ics_deadline_day_is_the_local_day() -> None:
    # 31 March 23:59:59 Brussels is 21:59:59 UTC: the entry must sit on the 31st.
    event = _by_uid(_calendar())[ical_uid("test-source:3")]
    assert event.decoded("DTSTART") == date(2027, 3, 31)


def test_ics_uids_stable_and_sequence_from_schedule_changes() -> None:
    items = _items()
    first = _by_uid(_calendar(items))
    items[0] = dict(items[0], deadline_at="2027-04-15T12:00:00+02:00", schedule_changes=1)
    second = _by_uid(_calendar(items))
    assert set(first) == set(second) == {ical_uid(f"test-source:{n}") for n in (1, 2, 3)}
    assert int(second[ical_uid("test-source:1")]["SEQUENCE"]) == 1
    assert second[ical_uid("test-source:1")].decoded("DTSTART") == date(2027, 4, 15)
    assert int(second[ical_uid("test-source:2")]["SEQUENCE"]) == 0


def test_ics_leaves_out_calls_without_deadline() -> None:
    item = make_item(5, deadline_at=None, deadline_precision=None)
    assert _calendar([item]).walk("VEVENT") == []


def test_ics_cancelled_item_is_marked_cancelled() -> None:
    event = _by_uid(_calendar([make_item(6, status="cancelled")]))[ical_uid("test-source:6")]
    assert str(event["STATUS"]) == "CANCELLED"


def test_json_feed_1_1() -> None:
    feed = json.loads(_render("json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://vigie.example/feeds/json?kind=call"
    assert feed["home_page_url"] == "https://vigie.example/"
    first = feed["items"][0]
    assert first["id"] == "test-source:1"
    assert first["url"] == "https://example.org/calls/1"
    assert first["title"] == "Appel à projets arts de la scène 1"
    assert first["content_text"].startswith("Date limite : 15 mars 2027 à 12:00")
    assert first["date_published"] == "2026-11-02T09:00:00+01:00"
    assert first["date_modified"] == "2026-11-02T09:00:00+01:00"
    assert first["tags"] == ["call", "performing-arts", "BE-BRU"]
    assert first["_vigie"]["kind"] == "call"
    assert first["_vigie"]["deadline"] == "2027-03-15T12:00:00+01:00"
    assert first["_vigie"]["sectors"] == ["performing-arts"]
    assert first["_vigie"]["regions"] == ["BE-BRU"]
    event = feed["items"][1]
    assert event["_vigie"]["starts_at"] == "2027-03-12T19:00:00+01:00"
    assert "date_published" in event and event["_vigie"]["deadline"] is None


def test_unknown_format_names_the_parameter() -> None:
    with pytest.raises(FilterError, match="^format: unknown feed format 'pdf'"):
        render_feed([], "pdf", title="t", self_url="http://x/feeds/pdf", flt=Filter(), now=NOW)


@pytest.mark.parametrize("fmt", ["atom", "rss", "ics", "json"])
def test_empty_feed_is_valid(fmt: str) -> None:
    body = _render(fmt, items=[])
    if fmt in ("atom", "rss"):
        parsed = feedparser.parse(body)
        assert parsed.bozo is False and parsed.entries == []
    elif fmt == "ics":
        assert icalendar.Calendar.from_ical(body).walk("VEVENT") == []
    else:
        assert json.loads(body)["items"] == []


def test_hostile_text_in_every_format() -> None:
    title = "\ud800Appel <b>&amp;</b> ]]> \x00"
    item = make_item(
        11,
        title=title,
        organiser="Org \udfff",
        location="Salle \x07 1",
        texts={"fr": {"title": title, "summary": "<script>alert(1)</script>"}},
    )
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(_render(fmt, items=[item]))
        assert parsed.bozo is False
        assert parsed.entries[0].title.startswith("Appel <b>&amp;</b> ]]>")
    assert str(_by_uid(_calendar([item]))[ical_uid("test-source:11")]["LOCATION"]) == "Salle  1"
    feed = json.loads(_render("json", items=[item]))
    assert feed["items"][0]["title"] == "Appel <b>&amp;</b> ]]> "


def test_title_made_only_of_control_characters_falls_back_to_the_id() -> None:
    item = make_item(12, title="\x01\x02", texts={"fr": {"title": "\x01\x02", "summary": ""}})
    assert feedparser.parse(_render("atom", items=[item])).entries[0].title.startswith("test-source:12")
