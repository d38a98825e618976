"""Recurring iCalendar events with hard bounds (issue 13 class 4, issue 16 item 2): the window and its setting,
occurrences with their own ids, EXDATE, series wholly past or wholly ahead, and rules built to explode. Time frozen;
counts and flags asserted, never times."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine

from spiders.parsers import ics, ics_recur
from vigie.core.errors import ParseError

ICS = Path(__file__).resolve().parent / "fixtures" / "ics"
NOW = "2027-03-01T08:00:00+00:00"
UID = "f0f31ddb-6918-46af-a5a1-0a7254fbce71"  # rie_exdate.ics: Tuesdays 16:15 Berlin, Oct 2019 - Feb 2020


def calendar(rule: str, start: str = "00010101T090000Z", uid: str = "s", count: int = 1) -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{uid}{n}\r\nSUMMARY:Serie {n}\r\nDTSTART:{start}\r\nRRULE:{rule}\r\nEND:VEVENT\r\n"
        for n in range(count)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{events}END:VCALENDAR\r\n".encode()


def read(body: bytes, now: str = NOW, **options: object) -> list[dict]:
    with time_machine.travel(now, tick=False):
        return list(ics.parse(body, source="t", url="https://agenda.example.org/a.ics", options=options))


def starts(records: list[dict]) -> list[str]:
    return sorted(r["starts_at"] for r in records)


# ---------------------------------------------------------------- rules built to explode


def test_daily_rule_from_year_1_gives_the_window_only():
    records = read(calendar("FREQ=DAILY"))
    assert len(records) == 90  # the default horizon, one a day
    assert starts(records)[0] == "2027-03-01T09:00:00+00:00"
    assert starts(records)[-1] == "2027-05-29T09:00:00+00:00"
    assert {f for r in records for f in r["flags"]} == set()


def test_daily_rule_from_year_1_ids_are_series_and_occurrence_start():
    records = read(calendar("FREQ=DAILY"))
    assert min(r["native_id"] for r in records) == "s0@2027-03-01T09:00:00+00:00"


def test_interval_zero_is_refused_with_one_flagged_item():
    [record] = read(calendar("FREQ=DAILY;INTERVAL=0"))
    assert record["flags"] == ["recurrence_refused"]
    assert record["starts_at"] == "0001-01-01T09:00:00+00:00"


def test_every_byhour_byminute_bysecond_value_is_refused():
    every = (
        "FREQ=DAILY;BYHOUR="
        + ",".join(map(str, range(24)))
        + ";BYMINUTE="
        + ",".join(map(str, range(60)))
        + ";BYSECOND="
        + ",".join(map(str, range(60)))
    )
    [record] = read(calendar(every))
    assert record["flags"] == ["recurrence_refused"]


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=MINUTELY;INTERVAL=15", "FREQ=HOURLY;BYMINUTE=0,30"])
def test_sub_daily_rules_beyond_24_a_day_are_refused(rule):
    assert [r["flags"] for r in read(calendar(rule))] == [["recurrence_refused"]]


def test_sub_daily_rule_within_24_a_day_is_capped_per_series():
    records = read(calendar("FREQ=HOURLY;INTERVAL=8", start="20000101T000000Z"))
    assert len(records) == ics_recur.MAX_PER_SERIES
    assert all(r["flags"] == ["recurrence_capped"] for r in records)


def test_max_occurrences_option_caps_a_series():
    assert len(read(calendar("FREQ=DAILY"), max_occurrences=5)) == 5


def test_files_cap_bounds_the_total_and_keeps_one_item_per_series():
    records = read(calendar("FREQ=HOURLY;INTERVAL=8", start="20000101T000000Z", count=30))
    assert len(records) == ics_recur.MAX_PER_FILE + 5  # 25 full series, then one item for each of 5 more
    assert len({r["native_id"].split("@")[0] for r in records}) == 30


def test_huge_count_is_capped():
    [record] = read(calendar("FREQ=DAILY;COUNT=1000000000"))
    assert record["flags"] == ["recurrence_capped"]


def test_monthly_rule_on_the_31st_from_year_1_keeps_its_day():
    assert starts(read(calendar("FREQ=MONTHLY", start="00010131T100000Z"), horizon_days=100)) == [
        "2027-03-31T10:00:00+00:00",
        "2027-05-31T10:00:00+00:00",
    ]


def test_yearly_rule_on_29_february_gives_its_next_occurrence():
    assert starts(read(calendar("FREQ=YEARLY", start="19960229T100000Z"))) == ["2028-02-29T10:00:00+00:00"]


# ---------------------------------------------------------------- window and its setting


def test_default_window_is_90_days_and_described():
    with time_machine.travel(NOW, tick=False):
        window = ics.window({})
    assert window.days == 90
    assert window.describe() == (
        "recurring events expanded from 2027-03-01 08:00 UTC to 2027-05-30 08:00 UTC (90 days)"
    )


def test_environment_sets_the_horizon(monkeypatch):
    monkeypatch.setenv("VIGIE_RECURRENCE_HORIZON_DAYS", "10")
    assert len(read(calendar("FREQ=DAILY"))) == 10


def test_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("VIGIE_RECURRENCE_HORIZON_DAYS", "10")
    assert len(read(calendar("FREQ=DAILY"), horizon_days=20)) == 20


@pytest.mark.parametrize("days", ["0", "-3", "100000", "a lot"])
def test_bad_horizon_is_one_clear_line(days):
    with pytest.raises(ParseError, match="horizon_days") as caught:
        read(calendar("FREQ=DAILY"), horizon_days=days)
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------- a real series: EXDATE, past, ahead


def test_recorded_series_inside_the_window_without_its_exdates():
    records = read((ICS / "rie_exdate.ics").read_bytes(), now="2019-10-20T08:00:00+00:00", horizon_days=30)
    assert [(r["starts_at"], r["status"]) for r in sorted(records, key=lambda r: r["starts_at"])] == [
        ("2019-10-29T16:15:00+01:00", None),  # 22 October and 5 November are EXDATEs: no item
        ("2019-11-12T16:15:00+01:00", None),
    ]


def test_recorded_series_occurrence_id():
    records = read((ICS / "rie_exdate.ics").read_bytes(), now="2019-10-20T08:00:00+00:00", horizon_days=30)
    assert f"{UID}@2019-10-29T15:15:00+00:00" in {r["native_id"] for r in records}


def test_recorded_series_wholly_past_gives_its_last_occurrence():
    [last] = read((ICS / "rie_exdate.ics").read_bytes(), now="2020-06-01T08:00:00+00:00")
    assert last["starts_at"] == "2020-01-28T16:15:00+01:00"  # UNTIL stops before 4 February's 16:15


def test_recorded_series_starting_later_gives_its_next_occurrence():
    [first] = read((ICS / "rie_exdate.ics").read_bytes(), now="2019-01-01T08:00:00+00:00")
    assert first["starts_at"] == "2019-10-29T16:15:00+01:00"  # 15 and 22 October are excluded


def test_recorded_series_item_title():
    [first] = read((ICS / "rie_exdate.ics").read_bytes(), now="2019-01-01T08:00:00+00:00")
    assert first["title"] == "Test"


# ---------------------------------------------------------------- empty calendars


def test_calendar_without_vevent_gives_nothing():
    assert read(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n") == []


def test_recorded_calendar_of_empty_vevents_gives_nothing():
    assert read((ICS / "icalendar_big_bad_calendar.ics").read_bytes()) == []


def test_recorded_calendar_whose_only_event_has_invalid_dates_is_unreadable():
    # One event in a good calendar with a broken DTSTART is kept flagged (test_parsers_events); a calendar with no
    # readable start at all is a file that cannot be read: one line, not a list of refused records.
    with pytest.raises(ParseError) as caught:
        read((ICS / "icalendar_invalid_start_end.ics").read_bytes())
    assert str(caught.value) == (
        "https://agenda.example.org/a.ics: its only event (test-123) has no readable start date (DTSTART)"
    )
