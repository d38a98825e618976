"""How far people reading the same texts agree on their sectors, and how sectors.tsv's labels were settled.

    .venv/bin/python bench/evals/agreement.py

Three blind readings of sectors.tsv's rows (by `origin` and `title`; each reader saw the texts, the rule "What a
sector label means" and the 18 sector names, never another reader's labels nor any tagger's output):
`sectors_first_reading.tsv` (the labels as first written), `sectors_second_reading.tsv` (every row) and
`sectors_third_reading.tsv` (only the rows where the first two differ). The second reading is scored against
the first as the tagger is scored (bench/evals/sectors.py): macro precision and recall over the sectors present,
exact-match rate, per half; that is the ceiling a tagger can be expected to reach. `settled()` is how
sectors.tsv's `expected` follows from the readings: the first reading where the first two agree, otherwise each
sector two of the three readers gave, except for news rows, whose labels follow the issue's rule (gadget news,
finance, sports get none) that the readers were not given.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "labelled"


def _read(name: str) -> list[dict[str, str]]:
    with (LABELLED / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _ids(value: str) -> set[str]:
    return {s for s in value.split(",") if s}


def agreement(pairs: list[tuple[set[str], set[str]]]) -> dict[str, float]:
    """(reference, other) label sets -> macro precision/recall of `other` and exact-match rate."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for reference, other in pairs:
        tp.update(reference & other)
        fp.update(other - reference)
        fn.update(reference - other)
    present = [s for s in set(tp) | set(fn) if tp[s] + fn[s]]
    precision = [tp[s] / (tp[s] + fp[s]) if tp[s] + fp[s] else 0.0 for s in present]
    recall = [tp[s] / (tp[s] + fn[s]) for s in present]
    return {
        "rows": len(pairs),
        "exact_match": round(sum(a == b for a, b in pairs) / len(pairs), 3) if pairs else 0.0,
        "macro_precision": round(sum(precision) / len(precision), 3) if present else 0.0,
        "macro_recall": round(sum(recall) / len(recall), 3) if present else 0.0,
        "sectors": len(present),
    }


def readings() -> tuple[list[dict[str, str]], list[dict[str, str]], dict[tuple[str, str], dict[str, str]]]:
    """(first reading, second reading, third reading by (origin, title)), checked to cover sectors.tsv's rows."""
    labelled = [(r["origin"], r["title"]) for r in _read("sectors.tsv")]
    first, second = _read("sectors_first_reading.tsv"), _read("sectors_second_reading.tsv")
    for name, rows in (("first", first), ("second", second)):
        if [(r["origin"], r["title"]) for r in rows] != labelled:
            print(f"{name} reading: its rows are not sectors.tsv's rows, in order", file=sys.stderr)
            raise SystemExit(2)
    third = {(r["origin"], r["title"]): r for r in _read("sectors_third_reading.tsv")}
    return first, second, third


def settled(first: set[str], second: set[str], third: set[str] | None, *, news: bool = False) -> set[str]:
    """The label sectors.tsv keeps for one row from its readings (see the module docstring)."""
    if first == second or news or third is None:
        return first
    votes = Counter([*first, *second, *third])
    return {sector for sector, n in votes.items() if n >= 2}


def main() -> None:
    first, second, third = readings()
    split = {(r["origin"], r["title"]): r["split"] for r in _read("sectors.tsv")}
    result = {}
    for part in ("tuned", "held-out"):
        pairs = [
            (_ids(a["sectors"]), _ids(b["sectors"]))
            for a, b in zip(first, second, strict=True)
            if split[(a["origin"], a["title"])] == part
        ]
        result[part] = agreement(pairs)
        figures = result[part]
        print(
            f"{part}: {figures['rows']} rows read twice, second reading against the first: macro precision "
            f"{figures['macro_precision']:.3f}, recall {figures['macro_recall']:.3f}, exact {figures['exact_match']:.3f}"
        )
    result["third_read"] = len(third)
    print(f"rows where the first two readings differ, read a third time: {len(third)}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
