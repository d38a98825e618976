"""Venue matching on real event locations (tests/labelled/venues.tsv: 47 distinct locations of five public files,
labelled by hand with the venue each is), and the address reader on the spellings that matching depends on."""

from __future__ import annotations

import pytest
from factories import bench_module

from refine.places import read_venue, street_key
from refine.places_match import Place, match_venues


@pytest.fixture(scope="module")
def figures() -> dict:
    return bench_module("evals/places.py").run()


def test_labelled_set_has_at_least_twenty_real_locations_per_part(figures):
    assert figures["tune"]["locations"] >= 20 and figures["held"]["locations"] >= 20


def test_held_out_no_two_venues_merged(figures):
    assert figures["held"]["pair_precision"] == 1.0


def test_held_out_spellings_of_one_venue_grouped(figures):
    assert figures["held"]["pair_recall"] >= 0.95


def test_held_out_unplaceable_locations_left_unplaced(figures):
    assert figures["held"]["unplaceable_placed"] == 0


def test_tuned_part_no_two_venues_merged(figures):
    assert figures["tune"]["pair_precision"] == 1.0


def test_street_key_same_for_abbreviated_and_full_german_street():
    assert street_key("Friedrich-Engels-Str. 22") == street_key("Friedrich-Engels-Straße 22")


def test_street_key_same_with_number_before_or_after():
    assert street_key("72 rue Coenraets") == street_key("Rue Coenraets 72")


def test_street_key_drops_city_glued_after_us_street():
    assert street_key("3631 Perkins Avenue Cleveland") == street_key("3631 Perkins Ave.")


def test_reader_name_of_at_separated_location():
    venue = read_venue("FabLab Cottbus @ Walther-Pauer-Straße 5 03044 Cottbus")
    assert venue.name == "FabLab Cottbus"


def test_reader_postcode_of_at_separated_location():
    venue = read_venue("FabLab Cottbus @ Walther-Pauer-Straße 5 03044 Cottbus")
    assert venue.postcode == "03044"


def test_reader_floor_is_not_the_city():
    venue = read_venue("CPC Offices, 3631 Perkins Ave., Cleveland 4th Fl")
    assert venue.city == "Cleveland"


def test_reader_us_state_is_not_the_city():
    venue = read_venue("CPC Office, 3631 Perkins Avenue, 4th Floor, Cleveland, OH 44114")
    assert (venue.city, venue.postcode) == ("Cleveland", "44114")


def test_reader_decodes_entities():
    venue = read_venue("Cook County Admin Building, Conference Room &#039;B&#039;, 69 W Washington St.")
    assert venue.name == "Cook County Admin Building"


def test_online_event_has_no_venue():
    assert read_venue("Online") is None


def test_event_at_config_address_joins_the_building_not_its_ateliers():
    building = Place(
        id="smart-coenraets", name="Smart, 72 rue Coenraets", address="72 rue Coenraets", city="Saint-Gilles"
    )
    ateliers = Place(
        id="baf",
        name="Brussels Art Factory (BAF)",
        address="72 rue Coenraets",
        city="Saint-Gilles",
        part_of="smart-coenraets",
    )
    [match] = match_venues([read_venue("Rue Coenraets 72, 1060 Saint-Gilles")], [building, ateliers])
    assert match.place.id == "smart-coenraets"


def test_event_naming_the_ateliers_joins_them():
    building = Place(
        id="smart-coenraets", name="Smart, 72 rue Coenraets", address="72 rue Coenraets", city="Saint-Gilles"
    )
    ateliers = Place(
        id="baf",
        name="Brussels Art Factory (BAF)",
        address="72 rue Coenraets",
        city="Saint-Gilles",
        part_of="smart-coenraets",
    )
    [match] = match_venues(
        [read_venue("Brussels Art Factory, Rue Coenraets 72, 1060 Saint-Gilles")], [building, ateliers]
    )
    assert match.place.id == "baf"


def test_same_name_far_apart_is_two_places():
    a = read_venue("O2 Academy, Frogmore Street, BS1 5NA Bristol", latitude=51.4539, longitude=-2.6003)
    b = read_venue("O2 Academy, 211 Stockwell Road, SW9 9SL London", latitude=51.4651, longitude=-0.1149)
    first, second = match_venues([a, b], [])
    assert first.place.id != second.place.id


def test_coordinates_within_a_few_metres_and_a_shared_name_word_join():
    a = read_venue(
        "Le Rocher De Palmer, 1 rue Aristide Briand, 33152 Cenon", latitude=44.86243, longitude=-0.52378
    )
    b = read_venue("Rocher de Palmer (grande salle)", latitude=44.86250, longitude=-0.52370)
    first, second = match_venues([a, b], [])
    assert (second.how, second.place.id) == ("coordinates", first.place.id)
