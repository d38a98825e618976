"""In the watch, an event names its place with a link to the place's page: the browse card, every feed format and
the newsletter (HTML and text). The events are the FabLab Cottbus agenda's (real iCalendar), linked to their place
by the places step; the place's name is rewritten with markup, as a source could write it, and stays text."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import duckdb
import pytest
from places_home import AS_OF, build

from newsletters.make import make_issue
from service.app import create_app
from vigie.core.paths import warehouse_path
from warehouse.store import Warehouse

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

NAME = "FabLab Cottbus <b>&</b>"
ESCAPED = "FabLab Cottbus &lt;b&gt;&amp;&lt;/b&gt;"
PLACE = "p-50bfd4938782"  # the FabLab Cottbus place the agenda's events were matched to


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = build(tmp_path_factory.mktemp("places-watch"))
    con = duckdb.connect(str(warehouse_path(home)))
    try:
        assert con.execute("SELECT name FROM places WHERE id = ?", [PLACE]).fetchone() == ("FabLab Cottbus",)
        con.execute("UPDATE places SET name = ? WHERE id = ?", [NAME, PLACE])
    finally:
        con.close()
    Warehouse(home).publish(exports=False)
    return home


@pytest.fixture(scope="module")
def client(home: Path):
    with TestClient(create_app(home, as_of=AS_OF), base_url="https://vigie.example") as c:
        yield c


def get(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return response.text


def test_card_links_the_place_page(client):
    page = get(client, "/?hl=fr&kind=event&keywords=fablab")
    assert f'<a href="/places/{PLACE}?hl=fr">{ESCAPED}</a>' in page


def test_card_link_leads_to_the_place_page(client):
    page = get(client, f"/places/{PLACE}?hl=fr")
    assert ESCAPED in page


def test_atom_entry_names_the_place_and_its_page(client):
    feed = get(client, "/feeds/atom?kind=event&keywords=fablab&hl=en")
    assert f"Where: {ESCAPED} — https://vigie.example/places/{PLACE}?hl=en" in feed


def test_json_feed_entry_carries_the_place(client):
    feed = json.loads(get(client, "/feeds/json?kind=event&keywords=fablab&hl=en"))
    places = [item["_vigie"]["place"] for item in feed["items"] if item["_vigie"].get("place")]
    assert places[0] == {"id": PLACE, "name": NAME, "url": f"https://vigie.example/places/{PLACE}?hl=en"}


def test_calendar_location_points_to_the_place_page(client):
    calendar = get(client, "/feeds/ics?kind=event&keywords=fablab&hl=en").replace("\r\n ", "")
    assert f'LOCATION;ALTREP="https://vigie.example/places/{PLACE}?hl=en":' in calendar


@pytest.fixture(scope="module")
def issue(home: Path):
    return make_issue("digest", "en", None, home, False, [], now=AS_OF)


def test_newsletter_entry_links_the_place_page(issue):
    html = Path(issue.html_path).read_text(encoding="utf-8")
    links = re.findall(r'<p class="meta place"[^>]*>.*?</p>', html, re.S)
    assert f'<a href="http://127.0.0.1:8000/places/{PLACE}?hl=en"' in " ".join(links)


def test_newsletter_entry_keeps_the_name_text(issue):
    html = Path(issue.html_path).read_text(encoding="utf-8")
    assert ESCAPED in html and NAME not in html


def test_newsletter_text_names_the_place_and_its_page(issue):
    text = Path(issue.html_path).with_suffix(".txt").read_text(encoding="utf-8")
    assert f"{NAME} — http://127.0.0.1:8000/places/{PLACE}?hl=en" in text
