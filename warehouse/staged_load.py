"""The single loader of staged batches (warehouse.staging): every batch of a run that the warehouse does not
hold yet, clustered together and with the stored items, upserted in one transaction with their quarantined
records and their digests (table loaded_batches), so that no batch is ever loaded twice.

flows.tasks.load_run does the same in the pipeline's own steps (dedupe_run between reading and loading);
`load_staged` is the whole of it in one call, for the benchmark and for a loader outside Prefect.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from refine.pipeline import RefineResult
from vigie.core.errors import WarehouseError
from warehouse.connection import first_line, run_sql_file, sql_text
from warehouse.staging import StagedBatch, merge_batches, read_batches, remove_run
from warehouse.store import LoadResult, Warehouse, registered


@dataclass
class StagedLoad:
    taken: list[StagedBatch] = field(default_factory=list)  # batches this load took in
    skipped: list[StagedBatch] = field(default_factory=list)  # batches an earlier load already took in
    merged: RefineResult | None = None
    clusters_merged: int = 0
    load: LoadResult = field(default_factory=LoadResult)
    seconds: dict[str, float] = field(default_factory=dict)  # read, cluster, load


def pending(warehouse: Warehouse, batches: Sequence[StagedBatch]) -> list[StagedBatch]:
    """The batches whose digest the warehouse has not recorded yet."""
    if not batches:
        return []
    with warehouse.session() as con:
        found = con.execute(sql_text("read/loaded_batches.sql"), {"digests": _digests(batches)}).fetchall()
    done = {row[0] for row in found}
    return [b for b in batches if b.digest not in done]


def record_taken(con: duckdb.DuckDBPyConnection, batches: Sequence[StagedBatch], at: datetime) -> None:
    """Inside the load's transaction: the batches it takes in. A batch already recorded fails the load."""
    if not batches:
        return
    table = pa.table(
        {
            "digest": pa.array(_digests(batches), pa.string()),
            "run_id": pa.array([b.run_id for b in batches], pa.string()),
            "source": pa.array([b.source for b in batches], pa.string()),
            "items": pa.array([len(b.result.items) for b in batches], pa.int32()),
        }
    )
    with registered(con, "taken", table):
        try:
            run_sql_file(con, "write/loaded_batches.sql", {"at": at})
        except duckdb.ConstraintException as exc:
            raise WarehouseError(f"a staged batch is already loaded ({first_line(exc)})") from None


def load_staged(home: Path, root: str, run_id: str, now: datetime, remove: bool = True) -> StagedLoad:
    """Reads the run's batches from `root`, leaves out those already loaded, clusters the rest (with the
    stored items) and loads them in one transaction. Then (`remove`) deletes the batches the warehouse now
    holds; a failed load keeps them all, for the next try."""
    from refine.clusters import KnownClusters, assign_clusters

    warehouse = Warehouse(home)
    started = time.perf_counter()
    batches = read_batches(root, run_id)
    taken = pending(warehouse, batches)
    kept = {b.digest for b in taken}
    out = StagedLoad(taken=taken, skipped=[b for b in batches if b.digest not in kept])
    if not taken:
        if remove:
            remove_run(root, run_id, _digests(batches))
        return out
    out.merged = merge_batches(taken)
    read = time.perf_counter()
    known = KnownClusters(warehouse.cluster_candidates())
    out.clusters_merged = assign_clusters(out.merged.items, known, out.merged.match_keys)
    clustered = time.perf_counter()
    with warehouse.session() as con:
        out.load = warehouse.load(out.merged.items, run_id, now)
        if out.merged.quarantined:
            warehouse.quarantine(out.merged.quarantined, run_id)
        record_taken(con, taken, datetime.now(UTC))
    out.seconds = {
        "read": round(read - started, 2),
        "cluster": round(clustered - read, 2),
        "load": round(time.perf_counter() - clustered, 2),
    }
    if remove:
        remove_run(root, run_id, _digests(batches))
    return out


def _digests(batches: Sequence[StagedBatch]) -> list[str]:
    return [b.digest for b in batches]
