"""The one filter model behind `vigie feed`, the HTTP feeds and the newsletter themes."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from vigie.core.errors import FilterError
from warehouse.filters import Filter

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE opportunities (id VARCHAR, kind VARCHAR, scope VARCHAR, status VARCHAR, sectors VARCHAR[],"
        " regions VARCHAR[], languages VARCHAR[], search_text VARCHAR, deadline_at TIMESTAMPTZ)"
    )
    rows = [
        (
            "a",
            "call",
            "regional",
            "open",
            ["visual-arts"],
            ["BE-BRU"],
            ["fr"],
            "appel arts plastiques 100% bruxelles",
            "2026-12-01 12:00:00+00",
        ),
        (
            "b",
            "tender",
            "federal",
            "open",
            ["audiovisual"],
            ["BE"],
            ["nl", "fr"],
            "opname video e_mail campagne",
            "2027-03-01 12:00:00+00",
        ),
        (
            "c",
            "event",
            "regional",
            "open",
            ["performing-arts"],
            ["BE-WAL"],
            ["fr"],
            "rencontre theatre namur",
            None,
        ),
        (
            "d",
            "call",
            "european",
            "closed",
            ["music"],
            ["EU"],
            ["en"],
            "music moves europe email",
            "2026-10-01",
        ),
    ]
    con.executemany("INSERT INTO opportunities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def ids(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[str]:
    where, params = flt.where(NOW)
    return [
        r[0]
        for r in con.execute(f"SELECT id FROM opportunities WHERE {where} ORDER BY id", params).fetchall()
    ]


def test_no_filter_matches_everything(con):
    assert ids(con, Filter()) == ["a", "b", "c", "d"]


def test_kinds_combine_with_or(con):
    assert ids(con, Filter.from_params({"kind": "call,event"})) == ["a", "c", "d"]


def test_sectors_match_any_of_an_items_sectors(con):
    assert ids(con, Filter.from_params({"sector": ["audiovisual", "music"]})) == ["b", "d"]


def test_region_accepts_a_friendly_name(con):
    assert ids(con, Filter.from_params({"region": "Bruxelles"})) == ["a"]


def test_language_matches_any_language_of_an_item(con):
    assert ids(con, Filter.from_params({"lang": "fr"})) == ["a", "b", "c"]


def test_filters_of_different_kinds_combine_with_and(con):
    assert ids(con, Filter.from_params({"kind": "call", "lang": "fr", "scope": "regional"})) == ["a"]


def test_free_text_is_accent_insensitive(con):
    assert ids(con, Filter.from_params({"q": "Théâtre"})) == ["c"]


def test_free_text_words_must_all_appear(con):
    assert ids(con, Filter.from_params({"q": "appel bruxelles"})) == ["a"]


def test_percent_in_free_text_is_a_character_not_a_wildcard(con):
    assert ids(con, Filter.from_params({"q": "100%"})) == ["a"]


def test_underscore_in_free_text_is_a_character_not_a_wildcard(con):
    assert ids(con, Filter.from_params({"q": "e_mail"})) == ["b"]


def test_theme_keywords_match_any_word(con):
    assert ids(con, Filter.from_params({"keywords": ["namur", "europe"]})) == ["c", "d"]


def test_closing_within_keeps_future_deadlines_in_the_window(con):
    assert ids(con, Filter.from_params({"closing-within": "30"})) == ["a"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"colour": "red"}, "colour: unknown parameter"),
        ({"kind": "party"}, "kind: unknown value 'party'"),
        ({"sector": "knitting"}, "sector: unknown value 'knitting'"),
        ({"lang": "xx"}, "lang: unknown value 'xx'"),
        ({"region": "nowhere land"}, "region: 'NOWHERE LAND' is not a region code"),
        ({"closing-within": "soon"}, "closing-within: 'soon' is not a whole number of days"),
        ({"closing-within": "-1"}, "closing-within: days must be between 0 and 3650"),
        ({"q": "x" * 201}, "q: search text longer than 200 characters"),
    ],
)
def test_a_bad_parameter_is_named_in_the_error(params, message):
    with pytest.raises(FilterError) as err:
        Filter.from_params(params)
    assert str(err.value).startswith(message)


def test_query_string_form_round_trips():
    flt = Filter.from_params(
        {
            "kind": "call",
            "sector": "music,audiovisual",
            "region": "wallonie",
            "q": "jazz",
            "closing-within": "14",
        }
    )
    assert Filter.from_params(flt.to_params()) == flt
