"""The demo's warehouse as a newcomer opens it after `vigie run --demo` (real public files, as of 2021-08-20):
the SQL examples of docs/working-groups.md answer with the rows a working group would check, the newsletter
themes show what the sample really holds on that day, and the default feed shows only what is still open or to
come. Readers are given no --as-of: they take the demo's day from the snapshot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_warehouse_docs import examples

from warehouse.query import run_query

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
ARTE = "demo-ted-archive:371022-2021"  # social-media formats and video, ARTE GEIE: open until 2021-08-24
OTW = "demo-ted-archive:414888-2021"  # communication agency, Opérateur de Transport de Wallonie: until 09-09

# Examples the demo's real files cannot answer, and why. Each is a strict xfail: the day the demo gains the
# data (a second version of a notice, a failing source...), the test says so and the entry must go.
DEMO_GAPS = {
    4: "no call of the sample comes back a year later: the sample has no call at all on the demo day",
    6: "one version of each document, and a corrigendum (F14) is a notice of its own: no deadline ever moves",
    7: "one version of each document, and a corrigendum (F14) is a notice of its own: no status ever changes",
    9: "the only Brussels event of the sample (UiTdatabank) is in January-March 2021, none in September",
    10: "every demo source succeeds: the corpus has no redistributable real error response or broken feed",
    11: "no call of the sample is about theatre (the sample has no call on the demo day)",
}


def vigie(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIGIE_HOME": str(home), "COLUMNS": "200"}
    env.pop("VIGIE_UITDATABANK_CLIENT_ID", None)
    return subprocess.run(
        [sys.executable, "-m", "vigie.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo-home")
    done = vigie(home, "run", "--demo")
    assert done.returncode == 0, done.stderr[-2000:]
    return home


def rows(home: Path, number: int) -> list[dict]:
    return json.loads(run_query(examples()[number][1], "json", home=home) or "[]")


# --------------------------------------------------------------------------- docs/working-groups.md


@pytest.mark.parametrize("number", sorted(examples()))
def test_each_example_answers_on_the_demo(
    demo_home: Path, number: int, request: pytest.FixtureRequest
) -> None:
    if number in DEMO_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=DEMO_GAPS[number]))
    assert rows(demo_home, number), examples()[number][0]


def test_what_closes_this_month_starts_with_the_arte_tender(demo_home: Path) -> None:
    # August 2021: ARTE closes on the 24th; the Walloon communication agency only on 9 September.
    got = rows(demo_home, 1)
    assert [(r["organiser"], r["kind"], r["deadline_at"]) for r in got] == [
        ("ARTE GEIE", "tender", "2021-08-24T12:00:00+02:00"),
        ("Inlecom Group BV and related companies", "tender", "2021-08-27T16:00:00+02:00"),
        # 16:00 in Georgetown, the buyer's own zone (America/Guyana, UTC-4), is 22:00 in Brussels.
        ("Caribbean Forum for ACP States", "tender", "2021-08-30T22:00:00+02:00"),
        ("Deutsche Welthungerhilfe e.V", "tender", "2021-08-31T23:59:00+02:00"),
    ]
    assert got[0]["url"] == "https://ted.europa.eu/en/notice/-/detail/371022-2021"


def test_audiovisual_closing_within_two_weeks_with_days_left(demo_home: Path) -> None:
    assert [(r["days_left"], r["organiser"]) for r in rows(demo_home, 2)] == [(4, "ARTE GEIE")]


def test_who_publishes_audiovisual_tenders_on_the_demo(demo_home: Path) -> None:
    got = {r["organiser"]: (r["tenders"], r["total_budget"]) for r in rows(demo_home, 3)}
    assert got["ARTE GEIE"] == (1, None)  # ARTE announces no value
    assert got["Erlebniszentrum Naturgewalten Sylt gGmbH"] == (1, 630252.0)


def test_new_this_week_counts_each_source_once(demo_home: Path) -> None:
    # Everything was first seen on the demo day, so this week's new items are the whole warehouse.
    got = {(r["source"], r["kind"]): r["new_items"] for r in rows(demo_home, 5)}
    total = json.loads(run_query("SELECT count(*) AS n FROM opportunities", "json", home=demo_home))
    assert sum(got.values()) == total[0]["n"]
    assert got[("demo-ted-archive", "tender")] == 31
    assert got[("demo-feed-fr", "news")] == 7


def test_items_per_region_and_sector(demo_home: Path) -> None:
    got = {(r["region"], r["sector"]): r["items"] for r in rows(demo_home, 8)}
    assert got[("BE-BRU", "performing-arts")] >= 1  # BRIGHT Brussels 2020, artistic projects
    assert got[("BE-VLG", "events")] >= 1  # The Tall Ship Races 2022, Port of Antwerp


def test_open_tenders_in_dutch_with_their_dutch_title(demo_home: Path) -> None:
    # TED translates the title of every R2.0.9 notice (as the CPV label) into each EU language; a Dutch notice
    # keeps its own title. The qualification system whose 2099 date was set aside has no deadline: it comes last.
    # The two prior information notices, of 30 March 2020 and 7 December 2018, announced procurements for the
    # 12 months after them: on the demo day (20 August 2021) they are closed (refine.status, rule 5).
    got = [(r["organiser"], r["titel"], r["deadline_at"]) for r in rows(demo_home, 13)]
    assert got[0] == ("ARTE GEIE", "Film- en videodiensten", "2021-08-24T12:00:00+02:00")
    assert (
        "OPERATEUR DE TRANSPORT DE WALLONIE",
        "Diensten door persagentschappen",
        "2021-09-09T11:00:00+02:00",
    ) in got
    assert (
        "ProRail bv",
        "Landelijk — innovatiepartnerschap duurzame geluidsschermen",
        "2021-09-16T23:59:00+02:00",
    ) in got
    assert len(got) == 17
    assert got[-1][0::2] == ("DB Netz AG (Bukr 16)", None)
    assert not {"Gemeinde Veitshöchheim", "Bruxelles Environnement"} & {organiser for organiser, _, _ in got}


def test_the_same_framework_published_twice_is_one_cluster(demo_home: Path) -> None:
    # Surrey County Council published its Orbis framework on 24 and again on 25 May 2018.
    got = rows(demo_home, 12)
    assert [(r["cluster_id"], r["copies"], r["a_title"]) for r in got] == [
        ("demo-ted-archive:220722-2018", 2, "SCC LP Orbis Planned Maintenance Works Framework")
    ]


def test_largest_open_tenders_by_budget(demo_home: Path) -> None:
    got = [
        (r["budget_amount"], r["budget_currency"], r["organiser"], r["deadline_at"])
        for r in rows(demo_home, 14)
    ]
    assert got == [
        (800000.0, "EUR", "Inlecom Group BV and related companies", "2021-08-27T16:00:00+02:00"),
        (500000.0, "EUR", "Caribbean Forum for ACP States", "2021-08-30T22:00:00+02:00"),
        (500000.0, "EUR", "Centre for Development of Polog Planning Region", "2021-09-06T11:00:00+02:00"),
    ]


def test_the_implausible_2099_deadline_is_a_data_quality_remark(demo_home: Path) -> None:
    # DB Netz AG's qualification system is published as "open until 2099-12-31": Vigie drops the date, flags it.
    # The two prior information notices over a year old are closed by their age, and say so.
    assert rows(demo_home, 15) == [
        {"remark": "flag: status_aged_out", "n": 2},
        {"remark": "flag: deadline_implausible", "n": 1},
    ]


def test_places_with_upcoming_events_on_the_demo_day(demo_home: Path) -> None:
    assert any(r["upcoming"] > 0 for r in rows(demo_home, 16))


# --------------------------------------------------------------------------- newsletter themes

# What the sample really holds on 2021-08-20, per theme (README, "The demo sample"): the themes left empty need
# data the corpus has no redistributable real file for (see the README).
FILLED = {"digest", "tenders-media"}
DAYS_LEFT = {"fr": "encore 4 jours", "nl": "nog 4 dagen", "en": "4 days left"}


def test_themes_show_what_the_sample_holds_in_every_language(demo_home: Path, tmp_path: Path) -> None:
    from newsletters.make import make_issues

    results = make_issues(demo_home, tmp_path)  # no --as-of: the demo's day, from the snapshot
    filled = {(r.theme, r.lang) for r in results if not r.empty}
    assert filled == {(theme, lang) for theme in FILLED for lang in ("fr", "nl", "en")}
    for r in results:
        assert r.text_path.name.startswith(f"{r.theme}-2021-08-20-")
        if r.theme == "digest":
            closing = r.text_path.read_text(encoding="utf-8").split("\n== ", 2)[1]
            assert DAYS_LEFT[r.lang] in closing  # ARTE, the first deadline of the demo day
            assert r.counts["closing_soon"] == 7 and r.counts["events"] > 0
        if r.theme == "tenders-media":
            assert r.counts["closing_soon"] >= 1 and r.counts["events"] == 0
            assert "https://ted.europa.eu/en/notice/-/detail/371022-2021" in r.text_path.read_text("utf-8")


def test_the_readme_says_which_themes_the_demo_leaves_empty() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The demo sample", 1)[1].split("\n## ", 1)[0]
    for theme in ("culture-calls", "events-brussels", "events-wallonia", "events-flanders", "eu-funding"):
        assert f"`{theme}`" in section


# --------------------------------------------------------------------------- default feed


def test_the_default_feed_shows_what_is_open_on_the_demo_day(demo_home: Path) -> None:
    done = vigie(demo_home, "feed", "--format", "json")  # no --as-of: the demo's day
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)["items"]
    ids = {i["id"] for i in items}
    assert {ARTE, OTW} <= ids
    got = json.loads(
        run_query(
            "SELECT id, kind, status, coalesce(ends_at, starts_at) < as_of() AS past FROM opportunities",
            "json",
            home=demo_home,
        )
    )
    shown = [r for r in got if r["id"] in ids]
    assert len(shown) == len(ids)
    assert not [r for r in shown if r["kind"] == "news"]
    assert not [r for r in shown if r["status"] in ("closed", "awarded", "cancelled")]
    assert not [r for r in shown if r["kind"] == "event" and r["past"]]
