"""Region, scope and country from NUTS codes, postal codes, city names and the buyer."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from refine.regions import places, region_of_postal_code, regions_in_text, tag_place
from vigie.core.errors import RegionsConfigError

LABELLED = Path(__file__).resolve().parent / "labelled" / "places.tsv"


def _rows() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _raw(**fields: Any) -> dict[str, Any]:
    raw: dict[str, Any] = dict.fromkeys(
        ("organiser", "organiser_type", "postal_code", "city", "location", "country", "scope")
    )
    raw.update(nuts=[], regions=[])
    raw.update(fields)
    return raw


def test_labelled_set_is_large_and_mostly_real():
    rows = _rows()
    assert len(rows) >= 40
    assert sum(r["origin"] != "written" for r in rows) > len(rows) / 2


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["organiser"][:40])
def test_labelled_places(row):
    raw = _raw(
        **{
            k: row[k] or None
            for k in ("organiser", "organiser_type", "postal_code", "city", "location", "country")
        },
        nuts=[c for c in row["nuts"].split(",") if c],
    )
    regions, scope, country = tag_place(raw)
    assert regions == [r for r in row["expected_regions"].split(",") if r]
    assert scope == (row["expected_scope"] or None)
    assert country == (row["expected_country"] or None)


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("1000", "BE-BRU"), ("1299", "BE-BRU"), ("1300", "BE-WAL"), ("1499", "BE-WAL"), ("1500", "BE-VLG"),
        ("2000", "BE-VLG"), ("3999", "BE-VLG"), ("4000", "BE-WAL"), ("7999", "BE-WAL"), ("8000", "BE-VLG"),
        ("9999", "BE-VLG"), ("B-4000", "BE-WAL"), ("BE-1050", "BE-BRU"), ("be 9000", "BE-VLG"), (1050, "BE-BRU"),
        ("12345", None), ("2514AB", None), ("L-2925", None), ("", None), ("0999", None),
    ],
)  # fmt: skip
def test_belgian_postal_codes(code, region):
    assert region_of_postal_code(code) == region


def test_nuts_codes():
    assert tag_place(_raw(nuts=["BE100"])) == (["BE-BRU"], None, "BE")
    assert tag_place(_raw(nuts=["BE2"])) == (["BE-VLG"], None, "BE")
    assert tag_place(_raw(nuts=["BE35", "BE33"])) == (["BE-WAL"], None, "BE")
    assert tag_place(_raw(nuts=["BE100", "BE242"])) == (["BE-BRU", "BE-VLG"], None, "BE")
    # Another country's NUTS gives the country only, and a foreign buyer is international.
    assert tag_place(_raw(nuts=["FR101"])) == ([], "international", "FR")
    assert tag_place(_raw(nuts=["EL303"]))[2] == "GR"


def test_city_names_in_free_text_respect_hyphenated_names():
    assert regions_in_text("Place des Sciences, Louvain-la-Neuve") == {"BE-WAL"}
    assert regions_in_text("Rue de Namur 4, 3000 Leuven") == {"BE-VLG", "BE-WAL"}
    assert regions_in_text("Sint-Gillis-Waas") == {"BE-VLG"}
    assert regions_in_text("Sint-Gillis") == {"BE-BRU"}
    assert regions_in_text("Fédération Wallonie-Bruxelles") == set()
    assert regions_in_text("LIEGE, Belgique") == {"BE-WAL"}
    assert regions_in_text("Luik") == {"BE-WAL"}


def test_ambiguous_city_names_count_only_in_the_city_field():
    assert tag_place(_raw(city="Namen"))[0] == ["BE-WAL"]
    assert tag_place(_raw(location="De namen van de deelnemers worden later bekendgemaakt"))[0] == []
    assert tag_place(_raw(city="Bergen", country="NO")) == ([], "international", "NO")


def test_organiser_patterns_give_scope():
    assert tag_place(_raw(organiser="Service public fédéral Finances"))[1] == "federal"
    assert tag_place(_raw(organiser="Federale Overheidsdienst Justitie"))[1] == "federal"
    assert tag_place(_raw(organiser="Région wallonne")) == (["BE-WAL"], "regional", "BE")
    assert tag_place(_raw(organiser="Brussels Hoofdstedelijk Gewest")) == (["BE-BRU"], "regional", "BE")
    assert tag_place(_raw(organiser="Deutschsprachige Gemeinschaft")) == (["BE-WAL"], "community", "BE")
    assert tag_place(_raw(organiser="Gemeente Zemst")) == (["BE-VLG"], "local", "BE")
    assert tag_place(_raw(organiser="European Education and Culture Executive Agency")) == (
        [],
        "european",
        None,
    )


def test_acronyms_match_in_capitals_only():
    assert tag_place(_raw(organiser="ONE - Office de la Naissance et de l'Enfance"))[1] == "community"
    assert tag_place(_raw(organiser="One World Productions asbl"))[1] is None


def test_buyer_type_codes_when_the_name_says_nothing():
    assert tag_place(_raw(organiser="Agence X", organiser_type="eu-ins-bod-ag"))[1] == "european"
    assert tag_place(_raw(organiser="Organisme X", organiser_type="cga", country="BE"))[1] == "federal"
    assert tag_place(_raw(organiser="Organisme X", organiser_type="la", country="BE"))[1] == "local"
    # The name wins over the code: a Flemish agency typed as central government is regional.
    assert tag_place(_raw(organiser="Vlaamse overheid", organiser_type="cga"))[1] == "regional"
    # organiser_type given as text is matched like a name
    assert tag_place(_raw(organiser_type="European Commission"))[1] == "european"


def test_registry_defaults_are_used_only_without_evidence():
    assert tag_place(_raw(regions=["BE-WAL"], scope="community")) == (["BE-WAL"], "community", "BE")
    assert tag_place(_raw(regions=["BE-WAL"], scope="community", postal_code="1000")) == (
        ["BE-BRU"],
        "community",
        "BE",
    )
    assert tag_place(_raw(organiser="Stad Gent", scope="regional"))[1] == "local"


def test_foreign_buyers_are_international_unless_european():
    assert tag_place(_raw(organiser="Ville de Paris", country="FR")) == ([], "international", "FR")
    assert tag_place(_raw(organiser="Court of Justice of the European Union", country="LU")) == (
        [],
        "european",
        "LU",
    )
    assert tag_place(_raw(organiser="Waterschap", country="NLD")) == ([], "international", "NL")
    # A Belgian postal code means nothing for a Dutch buyer.
    assert tag_place(_raw(postal_code="1234", country="NL"))[0] == []


def test_a_generic_local_word_does_not_make_a_buyer_belgian():
    # detroitmi.gov's council page: "City of Detroit" says how local the buyer is, not where it is.
    assert tag_place(_raw(organiser="City of Detroit")) == ([], "local", None)
    assert tag_place(_raw(organiser="Stadt Köln", organiser_type="la")) == ([], "local", None)
    # A Belgian commune or a Belgian federal body still is.
    assert tag_place(_raw(organiser="Ville de Liège"))[2] == "BE"
    assert tag_place(_raw(organiser="SPF Finances"))[2] == "BE"


def test_empty_record():
    assert tag_place(_raw()) == ([], None, None)


def test_repeated_buyers_get_their_own_answer_and_list():
    # tag_place remembers verdicts by the fields it reads: each field still counts, and a caller may change
    # the list it gets without changing the next answer.
    first = tag_place(_raw(organiser="Ville de Liège"))
    first[0].append("BE-BRU")
    assert tag_place(_raw(organiser="Ville de Liège")) == (["BE-WAL"], "local", "BE")
    assert tag_place(_raw(organiser="Ville de Liège", country="FR")) == ([], "international", "FR")
    assert tag_place(_raw(organiser="Ville de Liège", nuts=["BE100"]))[0] == ["BE-BRU"]
    assert (
        tag_place(_raw(postal_code=1000)) == tag_place(_raw(postal_code="1000")) == (["BE-BRU"], None, "BE")
    )
    # a raw field of another type is read as it is (True is not the postal code 1)
    assert tag_place(_raw(postal_code=True, city=["Gent"])) == (["BE-VLG"], None, "BE")


def test_bad_region_in_config_names_file_and_entry(tmp_path):
    path = tmp_path / "regions.toml"
    path.write_text('[[postal]]\nfrom = 1000\nto = 1299\nregion = "BE-BXL"\n', encoding="utf-8")
    with pytest.raises(RegionsConfigError, match=r"regions\.toml: \[\[postal\]\] #1: region 'BE-BXL'"):
        places(path)


def test_bad_scope_in_config(tmp_path):
    path = tmp_path / "regions.toml"
    path.write_text('[[organiser]]\nscope = "national"\npatterns = ["X"]\n', encoding="utf-8")
    with pytest.raises(RegionsConfigError, match=r"\[\[organiser\]\] #1: scope 'national'"):
        places(path)


def test_missing_config(tmp_path):
    with pytest.raises(RegionsConfigError, match="file not found"):
        places(tmp_path / "absent.toml")
