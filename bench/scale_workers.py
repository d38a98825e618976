"""bench/scale.py --workers: refine throughput per worker count on Dask, then the staging and the single loader.

Imported by bench/scale.py (see its docstring); kept apart so that each file stays short.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from flows import refine_dask
from refine.pipeline import RefineResult, refine
from warehouse.staged_load import load_staged
from warehouse.staging import read_batches, write_batch

SOURCES = 8  # the refined batch is staged as this many per-source files, as a run's workers would write them


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _peak_rss_mb() -> float:
    return round(refine_dask.peak_rss_mb())


def _spin(steps: int) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(steps):
        total += i % 7
    return time.perf_counter() - started


def machine_parallelism(workers: int, steps: int = 20_000_000) -> float:
    """What `workers` processes can gain on this machine now, whatever the program: the same pure-Python loop
    run alone, then in `workers` processes at once (a shared machine's other load takes its share)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [1_000] * workers))  # the processes are up before the timing
        alone = pool.submit(_spin, steps).result()
        started = time.perf_counter()
        list(pool.map(_spin, [steps] * workers))
        together = time.perf_counter() - started
    return round(workers * alone / together, 2)


def _refine_with(records: list[dict[str, Any]], now: Any, workers: int) -> tuple[RefineResult, dict]:
    figures: dict[str, Any] = {"load_before": _load()}
    if workers == 1:
        started = time.perf_counter()
        result = refine(records, now=now)
        seconds = time.perf_counter() - started
        figures["peak_rss_mb"] = [_peak_rss_mb()]  # this process is the one worker
    else:
        from distributed import Client

        started = time.perf_counter()
        address = refine_dask.local_cluster(workers)
        figures["cluster_start_s"] = round(time.perf_counter() - started, 2)
        # One small batch first, so that the first group's time holds no Prefect or Dask first-call cost.
        refine(records[:200], now=now, runner=refine_dask.DaskChunks(workers))
        started = time.perf_counter()
        result = refine(records, now=now, runner=refine_dask.DaskChunks(workers))
        seconds = time.perf_counter() - started
        with Client(address) as client:
            figures["peak_rss_mb"] = sorted(round(v) for v in client.run(refine_dask.peak_rss_mb).values())
        refine_dask.close_local_cluster()
    figures.update(seconds=round(seconds, 2), items_per_s=round(len(records) / seconds), load_after=_load())
    return result, figures


def _stage_and_load(result: RefineResult, now: Any) -> dict[str, float]:
    """The distributed path after refine: per-source Parquet files, read back, clustered and loaded."""
    with tempfile.TemporaryDirectory(prefix="vigie-bench-staging-") as tmp:
        root, home = str(Path(tmp) / "staging"), Path(tmp) / "home"
        per = -(-len(result.items) // SOURCES)
        started = time.perf_counter()
        for n in range(SOURCES):
            part = RefineResult(
                items=result.items[n * per : (n + 1) * per],
                quarantined=result.quarantined if n == 0 else [],
                match_keys=result.match_keys[n * per : (n + 1) * per],
            )
            write_batch(root, "bench", f"source-{n}", part)
        written = time.perf_counter()
        size = sum(p.stat().st_size for p in Path(root).rglob("*.parquet"))
        read_batches(root, "bench")
        read = time.perf_counter()
        loaded = load_staged(home, root, "bench", now)
        done = time.perf_counter()
        return {
            "stage_write_s": round(written - started, 2),
            "stage_read_s": round(read - written, 2),
            "stage_mb": round(size / 2**20, 1),
            "load_s": round(done - read, 2),  # read again + cluster + one upsert transaction
            "load_steps_s": loaded.seconds,
            "loaded": loaded.load.total,
            "warehouse_mb": round((home / "warehouse.duckdb").stat().st_size / 2**20, 1),
        }


def _medians(figures: list[dict]) -> dict[str, Any]:
    """The median items/s and ceiling of several tries, and each try's items/s."""
    return {
        "items_per_s": round(statistics.median(f["items_per_s"] for f in figures)),
        "machine_ceiling": round(statistics.median(f["machine_ceiling"] for f in figures), 2),
        "peak_rss_mb": max((f["peak_rss_mb"] for f in figures), key=sum),
        "tries_items_per_s": [f["items_per_s"] for f in figures],
        "tries_machine_ceiling": [f["machine_ceiling"] for f in figures],
    }


def compare_workers(workload: Any, items: int, counts: list[int], repeat: int = 1) -> None:
    """Each worker count `repeat` times, the counts alternating (1, 2, 1, 2, ...) so that a shared machine's
    changing load falls on all of them; items_per_s and speedup are the medians."""
    _, base, _ = workload.read_inputs()
    if not base:
        raise SystemExit("no input could be parsed: are the parsers and ../shared/corpus present?")
    records = list(workload.replicate(base, items))
    tries: dict[str, list[dict]] = {str(w): [] for w in counts}
    results: dict[int, RefineResult] = {}
    print(
        f"{'workers':>7} {'items':>9} {'seconds':>8} {'items/s':>8} {'peak MB per worker':>20} {'load':>16}"
    )
    for _ in range(repeat):
        for workers in counts:
            ceiling = machine_parallelism(workers) if workers > 1 else 1.0
            results[workers], figures = _refine_with(records, workload.NOW, workers)
            figures["machine_ceiling"] = ceiling
            tries[str(workers)].append(figures)
            print(
                f"{workers:>7} {items:>9,} {figures['seconds']:>8.1f} {figures['items_per_s']:>8,} "
                f"{str(figures['peak_rss_mb']):>20} {str(figures['load_before']):>16}"
            )
    runs = {w: {**f[0], **_medians(f)} for w, f in tries.items()}
    first, last = results[counts[0]], results[counts[-1]]
    same = first.items == last.items and first.match_keys == last.match_keys
    staged = _stage_and_load(last, workload.NOW)
    speedup = runs[str(counts[-1])]["items_per_s"] / runs[str(counts[0])]["items_per_s"]
    ceiling = runs[str(counts[-1])]["machine_ceiling"]
    print(
        f"speedup {counts[-1]} vs {counts[0]} workers: {speedup:.2f}x (a plain CPU loop in {counts[-1]} processes "
        f"got {ceiling}x just before); same items: {same}; staging "
        f"{staged['stage_write_s']} s write, {staged['stage_read_s']} s read ({staged['stage_mb']} MB); "
        f"load {staged['load_s']} s"
    )
    print(
        json.dumps(
            {
                "items": items,
                "cpus": os.cpu_count(),
                "items_per_s": {w: f["items_per_s"] for w, f in runs.items()},
                "speedup": round(speedup, 2),
                "machine_ceiling": ceiling,  # the speedup a plain CPU loop got with as many processes
                "peak_rss_mb_per_worker": {w: f["peak_rss_mb"] for w, f in runs.items()},
                "runs": runs,
                "same_items": same,
                **staged,
            }
        )
    )
