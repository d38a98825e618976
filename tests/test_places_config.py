"""config/places.toml and config/equipment.toml: the seeded places say only what the members said (issue 17);
a bad row is refused with a message naming the row and the field, and the other rows still load."""

from __future__ import annotations

from pathlib import Path

from refine.places_config import load_equipment, load_places

GOOD = """
[[place]]
id = "good-one"
name = "Good"
kinds = ["fablab"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "places.toml"
    path.write_text(text, encoding="utf-8")
    return path


def by_id() -> dict:
    return {p.id: p for p in load_places().places}


def test_seed_loads_without_problems():
    assert load_places().problems == []


def test_seed_head_office_address_is_the_one_given():
    assert by_id()["smart-coenraets"].address == "72 rue Coenraets"


def test_seed_head_office_city():
    assert by_id()["smart-coenraets"].city == "Saint-Gilles"


def test_seed_head_office_coworking_open_to_all():
    assert by_id()["smart-coenraets"].fields["access"] == ["public"]


def test_seed_baf_is_inside_the_head_office():
    assert by_id()["brussels-art-factory"].part_of == "smart-coenraets"


def test_seed_invents_no_coordinates():
    assert all(p.latitude is None for p in load_places().places)


def test_seed_usitoo_has_no_invented_city():
    assert by_id()["usitoo"].city is None


def test_seed_tool_sharing_initiatives():
    assert {p.id for p in load_places().places if "tool library" in p.fields["kinds"]} == {
        "microfactory",
        "usitoo",
    }


def test_unknown_kind_names_row_and_field(tmp_path):
    path = write(tmp_path, GOOD + '[[place]]\nid = "bad"\nname = "Bad"\nkinds = ["disco"]\n')
    assert load_places(path).problems == [
        "places.toml place 2 (bad): kinds 'disco' is not one of: atelier, coworking, exhibition space, fablab, "
        "meeting room, other, performance venue, rehearsal room, tiers-lieu, tool library"
    ]


def test_other_rows_load_after_a_bad_row(tmp_path):
    path = write(tmp_path, '[[place]]\nid = "bad"\nname = "Bad"\nkinds = ["disco"]\n' + GOOD)
    assert [p.id for p in load_places(path).places] == ["good-one"]


def test_latitude_as_text_is_refused(tmp_path):
    path = write(tmp_path, GOOD + 'latitude = "50.8"\nlongitude = 4.3\n')
    assert load_places(path).problems == [
        "places.toml place 1 (good-one): latitude must be a number between -90 and 90, got '50.8'"
    ]


def test_unknown_equipment_is_refused(tmp_path):
    path = write(tmp_path, GOOD + 'equipment = ["jacuzzi"]\n')
    assert "equipment 'jacuzzi' is not one of" in load_places(path).problems[0]


def test_unknown_field_is_refused(tmp_path):
    path = write(tmp_path, GOOD + 'opening = "9-17"\n')
    assert load_places(path).problems == ["places.toml place 1 (good-one): unknown field 'opening'"]


def test_duplicate_id_is_refused(tmp_path):
    path = write(tmp_path, GOOD + GOOD)
    assert load_places(path).problems == ["places.toml place 2 (good-one): id 'good-one' is used twice"]


def test_equipment_vocabulary_is_trilingual():
    terms, problems = load_equipment()
    assert (problems, terms["shared-printer"]) == (
        [],
        {"fr": "Imprimante partagée", "nl": "Gedeelde printer", "en": "Shared printer"},
    )


def test_equipment_term_missing_a_language_names_it(tmp_path):
    path = tmp_path / "equipment.toml"
    path.write_text('[[term]]\nid = "wifi"\nfr = "Wifi"\nen = "Wi-Fi"\n', encoding="utf-8")
    assert load_equipment(path)[1] == ["equipment.toml term 1 (wifi): label nl is missing or empty"]
