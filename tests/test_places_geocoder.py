"""The optional geocoder against a local server on 127.0.0.1 that answers like Nominatim's /search?format=jsonv2:
the query it is sent, Vigie's user agent, at least a second between requests, the on-disk cache that spares a
second run any request, the network policy, and no request at all while it is off (the default). The places are
real rows of the NESTA makerspaces file (addresses without coordinates)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from factories import LoopbackHandler, loopback_server
from test_places_sources import FIXTURES, NOW

from flows.places import fill, geocode_places
from refine.places_rows import check_rows
from spiders.parsers import parse
from spiders.settings import USER_AGENT

CONFIG = Path(__file__).resolve().parents[1] / "config"
OPTIONS = {
    "format": "csv",
    "encoding": "mac_roman",
    "kinds": ["fablab"],
    "columns": {"name": "Name of makerspace", "address": "Address", "postcode": "Postcode", "city": "Area"},
}
# What the test server knows (the coordinates it answers are its own, as a Nominatim instance's would be).
KNOWN = {"16 Mill Lane, Cambridge, CB2 1RX cambridge": ("52.2019", "0.1167")}


class Nominatim(LoopbackHandler):
    calls: list[tuple[float, dict[str, list[str]], str]] = []

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        type(self).calls.append((time.monotonic(), query, self.headers.get("User-Agent", "")))
        if parts.path != "/search" or query.get("format") != ["jsonv2"]:
            return self.send_body(400, b'{"error": "bad request"}', "application/json")
        found = KNOWN.get(query.get("q", [""])[0])
        body = (
            [{"place_id": 1, "lat": found[0], "lon": found[1], "display_name": "Makespace"}] if found else []
        )
        return self.send_body(200, json.dumps(body).encode(), "application/json")


@pytest.fixture
def server():
    Nominatim.calls = []
    with loopback_server(Nominatim) as base:
        yield base


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str) -> None:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    for name in ("equipment.toml", "sectors.toml"):
        shutil.copy(CONFIG / name, config / name)
    (config / "places.toml").write_text(table, encoding="utf-8")
    monkeypatch.setattr("spiders.geocoder.CONFIG_DIR", config)
    monkeypatch.setattr("refine.places_config.CONFIG_DIR", config)


def places() -> list:
    """Bristol Hackspace (an address the test server does not know) and Makespace (one it knows)."""
    body = (FIXTURES / "nesta_uk_makerspaces.csv").read_bytes()
    records = [
        {**r, "country": "GB"} for r in parse(body, "places", source="uk-makerspaces", options=OPTIONS)
    ]
    return check_rows(records[1:3]).places


@pytest.fixture
def geocoded(server, home, tmp_path, monkeypatch):
    configure(tmp_path, monkeypatch, f'[geocoder]\nenabled = true\nurl = "{server}/search"\n')
    rows = places()
    found, problems = geocode_places(home, rows)
    return rows, found, problems


def test_the_query_is_the_address_postcode_and_city(geocoded):
    assert [c[1]["q"][0] for c in Nominatim.calls][1] == "16 Mill Lane, Cambridge, CB2 1RX cambridge"


def test_the_query_asks_jsonv2_in_the_place_country(geocoded):
    assert {(c[1]["format"][0], c[1]["countrycodes"][0]) for c in Nominatim.calls} == {("jsonv2", "gb")}


def test_the_user_agent_is_vigies(geocoded):
    assert {c[2] for c in Nominatim.calls} == {USER_AGENT}


def test_at_least_a_second_between_requests(geocoded):
    times = [c[0] for c in Nominatim.calls]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 1.0


def test_coordinates_filled_from_the_answer(geocoded):
    rows, _, _ = geocoded
    assert (rows[1].latitude, rows[1].longitude) == (52.2019, 0.1167)


def test_an_address_the_service_does_not_know_stays_without(geocoded):
    rows, _, _ = geocoded
    assert rows[0].latitude is None


def test_a_second_run_asks_nothing(geocoded, home):
    asked = len(Nominatim.calls)
    found, _ = geocode_places(home, places())
    assert (len(Nominatim.calls) - asked, found) == (0, 1)


def test_the_cache_is_in_the_vigie_home(geocoded, home):
    assert (home / "cache" / "geocoder.json").is_file()


def test_nothing_is_asked_when_off(server, home, tmp_path, monkeypatch):
    configure(tmp_path, monkeypatch, f'[geocoder]\nenabled = false\nurl = "{server}/search"\n')
    fill(home, [], NOW)
    assert (geocode_places(home, places()), Nominatim.calls) == ((0, []), [])


def test_off_is_the_default(server, home, tmp_path, monkeypatch):
    configure(tmp_path, monkeypatch, "")
    assert (geocode_places(home, places()), Nominatim.calls) == ((0, []), [])


def test_the_network_policy_applies(server, home, tmp_path, monkeypatch):
    monkeypatch.delenv("VIGIE_ALLOW_NETWORKS")
    configure(tmp_path, monkeypatch, f'[geocoder]\nenabled = true\nurl = "{server}/search"\n')
    found, problems = geocode_places(home, places())
    assert (found, Nominatim.calls, problems[0].split(": ")[1]) == (
        0,
        [],
        "refused by the network policy (127.0.0.1 is a loopback address; allow its network with VIGIE_ALLOW_NETWORKS or allow_networks)",
    )
