"""CPU per item of each refine stage, on bench/refine.py's workload.

    .venv/bin/python bench/refine_stages.py [--items 40000]

Each stage function that refine.record and refine.pipeline call is wrapped to add its thread CPU time
(time.thread_time: what this thread used, whatever else the machine runs), then refine_and_cluster runs over
the replicated records once. Prints µs of CPU per item per stage, their sum and the whole call's (the rest is
the loop itself and the wrappers, ~0.5 µs per call). The last line is a JSON object of the same figures. Use it
to see where refine's time goes; use bench/refine.py for the throughput itself.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import refine.pipeline as pipeline  # noqa: E402
import refine.record as record  # noqa: E402

STAGES = (
    "sanitise_record",
    "clean_stage",
    "identity_stage",
    "prime_language",
    "language_stage",
    "normalise_dates",
    "kind_stage",
    "sector_stage",
    "place_stage",
    "status_stage",
    "fit_stage",
    "validate_item",
    "item_keys",
)


def _bench_module() -> Any:
    # bench/refine.py shares its name with the refine package: loaded from its path
    spec = importlib.util.spec_from_file_location("bench_refine", ROOT / "bench" / "refine.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _timed(function: Callable[..., Any], spent: dict[str, float], name: str) -> Callable[..., Any]:
    clock = time.thread_time

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = clock()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += clock() - started

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=40_000)
    args = parser.parse_args()
    bench = _bench_module()
    _, records, _ = bench.read_inputs()
    if not records:
        print("no input could be parsed: are the parsers and ../shared/corpus present?", file=sys.stderr)
        raise SystemExit(2)
    pipeline.refine(records[:200], now=bench.NOW)  # models and caches loaded outside the timing
    spent: dict[str, float] = defaultdict(float)
    for name in STAGES:
        setattr(record, name, _timed(getattr(record, name), spent, name))
    index = pipeline.ClusterIndex
    index.add = _timed(index.add, spent, "cluster_index")  # type: ignore[method-assign]
    index.assign = _timed(index.assign, spent, "assign_clusters")  # type: ignore[method-assign]
    work = list(bench.replicate(records, args.items))
    gc.collect()
    started = time.thread_time()
    pipeline.refine_and_cluster(work, now=bench.NOW, runner=pipeline.refine_here)  # one thread, measured
    whole = time.thread_time() - started
    per_item = {name: round(seconds * 1e6 / args.items, 1) for name, seconds in spent.items()}
    for name, us in sorted(per_item.items(), key=lambda kv: -kv[1]):
        print(f"{name:18s} {us:7.1f} µs/item")
    total = whole * 1e6 / args.items
    print(
        f"stages {sum(per_item.values()):.1f} µs/item; whole call {total:.1f} µs/item ({args.items / whole:,.0f} items per CPU-s)"
    )
    print(json.dumps({"items": args.items, "us_per_item": per_item, "whole_us_per_item": round(total, 1)}))


if __name__ == "__main__":
    main()
