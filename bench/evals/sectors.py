"""Sector tags (refine.sectors) against tests/labelled/sectors.tsv, per half.

    .venv/bin/python bench/evals/sectors.py [--part tuned|held-out|both]

Rows are split by a fixed rule (`split` column: held-out when the first byte of sha256("origin|title") is odd,
as in kinds.tsv). Each row is tagged as refine tags an item: its title and summary, its CPV codes, the title
passed apart (a sector named in the title weighs more), with the kind its `kind` column gives: `news` (feed
articles, the kind kinds.tsv gives the same text; news needs more evidence), `event` (rows from event sources:
an event is read for its subject, sectors.toml's `event` words) or empty (calls, tenders or texts written like
them), and the source's own classification where its parser gives one (`categories`, `|`-separated: the
programme of an EU Funding & Tenders topic), as refine passes it. `run(part)` returns macro and micro
precision/recall over the sectors labelled in that half, exact-match rate and the per-sector table; misses are
listed for the tuned half only (the held-out half is the check, not material for rules). Rows referencing the
shared corpus ("@article:N") are read from ../shared/corpus and skipped (counted) when it is absent.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from refine.sectors import tag_sectors, taxonomy  # noqa: E402

LABELLED = ROOT / "tests" / "labelled" / "sectors.tsv"
CORPUS = ROOT.parent / "shared" / "corpus"
PARTS = ("tuned", "held-out")


def read_rows(path: Path = LABELLED) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def resolve(rows: list[dict[str, str]], corpus: Path = CORPUS) -> tuple[list[dict[str, str]], int]:
    """Rows with "@article:N" texts read from the corpus (the one reader lives in bench/tagging_eval.py)."""
    spec = importlib.util.spec_from_file_location("tagging_eval", ROOT / "bench" / "tagging_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.resolve_references(rows, corpus)


def predict(row: dict[str, str]) -> set[str]:
    text = f"{row['title']}. {row['summary']}" if row["summary"] else row["title"]
    cpv = [c for c in row["cpv"].split(",") if c]
    declared = [c for c in (row.get("categories") or "").split("|") if c] or None
    return set(
        tag_sectors(text, cpv, [], title=row["title"], kind=row.get("kind") or None, declared=declared)
    )


def figures(rows: list[dict[str, str]], *, misses: bool = False) -> dict[str, Any]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    exact = 0
    wrong: list[str] = []
    for row in rows:
        expected = {s for s in row["expected"].split(",") if s}
        got = predict(row)
        exact += got == expected
        tp.update(got & expected)
        fp.update(got - expected)
        fn.update(expected - got)
        if misses and got != expected:
            wrong.append(f"{sorted(expected)} -> {sorted(got)} cpv={row['cpv']}: {row['title'][:70]}")
    table = {}
    for sid in taxonomy().ids:
        support = tp[sid] + fn[sid]
        if support or fp[sid]:
            table[sid] = {
                "precision": tp[sid] / (tp[sid] + fp[sid]) if tp[sid] + fp[sid] else 0.0,
                "recall": tp[sid] / support if support else 0.0,
                "support": support,
                "fp": fp[sid],
                "fn": fn[sid],
            }
    scored = [v for v in table.values() if v["support"]]
    n_tp, n_fp, n_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return {
        "rows": len(rows),
        "real_rows": sum(r["origin"] != "written" for r in rows),
        "exact_match": round(exact / len(rows), 3) if rows else None,
        "macro_precision": round(sum(v["precision"] for v in scored) / len(scored), 3) if scored else None,
        "macro_recall": round(sum(v["recall"] for v in scored) / len(scored), 3) if scored else None,
        "micro_precision": round(n_tp / max(1, n_tp + n_fp), 3),
        "micro_recall": round(n_tp / max(1, n_tp + n_fn), 3),
        "sectors_scored": len(scored),
        "per_sector": table,
        "misses": wrong,
    }


def run(part: str = "held-out") -> dict[str, Any]:
    """The figures of one half ("tuned" or "held-out"); misses only for the tuned half."""
    if part not in PARTS:
        raise ValueError(f"part should be 'tuned' or 'held-out', not {part!r}")
    rows, skipped = resolve([r for r in read_rows() if r["split"] == part])
    return {"part": part, "skipped_corpus_absent": skipped, **figures(rows, misses=part == "tuned")}


def print_table(result: dict[str, Any]) -> None:
    print(f"  {'sector':22} {'precision':>9} {'recall':>7} {'support':>8} {'fp':>4} {'fn':>4}")
    for sid, v in result["per_sector"].items():
        print(
            f"  {sid:22} {v['precision']:9.2f} {v['recall']:7.2f} {v['support']:8d} {v['fp']:4d} {v['fn']:4d}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=(*PARTS, "both"), default="both")
    args = parser.parse_args()
    results = {}
    for part in PARTS if args.part == "both" else (args.part,):
        result = run(part)
        print(
            f"== {part}: {result['rows']} rows ({result['real_rows']} real, {result['skipped_corpus_absent']} "
            f"skipped), macro precision {result['macro_precision']}, macro recall {result['macro_recall']}, "
            f"exact {result['exact_match']}"
        )
        if part == "tuned":
            print_table(result)
            for miss in result["misses"]:
                print(f"    miss {miss}")
        results[part] = {k: v for k, v in result.items() if k not in ("misses", "per_sector")}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
