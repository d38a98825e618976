"""Calls with several cut-off dates (EU Funding & Tenders topics): every cut-off is kept (`cutoffs`), the deadline
is the next one at the run's day, and both are stored and exported (issue 13, class 5: "next cut-off, all cut-offs
kept")."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import time_machine

from refine.pipeline import refine
from spiders.parsers import sedia
from vigie.core.items import validate_item
from warehouse.export import export
from warehouse.store import Warehouse

FIXTURE = Path(__file__).parent / "fixtures" / "sedia" / "sedia_handmade_search.json"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
REAL = CORPUS / "eu-funding" / "sedia_search_full_page.json"
MOBILITY_CUTOFFS = ["2026-10-20T17:00:00+02:00", "2027-01-14T17:00:00+01:00", "2027-04-15T17:00:00+02:00"]


def records(body: bytes, now: datetime) -> dict[str, dict]:
    with time_machine.travel(now, tick=False):
        return {r["native_id"]: r for r in sedia.parse(body, source="eu-ft", options={"now": now})}


def items(body: bytes, parsed_at: datetime, run_at: datetime) -> dict[str, dict]:
    result = refine(list(records(body, parsed_at).values()), now=run_at)
    return {item["native_id"]: item for item in result.items}


def test_parser_keeps_every_cut_off_of_a_topic() -> None:
    record = records(FIXTURE.read_bytes(), datetime(2026, 11, 23, tzinfo=UTC))["CREA-CULT-2027-MOBILITY"]
    assert record["cutoffs"] == ["2026-10-20T17:00:00", "2027-01-14T17:00:00", "2027-04-15T17:00:00"]
    assert record["deadline_at"] == "2027-01-14T17:00:00"


@pytest.mark.parametrize(
    ("run_at", "deadline", "status"),
    [
        (datetime(2026, 10, 1, tzinfo=UTC), "2026-10-20T17:00:00+02:00", "open"),
        (datetime(2026, 11, 23, tzinfo=UTC), "2027-01-14T17:00:00+01:00", "open"),
        (datetime(2027, 2, 1, tzinfo=UTC), "2027-04-15T17:00:00+02:00", "open"),
        (datetime(2027, 5, 1, tzinfo=UTC), "2027-04-15T17:00:00+02:00", "closed"),  # all past: the last one
    ],
)
def test_item_keeps_every_cut_off_and_its_deadline_is_the_next_at_the_run(
    run_at: datetime, deadline: str, status: str
) -> None:
    # Parsed on one day, refined on another (a stored raw record refined again, `vigie run --as-of`): the deadline
    # follows the run's day, the cut-offs stay the same.
    item = items(FIXTURE.read_bytes(), datetime(2026, 9, 1, tzinfo=UTC), run_at)["CREA-CULT-2027-MOBILITY"]
    assert item["cutoffs"] == MOBILITY_CUTOFFS
    assert item["deadline_at"] == deadline
    assert item["deadline_precision"] == "datetime"
    assert item["status"] == status
    assert validate_item(item) == []


def test_a_call_with_one_deadline_has_that_one_cut_off() -> None:
    found = items(
        FIXTURE.read_bytes(), datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC)
    )
    tender = found["EAC/2026/OP/0042"]
    assert (tender["cutoffs"], tender["deadline_at"]) == (
        ["2027-01-08T16:00:00+01:00"],
        "2027-01-08T16:00:00+01:00",
    )


def test_an_item_of_another_family_has_no_cut_offs() -> None:
    result = refine(
        [
            {
                "source": "s",
                "family": "feed",
                "kind": "call",
                "native_id": "1",
                "title": "Appel à projets 2027",
            }
        ],
        now=datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert result.items[0]["cutoffs"] == []


def test_an_unreadable_cut_off_is_flagged_and_the_others_kept() -> None:
    record = records(FIXTURE.read_bytes(), datetime(2026, 11, 23, tzinfo=UTC))["CREA-CULT-2027-MOBILITY"]
    record["cutoffs"] = [*record["cutoffs"], "soon"]
    [item] = refine([record], now=datetime(2026, 11, 23, tzinfo=UTC)).items
    assert item["cutoffs"] == MOBILITY_CUTOFFS
    assert "cutoffs_unreadable" in item["flags"]


def test_real_two_stage_topic_keeps_both_stages() -> None:
    if not REAL.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    # AarhusAI/eu-funding-tenders-portal-agent tests/fixtures/portal_search_page.json (../shared/corpus/SOURCES.md)
    soil = "HORIZON-MISS-2027-05-SOIL-01-two-stage"
    between = items(REAL.read_bytes(), datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 5, 1, tzinfo=UTC))[
        soil
    ]
    assert between["cutoffs"] == ["2027-04-08T23:59:59+02:00", "2027-09-14T23:59:59+02:00"]
    assert between["deadline_at"] == "2027-09-14T23:59:59+02:00"  # the first stage has passed
    assert between["deadline_precision"] == "date"
    before = items(REAL.read_bytes(), datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))[
        soil
    ]
    assert before["deadline_at"] == "2027-04-08T23:59:59+02:00"


def test_cut_offs_are_stored_and_exported(home: Path, tmp_path: Path) -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    refined = list(items(FIXTURE.read_bytes(), now, now).values())
    wh = Warehouse(home)
    wh.migrate()
    wh.load(refined, "run-1", now)
    wh.publish()
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        stored = con.execute(
            "SELECT cutoffs FROM opportunities WHERE native_id = 'CREA-CULT-2027-MOBILITY'"
        ).fetchone()
    finally:
        con.close()
    assert stored == (MOBILITY_CUTOFFS,)
    export(home, tmp_path / "out")
    with open(tmp_path / "out" / "opportunities.csv", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["native_id"] == "CREA-CULT-2027-MOBILITY")
    assert row["cutoffs"] == "; ".join(MOBILITY_CUTOFFS)
