"""/places over HTTP: the list with kinds, equipment, access and upcoming events, FR/NL/EN, the GeoJSON of the
current filters, one place's page, Leaflet served by Vigie, and one-line answers to bad filters."""

from __future__ import annotations

import geojson
import pytest
from places_home import AS_OF, build
from starlette.testclient import TestClient

from service.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    home = build(tmp_path_factory.mktemp("places-http"))
    with TestClient(create_app(home, as_of=AS_OF)) as c:
        yield c


def test_page_lists_config_place(client):
    assert "Smart, 72 rue Coenraets" in client.get("/places?hl=en").text


def test_page_shows_kind_in_dutch(client):
    assert "gereedschapsbibliotheek" in client.get("/places?hl=nl&kind=tool+library").text


def test_page_shows_equipment_label_in_french(client):
    assert "Prêt d&#39;outils et de matériel" in client.get("/places?hl=fr&equipment=tool-lending").text


def test_page_shows_access_in_english(client):
    assert "open to all" in client.get("/places?hl=en&city=Saint-Gilles").text


def test_page_lists_upcoming_event_of_a_venue(client):
    page = client.get("/places?hl=en&city=Cottbus").text
    assert "Next events" in page


def test_geojson_link_keeps_the_filters(client):
    assert 'href="/places.geojson?city=Cottbus"' in client.get("/places?city=Cottbus&hl=en").text


def test_geojson_of_filters_is_valid_and_filtered(client):
    answer = client.get("/places.geojson?kind=atelier")
    collection = geojson.loads(answer.text)
    assert (collection.is_valid, sorted(f["id"] for f in collection["features"])) == (
        True,
        ["brussels-art-factory", "smart-coenraets"],
    )


def test_geojson_media_type(client):
    assert client.get("/places.geojson").headers["content-type"] == "application/geo+json"


def test_one_place_page(client):
    page = client.get("/places/smart-coenraets?hl=en")
    assert (page.status_code, "72 rue Coenraets" in page.text) == (200, True)


def test_unknown_place_is_404(client):
    assert client.get("/places/nowhere?hl=en").status_code == 404


def test_leaflet_served_by_vigie(client):
    answer = client.get("/places/static/leaflet.js")
    assert (answer.status_code, answer.text[:40].startswith("/* @preserve")) == (200, True)


def test_page_loads_no_script_from_elsewhere(client):
    page = client.get("/places?hl=en").text
    assert '<script src="/places/static/leaflet.js">' in page and "unpkg" not in page and "cdn" not in page


def test_bad_kind_is_400_with_one_line(client):
    answer = client.get("/places.geojson?kind=disco")
    assert (
        answer.status_code,
        answer.json()["error"].startswith("kind: 'disco' is not one of coworking"),
    ) == (
        400,
        True,
    )


def test_bad_near_on_page_is_400(client):
    assert client.get("/places?near=north").status_code == 400


def test_source_text_is_escaped(client):
    # Place names come from sources: the JSON island must not let a name close the script element.
    page = client.get("/places?hl=en").text
    island = page.split('id="places-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in island
