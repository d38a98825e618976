"""Issue 13 class 9 on the Belgian e-Procurement search answer: with and without the capture wrapper, publications
missing optional blocks, results carrying only some languages; only a body that is not a publication list is
refused, with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spiders.parsers import bosa
from vigie.core.errors import ParseError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "be-eprocurement"


def capture() -> dict:
    path = CORPUS / "bosa_search_publications_travaux_prod.json"
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/corpus is not part of a fresh clone)")
    return json.loads(path.read_bytes())


def parse(doc: object) -> list[dict]:
    return list(bosa.parse(json.dumps(doc).encode(), source="bosa"))


def test_bare_answer_gives_the_same_items_as_the_wrapped_capture() -> None:
    doc = capture()
    assert [r["native_id"] for r in parse(doc["json"])] == [r["native_id"] for r in parse(doc)]


def test_bare_answer_count() -> None:
    assert len(parse(capture()["json"])) == 25


def test_publication_without_optional_blocks_is_read() -> None:
    publication = dict(capture()["json"]["publications"][2])
    for optional in ("lots", "organisation", "cpvAdditionalCodes", "nutsCodes", "dispatchDate"):
        publication.pop(optional, None)
    [record] = parse({"publications": [publication], "totalCount": 1})
    assert (record["title"], record["deadline_at"]) == (
        "Ophalen en verwerken afval technische dienst",
        "2026-02-17T10:00:00",
    )


def test_only_the_languages_given_are_in_texts() -> None:
    records = {r["native_id"]: r for r in parse(capture())}
    assert sorted(records["84320e98-96d9-49fe-8397-774ddec51568"]["texts"]) == ["nl"]


def test_three_language_publication_keeps_all_three() -> None:
    records = {r["native_id"]: r for r in parse(capture())}
    assert sorted(records["83684cc1-b0f6-4417-86f2-7ae73805ef3a"]["texts"]) == ["en", "fr", "nl"]


def test_title_is_in_the_first_declared_language() -> None:
    records = {r["native_id"]: r for r in parse(capture())}
    assert (
        records["94cee4d6-7856-4003-b530-700d5e3eb577"]["language"],
        records["94cee4d6-7856-4003-b530-700d5e3eb577"]["title"],
    ) == ("nl", "Werken Klavertje 4")


def test_cancelled_publication_is_cancelled() -> None:
    records = {r["native_id"]: r for r in parse(capture())}
    assert records["94cee4d6-7856-4003-b530-700d5e3eb577"]["status"] == "cancelled"


def test_award_notice_is_awarded() -> None:
    records = {r["native_id"]: r for r in parse(capture())}
    assert records["3f79d50d-e189-4f63-add4-850f781a6641"]["status"] == "awarded"


def test_empty_publication_list_is_not_an_error() -> None:
    assert parse({"publications": [], "totalCount": 0}) == []


def test_error_body_is_refused_with_its_reason() -> None:
    path = CORPUS / "bosa_error_500_cpv.json"
    if not path.exists():
        pytest.skip(f"{path} not available")
    with pytest.raises(ParseError, match=r"^x: e-Procurement API error 50000: Internal Server Error"):
        list(bosa.parse(path.read_bytes(), source="bosa", url="x"))
