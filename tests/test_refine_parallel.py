"""Big batches are refined on a Dask cluster (flows.refine_dask, through prefect-dask): a LocalCluster with two
worker processes must give exactly what one process gives, record for record; small batches never start one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factories import real_raw_records

from flows import refine_dask
from refine import fork_runner, pipeline
from refine.pipeline import refine, refine_and_cluster

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """Real raw records (TED notices, French and Dutch feeds, a calendar) and two copies of each, as a second
    source would publish them, plus one record that must be refused."""
    out = [r for records in real_raw_records().values() for r in records]
    copies = [{**r, "source": "other", "native_id": f"copy-{i}"} for i, r in enumerate(out)]
    return [*out, *copies, {"source": "bad", "native_id": "x", "kind": "call"}]


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster of two worker processes for the module's tests; closed afterwards."""
    address = refine_dask.local_cluster(2)
    yield address
    refine_dask.close_local_cluster()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # About 700 records in chunks of 60, one chunk per Dask task: a dozen tasks over the two workers.
    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 60)
    monkeypatch.setattr(refine_dask, "GROUP_CHUNKS", 1)
    monkeypatch.setattr(refine_dask, "TASKS_PER_WORKER", 100)


def _groups_run(address: str) -> int:
    from distributed import Client

    def count(dask_scheduler) -> int:
        prefix = dask_scheduler.task_prefixes.get("refine_packed")
        return 0 if prefix is None else prefix.state_counts["memory"]  # each task's result, once

    with Client(address) as client:
        return client.run_on_scheduler(count)


def test_two_workers_give_the_same_items_as_one_process(records, cluster, small_chunks):
    assert len(records) > 600
    before = _groups_run(cluster)
    together = refine(records, now=NOW, runner=refine_dask.DaskChunks(2))
    chunks = pipeline.chunked(records)
    assert len(refine_dask.grouped(chunks, 2)) == len(chunks) > 10
    assert _groups_run(cluster) - before == len(chunks)  # every chunk went to the cluster
    alone = refine(records, now=NOW)
    assert together.items == alone.items
    assert together.match_keys == alone.match_keys
    assert [(q["native_id"], q["reason"]) for q in together.quarantined] == [
        (q["native_id"], q["reason"]) for q in alone.quarantined
    ]
    assert ("x", "title is missing") in [(q["native_id"], q["reason"]) for q in together.quarantined]
    assert together.replaced == alone.replaced


def test_two_workers_give_the_same_clusters(records, cluster, small_chunks, monkeypatch):
    monkeypatch.setattr(refine_dask, "MIN_DASK_RECORDS", 10)
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "2")
    monkeypatch.delenv("VIGIE_DASK_ADDRESS", raising=False)
    together = refine_dask.refine_and_cluster_records(records, NOW)
    alone = refine_and_cluster(records, now=NOW)
    assert [i["cluster_id"] for i in together.items] == [i["cluster_id"] for i in alone.items]
    assert len({i["cluster_id"] for i in together.items}) < len(together.items)  # the copies joined


def test_an_unreachable_cluster_means_refining_here(records, small_chunks):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = refine(records[:100], now=NOW, runner=refine_dask.DaskChunks(2, "tcp://127.0.0.1:9"))
    assert result.items == refine(records[:100], now=NOW).items


def test_small_batches_stay_in_this_process(monkeypatch):
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "4")
    monkeypatch.delenv("VIGIE_DASK_ADDRESS", raising=False)
    assert refine_dask.workers_for(refine_dask.MIN_DASK_RECORDS - 1) == 1
    assert refine_dask.runner_for(500) is None  # the demo's few hundred records: no cluster, no server
    assert refine_dask.workers_for(refine_dask.MIN_DASK_RECORDS * 10) == min(4, refine_dask.usable_cores())


def _cores(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    # refine.fork_runner counts the cores for both ways of spreading a batch
    monkeypatch.setattr(fork_runner, "usable_cores", lambda: count)
    monkeypatch.setattr(refine_dask, "usable_cores", lambda: count)


def test_a_local_cluster_of_default_size_leaves_this_process_a_core(monkeypatch):
    monkeypatch.delenv("VIGIE_REFINE_WORKERS", raising=False)
    monkeypatch.delenv("VIGIE_DASK_ADDRESS", raising=False)
    _cores(monkeypatch, 2)
    assert refine_dask.runner_for(refine_dask.MIN_DASK_RECORDS * 10) is None  # 2 cores: refined here
    _cores(monkeypatch, 8)
    assert refine_dask.runner_for(refine_dask.MIN_DASK_RECORDS * 10).workers == 7
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "2")  # asked for: taken as it is
    _cores(monkeypatch, 2)
    assert refine_dask.runner_for(refine_dask.MIN_DASK_RECORDS * 10).workers == 2


def test_an_existing_cluster_takes_big_batches(monkeypatch):
    monkeypatch.setenv("VIGIE_DASK_ADDRESS", "tcp://10.0.0.5:8786")
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "16")
    runner = refine_dask.runner_for(refine_dask.MIN_DASK_RECORDS)
    assert isinstance(runner, refine_dask.DaskChunks)
    assert (runner.address, runner.workers) == ("tcp://10.0.0.5:8786", 16)


def test_a_big_batch_is_a_few_task_runs_per_worker():
    chunks = [[n] for n in range(50)]  # 100,000 records in chunks of 2,000
    groups = refine_dask.grouped(chunks, 2)
    assert [len(g) for g in groups] == [7] * 7 + [1]
    assert [c for g in groups for c in g] == chunks  # in order, each chunk once


def test_workers_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "1")
    assert refine_dask.workers_for(1_000_000) == 1
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "many")
    assert refine_dask.workers_for(1_000_000) == 1


def test_a_list_refined_at_once_equals_records_refined_one_by_one(records):
    from refine.record import refine_many, refine_one

    assert refine_many(records, NOW) == [refine_one(r, NOW) for r in records]
    assert refine_many([*records[:3], "not a record"], NOW)[-1] == (None, "record is a str, not a mapping")


def test_a_run_refines_a_big_source_on_the_cluster(records, cluster, small_chunks, monkeypatch, tmp_path):
    """As in `vigie run`: the refine task of a flow sends its big batch to the cluster."""
    import json

    from prefect import flow

    from flows.tasks import read_raw, refine_source

    monkeypatch.setattr(refine_dask, "MIN_DASK_RECORDS", 10)
    monkeypatch.setenv("VIGIE_REFINE_WORKERS", "2")
    monkeypatch.delenv("VIGIE_DASK_ADDRESS", raising=False)
    raw = tmp_path / "s.jsonl"
    raw.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    @flow(name="refine-one-source", persist_result=False)
    def run_one():
        return refine_source([raw], NOW)

    before = _groups_run(cluster)
    together = run_one()
    assert _groups_run(cluster) - before == len(pipeline.chunked(records))
    alone = refine(read_raw([raw])[0], now=NOW)
    assert together.items == alone.items and together.match_keys == alone.match_keys
