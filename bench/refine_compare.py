"""bench/refine.py twice on the same workload: refined by one process, then by one process per core
(refine.fork_runner), each run in a fresh interpreter so that neither inherits the other's warm caches.

    .venv/bin/python bench/refine_compare.py --items 100000 [--repeat 2]

The one-process run is the baseline of the same machine in the same hour: machines of one kind differ from one
to the next (one process gave 7,890-8,208 items/s on the morning of 2026-12-02 and 3,400-3,900 on a new machine of
the same kind that afternoon; bench/refine.py's python_reference_s says which), the ratio much less.
With --repeat R the two alternate R times. Last line: JSON with both figures (the best of the repeats), the
speedup and whether both made the same items.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refine.fork_runner import WORKERS_ENV, usable_cores  # noqa: E402


def run(processes: int, items: int, batch: int) -> dict[str, Any]:
    env = {**os.environ, WORKERS_ENV: str(processes)}
    command = [
        sys.executable,
        str(ROOT / "bench" / "refine.py"),
        "--items",
        str(items),
        "--batch",
        str(batch),
        # Parsing is timed only for ratio_to_parse, which this script does not print: a smaller sample of it
        # (scaled) saves three minutes per run.
        "--parse-cap",
        "20000",
    ]
    out = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    best: dict[int, dict[str, Any]] = {}
    for _ in range(args.repeat):
        for processes in (1, usable_cores()):
            figures = run(processes, args.items, args.batch)
            print(
                f"{figures['processes']} process(es): {figures['items_per_s']:,} items/s in "
                f"{figures['refine_s']:.2f} s, {figures['items_per_cpu_s']:,} items per CPU-s, "
                f"peak {figures['peak_rss_mb']} MB (largest copy {figures['peak_rss_child_mb']} MB); "
                f"{figures['valid']:,} items, {figures['quarantined']} quarantined, "
                f"{figures['multi_item_clusters']:,} clusters of 2+"
            )
            if processes not in best or figures["items_per_s"] > best[processes]["items_per_s"]:
                best[processes] = figures
    one, many = best[1], best[max(best)]
    print(
        json.dumps(
            {
                "items": args.items,
                "one_process_items_per_s": one["items_per_s"],
                "processes": many["processes"],
                "items_per_s": many["items_per_s"],
                "speedup": round(many["items_per_s"] / one["items_per_s"], 2),
                "python_reference_s": min(one["python_reference_s"], many["python_reference_s"]),
                "same_items": all(one[k] == many[k] for k in ("valid", "quarantined", "multi_item_clusters")),
            }
        )
    )


if __name__ == "__main__":
    main()
