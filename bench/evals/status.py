"""Status and deadline of procurement notices against tests/labelled/procurement.tsv (real files of the shared
corpus: TED eForms, TED R2, TED API v3, OCDS, EU Funding & Tenders, Belgian e-Procurement).

    .venv/bin/python bench/evals/status.py [--part tuned|held-out|all]

Each labelled row names a corpus file, a notice id, the status a member should see at `now` (a moment the notice
was live: the day after publication, or the capture date of a search answer) and the latest date to act as the
source writes it: "2024-11-18T10:00+01:00" (with the source's offset), "2020-08-24T16:00" (local wall-clock
time), "2026-09-15" (a date: the item must say precision "date"), or empty (no deadline). `run(part)` is what
bench/tagging_eval.py imports; standalone, the last line printed is one JSON object. Rows whose corpus file is
absent are skipped (counted in "skipped").
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from refine.pipeline import refine_and_cluster  # noqa: E402
from spiders import parsers  # noqa: E402

LABELLED = ROOT / "tests" / "labelled" / "procurement.tsv"
CORPUS = ROOT.parent / "shared" / "corpus"


def rows(part: str = "all", path: Path = LABELLED) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        found = list(csv.DictReader(f, delimiter="\t"))
    return [r for r in found if part == "all" or r["split"] == part]


@lru_cache(maxsize=64)
def _items(file: str, now: str, corpus: Path = CORPUS) -> dict[str, dict[str, Any]]:
    """Refined items of one corpus file at `now`, by native id."""
    body = (corpus / file).read_bytes()
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    family = parsers.detect_family(body, file)
    records = list(parsers.parse(body, family, source="eval", url=file, options={"now": moment}))
    result = refine_and_cluster(records, now=moment)
    return {item["native_id"]: item for item in result.items}


def deadline_matches(expected: str, item: dict[str, Any]) -> bool:
    actual = item.get("deadline_at")
    if not expected:
        return actual is None
    if actual is None:
        return False
    if "T" not in expected:
        return item.get("deadline_precision") == "date" and actual[:10] == expected
    if item.get("deadline_precision") != "datetime":
        return False
    if len(expected) > 16:  # the source gave an offset: the same instant, to the minute
        return datetime.fromisoformat(actual).replace(second=0) == datetime.fromisoformat(expected)
    return actual[:16] == expected  # a local wall-clock time: the item keeps it in the place's zone


def run(part: str, corpus: Path = CORPUS) -> dict:
    """Status accuracy and deadline exact-match rate on one part ("tuned", "held-out" or "all")."""
    status_ok = deadline_ok = n = skipped = 0
    misses: list[str] = []
    for row in rows(part):
        if not (corpus / row["file"]).is_file():
            skipped += 1
            continue
        item = _items(row["file"], row["now"], corpus).get(row["notice_id"]) or {}
        n += 1
        status_ok += item.get("status") == row["status"]
        deadline_ok += deadline_matches(row["deadline"], item) if item else False
        if item.get("status") != row["status"] or not (item and deadline_matches(row["deadline"], item)):
            misses.append(
                f"{row['file']} {row['notice_id']}: status {item.get('status')} (expected {row['status']}), "
                f"deadline {item.get('deadline_at')} (expected {row['deadline'] or 'none'})"
            )
    return {
        "status_accuracy": round(status_ok / n, 4) if n else 0.0,
        "deadline_exact": round(deadline_ok / n, 4) if n else 0.0,
        "n": n,
        "skipped": skipped,
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("tuned", "held-out", "all"), default=None)
    args = parser.parse_args()
    parts = [args.part] if args.part else ["tuned", "held-out"]
    figures = {}
    for part in parts:
        result = run(part)
        for miss in result.pop("misses"):
            print(f"  miss [{part}] {miss}")
        print(
            f"{part}: status accuracy {result['status_accuracy']:.1%}, deadline exact {result['deadline_exact']:.1%}"
            f" (n={result['n']}, skipped {result['skipped']})"
        )
        figures[part] = result
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
