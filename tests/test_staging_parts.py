"""A big batch refined and staged in parts (flows.refine_staged): on two real Dask workers that write the parts
themselves, the parts are the same files as when this process writes them, they merge back into exactly the
whole batch's refine result, they load into the same rows, and the loaded files are removed afterwards."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from factories import real_raw_records

from flows import refine_dask, refine_staged
from flows.tasks import load_run
from refine import pipeline
from refine.pipeline import refine, refine_and_cluster
from warehouse.staged_load import load_staged
from warehouse.staging import merge_batches, read_batches, remove_run, write_batch
from warehouse.store import Warehouse

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BAD_LINE = {"source": "s", "native_id": None, "record": {"line": "{"}, "reason": "s.jsonl line 9: not JSON"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """Real raw records (TED notices, feeds, a calendar), a copy of each from another source, a refused
    record, and at the end later readings of twenty early records (same ids: the later reading wins)."""
    out = [r for records in real_raw_records().values() for r in records]
    copies = [{**r, "source": "other", "native_id": f"copy-{i}"} for i, r in enumerate(out)]
    later = [{**r, "title": f"{r.get('title') or 'Sans titre'} (relu)"} for r in out[:20]]
    return [*out, *copies, {"source": "bad", "native_id": "x", "kind": "call"}, *later]


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    # About 700 records in parts of 60 (chunks of 30 here; a worker refines its part as one chunk).
    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 30)
    monkeypatch.setattr(refine_dask, "MIN_DASK_RECORDS", 10)


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster of two worker processes for the module's tests; closed afterwards."""
    address = refine_dask.local_cluster(2)
    yield address
    refine_dask.close_local_cluster()


def _parts_run(address: str) -> int:
    from distributed import Client

    def count(dask_scheduler) -> int:
        prefix = dask_scheduler.task_prefixes.get("stage_packed")
        return 0 if prefix is None else prefix.state_counts["memory"] + prefix.state_counts["released"]

    with Client(address) as client:
        return client.run_on_scheduler(count)


def test_parts_merge_back_into_the_whole_batch(tmp_path, records, small_parts):
    parts = refine_staged.stage_refined(records, NOW, str(tmp_path), "run-1", "s", [BAD_LINE], workers=1)
    assert len(parts) == -(-len(records) // 60) > 10
    merged = merge_batches(read_batches(str(tmp_path), "run-1"))
    whole = refine(records, now=NOW)
    whole.quarantined.append(BAD_LINE)
    assert merged.items == whole.items  # same items, same order: each id at its last reading
    assert merged.match_keys == whole.match_keys
    assert merged.quarantined == whole.quarantined
    assert (merged.replaced, merged.errors_by_reason) == (whole.replaced, whole.errors_by_reason) != (0, {})
    assert [i["title"] for i in merged.items if i["id"] == whole.items[-1]["id"]][0].endswith("(relu)")
    assert sum(p.items for p in parts) >= len(merged.items)
    assert parts[-1].quarantined >= 1  # the refused line travels with the last part


def test_two_dask_workers_write_the_same_parts(tmp_path, records, cluster, small_parts, monkeypatch):
    here = refine_staged.stage_refined(
        records, NOW, str(tmp_path / "here"), "run-1", "s", [BAD_LINE], workers=1
    )

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("a part was refined in the sending process")

    # The workers import their own copy of the module: only this process's refine is replaced.
    monkeypatch.setattr(refine_staged, "_stage", not_here)
    monkeypatch.setattr(refine_staged, "refine", not_here)
    before = _parts_run(cluster)
    there = refine_staged.stage_refined(
        records, NOW, str(tmp_path / "dask"), "run-1", "s", [BAD_LINE], workers=2
    )
    assert _parts_run(cluster) - before == len(there) > 10  # every part was a Dask task
    assert [Path(p.path).name for p in there] == [Path(p.path).name for p in here]  # content-addressed
    assert [(p.items, p.quarantined, p.replaced) for p in there] == [
        (p.items, p.quarantined, p.replaced) for p in here
    ]


def test_the_local_workers_do_not_profile_themselves(cluster):
    import dask
    from distributed import Client

    def settings() -> tuple:
        return dask.config.get("distributed.worker.profile.enabled"), dask.config.get(
            "distributed.admin.tick.interval"
        )

    with Client(cluster) as client:
        assert set(client.run(settings).values()) == {(False, "1s")}  # about 8% of a worker's CPU otherwise


def test_a_small_batch_is_the_one_file_it_always_was(tmp_path, records):
    assert len(records) < refine_dask.MIN_DASK_RECORDS
    parts = refine_staged.stage_refined(records, NOW, str(tmp_path / "a"), "run-1", "s", [BAD_LINE])
    whole = refine(records, now=NOW)
    whole.quarantined.append(BAD_LINE)
    assert [p.path.rsplit("/", 1)[-1] for p in parts] == [
        write_batch(str(tmp_path / "b"), "run-1", "s", whole).rsplit("/", 1)[-1]
    ]


def test_without_a_cluster_the_parts_are_staged_here(tmp_path, records, small_parts, monkeypatch):
    import dask

    monkeypatch.setenv("VIGIE_DASK_ADDRESS", "tcp://127.0.0.1:9")
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        there = refine_staged.stage_refined(records[:400], NOW, str(tmp_path / "a"), "run-1", "s", workers=2)
    here = refine_staged.stage_refined(records[:400], NOW, str(tmp_path / "b"), "run-1", "s", workers=1)
    assert [Path(p.path).name for p in there] == [Path(p.path).name for p in here]
    assert len(here) == 7


def _rows(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(Warehouse(home).path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_parts_load_as_the_whole_batch_and_go_once_loaded(tmp_path, records, small_parts):
    whole = refine_and_cluster(records, now=NOW)
    load_run.fn(tmp_path / "direct", whole.items, whole.quarantined, [], "run-1", NOW)
    root = str(tmp_path / "staging")
    refine_staged.stage_refined(records, NOW, root, "run-1", "s", workers=1)
    done = load_staged(tmp_path / "staged", root, "run-1", NOW)
    assert len(done.taken) > 10 and done.load.new == len(whole.items)
    query = "SELECT * EXCLUDE (first_seen_at, last_seen_at, updated_at) FROM opportunities ORDER BY id"
    assert _rows(tmp_path / "staged", query) == _rows(tmp_path / "direct", query)
    quarantine = "SELECT source, native_id, reason, raw FROM quarantine ORDER BY ALL"
    assert _rows(tmp_path / "staged", quarantine) == _rows(tmp_path / "direct", quarantine)
    assert not (tmp_path / "staging" / "run-1").exists()  # loaded, so removed
    assert _rows(tmp_path / "staged", "SELECT count(*) FROM loaded_batches") == [(len(done.taken),)]


def test_a_failed_load_keeps_the_batches(tmp_path, records, monkeypatch):
    root = str(tmp_path / "staging")
    refine_staged.stage_refined(records[:50], NOW, root, "run-1", "s")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Warehouse, "load", broken)
    with pytest.raises(OSError, match="disk full"):
        load_staged(tmp_path / "home", root, "run-1", NOW)
    assert len(read_batches(root, "run-1")) == 1


def test_a_batch_the_load_did_not_take_stays(tmp_path, records):
    root = str(tmp_path)
    first = refine(records[:30], now=NOW)
    late = refine(records[30:60], now=NOW)
    taken = write_batch(root, "run-1", "s-a", first)
    left = write_batch(root, "run-1", "s-b", late)
    (tmp_path / "run-1" / "_collect").mkdir()
    (tmp_path / "run-1" / "_collect" / "s-a.json").write_text("{}")
    assert remove_run(root, "run-1", {Path(taken).stem}) == [left]
    assert [b.path for b in read_batches(root, "run-1")] == [left]
    assert not Path(taken).exists() and not (tmp_path / "run-1" / "_collect" / "s-a.json").exists()
    assert remove_run(root, "run-1", {Path(left).stem}) == []
    assert not (tmp_path / "run-1").exists()
