"""Accuracy and speed of refine's taggers on the labelled sets in tests/labelled/.

    .venv/bin/python bench/tagging_eval.py [--repeat-seconds 2]

Prints the language accuracy (overall, texts of <= 4 words, per language), a per-sector precision/recall table,
the place tagging accuracy, and throughputs (single process, one thread). The last line is one JSON object
with every figure, for the lead's report. Throughput figures on a shared machine are noisy: rerun to compare.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refine.language import detect_language, detect_many  # noqa: E402
from refine.regions import tag_place  # noqa: E402
from refine.sectors import tag_sectors, taxonomy  # noqa: E402

LABELLED = ROOT / "tests" / "labelled"
# Texts from corpus files without a redistribution licence are not copied into tests/labelled: their rows hold a
# reference ("@article:12") that is read from the shared corpus when it is present.
CORPUS = ROOT.parent / "shared" / "corpus"
_WORD = re.compile(r"[^\W\d_]+")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=8)
def _articles(path: Path) -> list[tuple[str, str]]:
    """(title, summary) of each <article> of a saved fundsforngos listing page, as the labelled set used them."""
    import lxml.html

    doc = lxml.html.parse(str(path)).getroot()
    out = []
    for article in doc.xpath("//article"):
        title = " ".join(_SPACE.sub(" ", " ".join(article.xpath(".//h2//text()|.//h3//text()"))).split()[:60])
        body = re.sub(r"^\s*Deadline:\s*\S+\s*", "", " ".join(article.xpath(".//p//text()")))
        out.append((title, " ".join(_SPACE.sub(" ", html.unescape(body)).split()[:45])))
    return out


def resolve_references(rows: list[dict[str, str]], corpus: Path = CORPUS) -> tuple[list[dict[str, str]], int]:
    """Rows with "@article:N" titles filled from the corpus; returns (usable rows, rows skipped: corpus absent)."""
    usable, skipped = [], 0
    for row in rows:
        if not row["title"].startswith("@article:"):
            usable.append(row)
            continue
        path = corpus / row["origin"]
        if not path.is_file():
            skipped += 1
            continue
        title, summary = _articles(path)[int(row["title"].split(":", 1)[1])]
        usable.append({**row, "title": title, "summary": summary})
    return usable, skipped


def read_tsv(name: str) -> list[dict[str, str]]:
    path = LABELLED / name
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        raise SystemExit(f"{path}: no rows")
    return rows


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def language_figures(rows: list[dict[str, str]]) -> dict[str, Any]:
    predictions = detect_many([r["text"] for r in rows])
    short = [(r, p) for r, p in zip(rows, predictions, strict=True) if word_count(r["text"]) <= 4]
    per_lang: dict[str, list[int]] = {}
    for r, p in zip(rows, predictions, strict=True):
        hits = per_lang.setdefault(r["lang"], [0, 0])
        hits[0] += p == r["lang"]
        hits[1] += 1
    correct = sum(p == r["lang"] for r, p in zip(rows, predictions, strict=True))
    unknown = sum(p is None for p in predictions)
    return {
        "texts": len(rows),
        "accuracy": correct / len(rows),
        "short_texts": len(short),
        "short_accuracy": sum(p == r["lang"] for r, p in short) / len(short),
        "unknown": unknown,
        "wrong": len(rows) - correct - unknown,
        "real_texts": sum(r["origin"] != "written" for r in rows),
        "per_language": {lang: h[0] / h[1] for lang, h in sorted(per_lang.items())},
        "errors": [
            {"text": r["text"], "expected": r["lang"], "got": p}
            for r, p in zip(rows, predictions, strict=True)
            if p != r["lang"]
        ],
    }


def sector_text(row: dict[str, str]) -> str:
    return f"{row['title']}. {row['summary']}" if row["summary"] else row["title"]


def sector_figures(rows: list[dict[str, str]]) -> dict[str, Any]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    exact = 0
    for row in rows:
        expected = {s for s in row["expected"].split(",") if s}
        got = set(tag_sectors(sector_text(row), [c for c in row["cpv"].split(",") if c], []))
        exact += got == expected
        for s in got & expected:
            tp[s] += 1
        for s in got - expected:
            fp[s] += 1
        for s in expected - got:
            fn[s] += 1
    table = {}
    for sid in taxonomy().ids:
        support = tp[sid] + fn[sid]
        if not support and not fp[sid]:
            continue
        table[sid] = {
            "precision": tp[sid] / (tp[sid] + fp[sid]) if tp[sid] + fp[sid] else 0.0,
            "recall": tp[sid] / support if support else 0.0,
            "support": support,
            "tp": tp[sid],
            "fp": fp[sid],
            "fn": fn[sid],
        }
    scored = [v for v in table.values() if v["support"]]
    return {
        "items": len(rows),
        "real_items": sum(r["origin"] != "written" for r in rows),
        "exact_match": exact / len(rows),
        "macro_precision": sum(v["precision"] for v in scored) / len(scored),
        "macro_recall": sum(v["recall"] for v in scored) / len(scored),
        "micro_precision": sum(tp.values()) / max(1, sum(tp.values()) + sum(fp.values())),
        "micro_recall": sum(tp.values()) / max(1, sum(tp.values()) + sum(fn.values())),
        "per_sector": table,
    }


def place_raw(row: dict[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {
        k: row[k] or None
        for k in ("organiser", "organiser_type", "postal_code", "city", "location", "country")
    }
    raw["nuts"] = [c for c in row["nuts"].split(",") if c]
    raw["regions"], raw["scope"] = [], None
    return raw


def place_figures(rows: list[dict[str, str]]) -> dict[str, Any]:
    hits = Counter()
    for row in rows:
        regions, scope, country = tag_place(place_raw(row))
        hits["regions"] += regions == [r for r in row["expected_regions"].split(",") if r]
        hits["scope"] += scope == (row["expected_scope"] or None)
        hits["country"] += country == (row["expected_country"] or None)
    return {"rows": len(rows), **{f"{k}_accuracy": v / len(rows) for k, v in sorted(hits.items())}}


def throughput(fn: Callable[[], int], seconds: float) -> float:
    """Items per CPU-second of `fn` (which processes a batch and returns its size), over at least `seconds`.

    CPU time of this process, not wall time: on a machine shared with other jobs, wall time measures the
    neighbours. Everything here is single-threaded, so one CPU-second is one second of one core.
    """
    fn()  # warm-up: model load, regex compilation, memo tables
    done, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        done += fn()
    return done / elapsed


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat-seconds", type=float, default=2.0, help="time spent on each throughput figure"
    )
    args = parser.parse_args(argv)

    lang_rows, place_rows = read_tsv("languages.tsv"), read_tsv("places.tsv")
    sector_rows, skipped = resolve_references(read_tsv("sectors.tsv"))
    if skipped:
        print(f"note: {skipped} sector rows skipped: {CORPUS} is absent")
    lang = language_figures(lang_rows)
    sectors = sector_figures(sector_rows)
    places = place_figures(place_rows)

    titles = [r["text"] for r in lang_rows]
    long_texts = [sector_text(r) for r in sector_rows]
    speed = {
        "language_texts_per_s": throughput(lambda: len(detect_many(titles)), args.repeat_seconds),
        "language_title_summary_per_s": throughput(
            lambda: sum(1 for t in long_texts if detect_language(t) or True), args.repeat_seconds
        ),
        "language_declared_per_s": throughput(
            lambda: sum(1 for t in titles if detect_language(t, "fr") or True), args.repeat_seconds
        ),
        "sectors_items_per_s": throughput(
            lambda: sum(1 for r in sector_rows if tag_sectors(sector_text(r), [], []) is not None),
            args.repeat_seconds,
        ),
        "places_items_per_s": throughput(
            lambda: sum(1 for r in place_rows if tag_place(place_raw(r))), args.repeat_seconds
        ),
    }

    print(
        f"language: {lang['texts']} texts ({lang['real_texts']} real), accuracy {lang['accuracy']:.3f}; "
        f"<= 4 words: {lang['short_texts']} texts, accuracy {lang['short_accuracy']:.3f}; "
        f"unknown (None) {lang['unknown']}, wrong {lang['wrong']}"
    )
    print("  per language: " + ", ".join(f"{k} {v:.3f}" for k, v in lang["per_language"].items()))
    for err in lang["errors"]:
        print(f"  miss: {err['expected']} -> {err['got']}: {err['text'][:80]}")
    print(
        f"\nsectors: {sectors['items']} items ({sectors['real_items']} real), exact match {sectors['exact_match']:.3f}"
    )
    print(f"  {'sector':22} {'precision':>9} {'recall':>7} {'support':>8} {'fp':>4} {'fn':>4}")
    for sid, v in sectors["per_sector"].items():
        print(
            f"  {sid:22} {v['precision']:9.2f} {v['recall']:7.2f} {v['support']:8d} {v['fp']:4d} {v['fn']:4d}"
        )
    print(
        f"  macro precision {sectors['macro_precision']:.3f}, macro recall {sectors['macro_recall']:.3f}; "
        f"micro precision {sectors['micro_precision']:.3f}, micro recall {sectors['micro_recall']:.3f}"
    )
    print(
        f"\nplaces: {places['rows']} rows, regions {places['regions_accuracy']:.3f}, "
        f"scope {places['scope_accuracy']:.3f}, country {places['country_accuracy']:.3f}"
    )
    print(
        "\nthroughput per CPU-second (one process, one thread): "
        + ", ".join(f"{k} {v:,.0f}" for k, v in speed.items())
    )

    summary = {
        "language_accuracy": round(lang["accuracy"], 4),
        "language_short_accuracy": round(lang["short_accuracy"], 4),
        "language_texts": lang["texts"],
        "language_short_texts": lang["short_texts"],
        "language_unknown": lang["unknown"],
        "language_wrong": lang["wrong"],
        "sectors_items": sectors["items"],
        "sectors_macro_precision": round(sectors["macro_precision"], 4),
        "sectors_macro_recall": round(sectors["macro_recall"], 4),
        "sectors_micro_precision": round(sectors["micro_precision"], 4),
        "sectors_micro_recall": round(sectors["micro_recall"], 4),
        "sectors_per_sector": {
            k: {"p": round(v["precision"], 3), "r": round(v["recall"], 3), "n": v["support"]}
            for k, v in sectors["per_sector"].items()
        },
        "places_rows": places["rows"],
        "places_regions_accuracy": round(places["regions_accuracy"], 4),
        "places_scope_accuracy": round(places["scope_accuracy"], 4),
        "places_country_accuracy": round(places["country_accuracy"], 4),
        **{k: round(v) for k, v in speed.items()},
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
