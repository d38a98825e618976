"""Reading a pooled run's staged sources back (flows.distributed.read_back), without a Prefect server: a flow
run taken for lost that was only slow goes on, appends its records to its retry's raw file and stages a batch
of its own. The run loads only the batches named by the source's collect summary; the other copy is removed
with the run's files, and a source given up on keeps its batch for a later look."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import real_raw_records

from flows.distributed import read_back, write_outcome
from flows.distributed_dispatch import forget_staged
from refine.pipeline import refine
from spiders.crawl import CollectResult
from warehouse.staging import staging_root, write_batch

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RUN = "20261123T090000-abcd"


@pytest.fixture
def feed_records() -> list[dict]:
    records = real_raw_records()["s-feeds"][:12]
    assert len(records) == 12
    return [{**r, "source": "feed"} for r in records]


def _stage(home: Path, source: str, records: list[dict]) -> str:
    return write_batch(staging_root(home), RUN, source, refine(records, now=NOW), written_at=NOW.isoformat())


def test_a_slow_attempts_own_batch_is_not_loaded_and_is_removed_afterwards(tmp_path, feed_records):
    retry = _stage(tmp_path, "feed", feed_records)
    # The slow first attempt read its records and its retry's, appended to one raw file: the same items, twice.
    slow = _stage(tmp_path, "feed", feed_records + feed_records)
    assert slow != retry
    root = staging_root(tmp_path)
    write_outcome(root, RUN, "feed", CollectResult(source="feed", records=12), [retry])

    staged = read_back(root, RUN, ["feed"], {}, {"feed": ["run-1", "run-2"]})

    assert [b.path for b in staged.batches] == [retry]
    assert [b.path for b in staged.superseded] == [slow]
    assert len(staged.refined["feed"].items) == len({r["native_id"] for r in feed_records})
    assert staged.collected[0].records == 12
    assert forget_staged(tmp_path, RUN, staged) == []
    assert list((tmp_path / "staging").rglob("*.parquet")) == []


def test_a_source_given_up_on_loads_nothing_and_keeps_its_batch(tmp_path, feed_records):
    root = staging_root(tmp_path)
    kept = _stage(tmp_path, "feed", feed_records)
    other = _stage(tmp_path, "agenda", [{**r, "source": "agenda"} for r in feed_records[:3]])
    write_outcome(root, RUN, "agenda", CollectResult(source="agenda", records=3), [other])
    errors = {"feed": "flow run x no sign of life for 80 s; gave up after 3 attempts"}

    staged = read_back(root, RUN, ["feed", "agenda"], errors, {})

    assert [b.source for b in staged.batches] == ["agenda"]
    assert staged.superseded == []
    assert staged.collected[0].errors == [errors["feed"]]
    assert forget_staged(tmp_path, RUN, staged) == [kept]


def test_a_completed_run_without_a_collect_summary_loads_nothing(tmp_path, feed_records):
    root = staging_root(tmp_path)
    _stage(tmp_path, "feed", feed_records)

    staged = read_back(root, RUN, ["feed"], {}, {})

    assert staged.batches == [] and staged.refined == {}
    assert staged.collected[0].errors == ["its flow run completed but staged no collect summary"]
