"""How far two people reading the same texts agree on their sectors: the ceiling a tagger can be scored against.

    .venv/bin/python bench/evals/agreement.py

tests/labelled/sectors_second_reading.tsv holds a second, blind reading of sectors.tsv's rows (by `origin` and
`title`; the reader saw the texts and the rule "What a sector label means", never the first labels nor any
tagger's output). The first labels are taken as the reference and the second reading is scored like the tagger
(bench/evals/sectors.py): macro precision and recall over the sectors present, exact-match rate, per half.
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


def main() -> None:
    first = {(r["origin"], r["title"]): r for r in _read("sectors.tsv")}
    second = _read("sectors_second_reading.tsv")
    missing = [r["title"] for r in second if (r["origin"], r["title"]) not in first]
    if missing:
        print(
            f"second reading: {len(missing)} row(s) not in sectors.tsv, e.g. {missing[0]!r}", file=sys.stderr
        )
        raise SystemExit(2)
    result = {}
    for part in ("tuned", "held-out"):
        pairs = [
            (_ids(first[key]["expected"]), _ids(r["sectors"]))
            for r in second
            if first[(key := (r["origin"], r["title"]))]["split"] == part
        ]
        result[part] = agreement(pairs)
        figures = result[part]
        print(
            f"{part}: {figures['rows']} rows read twice, second reading against the first: macro precision "
            f"{figures['macro_precision']:.3f}, recall {figures['macro_recall']:.3f}, exact {figures['exact_match']:.3f}"
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
