"""Refine on hostile text: lone surrogates (a JSON "\\ud800" escape), non-characters and control characters are
cleaned where records enter refine, with a flag, so that JSON lines, the warehouse and HTML never fail on them;
and property-based records of any shape never make refine raise."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refine.clean import UNENCODABLE_FLAG, sanitise_record
from refine.pipeline import refine_and_cluster
from vigie.core.items import RAW_FIELDS, new_raw

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _record(**fields: object) -> dict:
    base = {"kind": "call", "native_id": "n1", "url": "https://example.org/a", "title": "Appel à projets"}
    return new_raw("fuzz", "feed", **{**base, **fields})


def test_a_lone_surrogate_is_removed_and_flagged():
    item = refine_and_cluster([_record(title="Appel \ud800à projets")], now=NOW).items[0]
    assert item["title"] == "Appel à projets"
    assert UNENCODABLE_FLAG in item["flags"]


def test_controls_become_spaces_and_non_characters_go():
    record = sanitise_record(_record(summary="a\x00b\x1fc\ufffed", organiser="\uffffOrg"))
    assert record["summary"] == "a b cd"
    assert record["organiser"] == "Org"


def test_nested_values_and_keys_are_cleaned():
    record = sanitise_record(_record(texts={"fr\udfff": {"title": "Titre\ud800"}}))
    assert record["texts"] == {"fr": {"title": "Titre"}}


def test_a_clean_record_is_returned_as_is():
    record = _record()
    assert sanitise_record(record) is record


def test_an_unencodable_id_still_gives_an_item_that_writes_as_utf8():
    result = refine_and_cluster([_record(native_id="id\ud800", url="https://example.org/\udc00x")], now=NOW)
    item = result.items[0]
    assert item["id"] == "fuzz:id"
    assert item["url"] == "https://example.org/x"
    json.dumps(item, ensure_ascii=False).encode("utf-8")


def test_quarantined_records_are_cleaned_too():
    result = refine_and_cluster(
        [_record(kind="nonsense\ud800", title=None, url=None, native_id=None)], now=NOW
    )
    assert result.items == []
    json.dumps(result.quarantined, ensure_ascii=False, default=str).encode("utf-8")


HOSTILE_CHARS = st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\x1b", "\ufffe", "\uffff", "\u202e", "<", "&", "é"]
)
TEXT = st.lists(st.one_of(st.text(max_size=20), HOSTILE_CHARS), max_size=8).map("".join)
VALUE = st.one_of(
    st.none(),
    TEXT,
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(TEXT, max_size=3),
    st.dictionaries(TEXT, st.dictionaries(TEXT, TEXT, max_size=2), max_size=2),
)
RECORD = st.fixed_dictionaries(
    {"source": st.just("fuzz"), "kind": st.sampled_from(["call", "tender", "event", None, "x\ud800"])},
    optional={name: VALUE for name in RAW_FIELDS if name not in ("source", "kind")},
)


@settings(max_examples=40, deadline=10_000, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.lists(RECORD, min_size=1, max_size=3))
def test_refine_never_raises_and_its_output_always_encodes(records):
    result = refine_and_cluster(records, now=NOW)
    assert len(result.items) + len(result.quarantined) + result.replaced == len(records)
    for row in [*result.items, *result.quarantined]:
        json.dumps(row, ensure_ascii=False, default=str).encode("utf-8")
        assert all(isinstance(r, str) for r in [row.get("reason") or ""])
        assert "\n" not in (row.get("reason") or "")
