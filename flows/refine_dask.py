"""Big refine batches on a Dask cluster, through prefect-dask's DaskTaskRunner (issue 19).

Records are independent until clustering, so a big batch (a first collection of TED, a backfill) is cut into
chunks that Dask workers refine, each group of chunks one Dask task sent through prefect-dask's client; this
process sends them, gathers the outcomes in record order and does the rest (same-id collapsing, clustering)
as for any batch.

- `VIGIE_DASK_ADDRESS` (tcp://host:8786): an existing cluster, whose workers may be on other machines (with
  Vigie installed: they import refine).
- Otherwise a `distributed.LocalCluster` of VIGIE_REFINE_WORKERS worker processes (default: one fewer than the
  CPU count, as this process needs a core to receive the outcomes, see runner_for; so none on a 2-core machine),
  started on the first big batch of the process and kept for the next ones, closed when the process exits.
- Small batches (below MIN_DASK_RECORDS: the demo, most sources' daily runs) are refined in this process, and
  VIGIE_REFINE_WORKERS=1 keeps every batch here: no cluster is started. So `make demo` and `vigie run` need
  no server and no cluster, and run the same code with one local worker.

If the cluster fails (it cannot start or be reached, or a group's task fails), the groups concerned are refined here:
the batch's result is the same, only slower.

This runner sends the outcomes back, for a run that loads from memory (`vigie run` with a big source), and this
process unpickles them. A source's flow run on the work pool stages its batch instead: there each Dask task
refines a part and writes it to staging itself, and sends back only its path (flows.refine_staged).
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import resource
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from refine.clusters import KnownClusters
from refine.fork_runner import WORKERS_ENV, processes_wanted, usable_cores
from refine.pipeline import ChunkRunner, RefineResult, gc_paused, refine, refine_and_cluster
from refine.record import KeyedOutcome, refine_chunk

ADDRESS_ENV = "VIGIE_DASK_ADDRESS"
# Below this a batch is refined in this process: starting workers (seconds) would cost more than it saves.
MIN_DASK_RECORDS = 20_000
# Dask tasks per worker for a batch, and the fewest chunks (refine.pipeline.CHUNK_RECORDS records each) per
# task: a few per worker keep every worker busy to the end, and each costs this process some bookkeeping.
TASKS_PER_WORKER = 4
GROUP_CHUNKS = 3

# The local cluster's Dask settings: each worker's statistical profiler (a stack sample every 10 ms) and the
# 20 ms event-loop health ticks cost about 8% of a refining worker's CPU (measured 2026-12-02, 12,000 records,
# three tries each way: 2.09 s against 1.92 s), and the ticks keep this process busy while it waits. Nothing
# here reads those profiles. An existing cluster ($VIGIE_DASK_ADDRESS) keeps its own settings.
QUIET_DASK = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_cluster: Any = None  # the LocalCluster of this process, started on first need


def workers_for(count: int) -> int:
    """How many workers a batch of `count` records is spread over (1: refined in this process)."""
    if count < MIN_DASK_RECORDS:
        return 1
    wanted = processes_wanted()  # $VIGIE_REFINE_WORKERS, read where the forked refine reads it
    if wanted <= 1:
        return 1
    # An existing cluster is as big as it is (its workers may be on other machines); a local one gets no
    # more workers than this machine has cores.
    return wanted if os.environ.get(ADDRESS_ENV, "").strip() else min(wanted, usable_cores())


def runner_for(count: int) -> ChunkRunner | None:
    """The Dask runner for a batch of `count` records, or None to refine it in this process.

    The outcomes come back to this process, which unpickles them and clusters the batch: a local cluster left
    to its default size keeps a core for that (cores - 1 workers). On a 2-core machine that means refining
    here: measured 2026-12-02 on 100,000 bench records, quiet machine, 2 local workers gave 4,642 and 5,595
    items/s where this process alone gave 7,962 (this process used 7.5-9.2 s of CPU receiving). A run that
    stages (flows.refine_staged) gets only paths back and uses every core. $VIGIE_REFINE_WORKERS or
    $VIGIE_DASK_ADDRESS, when set, are taken as they are."""
    workers = workers_for(count)
    if (
        workers > 1
        and not os.environ.get(WORKERS_ENV, "").strip()
        and not os.environ.get(ADDRESS_ENV, "").strip()
    ):
        workers = min(workers, usable_cores() - 1)
    return DaskChunks(workers) if workers > 1 else None


def refine_records(records: list[object], now: datetime) -> RefineResult:
    """refine.pipeline.refine, on Dask when the batch is big."""
    return refine(records, now=now, runner=runner_for(len(records)))


def refine_and_cluster_records(
    records: list[object], now: datetime, known: KnownClusters | None = None
) -> RefineResult:
    """refine.pipeline.refine_and_cluster, on Dask when the batch is big."""
    return refine_and_cluster(records, now=now, known=known, runner=runner_for(len(records)))


def refine_packed(packed: bytes, now: datetime) -> list[KeyedOutcome]:
    """On a Dask worker: the outcomes of a few chunks (pickled by `pack`), in order."""
    with gc_paused():
        return [outcome for chunk in pickle.loads(packed) for outcome in refine_chunk(chunk, now)]  # noqa: S301


def pack(group: list[list[object]]) -> bytes:
    """A group's records as one value, pickled once here: Dask then sends the bytes as they are."""
    return pickle.dumps(group, protocol=pickle.HIGHEST_PROTOCOL)


class DaskChunks:
    """A refine.pipeline.ChunkRunner that sends groups of chunks to Dask through a DaskTaskRunner's client.

    Each group is a plain Dask task, not a Prefect task run of its own: measured on 60,000 items in 8 groups,
    Prefect's bookkeeping per task run (API calls from each worker, the context sent with each) took 13.9 s
    where the same groups as plain Dask tasks took 9.4 s, against 15.5 s in this process. Prefect still sees
    the work as the refine task that called this, and the workers never need to reach the Prefect API."""

    def __init__(self, workers: int, address: str | None = None) -> None:
        self.workers = workers
        self.address = address or os.environ.get(ADDRESS_ENV, "").strip() or None

    def __call__(self, chunks: list[list[object]], now: datetime) -> Iterator[list[KeyedOutcome]]:
        from prefect_dask import DaskTaskRunner

        groups = grouped(chunks, self.workers)
        try:
            address = cluster_address(self.workers, self.address)
            runner = DaskTaskRunner(address=address).__enter__()
        except Exception as exc:  # noqa: BLE001 - any failure to reach a cluster means refining here
            _log.warning(
                "refine cluster unavailable (%s: %s); refining in this process", type(exc).__name__, exc
            )
            yield from _here(groups, now)
            return
        try:
            try:
                client = runner.client
                futures = [client.submit(refine_packed, pack(g), now, pure=False) for g in groups]
            except Exception as exc:  # noqa: BLE001 - as above
                _log.warning(
                    "refine cluster refused the work (%s: %s); refining here", type(exc).__name__, exc
                )
                yield from _here(groups, now)
                return
            for group, future in zip(groups, futures, strict=True):
                try:
                    outcomes = future.result()
                except Exception as exc:  # noqa: BLE001 - a failed group is refined here instead
                    _log.warning(
                        "refine group failed on Dask (%s: %s); refining it here", type(exc).__name__, exc
                    )
                    outcomes = next(_here([group], now))
                yield outcomes
        finally:
            runner.__exit__(None, None, None)


def grouped(chunks: list[list[object]], workers: int) -> list[list[list[object]]]:
    """The chunks, in order, cut into the groups that each make one Dask task."""
    size = max(GROUP_CHUNKS, -(-len(chunks) // (workers * TASKS_PER_WORKER)))
    return [chunks[i : i + size] for i in range(0, len(chunks), size)]


def _here(groups: Iterable[list[list[object]]], now: datetime) -> Iterator[list[KeyedOutcome]]:
    for group in groups:
        yield [outcome for chunk in group for outcome in refine_chunk(chunk, now)]


def cluster_address(workers: int, address: str | None = None) -> str:
    """The scheduler to send work to: `address`, else $VIGIE_DASK_ADDRESS, else this process's LocalCluster."""
    return address or os.environ.get(ADDRESS_ENV, "").strip() or local_cluster(workers)


def local_cluster(workers: int) -> str:
    """The scheduler address of this process's LocalCluster (started with `workers` processes if needed)."""
    global _cluster
    with _lock:
        if _cluster is not None and len(_cluster.workers) != workers:
            close_local_cluster()
        if _cluster is None:
            from distributed import Client, LocalCluster

            logging.getLogger("distributed").setLevel(logging.WARNING)  # a line per worker start and stop

            import dask

            with dask.config.set(QUIET_DASK):  # the nannies pass it on to their worker processes
                _cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                )
            with Client(_cluster) as client:  # load the models now, not in the first group's time
                client.run(warm_worker)
        return _cluster.scheduler_address


@atexit.register
def close_local_cluster() -> None:
    global _cluster
    if _cluster is not None:
        cluster, _cluster = _cluster, None
        cluster.close()


def warm_worker() -> None:
    """On each worker: load the language model and the taxonomies before the first group."""
    refine_chunk(
        [{"source": "warm-up", "native_id": "1", "kind": "call", "title": "Appel à projets culture"}],
        datetime.now(UTC),
    )


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB (run on each worker by the benchmark). Linux's VmHWM:
    getrusage's maxrss survives fork and exec, so a worker started by a big process would report its parent's."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
