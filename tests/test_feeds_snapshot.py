"""Feeds selected from a real published warehouse: filters combine, SEQUENCE follows deadline changes."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
import time_machine
from factories import make_item

from feeds.entry import ical_uid
from feeds.render import feed_from_snapshot
from warehouse.filters import Filter

BRU = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BRU)


def _item(
    n: int,
    kind: str,
    title: str,
    *,
    sectors: list[str],
    regions: list[str],
    lang: str = "fr",
    deadline: str | None = None,
    starts: str | None = None,
    texts: dict | None = None,
    summary: str = "",
    published: str = "2026-11-01T09:00:00+01:00",
) -> dict[str, Any]:
    return make_item(
        n,
        kind=kind,
        title=title,
        summary=summary,
        language=lang,
        texts=texts or {lang: {"title": title, "summary": summary}},
        deadline_at=deadline,
        deadline_precision="datetime" if deadline else None,
        starts_at=starts,
        ends_at=None,
        sectors=sectors,
        regions=regions,
        published_at=published,
        location="Namur" if kind == "event" else None,
        url=f"https://example.org/{kind}/{n}",
    )


def sample_items() -> list[dict[str, Any]]:
    """Eight items spread over kinds, sectors, regions, languages and deadlines around NOW (20 Nov 2026)."""
    return [
        _item(
            1,
            "call",
            "Appel à projets théâtre jeune public",
            sectors=["performing-arts"],
            regions=["BE-BRU"],
            deadline="2026-11-30T12:00:00+01:00",
            published="2026-11-10T09:00:00+01:00",
        ),
        _item(
            2,
            "call",
            "Résidence d'artistes plasticiens",
            sectors=["visual-arts"],
            regions=["BE-BRU"],
            deadline="2027-03-15T12:00:00+01:00",
            published="2026-11-11T09:00:00+01:00",
        ),
        _item(
            3,
            "call",
            "Oproep voor beeldende kunstenaars",
            sectors=["visual-arts"],
            regions=["BE-VLG"],
            lang="nl",
            deadline="2026-11-25T17:00:00+01:00",
            published="2026-11-12T09:00:00+01:00",
        ),
        _item(
            4,
            "tender",
            "Marché de captation vidéo",
            sectors=["audiovisual"],
            regions=["BE-WAL"],
            deadline="2026-12-01T10:00:00+01:00",
            published="2026-11-13T09:00:00+01:00",
            texts={
                "fr": {"title": "Marché de captation vidéo", "summary": "Captation de spectacles."},
                "nl": {
                    "title": "Opdracht voor videoregistratie",
                    "summary": "Registratie van voorstellingen.",
                },
            },
        ),
        _item(
            5,
            "event",
            "Soirée réseau des créatifs wallons",
            sectors=["events"],
            regions=["BE-WAL"],
            starts="2026-12-05T19:00:00+01:00",
            published="2026-11-14T09:00:00+01:00",
        ),
        _item(
            6,
            "event",
            "Music industry meetup",
            sectors=["music"],
            regions=["BE-BRU"],
            lang="en",
            starts="2027-01-15T18:30:00+01:00",
            published="2026-11-15T09:00:00+01:00",
        ),
        _item(
            7,
            "call",
            "Open call for visual artists",
            sectors=["visual-arts"],
            regions=["BE-BRU"],
            lang="en",
            summary="Exhibition in the Théâtre Varia foyer.",
            deadline="2026-11-27T23:00:00+01:00",
            published="2026-11-16T09:00:00+01:00",
        ),
        _item(
            8,
            "call",
            "Appel clôturé arts plastiques",
            sectors=["visual-arts"],
            regions=["BE-BRU"],
            deadline="2026-11-10T12:00:00+01:00",
            published="2026-10-01T09:00:00+02:00",
        ),
    ]


def publish_items(home: Path, batches: list[list[dict[str, Any]]], now: datetime = NOW) -> None:
    """Load each batch as one pipeline run, then publish the snapshot, as the flow does."""
    from warehouse.store import Warehouse

    wh = Warehouse(home)
    for n, items in enumerate(batches, 1):
        wh.load(items, f"run-{n}", now)
    wh.publish()
    close = getattr(wh, "close", None)
    if close:
        close()


@pytest.fixture
def published(home: Path) -> Path:
    publish_items(home, [sample_items()])
    return home


def _feed(home: Path, params: dict[str, Any], fmt: str = "json") -> dict | bytes:
    from warehouse.snapshot import connect

    con = connect(home)
    try:
        body, _ = feed_from_snapshot(con, Filter.from_params(params), fmt, NOW, "https://vigie.example")
    finally:
        con.close()
    return json.loads(body) if fmt == "json" else body


def _ids(feed: dict) -> set[str]:
    return {i["id"] for i in feed["items"]}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {1, 2, 3, 4, 5, 6, 7}),  # item 8 closed on 10 November: only when asked
        ({"status": "closed"}, {8}),
        ({"status": "open,closed", "kind": "call"}, {1, 2, 3, 7, 8}),
        ({"kind": "event"}, {5, 6}),
        ({"kind": ["call", "tender"], "region": "BE-WAL"}, {4}),
        ({"sector": "visual-arts,performing-arts"}, {1, 2, 3, 7}),
        ({"region": "bruxelles"}, {1, 2, 6, 7}),
        ({"lang": "nl"}, {3, 4}),  # item 4 is French with a Dutch text too
        ({"q": "THEATRE"}, {1, 7}),  # accent- and case-insensitive, in the summary too
        ({"q": "videoregistratie"}, {4}),  # found in the Dutch text of a French item
        ({"closing-within": "14"}, {1, 3, 4, 7}),
        (
            {
                "kind": "call",
                "sector": ["visual-arts", "performing-arts"],
                "region": "BE-BRU",
                "q": "théâtre",
                "closing-within": "14",
            },
            {1, 7},
        ),
        ({"kind": "call", "sector": "visual-arts", "region": "BE-BRU", "closing-within": "8"}, {7}),
        ({"kind": "call", "sector": "visual-arts", "region": "BE-BRU", "closing-within": "7"}, set()),
        ({"kind": "tender", "sector": "music"}, set()),
    ],
)
def test_filters_combine(published: Path, params: dict, expected: set[int]) -> None:
    assert _ids(_feed(published, params)) == {f"test-source:{n}" for n in expected}


@time_machine.travel(NOW, tick=False)
def test_readers_get_newest_first(published: Path) -> None:
    ids = [i["id"] for i in _feed(published, {"kind": "call"})["items"]]
    assert ids == ["test-source:7", "test-source:3", "test-source:2", "test-source:1"]


@time_machine.travel(NOW, tick=False)
def test_atom_from_snapshot_reads_back(published: Path) -> None:
    parsed = feedparser.parse(_feed(published, {"kind": "tender"}, "atom"))
    assert parsed.bozo is False
    [entry] = parsed.entries
    assert entry.title == "Marché de captation vidéo — Date limite : 1 décembre 2026 à 10:00"
    assert parsed.feed.title == "Vigie — Marché public"
    assert parsed.feed.links[0].href == "https://vigie.example/feeds/atom?kind=tender&hl=fr"


@time_machine.travel(NOW, tick=False)
def test_ics_from_snapshot_events_have_brussels_time(published: Path) -> None:
    cal = icalendar.Calendar.from_ical(_feed(published, {"kind": "event"}, "ics"))
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {ical_uid("test-source:5"), ical_uid("test-source:6")}
    assert events[ical_uid("test-source:5")].decoded("DTSTART") == datetime(2026, 12, 5, 19, 0, tzinfo=BRU)
    assert str(events[ical_uid("test-source:5")]["LOCATION"]) == "Namur"


@time_machine.travel(NOW, tick=False)
def test_sequence_raised_when_a_deadline_changes(home: Path) -> None:
    items = sample_items()
    postponed = [dict(i) for i in items]
    postponed[1]["deadline_at"] = "2027-04-30T12:00:00+02:00"
    publish_items(home, [items, postponed])
    cal = icalendar.Calendar.from_ical(_feed(home, {"kind": "call"}, "ics"))
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    moved = events[ical_uid("test-source:2")]
    assert moved.decoded("DTSTART") == date(2027, 4, 30)
    assert int(moved["SEQUENCE"]) == 1
    assert int(events[ical_uid("test-source:1")]["SEQUENCE"]) == 0
    # The UID of the moved deadline did not change, so calendars update the entry instead of adding one.
    assert len([u for u in events if u == ical_uid("test-source:2")]) == 1


@time_machine.travel(NOW, tick=False)
def test_json_feed_language_is_the_language_of_the_text_it_carries(published: Path) -> None:
    items = {i["id"]: i for i in json.loads(_nl_feed(published))["items"]}
    assert items["test-source:4"]["title"] == "Opdracht voor videoregistratie"
    assert items["test-source:4"]["language"] == "nl"  # the Dutch text of a French item
    assert items["test-source:1"]["title"] == "Appel à projets théâtre jeune public"
    assert items["test-source:1"]["language"] == "fr"  # no Dutch text: the original, said to be French


def _nl_feed(home: Path) -> bytes:
    from warehouse.snapshot import connect

    con = connect(home)
    try:
        body, _ = feed_from_snapshot(con, Filter(), "json", NOW, "https://vigie.example", "nl")
    finally:
        con.close()
    return body


def test_entry_dates_are_first_seen_or_publication_never_the_request(home: Path) -> None:
    seen = datetime(2026, 11, 18, 6, 0, tzinfo=BRU)
    old_notice = _item(
        9,
        "call",
        "Appel publié avant la première collecte",
        sectors=["music"],
        regions=["BE-BRU"],
        deadline="2026-12-15T12:00:00+01:00",
        published="2026-10-01T09:00:00+02:00",
    )
    announced = _item(
        10, "call", "Appel annoncé pour plus tard", sectors=["music"], regions=["BE-BRU"],
        deadline="2027-01-15T12:00:00+01:00", published="2026-12-01T09:00:00+01:00",
    )  # fmt: skip
    publish_items(home, [[old_notice, announced]], now=seen)
    with time_machine.travel(NOW, tick=False):
        entries = {e.id.rsplit(":", 1)[1]: e for e in feedparser.parse(_feed(home, {}, "atom")).entries}
    assert entries["9"].updated == "2026-10-01T09:00:00+02:00"  # its publication, before Vigie saw it
    assert entries["10"].updated == "2026-11-18T06:00:00+01:00"  # first seen: its announced date is later


def test_a_postponed_or_cancelled_item_is_updated_in_place(home: Path) -> None:
    from warehouse.store import Warehouse

    first, second = datetime(2026, 11, 10, 6, 0, tzinfo=BRU), datetime(2026, 11, 19, 6, 0, tzinfo=BRU)
    event = _item(11, "event", "Rencontre des musiciens", sectors=["music"], regions=["BE-BRU"],
                  starts="2026-12-03T19:00:00+01:00", published="2026-11-01T09:00:00+01:00")  # fmt: skip
    wh = Warehouse(home)
    wh.load([event], "run-1", first)
    wh.load([dict(event, status="cancelled")], "run-2", second)
    wh.publish()
    with time_machine.travel(NOW, tick=False):
        [entry] = feedparser.parse(_feed(home, {}, "atom")).entries
        cal = icalendar.Calendar.from_ical(_feed(home, {}, "ics"))
    assert entry.id.endswith(":item:test-source:11")  # the same entry, not a new one
    assert entry.title == "Annulé : Rencontre des musiciens"
    assert entry.updated == "2026-11-19T06:00:00+01:00"  # when it changed
    assert entry.published == "2026-11-01T09:00:00+01:00"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_feed_command_takes_status_hl_and_as_of(published: Path) -> None:
    from typer.testing import CliRunner

    from vigie.cli import app

    result = CliRunner().invoke(
        app, ["feed", "--status", "closed", "--hl", "en", "--as-of", "2026-11-20", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert [i["id"] for i in body["items"]] == ["test-source:8"]
    assert (
        body["description"] == "Public tenders, calls for projects and networking events, filtered for you."
    )


def test_feed_command_as_of_an_earlier_day(published: Path) -> None:
    from typer.testing import CliRunner

    from vigie.cli import app

    result = CliRunner().invoke(app, ["feed", "--kind", "call", "--as-of", "2026-11-05", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "test-source:8" in {i["id"] for i in json.loads(result.stdout)["items"]}  # open on 5 November


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "done"], "vigie: status: unknown value 'done' (expected one of: awarded, cancelled,"),
        (["--hl", "de"], "vigie: --hl: 'de' is not one of fr, nl, en"),
        (["--as-of", "tomorrow"], "vigie: --as-of: 'tomorrow' is not a date"),
    ],
)
def test_feed_command_bad_options_are_one_line(published: Path, args: list[str], message: str) -> None:
    from typer.testing import CliRunner

    from vigie.cli import app

    result = CliRunner().invoke(app, ["feed", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
