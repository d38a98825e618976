"""bench/scale.py --workers: refine throughput per worker count on Dask, then the staging and the single loader.

Imported by bench/scale.py (see its docstring); kept apart so that each file stays short.
"""

from __future__ import annotations

import json
import os
import pickle
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from flows import refine_dask, refine_staged
from warehouse.staged_load import load_staged
from warehouse.staging import read_batches

SOURCE = "corpus"  # the staged batch's source folder (each item keeps its own source in its id)


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


def _warm(records: list[Any], now: Any, root: str, workers: int) -> None:
    """A small untimed batch through the same path first: the first calls' costs are not the batch's."""
    refine_staged.stage_parts(records[: 200 * workers], now, root, "warm", SOURCE, workers=workers, size=100)


def _cpu() -> float:
    return time.process_time()  # the whole process's CPU time, all its threads


def stage_in_worker(packed: bytes, now: Any, root: str) -> dict[str, Any]:
    """On the one Dask worker: the batch staged in that process, as a single-process run stages it."""
    records = pickle.loads(packed)  # noqa: S301 - our own bytes
    _warm(records, now, root, 1)
    cpu, started = _cpu(), time.perf_counter()
    parts = refine_staged.stage_refined(records, now, root, "bench", SOURCE, workers=1)
    return {"seconds": time.perf_counter() - started, "parts": parts, "cpu_s": [_cpu() - cpu]}


def _stage_with(records: list[dict[str, Any]], now: Any, workers: int, root: str) -> tuple[list, dict]:
    """One try: a fresh cluster of `workers` worker processes (warmed: models loaded), the timed staging, the
    CPU seconds of each process, each worker's peak memory. With 1 worker the whole batch is staged in that
    worker's own process, the records sent before the timing (a single-process run has them already), so
    both sides start with fresh per-text caches."""
    from distributed import Client

    figures: dict[str, Any] = {"load_before": _load()}
    started = time.perf_counter()
    address = refine_dask.local_cluster(workers)
    figures["cluster_start_s"] = round(time.perf_counter() - started, 2)
    with Client(address) as client:
        if workers == 1:
            sent = client.scatter(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
            done = client.submit(stage_in_worker, sent, now, root, pure=False).result()
        else:
            _warm(records, now, root, workers)
            before = client.run(_cpu)
            cpu, started = _cpu(), time.perf_counter()
            parts = refine_staged.stage_refined(records, now, root, "bench", SOURCE, workers=workers)
            done = {"seconds": time.perf_counter() - started, "parts": parts, "parent_cpu_s": _cpu() - cpu}
            done["cpu_s"] = [v - before[k] for k, v in client.run(_cpu).items()]
        figures["peak_rss_mb"] = sorted(round(v) for v in client.run(refine_dask.peak_rss_mb).values())
    refine_dask.close_local_cluster()
    seconds = done["seconds"]
    figures.update(seconds=round(seconds, 2), items_per_s=round(len(records) / seconds), load_after=_load())
    figures["cpu_s"] = {"workers": sorted(round(c, 2) for c in done["cpu_s"])}
    if "parent_cpu_s" in done:
        figures["cpu_s"]["parent"] = round(done["parent_cpu_s"], 2)
    figures["files"] = len(done["parts"])
    return done["parts"], figures


def cpu_bound(one: dict, many: dict, cores: int) -> float:
    """The speedup the CPU work allows when each process has a core of its own (an idle machine): 1 worker's
    CPU seconds against the busiest of the workers, or the CPU of all the processes spread over the cores,
    whichever is longer. The measured speedup can only be lower (waiting, the last part alone)."""
    total = sum(many["workers"]) + many.get("parent", 0.0)
    return round(sum(one["workers"]) / max(max(many["workers"]), total / cores), 2)


def _load_staged(root: str, now: Any) -> dict[str, Any]:
    """The single loader after the workers: the run's parts read back, clustered and loaded."""
    home = Path(root).parent / "home"
    size = sum(p.stat().st_size for p in Path(root, "bench").rglob("*.parquet"))
    started = time.perf_counter()
    read_batches(root, "bench")
    read = time.perf_counter()
    loaded = load_staged(home, root, "bench", now)
    done = time.perf_counter()
    return {
        "stage_read_s": round(read - started, 2),
        "stage_mb": round(size / 2**20, 1),
        "load_s": round(done - read, 2),  # read again + cluster + one upsert transaction
        "load_steps_s": loaded.seconds,
        "loaded": loaded.load.total,
        "staged_left": len(list(Path(root, "bench").rglob("*.parquet"))),  # removed once loaded
        "warehouse_mb": round((home / "warehouse.duckdb").stat().st_size / 2**20, 1),
    }


def _medians(figures: list[dict]) -> dict[str, Any]:
    """The median items/s and ceiling of several tries, and each try's items/s."""
    return {
        "items_per_s": round(statistics.median(f["items_per_s"] for f in figures)),
        "tries_cpu_s": [f["cpu_s"] for f in figures],
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
    names: set[tuple[str, ...]] = set()
    print(
        f"{'workers':>7} {'items':>9} {'seconds':>8} {'items/s':>8} {'peak MB per worker':>20} {'load':>16}"
    )
    with tempfile.TemporaryDirectory(prefix="vigie-bench-staging-") as tmp:
        root = ""
        for n in range(repeat):
            for workers in counts:
                ceiling = machine_parallelism(workers) if workers > 1 else 1.0
                root = str(Path(tmp) / f"try-{n}-{workers}" / "staging")
                parts, figures = _stage_with(records, workload.NOW, workers, root)
                names.add(tuple(Path(p.path).name for p in parts))
                figures["machine_ceiling"] = ceiling
                tries[str(workers)].append(figures)
                print(
                    f"{workers:>7} {items:>9,} {figures['seconds']:>8.1f} {figures['items_per_s']:>8,} "
                    f"{str(figures['peak_rss_mb']):>20} {str(figures['load_before']):>16}"
                )
        staged = _load_staged(root, workload.NOW)  # the last try's parts
    runs = {w: {**f[0], **_medians(f)} for w, f in tries.items()}
    same = len(names) == 1  # content-addressed: the same file names are the same items, keys and counts
    speedup = runs[str(counts[-1])]["items_per_s"] / runs[str(counts[0])]["items_per_s"]
    ceiling = runs[str(counts[-1])]["machine_ceiling"]
    # Per try pair (the 1-worker try before each 2-worker one): what the CPU work would allow on free cores.
    ones, manys = tries[str(counts[0])], tries[str(counts[-1])]
    bounds = [
        cpu_bound(a["cpu_s"], b["cpu_s"], os.cpu_count() or 1) for a, b in zip(ones, manys, strict=True)
    ]
    print(
        f"speedup {counts[-1]} vs {counts[0]} workers: {speedup:.2f}x (a plain CPU loop in {counts[-1]} processes "
        f"got {ceiling}x just before); same files every try: {same}; staged {staged['stage_mb']} MB, read "
        f"{staged['stage_read_s']} s; load {staged['load_s']} s; CPU work allows {round(statistics.median(bounds), 2)}x "
        f"on free cores (per try: {bounds})"
    )
    print(
        json.dumps(
            {
                "items": items,
                "cpus": os.cpu_count(),
                "timed": "raw records -> refined, staged Parquet parts (refine + write), fresh warmed workers",
                "items_per_s": {w: f["items_per_s"] for w, f in runs.items()},
                "speedup": round(speedup, 2),
                "machine_ceiling": ceiling,  # the speedup a plain CPU loop got with as many processes
                "cpu_bound_speedup": round(
                    statistics.median(bounds), 2
                ),  # cpu_bound(): what free cores would allow
                "tries_cpu_bound_speedup": bounds,
                "peak_rss_mb_per_worker": {w: f["peak_rss_mb"] for w, f in runs.items()},
                "runs": runs,
                "same_items": same,
                **staged,
            }
        )
    )
