"""Cancelled and postponed events (issue 13 class 3): kept with status `cancelled` or the flag `postponed`, and the
warehouse records a change when a stored event becomes cancelled or postponed (two loads of the same page/calendar,
as two runs would). Time frozen."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import ics, schemaorg
from warehouse.store import Warehouse

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
PAGE = "https://agenda.example.be/concert"


def event_page(status: str) -> bytes:
    event = {
        "@context": "https://schema.org",
        "@type": "MusicEvent",
        "name": "Concert de printemps",
        "url": PAGE,
        "startDate": "2027-04-20T20:00",
        "eventStatus": f"https://schema.org/{status}",
        "location": {"@type": "Place", "name": "Flagey", "address": {"addressLocality": "Ixelles"}},
    }
    return f'<html lang="fr"><head><script type="application/ld+json">{json.dumps(event)}</script></head></html>'.encode()


def items_of(body: bytes, family: str = "jsonld") -> list[dict]:
    parser = schemaorg if family == "jsonld" else ics
    with time_machine.travel(NOW, tick=False):
        records = list(parser.parse(body, source="agenda", url=PAGE, options={"kind": "event"}))
        return refine_and_cluster(records, now=NOW).items


def changes(home: Path) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("SELECT field, old, new FROM changes ORDER BY field").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("status", "expected"), [("EventCancelled", "cancelled"), ("EventScheduled", "open")]
)
def test_schemaorg_event_status(status, expected):
    [item] = items_of(event_page(status))
    assert item["status"] == expected


@pytest.mark.parametrize("status", ["EventPostponed", "EventRescheduled"])
def test_schemaorg_postponed_or_rescheduled_event_is_kept_flagged(status):
    [item] = items_of(event_page(status))
    assert "postponed" in item["flags"]


def test_event_that_becomes_cancelled_is_a_change(home):
    wh = Warehouse(home)
    wh.load(items_of(event_page("EventScheduled")), "run-1", NOW)
    wh.load(items_of(event_page("EventCancelled")), "run-2", NOW)
    assert changes(home) == [("status", "open", "cancelled")]


def test_event_that_becomes_postponed_is_a_change(home):
    wh = Warehouse(home)
    wh.load(items_of(event_page("EventScheduled")), "run-1", NOW)
    wh.load(items_of(event_page("EventPostponed")), "run-2", NOW)
    assert changes(home) == [("postponed", "false", "true")]


def calendar(status: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:atelier@agenda.example.be\r\n"
        "SUMMARY:Atelier son\r\nDTSTART;TZID=Europe/Brussels:20270320T140000\r\n"
        f"STATUS:{status}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_ics_event_that_becomes_cancelled_is_kept_and_a_change(home):
    wh = Warehouse(home)
    wh.load(items_of(calendar("CONFIRMED"), "ics"), "run-1", NOW)
    [cancelled] = items_of(calendar("CANCELLED"), "ics")
    wh.load([cancelled], "run-2", NOW)
    assert (cancelled["status"], changes(home)) == ("cancelled", [("status", "open", "cancelled")])
