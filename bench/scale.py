"""Scale (SPEC §7): N items through refine and load, in batches, with peak memory and the cost per batch.

    .venv/bin/python bench/scale.py --items 1000000 [--batch 100000]

The raw records are those of bench/refine.py (every parseable corpus and fixture file, replicated with their own
ids, title variants and dates spread over the years). They are streamed: each batch is refined (with the
clusters of everything loaded before it, as a run sees the warehouse) and loaded into one DuckDB warehouse,
then dropped. Linear cost means the last batch costs about what the first did, while the warehouse has grown
tenfold: `growth` is the last batch's seconds over the first's. Peak memory is the process's maximum resident
set size (DuckDB's included). Last line: JSON with items, seconds, items_per_s, growth, peak_rss_mb.

    .venv/bin/python bench/scale.py --workers 1,2 --items 100000

With --workers, the same N records go the distributed way once per worker count: refined and written to
staging as Parquet parts (flows.refine_staged, warehouse.staging). With 1 worker this happens in one fresh Dask
worker process (the records sent to it before the timing, as a single-process run has them already); with more,
this process sends the parts to a fresh LocalCluster of that many workers (through prefect-dask), each of
which refines and writes its parts and sends back only their paths. Every cluster is started and warmed (models
loaded, a small batch through the same path) before the timing, its start-up reported apart, so both sides
start with fresh per-text caches. Then the last try's parts are read back, clustered and loaded by the single
loader (warehouse.staged_load), which removes them. --repeat R alternates the counts R times (1, 2, 1, 2, ...)
and reports medians. Last line: JSON with items_per_s per worker count, speedup (the most workers against 1),
machine_ceiling (what a plain CPU loop got in as many processes just before), cpu_bound_speedup (what the
measured CPU seconds would allow on free cores), each worker's peak resident memory (its own VmHWM, asked
through client.run), whether every try wrote the same files, the staging and load seconds, the load average.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refine.clusters import KnownClusters  # noqa: E402
from refine.match_keys import fingerprint  # noqa: E402
from refine.pipeline import refine, refine_and_cluster  # noqa: E402
from warehouse.store import Warehouse  # noqa: E402


def _refine_bench():  # the workload of bench/refine.py, shared rather than copied
    spec = importlib.util.spec_from_file_location("bench_refine", Path(__file__).with_name("refine.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--workers", help="worker counts to compare, e.g. 1,2 (refine on Dask)")
    parser.add_argument("--repeat", type=int, default=1, help="with --workers: tries per count, alternating")
    args = parser.parse_args()
    if args.workers:
        from scale_workers import compare_workers  # bench/scale_workers.py

        compare_workers(_refine_bench(), args.items, [int(w) for w in args.workers.split(",")], args.repeat)
        return

    workload = _refine_bench()
    _, records, _ = workload.read_inputs()
    if not records:
        print("no input could be parsed: are the parsers and ../shared/corpus present?", file=sys.stderr)
        raise SystemExit(2)
    # Start refine's worker processes outside the timings, so the first batch is not charged with it.
    refine(list(workload.replicate(records, 20_000)), now=workload.NOW)
    stream = workload.replicate(records, args.items)
    known = KnownClusters()
    per_batch: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="vigie-bench-scale-") as tmp:
        warehouse = Warehouse(Path(tmp) / "home")
        warehouse.migrate()
        print(f"{'batch':>5} {'items':>9} {'refine s':>9} {'load s':>7} {'stored':>10} {'peak MB':>8}")
        for number in itertools.count(1):
            batch = list(itertools.islice(stream, args.batch))
            if not batch:
                break
            started = time.perf_counter()
            result = refine_and_cluster(batch, now=workload.NOW, known=known)
            known.add(fingerprint(item) for item in result.items)
            refined = time.perf_counter()
            loaded = warehouse.load(result.items, f"scale-{number}", workload.NOW + timedelta(minutes=number))
            done = time.perf_counter()
            per_batch.append((refined - started, done - refined))
            print(
                f"{number:>5} {len(batch):>9,} {refined - started:>9.2f} {done - refined:>7.2f} "
                f"{loaded.total:>10,} {_rss_mb():>8.0f}"
            )
            del batch, result, loaded
    total = sum(r + w for r, w in per_batch)
    first, last = sum(per_batch[0]), sum(per_batch[-1])
    figures = {
        "items": args.items,
        "batch": args.batch,
        "seconds": round(total, 2),
        "items_per_s": round(args.items / total),
        "refine_seconds": round(sum(r for r, _ in per_batch), 2),
        "load_seconds": round(sum(w for _, w in per_batch), 2),
        "growth": round(last / first, 2),
        "peak_rss_mb": round(_rss_mb()),
    }
    print(
        f"{args.items:,} items in {total:.1f} s ({figures['items_per_s']:,} items/s); last batch / first batch "
        f"{figures['growth']}x; peak memory {figures['peak_rss_mb']} MB"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
