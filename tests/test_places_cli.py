"""`vigie places` on a published warehouse holding config places and the venues of two real agendas."""

from __future__ import annotations

import csv
import io
import json

import geojson
import pytest
from places_home import build
from typer.testing import CliRunner

from vigie.cli import app


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build(tmp_path_factory.mktemp("places-home"))


def run(home, monkeypatch, *args):
    monkeypatch.setenv("VIGIE_HOME", str(home))
    return CliRunner().invoke(app, ["places", *args])


def test_geojson_is_valid(home, monkeypatch):
    done = run(home, monkeypatch, "--format", "geojson")
    assert geojson.loads(done.stdout).is_valid


def test_geojson_point_is_longitude_then_latitude(home, monkeypatch):
    done = run(home, monkeypatch, "--format", "geojson", "--city", "cottbus")
    fablab = next(
        f for f in json.loads(done.stdout)["features"] if f["properties"]["name"] == "FabLab Cottbus"
    )
    assert fablab["geometry"]["coordinates"] == [14.32321, 51.76882]


def test_geojson_lists_places_without_coordinates(home, monkeypatch):
    done = run(home, monkeypatch, "--format", "geojson")
    usitoo = next(f for f in json.loads(done.stdout)["features"] if f["id"] == "usitoo")
    assert usitoo["geometry"] is None


def test_upcoming_events_counted(home, monkeypatch):
    done = run(home, monkeypatch, "--format", "json", "--city", "Cottbus")
    fablab = next(p for p in json.loads(done.stdout) if p["name"] == "FabLab Cottbus")
    assert fablab["upcoming"] > 0


def test_kind_filter(home, monkeypatch):
    done = run(home, monkeypatch, "--format", "json", "--kind", "tool library")
    assert sorted(p["id"] for p in json.loads(done.stdout)) == ["microfactory", "usitoo"]


def test_equipment_filter(home, monkeypatch):
    done = run(home, monkeypatch, "--format", "json", "--equipment", "tool-lending")
    assert sorted(p["id"] for p in json.loads(done.stdout)) == ["microfactory", "usitoo"]


def test_city_filter_ignores_accents_and_case(home, monkeypatch):
    done = run(home, monkeypatch, "--format", "json", "--city", "saint-GILLES")
    assert sorted(p["id"] for p in json.loads(done.stdout)) == ["brussels-art-factory", "smart-coenraets"]


def test_near_keeps_only_places_within_the_radius(home, monkeypatch):
    done = run(home, monkeypatch, "--format", "json", "--near", "51.7563,14.3329", "--km", "5")
    assert [(p["name"], p["km"]) for p in json.loads(done.stdout)] == [
        ("FabLab Cottbus", 1.54)
    ]  # 1.544 km by haversine


def test_csv_has_a_header_and_one_row_per_place(home, monkeypatch):
    done = run(home, monkeypatch, "--format", "csv", "--kind", "atelier")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert sorted(r["id"] for r in rows) == ["brussels-art-factory", "smart-coenraets"]


def test_table_counts_places(home, monkeypatch):
    done = run(home, monkeypatch, "--kind", "atelier")
    assert done.stdout.rstrip().endswith("(2 places)")


def test_bad_near_is_one_line(home, monkeypatch):
    done = run(home, monkeypatch, "--near", "north")
    assert (done.exit_code, done.stderr.strip()) == (
        2,
        "vigie: --near 'north': expected LAT,LON in decimal degrees (50.83,4.34)",
    )


def test_unknown_kind_is_one_line(home, monkeypatch):
    done = run(home, monkeypatch, "--kind", "disco")
    assert done.exit_code == 2 and done.stderr.startswith("vigie: --kind 'disco': expected one of coworking")
