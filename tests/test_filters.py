"""The one filter model behind `vigie feed`, the HTTP feeds, the browse page and the newsletter themes, over a
real published warehouse: what members see by default, and what each parameter asks for."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from factories import make_item

from vigie.core.errors import FilterError
from warehouse.filters import Filter, count_items, select_items

BRU = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BRU)
FIRST_RUN = NOW - timedelta(days=10)


def _item(key: str, kind: str, text: str, **fields: Any) -> dict[str, Any]:
    dated = {"deadline_at": None, "deadline_precision": None} if kind in ("event", "news") else {}
    dated.update(sectors=[], regions=[])
    return make_item(
        1,
        id=f"t:{key}",
        source="t",
        native_id=key,
        cluster_id=f"t:{key}",
        kind=kind,
        title=text,
        summary="",
        texts={fields.get("language", "fr"): {"title": text, "summary": ""}},
        **{**dated, **fields},
    )


def first_run() -> list[dict[str, Any]]:
    """Items as the first run (10 days before NOW) stored them."""
    return [
        _item("open-call", "call", "Appel arts plastiques 100% Bruxelles", sectors=["visual-arts"],
              regions=["BE-BRU"], scope="regional", deadline_at="2026-12-01T12:00:00+01:00", fit="good"),
        _item("tender", "tender", "Opname video e_mail campagne", language="nl", sectors=["audiovisual"],
              regions=["BE-VLG"], scope="federal", deadline_at="2027-03-01T12:00:00+01:00", fit="unlikely"),
        # Open when collected; its deadline passed since: closed at NOW without a new run.
        _item("passed-call", "call", "Music moves Europe", language="en", sectors=["music"], regions=[],
              scope="european", deadline_at="2026-11-19T17:00:00+01:00"),
        _item("awarded", "tender", "Marché attribué de captation", status="awarded",
              deadline_at="2026-12-20T12:00:00+01:00"),
        _item("cancelled-early", "event", "Concert annulé dès l'annonce", status="cancelled",
              starts_at="2026-12-10T20:00:00+01:00"),
        _item("later-cancelled", "event", "Rencontre theatre Namur", sectors=["performing-arts"],
              regions=["BE-WAL"], starts_at="2026-12-12T19:00:00+01:00"),
        _item("past-event", "event", "Repair Café 2018", starts_at="2026-11-19T14:00:00+01:00"),
        _item("today-date-only", "event", "Journée portes ouvertes", starts_at="2026-11-20T00:00:00+01:00"),
        _item("exhibition", "event", "Exposition en cours", starts_at="2026-10-01T10:00:00+02:00",
              ends_at="2026-12-31T18:00:00+01:00"),
        _item("news", "news", "Nouvelles du secteur", published_at="2026-11-18T09:00:00+01:00"),
        _item("undated-old", "call", "Appel permanent de 2024", deadline_at=None, deadline_precision=None,
              published_at="2024-06-01T09:00:00+02:00"),
        _item("undated-recent", "call", "Appel permanent récent", deadline_at=None, deadline_precision=None,
              published_at="2026-11-01T09:00:00+01:00"),
        # Refine closed it because its deadline had passed when it was collected (on FIRST_RUN).
        _item("closed-by-date", "call", "Appel clos le 5 novembre", status="closed",
              deadline_at="2026-11-05T12:00:00+01:00"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    from warehouse.snapshot import connect
    from warehouse.store import Warehouse

    home = tmp_path_factory.mktemp("vigie-home")
    items = first_run()
    wh = Warehouse(home)
    wh.load(items, "run-1", FIRST_RUN)
    # The second run, at NOW: one event was cancelled after members could see it; nothing else changed.
    second = [dict(i, status="cancelled") if i["id"] == "t:later-cancelled" else i for i in items]
    wh.load(second, "run-2", NOW)
    wh.publish()
    connection = connect(home)
    yield connection
    connection.close()


def ids(con, flt: Filter, now: datetime = NOW) -> set[str]:
    return {i["id"].removeprefix("t:") for i in select_items(con, flt, now)}


DEFAULT = {"open-call", "tender", "later-cancelled", "today-date-only", "exhibition", "undated-recent"}


def test_by_default_members_see_what_is_still_useful(con) -> None:
    assert ids(con, Filter()) == DEFAULT


def test_count_agrees_with_the_selection(con) -> None:
    assert count_items(con, Filter(), NOW) == len(DEFAULT)


def test_count_of_everything_stored(con) -> None:
    assert count_items(con, None, NOW) == len(first_run())


def test_news_only_when_asked(con) -> None:
    assert ids(con, Filter.from_params({"kind": "news"})) == {"news"}


def test_news_never_comes_with_other_kinds(con) -> None:
    assert "news" not in ids(con, Filter.from_params({"kind": "call,tender,event"}))


def test_closed_means_deadline_passed_or_event_over_at_now(con) -> None:
    closed = ids(con, Filter.from_params({"status": "closed"}))
    assert closed == {"passed-call", "past-event", "undated-old", "closed-by-date"}


def test_awarded_when_asked(con) -> None:
    assert ids(con, Filter.from_params({"status": "awarded"})) == {"awarded"}


def test_cancelled_when_asked(con) -> None:
    assert ids(con, Filter.from_params({"status": "cancelled"})) == {"cancelled-early", "later-cancelled"}


def test_open_status_leaves_out_the_update_of_a_cancelled_item(con) -> None:
    assert "later-cancelled" not in ids(con, Filter.from_params({"status": "open"}))


def test_as_of_an_earlier_day_reopens_what_was_closed_by_its_date(con) -> None:
    earlier = datetime(2026, 11, 1, 0, 0, tzinfo=BRU)
    seen = ids(con, Filter(), earlier)
    assert {"closed-by-date", "passed-call"} <= seen


def test_as_of_an_earlier_day_shows_an_event_that_is_past_today(con) -> None:
    assert "past-event" in ids(con, Filter(), datetime(2026, 11, 19, 0, 0, tzinfo=BRU))


def test_as_of_a_later_day_closes_what_passed(con) -> None:
    assert "open-call" not in ids(con, Filter(), datetime(2026, 12, 2, 0, 0, tzinfo=BRU))


def test_fit_filter(con) -> None:
    assert ids(con, Filter.from_params({"fit": "good"})) == {"open-call"}


def test_kinds_combine_with_or(con) -> None:
    assert ids(con, Filter.from_params({"kind": "call,tender"})) == {"open-call", "tender", "undated-recent"}


def test_sectors_match_any_of_an_items_sectors(con) -> None:
    assert ids(con, Filter.from_params({"sector": ["audiovisual", "visual-arts"]})) == {"open-call", "tender"}


def test_region_accepts_a_friendly_name(con) -> None:
    assert ids(con, Filter.from_params({"region": "Bruxelles"})) == {"open-call"}


def test_language_matches_any_language_of_an_item(con) -> None:
    assert ids(con, Filter.from_params({"lang": "nl"})) == {"tender"}


def test_filters_of_different_kinds_combine_with_and(con) -> None:
    assert ids(con, Filter.from_params({"kind": "call", "lang": "fr", "scope": "regional"})) == {"open-call"}


def test_free_text_is_accent_insensitive(con) -> None:
    assert ids(con, Filter.from_params({"q": "Théâtre"})) == {"later-cancelled"}


def test_free_text_words_must_all_appear(con) -> None:
    assert ids(con, Filter.from_params({"q": "appel bruxelles"})) == {"open-call"}


def test_percent_in_free_text_is_a_character_not_a_wildcard(con) -> None:
    assert ids(con, Filter.from_params({"q": "100%"})) == {"open-call"}


def test_underscore_in_free_text_is_a_character_not_a_wildcard(con) -> None:
    assert ids(con, Filter.from_params({"q": "e_mail"})) == {"tender"}


def test_theme_keywords_match_any_word(con) -> None:
    assert ids(con, Filter.from_params({"keywords": ["namur", "video"]})) == {"later-cancelled", "tender"}


def test_closing_within_keeps_future_deadlines_in_the_window(con) -> None:
    assert ids(con, Filter.from_params({"closing-within": "30"})) == {"open-call"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"colour": "red"}, "colour: unknown parameter (expected one of: kind, sector, lang, region"),
        ({"kind": "party"}, "kind: unknown value 'party' (expected one of: call, event, news, tender)"),
        ({"sector": "knitting"}, "sector: unknown value 'knitting' (expected one of: architecture,"),
        ({"lang": "xx"}, "lang: unknown value 'xx' (expected one of: de, en, fr, nl)"),
        ({"region": "nowhere land"}, "region: unknown value 'NOWHERE LAND' (expected one of: BE-BRU, BE-VLG"),
        ({"status": "pending"}, "status: unknown value 'pending' (expected one of: awarded, cancelled,"),
        ({"fit": "perfect"}, "fit: unknown value 'perfect' (expected one of: good, possible, unlikely)"),
        ({"scope": "galactic"}, "scope: unknown value 'galactic' (expected one of: community, european"),
        ({"closing-within": "soon"}, "closing-within: 'soon' is not a whole number of days"),
        ({"closing-within": "-1"}, "closing-within: days must be between 0 and 3650"),
        ({"q": "x" * 201}, "q: text longer than 200 characters"),
        ({"keywords": ["x" * 201]}, "keywords: text longer than 200 characters"),
        ({"keywords": [f"w{n}" for n in range(51)]}, "keywords: more than 50 words"),
    ],
)
def test_a_bad_parameter_is_named_with_what_it_accepts(params: dict, message: str) -> None:
    with pytest.raises(FilterError) as err:
        Filter.from_params(params)
    assert str(err.value).startswith(message)


def test_the_error_carries_what_a_page_needs_to_say_it_in_another_language() -> None:
    with pytest.raises(FilterError) as err:
        Filter.from_params({"fit": "perfect"})
    assert (err.value.param, err.value.problem, err.value.value) == ("fit", "unknown_value", "perfect")
    assert err.value.accepted == ("good", "possible", "unlikely")


def test_query_string_form_round_trips() -> None:
    flt = Filter.from_params(
        {
            "kind": "call",
            "sector": "music,audiovisual",
            "region": "wallonie",
            "status": "open,closed",
            "fit": "good",
            "q": "jazz",
            "closing-within": "14",
        }
    )
    assert Filter.from_params(flt.to_params()) == flt


def test_filter_values_never_reach_sql_text() -> None:
    where, params = Filter.from_params({"q": "'; DROP TABLE opportunities; --"}).where(NOW)
    assert "DROP" not in where
    assert "%'; drop table opportunities; --%" not in params  # split into words, each a parameter
    assert "%drop%" in params
