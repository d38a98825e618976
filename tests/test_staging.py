"""Refined batches staged as Parquet (warehouse.staging) come back exactly, are written once per content, and
load into the warehouse once, giving the same rows as loading the refined items directly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import fsspec
import pytest
from factories import real_raw_records

from flows.tasks import load_run
from refine.pipeline import refine, refine_and_cluster
from vigie.core.errors import WarehouseError
from warehouse.staged_load import load_staged, pending
from warehouse.staging import merge_batches, read_batches, remove_run, staging_root, write_batch
from warehouse.store import Warehouse

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def by_source() -> dict[str, list[dict]]:
    """Real raw records (TED notices, French and Dutch feeds, a calendar) per source, with a refused one."""
    out = real_raw_records()
    out["s-ics"].append({"source": "s-ics", "native_id": "x", "kind": "call"})
    return out


@pytest.fixture(scope="module")
def refined(by_source):
    return {name: refine(records, now=NOW) for name, records in by_source.items()}


def test_a_batch_comes_back_exactly(tmp_path, refined):
    for name, result in refined.items():
        write_batch(str(tmp_path), "run-1", name, result)
    back = {b.source: b.result for b in read_batches(str(tmp_path), "run-1")}
    assert sorted(back) == ["s-feeds", "s-ics", "s-ted"]
    assert sum(len(r.items) for r in back.values()) > 150
    for name, result in refined.items():
        assert back[name].items == result.items
        assert back[name].match_keys == result.match_keys  # tuples stay tuples: clustering compares them
        assert back[name].quarantined == result.quarantined
        assert (back[name].replaced, back[name].errors_by_reason) == (
            result.replaced,
            result.errors_by_reason,
        )
    ted = next(i for i in back["s-ted"].items if len(i["texts"]) > 10)
    assert ted["texts"]["fr"]["title"] and isinstance(ted["cpv"], list)
    assert ("x", "title is missing") in [(q["native_id"], q["reason"]) for q in back["s-ics"].quarantined]


def test_the_same_batch_twice_is_one_file(tmp_path, refined):
    first = write_batch(str(tmp_path), "run-1", "s-feeds", refined["s-feeds"])
    again = write_batch(str(tmp_path), "run-1", "s-feeds", refined["s-feeds"])
    other = write_batch(str(tmp_path), "run-1", "s-ics", refined["s-ics"])
    assert first == again != other
    assert first == f"{tmp_path}/run-1/s-feeds/{Path(first).name}" and first.endswith(".parquet")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [Path(first).name, Path(other).name]
    )
    assert len(read_batches(str(tmp_path), "run-1")) == 2


def test_a_half_written_file_is_not_a_batch(tmp_path, refined):
    path = Path(write_batch(str(tmp_path), "run-1", "s-feeds", refined["s-feeds"]))
    (path.parent / f".{path.stem}.dead.tmp").write_bytes(path.read_bytes()[:100])  # a writer killed mid-file
    assert [b.digest for b in read_batches(str(tmp_path), "run-1")] == [path.stem]


def test_a_broken_batch_is_named(tmp_path):
    (tmp_path / "run-1" / "s-x").mkdir(parents=True)
    (tmp_path / "run-1" / "s-x" / "abc.parquet").write_bytes(b"not parquet")
    with pytest.raises(WarehouseError, match=r"run-1/s-x/abc.parquet: not a readable batch"):
        read_batches(str(tmp_path), "run-1")


def test_names_that_are_not_folders_are_refused(tmp_path, refined):
    with pytest.raises(WarehouseError, match="source '../x' cannot name a folder"):
        write_batch(str(tmp_path), "run-1", "../x", refined["s-feeds"])


def test_the_location_comes_from_the_environment(tmp_path, monkeypatch, refined):
    monkeypatch.delenv("VIGIE_STAGING_URL", raising=False)
    assert staging_root(tmp_path) == str(tmp_path / "staging")
    monkeypatch.setenv("VIGIE_STAGING_URL", "memory://vigie-test/staging/")
    root = staging_root(tmp_path)
    assert root == "memory://vigie-test/staging"
    path = write_batch(root, "run-9", "s-feeds", refined["s-feeds"])  # any fsspec URL: here, in memory
    assert path.startswith("memory://vigie-test/staging/run-9/s-feeds/")
    assert fsspec.filesystem("memory").exists(path)
    assert read_batches(root, "run-9")[0].result.items == refined["s-feeds"].items
    remove_run(root, "run-9")
    assert read_batches(root, "run-9") == []


def test_an_id_in_two_batches_keeps_the_later_reading(tmp_path, refined):
    feeds = refined["s-feeds"]
    later = type(feeds)(
        items=[{**feeds.items[0], "title": "Relu"}], quarantined=[], match_keys=feeds.match_keys[:1]
    )
    write_batch(str(tmp_path), "run-1", "s-feeds", feeds)
    write_batch(str(tmp_path), "run-1", "s-feeds-again", later)
    merged = merge_batches(read_batches(str(tmp_path), "run-1"))
    assert len(merged.items) == len(feeds.items)
    assert [i["title"] for i in merged.items if i["id"] == feeds.items[0]["id"]] == ["Relu"]
    assert merged.replaced == feeds.replaced + 1


def _table(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(Warehouse(home).path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_staged_batches_load_as_the_items_themselves(tmp_path, by_source, refined):
    direct = tmp_path / "direct"
    together = refine_and_cluster([r for records in by_source.values() for r in records], now=NOW)
    load_run.fn(direct, together.items, together.quarantined, [], "run-1", NOW)
    staged = tmp_path / "staged"
    root = staging_root(staged)
    for name, result in refined.items():
        write_batch(root, "run-1", name, result)
    done = load_staged(staged, root, "run-1", NOW)
    assert len(done.taken) == 3 and done.load.new == len(together.items)
    query = "SELECT * EXCLUDE (first_seen_at, last_seen_at, updated_at) FROM opportunities ORDER BY id"
    assert _table(staged, query) == _table(direct, query)
    assert len({row[0] for row in _table(staged, "SELECT cluster_id FROM opportunities")}) < done.load.total
    quarantine = "SELECT source, native_id, reason, raw FROM quarantine ORDER BY ALL"
    assert _table(staged, quarantine) == _table(direct, quarantine)


def test_a_batch_is_never_loaded_twice(tmp_path, refined):
    root = staging_root(tmp_path)
    write_batch(root, "run-1", "s-ics", refined["s-ics"])
    first = load_staged(tmp_path, root, "run-1", NOW)
    write_batch(root, "run-1", "s-ics", refined["s-ics"])  # a retried worker writes it again
    second = load_staged(tmp_path, root, "run-1", NOW)
    assert (len(first.taken), len(second.taken), len(second.skipped)) == (1, 0, 1)
    assert second.load.new == second.load.updated == 0
    counts = "SELECT (SELECT count(*) FROM quarantine), (SELECT count(*) FROM opportunities)"
    before = _table(tmp_path, counts)
    assert before == [(len(refined["s-ics"].quarantined), len(refined["s-ics"].items))]
    assert read_batches(root, "run-1") == []  # loaded (or found loaded): removed
    # A loader that skips the check still loads nothing: the digest is refused inside the transaction.
    write_batch(root, "run-1", "s-ics", refined["s-ics"])
    batches = read_batches(root, "run-1")
    assert pending(Warehouse(tmp_path), batches) == []
    result = batches[0].result
    with pytest.raises(WarehouseError, match="already loaded"):
        load_run.fn(tmp_path, result.items, result.quarantined, [], "run-1", NOW, batches)
    assert _table(tmp_path, counts) == before
