"""A source's records refined and staged (warehouse.staging) in one step, a big batch on Dask (issue 19): each
Dask task refines a part of the batch and writes that part's Parquet batch itself, and sends back only its path
and counts.

Why: when the workers sent their refine outcomes back (flows.refine_dask.DaskChunks), the process that sent
the records unpickled them: 0.51 s per 14,000 items, about 3.6 s per 100,000, serial, on a 2-core machine whose
two cores the workers already filled (measured 2026-12-02, idle machine: 2 workers gave 0.85x of 1). Here the
records go out once and only a path comes back; the run's loader reads the Parquet files, which it reads anyway.

    paths = stage_refined(records, now, root, run_id, source, quarantined=bad)   # list[StagedPart]

- A batch below flows.refine_dask.MIN_DASK_RECORDS is refined here and written as one file: the name and digest
  it always had (the demo, most sources' daily runs).
- A bigger one is cut into parts of PART_RECORDS records (whole refine chunks, so each record is refined in the
  same chunk as in one process), whatever the number of workers: a flow run retried on a machine with another
  number of cores writes the same files, and content-addressing keeps each once. Each part collapses its own
  repeated ids; warehouse.staging.merge_batches merges the parts in their order (all carry one `written_at`
  and their number), which gives exactly what refining the whole batch gives (tests/test_staging_parts.py).
- With more than one worker (flows.refine_dask.workers_for: $VIGIE_REFINE_WORKERS, $VIGIE_DASK_ADDRESS) the
  parts are Dask tasks; otherwise they are refined here one after the other. With $VIGIE_DASK_ADDRESS the
  workers write to `root` themselves: it must be a location they reach too ($VIGIE_STAGING_URL).
- A few parts per worker are in flight at a time, so this process holds the records once, not a pickled copy
  of all of them. A part whose task fails, or every part when no cluster answers, is refined and written here:
  the same files, only slower.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flows import refine_dask
from refine import pipeline
from refine.pipeline import refine
from warehouse.staging import write_batch

PART_CHUNKS = 2  # refine chunks (refine.pipeline.CHUNK_RECORDS records each) per part: 4,000 records
IN_FLIGHT_PER_WORKER = 2  # parts sent ahead per worker: one running, one waiting

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StagedPart:
    """What a part's task sends back: where its batch is, and how much it holds."""

    path: str
    items: int
    quarantined: int
    replaced: int


@dataclass(frozen=True)
class _Target:
    root: str
    run_id: str
    source: str
    parts: int
    written_at: str


def part_records() -> int:
    return PART_CHUNKS * pipeline.CHUNK_RECORDS


def stage_refined(
    records: list[object],
    now: datetime,
    root: str,
    run_id: str,
    source: str,
    quarantined: list[dict[str, Any]] | None = None,
    workers: int | None = None,
) -> list[StagedPart]:
    """Refines `records` (one source's of a run) and stages them; `quarantined`: records refused before refine
    (unreadable lines), kept with the batch's own. `workers`: None for flows.refine_dask.workers_for."""
    extra = list(quarantined or [])
    if len(records) < refine_dask.MIN_DASK_RECORDS:
        result = refine(records, now=now)
        result.quarantined.extend(extra)
        path = write_batch(root, run_id, source, result)
        return [StagedPart(path, len(result.items), len(result.quarantined), result.replaced)]
    count = refine_dask.workers_for(len(records)) if workers is None else workers
    return stage_parts(records, now, root, run_id, source, extra, count)


def stage_parts(
    records: list[object],
    now: datetime,
    root: str,
    run_id: str,
    source: str,
    quarantined: list[dict[str, Any]] | None = None,
    workers: int = 1,
    size: int | None = None,
) -> list[StagedPart]:
    """The batch as parts of `size` records (default part_records()), on Dask when `workers` > 1."""
    size = size or part_records()
    cuts = [records[i : i + size] for i in range(0, len(records), size)] or [[]]
    target = _Target(root, run_id, source, len(cuts), datetime.now(UTC).isoformat())
    extra = list(quarantined or [])
    if workers <= 1:
        return [_stage(cut, now, target, k, extra) for k, cut in enumerate(cuts)]
    return _on_dask(cuts, now, target, extra, workers)


def stage_packed(packed: bytes, now: datetime, target: _Target, k: int, extra: list) -> StagedPart:
    """On a Dask worker: part `k` (its records pickled by the sender), refined and written."""
    return _stage(pickle.loads(packed), now, target, k, extra)  # noqa: S301 - our own bytes


def _stage(records: list[object], now: datetime, target: _Target, k: int, extra: list) -> StagedPart:
    result = refine(records, now=now)
    if k == target.parts - 1:  # refused lines go last, as in a whole batch
        result.quarantined.extend(extra)
    path = write_batch(
        target.root,
        target.run_id,
        target.source,
        result,
        part=(k, target.parts),
        written_at=target.written_at,
    )
    return StagedPart(path, len(result.items), len(result.quarantined), result.replaced)


def _on_dask(
    cuts: list[list[object]], now: datetime, target: _Target, extra: list, workers: int
) -> list[StagedPart]:
    from distributed import as_completed
    from prefect_dask import DaskTaskRunner

    done: dict[int, StagedPart] = {}
    runner = None
    try:
        runner = DaskTaskRunner(address=refine_dask.cluster_address(workers)).__enter__()
        client = runner.client  # connects here
    except Exception as exc:  # noqa: BLE001 - any failure to reach a cluster means staging here
        _log.warning("refine cluster unavailable (%s: %s); refining in this process", type(exc).__name__, exc)
        if runner is not None:
            runner.__exit__(None, None, None)
        return [_stage(cut, now, target, k, extra) for k, cut in enumerate(cuts)]
    try:
        waiting = iter(range(len(cuts)))
        by_future: dict[Any, int] = {}

        def send() -> Any:
            k = next(waiting, None)
            if k is None:
                return None
            packed = pickle.dumps(cuts[k], protocol=pickle.HIGHEST_PROTOCOL)
            future = client.submit(stage_packed, packed, now, target, k, extra, pure=False)
            by_future[future] = k
            return future

        try:
            first = [f for f in (send() for _ in range(workers * IN_FLIGHT_PER_WORKER)) if f is not None]
            running = as_completed(first, loop=client.loop)
            for future in running:
                k = by_future.pop(future)
                try:
                    done[k] = future.result()
                except Exception as exc:  # noqa: BLE001 - a failed part is refined here instead
                    _log.warning("refine part %d failed on Dask (%s: %s); here", k, type(exc).__name__, exc)
                    done[k] = _stage(cuts[k], now, target, k, extra)
                following = send()
                if following is not None:
                    running.add(following)
        except Exception as exc:  # noqa: BLE001 - the cluster went away: the rest is refined here
            _log.warning("refine cluster failed (%s: %s); refining here", type(exc).__name__, exc)
    finally:
        runner.__exit__(None, None, None)
    return [done.get(k) or _stage(cut, now, target, k, extra) for k, cut in enumerate(cuts)]
