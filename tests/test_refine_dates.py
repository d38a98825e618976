"""Dates: structured normalisation, a deadline from the text only when none is stated, sanity flags."""

from __future__ import annotations

from datetime import UTC, datetime

from refine.dates import normalise_dates

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _item(kind: str = "call") -> dict:
    return {"kind": kind, "flags": []}


def test_structured_dates() -> None:
    item = _item("event")
    record = {
        "published_at": "2026-11-02",
        "starts_at": "2027-03-10T19:30:00",
        "ends_at": "2027-03-12",
        "deadline_at": "2027-02-20",
        "timezone": None,
    }
    normalise_dates(record, item, NOW)
    assert item["published_at"] == "2026-11-02T00:00:00+01:00"
    assert item["starts_at"] == "2027-03-10T19:30:00+01:00"
    assert item["ends_at"] == "2027-03-12T23:59:59+01:00"
    assert item["deadline_at"] == "2027-02-20T23:59:59+01:00"
    assert item["deadline_precision"] == "date"
    assert item["flags"] == []


def test_aware_dates_keep_their_offset_and_zulu_is_utc() -> None:
    item = _item()
    normalise_dates(
        {"deadline_at": "2027-03-15T11:00:00Z", "published_at": "2027-01-01T10:00:00+05:30"}, item, NOW
    )
    assert item["deadline_at"] == "2027-03-15T11:00:00+00:00"
    assert item["deadline_precision"] == "datetime"
    assert item["published_at"] == "2027-01-01T10:00:00+05:30"


def test_record_timezone_is_used_for_naive_times() -> None:
    item = _item()
    normalise_dates({"deadline_at": "2027-07-01T17:00:00", "timezone": "Europe/London"}, item, NOW)
    assert item["deadline_at"] == "2027-07-01T17:00:00+01:00"


def test_deadline_from_text_only_when_structured_missing() -> None:
    item = _item()
    normalise_dates(
        {"deadline_at": None}, item, NOW, text="Clôture des candidatures le 15 mars 2027 à 12h00."
    )
    assert item["deadline_at"] == "2027-03-15T12:00:00+01:00"
    assert item["flags"] == ["deadline_from_text"]
    item = _item()
    normalise_dates({"deadline_at": "2027-04-01"}, item, NOW, text="Clôture le 15 mars 2027.")
    assert item["deadline_at"] == "2027-04-01T23:59:59+02:00"


def test_events_do_not_take_deadlines_from_text() -> None:
    item = _item("event")
    normalise_dates({"starts_at": "2027-03-20T20:00:00"}, item, NOW, text="Tickets until 15 March 2027")
    assert item["deadline_at"] is None


def test_impossible_dates_are_flagged_not_stored() -> None:
    item = _item()
    normalise_dates({"deadline_at": "2049-01-01", "published_at": "2026-11-01"}, item, NOW)
    assert item["deadline_at"] is None
    assert item["deadline_precision"] is None
    assert item["flags"] == ["deadline_implausible"]

    item = _item()
    normalise_dates({"deadline_at": "2026-10-01T12:00:00", "published_at": "2026-11-01"}, item, NOW)
    assert item["deadline_at"] is None
    assert item["flags"] == ["deadline_before_publication"]

    item = _item("event")
    normalise_dates({"starts_at": "2027-03-12T10:00:00", "ends_at": "2027-03-10T18:00:00"}, item, NOW)
    assert item["starts_at"] == "2027-03-12T10:00:00+01:00"
    assert item["ends_at"] is None
    assert item["flags"] == ["ends_before_starts"]


def test_unreadable_date_is_flagged() -> None:
    item = _item()
    normalise_dates({"published_at": "mardi prochain"}, item, NOW)
    assert item["published_at"] is None
    assert item["flags"] == ["published_unreadable"]


def test_returned_instants_are_what_the_item_fields_say() -> None:
    # refine.status judges from these instead of parsing the fields again: they must be the fields' instants,
    # to the second and at the written offset (a start at 00:00 on the day clocks change keeps +01:00).
    item = _item("event")
    record = {
        "published_at": "2027-01-01T10:00:00.750+05:30",
        "starts_at": "2027-03-28",
        "ends_at": "2027-03-28T05:00:00",
        "cutoffs": None,
    }
    stored = normalise_dates(record, item, NOW)
    fields = [item[name] for name in ("published_at", "deadline_at", "starts_at", "ends_at")]
    assert fields == [
        "2027-01-01T10:00:00+05:30",
        None,
        "2027-03-28T00:00:00+01:00",
        "2027-03-28T05:00:00+02:00",
    ]
    assert stored == (datetime.fromisoformat(fields[0]), None, *map(datetime.fromisoformat, fields[2:]))
    # the end of that day at the written offset, as status reads an event without an end
    assert stored[2].replace(hour=23, minute=59, second=59).isoformat() == "2027-03-28T23:59:59+01:00"
    item = _item()
    stored = normalise_dates({}, item, NOW, text="Date limite : 15 mars 2027 à 12h00")
    assert stored[1] == datetime(2027, 3, 15, 11, 0, tzinfo=UTC)
    assert item["deadline_at"] == "2027-03-15T12:00:00+01:00"
