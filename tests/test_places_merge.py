"""An open-data row that describes a place already known (here a place as config/places.toml would give it, at the
address of the real OpenStreetMap feature "Le Moulin du Roc") fills that place's gaps and adds its source, never
overwriting what the working group wrote; a row seen again refreshes its own place."""

from __future__ import annotations

import pytest
from test_places_sources import FIXTURES

from refine.places_match import Place
from refine.places_merge import merge_rows
from refine.places_rows import check_rows
from spiders.parsers import parse

OPTIONS = {"columns": {"kinds": "amenity"}, "values": {"kinds": {"cinema": "performance venue"}}}


def rows() -> list[Place]:
    body = (FIXTURES / "osm_niort_cinemas.geojson").read_bytes()
    records = [{**r, "country": "FR"} for r in parse(body, "places", source="osm-niort", options=OPTIONS)]
    return check_rows(records).places


def configured() -> Place:
    return Place(
        id="moulin-du-roc",
        name="Moulin du Roc, scène nationale",
        address="9 boulevard Main",
        postcode="79000",
        city="Niort",
        country="FR",
        sources={"config"},
        fields={"kinds": ["performance venue", "exhibition space"], "website": None, "access": ["public"]},
    )


@pytest.fixture
def merged() -> tuple[list[Place], list[str]]:
    places = [configured()]
    touched = merge_rows(rows(), places)
    return places, touched


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("id", "moulin-du-roc"),
        ("name", "Moulin du Roc, scène nationale"),
        ("address", "9 boulevard Main"),
        ("latitude", 46.3255481),
        ("sources", {"config", "osm-niort"}),
    ],
)
def test_known_place_keeps_what_config_says_and_fills_gaps(merged, attribute, expected):
    places, _ = merged
    assert getattr(places[0], attribute) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("kinds", ["performance venue", "exhibition space"]),
        ("website", "http://www.moulinduroc.asso.fr"),
        ("access", ["public"]),
    ],
)
def test_known_place_fields(merged, key, expected):
    places, _ = merged
    assert places[0].fields[key] == expected


def test_the_other_row_is_a_new_place(merged):
    places, _ = merged
    assert [p.name for p in places] == ["Moulin du Roc, scène nationale", "CGR Niort"]


def test_both_places_are_touched(merged):
    places, touched = merged
    assert touched == ["p-bcdde91e30c9", "moulin-du-roc"]


def test_a_row_seen_again_refreshes_its_own_place():
    places: list[Place] = []
    merge_rows(rows(), places)
    again = rows()
    again[0].fields["website"] = "https://www.cgrcinemas.fr/niort/"
    merge_rows(again, places)
    assert [(p.name, p.fields["website"]) for p in places] == [
        ("CGR Niort", "https://www.cgrcinemas.fr/niort/"),
        ("Le Moulin du Roc", "http://www.moulinduroc.asso.fr"),
    ]
