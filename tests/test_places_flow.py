"""The places step of a run: config places plus the venues of real events (two real iCalendar files), stored with
each event's link, and matched against what an earlier run stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.places import fill
from spiders.parsers import parse
from vigie.core.paths import warehouse_path

PLACES = Path(__file__).resolve().parent / "fixtures" / "places"
NOW = datetime(2021, 8, 20, 9, tzinfo=UTC)


def raw_file(tmp_path: Path, name: str, source: str) -> Path:
    records = parse((PLACES / name).read_bytes(), "ics", source=source, url=f"https://x/{name}", options={})
    path = tmp_path / f"{source}.jsonl"
    path.write_text("".join(json.dumps({**r, "kind": "event"}) + "\n" for r in records), encoding="utf-8")
    return path


def rows(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse_path(home)), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def filled(home: Path, tmp_path: Path) -> Path:
    paths = [raw_file(tmp_path, "rie_machbar_calendar.ics", "machbar")]
    fill(home, paths, NOW)
    return home


def test_config_places_stored(filled):
    assert ("smart-coenraets", "Saint-Gilles") in rows(filled, "SELECT id, city FROM places")


def test_freiland_spellings_are_one_place(filled):
    [(n,)] = rows(
        filled, "SELECT count(DISTINCT place_id) FROM event_places WHERE location ILIKE '%freiland%'"
    )
    assert n == 1


def test_library_events_linked_by_address(filled):
    found = rows(filled, "SELECT DISTINCT matched_by FROM event_places WHERE location LIKE 'Stadt-%'")
    assert sorted(m for (m,) in found) == ["address", "new"]


def test_room_alone_is_not_a_place(filled):
    assert rows(filled, "SELECT * FROM event_places WHERE location = 'Seminarraum'") == []


def test_second_run_reuses_the_stored_place(filled, tmp_path):
    before = rows(filled, "SELECT id FROM places ORDER BY id")
    fill(filled, [raw_file(tmp_path, "rie_machbar_calendar.ics", "machbar")], NOW)
    assert rows(filled, "SELECT id FROM places ORDER BY id") == before


def test_other_source_joins_the_place_an_earlier_run_stored(filled, tmp_path):
    # The Cottbus fablab calendar names "FEZ-Berlin - Wuhlheide", which the machBar calendar gave with its address.
    fill(filled, [raw_file(tmp_path, "rie_fablab_cottbus_public_events.ics", "cottbus")], NOW)
    [(sources,)] = rows(filled, "SELECT sources FROM places WHERE name = 'FEZ-Berlin'")
    assert sources == ["cottbus", "machbar"]


def test_bad_config_row_is_a_problem_and_others_load(home, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "places.toml").write_text(
        '[[place]]\nid = "x"\nname = "X"\nkinds = ["disco"]\n', encoding="utf-8"
    )
    source = Path(__file__).resolve().parents[1] / "config"
    for name in ("equipment.toml", "sectors.toml"):
        (config / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr("refine.places_config.CONFIG_DIR", config)
    result = fill(home, [raw_file(tmp_path, "rie_machbar_calendar.ics", "machbar")], NOW)
    assert (result.problems[0].startswith("places.toml place 1 (x): kinds 'disco'"), result.linked > 0) == (
        True,
        True,
    )
