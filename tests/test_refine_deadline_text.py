"""Deadlines found in free text, scored on a labelled set; other time zones."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from refine.deadline_text import find_deadline

LABELLED = Path(__file__).parent / "labelled" / "deadlines.tsv"


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
