"""Big batches are refined by worker processes: the result must be exactly what one process gives."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from pathlib import Path

import pytest

from refine import parallel
from refine.pipeline import refine, refine_and_cluster
from spiders import parsers

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """Real raw records (TED notices, French and Dutch feeds, a calendar) and two copies of each, as a second
    source would publish them, plus one record that must be refused."""
    out: list[dict] = []
    for folder, family in (("ted", None), ("feeds", "feed"), ("ics", "ics")):
        for path in sorted((FIXTURES / folder).glob("*.*")):
            if path.suffix == ".md":
                continue
            try:
                found = list(
                    parsers.parse(path.read_bytes(), family, source=f"s-{folder}", url=path.as_uri())
                )
            except Exception:  # noqa: S112 - fixtures meant to fail are not the point here
                continue
            for record in found:
                record["kind"] = record.get("kind") or ("event" if folder == "ics" else "call")
            out += found
    copies = [{**r, "source": "other", "native_id": f"copy-{i}"} for i, r in enumerate(out)]
    return [*out, *copies, {"source": "bad", "native_id": "x", "kind": "call"}]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 10)
    monkeypatch.setattr(parallel, "CHUNK_RECORDS", 25)
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "2")


def _serial(records: list[dict], monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as m:
        m.setenv("VIGIE_REFINE_WORKERS", "1")
        return refine(records, now=NOW)


def test_workers_give_the_same_items_as_one_process(records, small_chunks, monkeypatch):
    assert len(records) > 200
    assert parallel.workers_for(len(records)) == 2
    together = refine(records, now=NOW)
    alone = _serial(records, monkeypatch)
    assert together.items == alone.items
    assert together.match_keys == alone.match_keys


def test_workers_give_the_same_clusters(records, small_chunks, monkeypatch):
    together = refine_and_cluster(records, now=NOW)
    with monkeypatch.context() as m:
        m.setenv("VIGIE_REFINE_WORKERS", "1")
        alone = refine_and_cluster(records, now=NOW)
    assert [i["cluster_id"] for i in together.items] == [i["cluster_id"] for i in alone.items]
    assert len({i["cluster_id"] for i in together.items}) < len(together.items)  # the copies joined


def test_workers_quarantine_the_same_records(records, small_chunks, monkeypatch):
    together = refine(records, now=NOW)
    alone = _serial(records, monkeypatch)
    assert [(q["native_id"], q["reason"]) for q in together.quarantined] == [
        (q["native_id"], q["reason"]) for q in alone.quarantined
    ]
    assert ("x", "title is missing") in [(q["native_id"], q["reason"]) for q in together.quarantined]


def test_small_batches_stay_in_this_process(monkeypatch):
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "4")
    assert parallel.workers_for(parallel.MIN_PARALLEL_RECORDS - 1) == 1
    assert parallel.workers_for(parallel.MIN_PARALLEL_RECORDS * 10) == 4


def test_workers_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "1")
    assert parallel.workers_for(1_000_000) == 1


def test_broken_workers_fall_back_to_this_process(records, small_chunks, monkeypatch):
    class Broken:
        def map(self, *args, **kwargs):
            raise BrokenProcessPool("a worker died")

        def shutdown(self, **kwargs):
            pass

    monkeypatch.setattr(parallel, "_pool", lambda workers: Broken())
    together = refine(records, now=NOW)
    assert together.items == _serial(records, monkeypatch).items


def test_a_list_refined_at_once_equals_records_refined_one_by_one(records):
    from refine.record import refine_many, refine_one

    assert refine_many(records, NOW) == [refine_one(r, NOW) for r in records]
    assert refine_many([*records[:3], "not a record"], NOW)[-1] == (None, "record is a str, not a mapping")
