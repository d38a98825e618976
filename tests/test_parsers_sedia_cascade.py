"""Issue 13 class 8 on EU Funding & Tenders search results: copies of one topic merge, distinct calls under one
parent stay distinct, each identified by its own reference."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from spiders.parsers import sedia

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "eu-funding"
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def real_page() -> dict:
    path = CORPUS / "sedia_search_full_page.json"
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/corpus is not part of a fresh clone)")
    return json.loads(path.read_bytes())


def ids(doc: dict) -> list[str]:
    return [r["native_id"] for r in sedia.parse(json.dumps(doc).encode(), source="eu", options={"now": NOW})]


def test_centricity_copies_merge_into_one_item() -> None:
    found = ids(real_page())
    assert found.count("HORIZON-INFRA-2024-EOSC-01-03") == 1


def test_real_page_gives_one_item_per_topic() -> None:
    assert len(ids(real_page())) == 8


def test_two_calls_under_one_parent_topic_stay_distinct() -> None:
    doc = real_page()
    first = doc["results"][0]
    cascade = json.loads(json.dumps(first))  # same parent identifier, same language, another call
    cascade["reference"] = "CASCADE-OPEN-CALL-2"
    cascade["metadata"]["title"] = ["Open call 2 for artists in residence"]
    doc["results"] = [first, cascade]
    assert ids(doc) == ["50138952TOPICSen", "CASCADE-OPEN-CALL-2"]


def test_translations_of_one_topic_stay_one_item() -> None:
    doc = real_page()
    first = doc["results"][0]
    french = json.loads(json.dumps(first))
    french["metadata"]["language"] = ["fr"]
    french["metadata"]["title"] = ["Laboratoires vivants pour la santé des sols"]
    doc["results"] = [first, french]
    [record] = sedia.parse(json.dumps(doc).encode(), source="eu", options={"now": NOW})
    assert sorted(record["texts"]) == ["en", "fr"]


@time_machine.travel(datetime(2027, 5, 1, 12, tzinfo=UTC), tick=False)
def test_two_stage_topic_deadline_is_the_next_cut_off_after_now() -> None:
    records = {r["native_id"]: r for r in sedia.parse(json.dumps(real_page()).encode(), source="eu")}
    assert records["HORIZON-MISS-2027-05-SOIL-01-two-stage"]["deadline_at"] == "2027-09-14"


def test_two_stage_topic_summary_lists_every_cut_off() -> None:
    records = {
        r["native_id"]: r
        for r in sedia.parse(json.dumps(real_page()).encode(), source="eu", options={"now": NOW})
    }
    assert "2027-04-08, 2027-09-14" in records["HORIZON-MISS-2027-05-SOIL-01-two-stage"]["summary"]
