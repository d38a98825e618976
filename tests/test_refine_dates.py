"""Dates: structured normalisation, deadline extraction scored on a labelled set, sanity flags."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from refine.dates import find_deadline, normalise_dates

LABELLED = Path(__file__).parent / "labelled" / "deadlines.tsv"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _rows() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _extract(text: str) -> tuple[str, str]:
    found = find_deadline(text)
    return (found[0].isoformat(), found[1]) if found else ("", "")


def test_labelled_set_is_large_and_mixed() -> None:
    rows = _rows()
    assert len(rows) >= 60
    assert {row["lang"] for row in rows} == {"fr", "nl", "en"}
    assert sum(1 for row in rows if not row["expected"]) >= 15  # negatives


def test_deadline_extraction_score(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _rows()
    right, false_positives, misses = 0, [], []
    for row in rows:
        got = _extract(row["text"])
        if got == (row["expected"], row["precision"]):
            right += 1
        elif not row["expected"]:
            false_positives.append((row["text"], got))
        else:
            misses.append((row["text"], row["expected"], got))
    positives = sum(1 for row in rows if row["expected"])
    with capsys.disabled():
        print(
            f"\ndeadline extraction: {right}/{len(rows)} right ({right / len(rows):.1%}); "
            f"{positives - len(misses)}/{positives} deadlines found exactly; "
            f"{len(false_positives)} false positives"
        )
        for miss in misses + false_positives:
            print("  wrong:", miss)
    # A wrong date stored as truth is worse than no date: no negative may yield a deadline.
    assert false_positives == []
    assert right / len(rows) >= 0.95


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date limite de dépôt : 15 mars 2027 à 12h00", "2027-03-15T12:00:00+01:00"),
        ("uiterste indieningsdatum 3 april 2027 om 17u", "2027-04-03T17:00:00+02:00"),
        ("Deadline: 1 June 2027, 17:00 CET", "2027-06-01T17:00:00+02:00"),
        ("clôture le 02/05/2027", "2027-05-02T23:59:59+02:00"),
        ("avant le 1er octobre 2027", "2027-10-01T23:59:59+02:00"),
        ("tot en met 28 februari 2027", "2027-02-28T23:59:59+01:00"),
        ("Applications close on 15 March 2027 at 5pm", "2027-03-15T17:00:00+01:00"),
    ],
)
def test_issue_phrases(text: str, expected: str) -> None:
    assert _extract(text)[0] == expected


def test_deadline_in_other_time_zone() -> None:
    found = find_deadline("Deadline: 1 June 2027, 17:00", "America/Montreal")
    assert found is not None
    assert found[0].isoformat() == "2027-06-01T17:00:00-04:00"


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
