"""The `places` source family on real open-data files served over 127.0.0.1: the NESTA open dataset of UK makerspaces
(CSV, Mac Roman, CC BY-SA 4.0) and an OpenStreetMap export of Niort's cinemas (GeoJSON, ODbL), mapped by a registry,
collected by the file spider, checked row by row and stored as places with their source and first/last seen. Time
frozen (the run's `now`); one assertion per field."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from factories import LoopbackHandler, loopback_server

from flows.places import check_places, fill
from spiders import registry
from spiders.crawl import collect
from vigie.core.paths import warehouse_path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "places"
NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
FILES = {"/makerspaces.csv": "nesta_uk_makerspaces.csv", "/cinemas.geojson": "osm_niort_cinemas.geojson"}
REGISTRY = """
[[source]]
name = "uk-makerspaces"
family = "places"
url = "{base}/makerspaces.csv"
country = "GB"
licence = "CC BY-SA 4.0 (Nesta)"
format = "csv"
encoding = "mac_roman"
kinds = ["fablab"]
[source.columns]
name = "Name of makerspace"
address = "Address"
postcode = "Postcode"
city = "Area"
website = "Website / URL"
contact = "Email address"
equipment = "Amenities / facilities"
access = "What access do people have to the space?"
[source.values.equipment]
"Shared kitchen" = "kitchen"
[source.values.access]
"Member (or keyholder) access any time" = "members"
"Public access in set hours" = "public"

[[source]]
name = "osm-niort-cinemas"
family = "places"
url = "{base}/cinemas.geojson"
country = "FR"
licence = "ODbL (OpenStreetMap contributors)"
[source.columns]
kinds = "amenity"
[source.values.kinds]
cinema = "performance venue"
"""
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 0}


class Handler(LoopbackHandler):
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path == "/robots.txt":
            return self.send_body(200, b"User-agent: *\nAllow: /\n", "text/plain")
        name = FILES.get(self.path)
        if name is None:
            return self.send_body(404, b"not found", "text/plain")
        ctype = "text/csv" if name.endswith(".csv") else "application/geo+json"
        return self.send_body(200, (FIXTURES / name).read_bytes(), ctype)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    home = tmp_path_factory.mktemp("places-home")
    with loopback_server(Handler) as base:
        path = home / "sources.toml"
        path.write_text(REGISTRY.format(base=base), encoding="utf-8")
        sources = registry.load(path).sources
        run_dir = home / "raw" / "run1"

        async def go() -> list:
            return await asyncio.gather(
                *(collect(s, home=home, run_dir=run_dir, overrides=FAST) for s in sources)
            )

        results = asyncio.run(go())
    assert [r.errors for r in results] == [[], []]
    return home, [run_dir / f"{s.name}.jsonl" for s in sources]


@pytest.fixture(scope="module")
def stored(collected: tuple[Path, list[Path]]) -> Path:
    home, paths = collected
    fill(home, paths, NOW)
    return home


def place(home: Path, name: str, column: str) -> object:
    con = duckdb.connect(str(warehouse_path(home)), read_only=True)
    try:
        return con.execute(f"SELECT {column} FROM places WHERE name = ?", [name]).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("address", "Rodhus Studios (back entrance), Freehold Terrace, Brighton"),
        ("postcode", "BN2 4AB"),
        ("city", "Brighton and Hove"),
        ("country", "GB"),
        ("kinds", ["fablab"]),
        ("website", "http://www.buildbrighton.com/"),
        ("contact", "info@buildbrighton.com"),
        ("equipment", ["kitchen"]),
        ("access", ["members", "public"]),
        ("latitude", None),
        ("sources", ["uk-makerspaces"]),
    ],
)
def test_csv_row_fields(stored, column, expected):
    assert place(stored, "Build Brighton", column) == expected


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("address", "9 Boulevard Main"),
        ("postcode", "79000"),
        ("city", "Niort"),
        ("country", "FR"),
        ("latitude", 46.3255481),
        ("longitude", -0.4673738),
        ("kinds", ["performance venue"]),
        ("website", "http://www.moulinduroc.asso.fr"),
        ("sources", ["osm-niort-cinemas"]),
    ],
)
def test_geojson_feature_fields(stored, column, expected):
    assert place(stored, "Le Moulin du Roc", column) == expected


def test_postcode_written_without_its_space_is_spelt_as_its_country_writes_it(stored):
    assert (
        place(stored, "RARA Cooperative (redundant architects recreation association)", "postcode")
        == "E5 9ND"
    )


def test_website_without_scheme_gets_one(stored):
    assert place(stored, "Leigh Hackspace", "website") == "http://www.leighhack.org"


def test_first_seen_is_the_run(stored):
    assert place(stored, "Le Moulin du Roc", "first_seen_at") == NOW


def test_bad_row_is_refused_naming_its_row_and_field(collected):
    _, paths = collected
    _, refused = check_places(paths[:1])
    assert [r["reason"] for r in refused] == [
        "uk-makerspaces row 35 (Maker Club): postcode 'BN1 41J' is not a GB postcode"
    ]


def test_the_other_rows_load(collected):
    _, paths = collected
    valid, _ = check_places(paths[:1])
    assert valid == 38  # 39 rows of the excerpt, one refused


def test_a_second_run_keeps_first_seen_and_moves_last_seen(collected, tmp_path):
    home, paths = collected
    later = NOW + timedelta(days=1)
    fill(home, paths, later)
    assert (
        place(home, "Le Moulin du Roc", "first_seen_at"),
        place(home, "Le Moulin du Roc", "last_seen_at"),
    ) == (
        NOW,
        later,
    )


def test_a_second_run_adds_no_place(collected):
    home, paths = collected
    con = duckdb.connect(str(warehouse_path(home)), read_only=True)
    try:
        before = con.execute("SELECT count(*) FROM places").fetchone()[0]
    finally:
        con.close()
    fill(home, paths, NOW + timedelta(days=2))
    con = duckdb.connect(str(warehouse_path(home)), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM places").fetchone()[0] == before
    finally:
        con.close()
