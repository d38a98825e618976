"""Readers of a snapshot published by a run made `--as-of` a day (the demo) behave as on that day by default:
`vigie feed`, `vigie serve` (feeds and the browse page) and `vigie newsletter` show what was open then, not
everything closed as of today. A reader's own as-of still wins, and a snapshot of a normal run follows the
real clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from factories import make_item
from starlette.testclient import TestClient
from typer.testing import CliRunner

from feeds.selection import reader_now
from newsletters.make import make_issue
from service.app import create_app
from vigie.cli import app
from warehouse.clock import fixed_clock, set_clock
from warehouse.snapshot import connect
from warehouse.store import Warehouse

BRU = ZoneInfo("Europe/Brussels")
DAY = datetime(2021, 8, 20, tzinfo=BRU)  # the demo's day


def _items() -> list[dict]:
    """A tender open on 20 August 2021 (closes on the 24th), one closed in 2020 and an event of September."""
    return [
        make_item(
            1,
            kind="tender",
            title="Services cinématographiques et services vidéo",
            texts={"fr": {"title": "Services cinématographiques et services vidéo", "summary": ""}},
            summary="",
            organiser="ARTE GEIE",
            sectors=["audiovisual"],
            published_at="2021-07-21T00:00:00+02:00",
            deadline_at="2021-08-24T12:00:00+02:00",
        ),
        make_item(
            2,
            kind="tender",
            title="Organisatie van The Tall Ship Races",
            texts={"nl": {"title": "Organisatie van The Tall Ship Races", "summary": ""}},
            summary="",
            language="nl",
            organiser="Havenbedrijf Antwerpen",
            sectors=["events"],
            status="closed",
            published_at="2020-01-20T00:00:00+01:00",
            deadline_at="2020-02-17T12:00:00+01:00",
        ),
        make_item(
            3,
            kind="event",
            title="Rencontre des coopératives",
            texts={"fr": {"title": "Rencontre des coopératives", "summary": ""}},
            summary="",
            deadline_at=None,
            deadline_precision=None,
            starts_at="2021-09-10T19:00:00+02:00",
            published_at="2021-08-01T00:00:00+02:00",
        ),
    ]


def _publish(home: Path, as_of: datetime | None) -> Path:
    wh = Warehouse(home)
    wh.load(_items(), "run-1", as_of or datetime.now(UTC))
    set_clock(wh, as_of)
    wh.publish()
    return home


@pytest.fixture
def demo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_HOME", str(tmp_path))
    return _publish(tmp_path, DAY)


def _feed(*args: str) -> list[str]:
    result = CliRunner().invoke(app, ["feed", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return [i["id"] for i in json.loads(result.stdout)["items"]]


def test_the_snapshot_says_which_day_it_was_made_as_of(demo_home: Path, tmp_path_factory) -> None:
    con = connect(demo_home)
    try:
        assert fixed_clock(con) == DAY
        assert reader_now(con) == DAY
        asked = datetime(2021, 9, 1, tzinfo=BRU)
        assert reader_now(con, asked) == asked
    finally:
        con.close()
    live = _publish(tmp_path_factory.mktemp("live"), None)
    con = connect(live)
    try:
        assert fixed_clock(con) is None
        assert abs((reader_now(con) - datetime.now(UTC)).total_seconds()) < 60
    finally:
        con.close()


def test_vigie_feed_defaults_to_the_demo_day(demo_home: Path) -> None:
    # On 20 August 2021 the tender is open and the event to come; the 2020 tender is closed.
    assert sorted(_feed()) == ["test-source:1", "test-source:3"]
    # Its own --as-of wins: on 1 September the tender has closed, the event is still to come.
    assert _feed("--as-of", "2021-09-01") == ["test-source:3"]
    # Asked for closed items as on the demo day: the 2020 tender only.
    assert _feed("--status", "closed") == ["test-source:2"]


def test_vigie_serve_defaults_to_the_demo_day(demo_home: Path) -> None:
    with TestClient(create_app(demo_home)) as client:
        feed = client.get("/feeds/json", params={"kind": "tender"}).json()
        page = client.get("/", params={"hl": "en", "kind": "tender"}).text
    assert [i["id"] for i in feed["items"]] == ["test-source:1"]
    assert "As on 20 August 2021." in page
    assert "Services cinématographiques et services vidéo" in page
    assert "4 days left" in page
    assert "Tall Ship Races" not in page
    with TestClient(create_app(demo_home, as_of=datetime(2021, 9, 1, tzinfo=BRU))) as client:
        assert client.get("/feeds/json", params={"kind": "tender"}).json()["items"] == []
        assert "As on 1 September 2021." in client.get("/", params={"hl": "en"}).text


def test_vigie_newsletter_defaults_to_the_demo_day(demo_home: Path, tmp_path: Path) -> None:
    result = make_issue("digest", "en", tmp_path / "out", demo_home, False, [])
    text = Path(result.text_path).read_text(encoding="utf-8")
    assert Path(result.text_path).name == "digest-2021-08-20-en.txt"
    closing = text.split("Closing soon", 1)[1]
    assert "Services cinématographiques et services vidéo" in closing
    assert "4 days left" in closing
    assert "Rencontre des coopératives" in text
    assert "Tall Ship Races" not in text
    later = make_issue(
        "digest", "en", tmp_path / "later", demo_home, False, [], datetime(2021, 9, 1, tzinfo=BRU)
    )
    assert "Services cinématographiques" not in Path(later.text_path).read_text(encoding="utf-8")
