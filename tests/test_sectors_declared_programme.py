"""An EU Funding & Tenders topic's programme is the portal's own classification of it (issue 14, "prefer the
signal the source gives"): the SEDIA parser passes it on as the record's category, and config/sectors.toml
`declared` gives a sector to the programmes that fund one trade whatever the topic's subject (every Horizon
Europe topic is research and innovation); Creative Europe spans several trades and gives none by itself."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from refine.sectors import tag_sectors
from spiders.parsers import sedia

NOW = "2026-11-20T09:00:00+00:00"
FIXTURES = Path(__file__).parent / "fixtures" / "sedia"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "eu-funding"


def refined(body: bytes) -> dict[str, dict]:
    with time_machine.travel(NOW, tick=False):
        records = list(sedia.parse(body, source="eu-ft"))
        items = refine_and_cluster(records, now=datetime.now(UTC)).items
    return {i["native_id"]: i for i in items}


@pytest.fixture(scope="module")
def horizon() -> dict[str, dict]:
    path = CORPUS / "sedia_search_horizon_open.json"
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/corpus is not part of a fresh clone)")
    return refined(path.read_bytes())


def test_the_parser_gives_the_programme_as_the_topics_category():
    with time_machine.travel(NOW, tick=False):
        records = {
            r["native_id"]: r
            for r in sedia.parse((FIXTURES / "sedia_handmade_search.json").read_bytes(), source="eu-ft")
        }
    assert records["CREA-CULT-2027-MOBILITY"]["categories"] == ["Creative Europe"]


def test_every_horizon_topic_of_a_real_search_page_is_research_and_innovation(horizon):
    topics = [i for i in horizon.values() if i["native_id"].startswith("HORIZON-")]
    assert len(topics) == 4
    assert all("research-innovation" in i["sectors"] for i in topics), [
        (i["title"], i["sectors"]) for i in topics if "research-innovation" not in i["sectors"]
    ]


def test_a_creative_europe_call_gets_no_sector_from_its_programme():
    assert tag_sectors("Mobility scheme", [], [], title="Mobility scheme", declared=["Creative Europe"]) == []


@pytest.mark.parametrize(
    "programme, sector",
    [
        ("Horizon Europe", "research-innovation"),
        ("Digital Europe", "digital"),
        ("LIFE", "environment"),
        ("EU4Health", "social-health"),
    ],
)
def test_a_programme_that_funds_one_trade_gives_it(programme, sector):
    assert sector in tag_sectors("Call 2027", [], [], title="Call 2027", declared=[programme])


def test_news_takes_no_sector_from_a_programme():
    assert tag_sectors("Call 2027", [], [], title="Call 2027", declared=["Horizon Europe"], kind="news") == []


def test_the_labelled_sets_categories_are_what_the_parser_gives(horizon):
    # sectors.tsv `categories` was filled by parsing each EU Funding & Tenders row's corpus file: a parser change
    # that gives other categories must be seen here, not silently leave the evaluation on stale values
    import csv

    labelled = Path(__file__).parent / "labelled" / "sectors.tsv"
    with labelled.open(encoding="utf-8", newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            if r["origin"].startswith("eu-funding/")
        ]
    assert len(rows) == 11
    with time_machine.travel(NOW, tick=False):
        parsed: dict[str, list[str]] = {}
        for name in sorted({r["origin"] for r in rows}):
            for record in sedia.parse((CORPUS.parent / name).read_bytes(), source="eu-ft"):
                parsed.setdefault(record["title"], record["categories"])
    assert {r["title"]: r["categories"].split("|") for r in rows} == {
        r["title"]: parsed[r["title"]] for r in rows
    }
