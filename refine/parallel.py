"""The per-record stages of refine on every core, for big batches (a first collection of TED, a backfill).

Records are independent until clustering, so a batch is cut into chunks that worker processes refine (each
item with its match keys) while this process sends the next chunks and collects the results. Workers
are forked when this process has a single thread (they inherit the loaded language model and taxonomies);
a process with other threads (Prefect's) gets them from a forkserver instead, as forking it could copy a lock
another thread holds. They stay up for the next batch of the same process. If the workers cannot start (a
script without an `if __name__ == "__main__":` guard under a forkserver), the batch is refined here.

VIGIE_REFINE_WORKERS sets the number of workers (default: the CPU count; 1 turns this off).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime

from refine.record import KeyedOutcome, refine_chunk

# Below this a batch is refined in this process: starting workers (about 1 s) would cost more than it saves.
MIN_PARALLEL_RECORDS = 20_000
CHUNK_RECORDS = 2_000

_executor: Executor | None = None
_executor_workers = 0


def workers_for(count: int) -> int:
    """How many worker processes a batch of `count` records gets (1 = refine in this process)."""
    if count < MIN_PARALLEL_RECORDS:
        return 1
    configured = os.environ.get("VIGIE_REFINE_WORKERS", "").strip()
    try:
        wanted = int(configured) if configured else (os.cpu_count() or 1)
    except ValueError:
        wanted = 1
    return max(1, min(wanted, count // CHUNK_RECORDS))


def refine_outcomes(records: list[object], now: datetime, workers: int) -> Iterator[KeyedOutcome]:
    """Outcomes in record order, computed by `workers` processes."""
    chunks = [records[i : i + CHUNK_RECORDS] for i in range(0, len(records), CHUNK_RECORDS)]
    done = 0
    try:
        executor = _pool(workers)
        for outcomes in executor.map(_refine_chunk, chunks, itertools.repeat(now)):
            done += 1
            yield from outcomes
    except BrokenProcessPool:
        _reset()
        logging.getLogger(__name__).warning("refine workers could not run; refining in this process")
        for chunk in chunks[done:]:
            yield from _refine_chunk(chunk, now)


def _refine_chunk(records: list[object], now: datetime) -> list[KeyedOutcome]:
    with gc_paused():
        return refine_chunk(records, now)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block. Refining creates millions of small acyclic objects (freed
    by reference counting anyway), and each of them counts towards the next collection, whose full passes walk
    every object of the process, the whole batch included: measured 9% of the serial refine time of 100,000
    items, and more in the process that receives the workers' items."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _warm() -> None:
    # Load the language model, the sector taxonomy and the gazetteer before the first chunk arrives.
    refine_chunk(
        [{"source": "warm-up", "native_id": "1", "kind": "call", "title": "Appel à projets culture"}],
        datetime.now(UTC),
    )
    # What a forked worker inherited (the parent's batch among it) is never freed here: out of the collector's
    # sight, so that a collection neither walks it nor copies its pages (copy-on-write).
    gc.freeze()


def _pool(workers: int) -> Executor:
    global _executor, _executor_workers
    if _executor is None or _executor_workers != workers:
        _reset()
        if threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["refine.record"])
        _executor = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm)
        _executor_workers = workers
    return _executor


def _reset() -> None:
    global _executor, _executor_workers
    if _executor is not None:
        _executor.shutdown(wait=False, cancel_futures=True)
    _executor, _executor_workers = None, 0


@atexit.register
def _shutdown() -> None:
    if _executor is not None:
        _executor.shutdown(wait=False, cancel_futures=True)
