"""The taggers' accuracy on the labelled sets in tests/labelled/, for the tuned and the held-out part, and speed.

    .venv/bin/python bench/tagging_eval.py [--repeat-seconds 2]

For each part ("tuned": the rows rules were written on; "held-out": rows nobody looked at while writing them):
language accuracy overall and on texts of <= 4 words (bench/evals/language.py), free-text deadline exact-match
rate and false positives (bench/evals/deadlines.py), status accuracy and procurement deadlines
(bench/evals/status.py), kind/sector/fit figures (bench/evals/kinds.py); "n/a" for an eval not present. Then the
sector figures per part (bench/evals/sectors.py, the per-sector table of the tuned part only), the place table on
the whole set and throughputs (single process, one thread). Misses are printed for the tuned part only. The last
line is one JSON object with every figure of both parts, for the lead's report.
Throughput figures on a shared machine are noisy: rerun to compare.
"""

from __future__ import annotations

import argparse
import csv
import html
import importlib
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
sys.path.append(str(ROOT / "bench"))  # after the root: bench/refine.py is not the refine package

from refine.language import detect_language, detect_many  # noqa: E402
from refine.regions import tag_place  # noqa: E402
from refine.sectors import tag_sectors  # noqa: E402

LABELLED = ROOT / "tests" / "labelled"
# Texts from corpus files without a redistribution licence are not copied into tests/labelled: their rows hold a
# reference ("@article:12") that is read from the shared corpus when it is present.
CORPUS = ROOT.parent / "shared" / "corpus"
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


def sector_text(row: dict[str, str]) -> str:
    return f"{row['title']}. {row['summary']}" if row["summary"] else row["title"]


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


PARTS = ("tuned", "held-out")
# bench/evals/<module>: its run(part) -> dict figures (modules written by other engineers may not be there yet).
EVALS = ("language", "deadlines", "status", "kinds", "sectors")


def eval_runner(name: str) -> Callable[[str], dict[str, Any]] | None:
    try:
        return importlib.import_module(f"evals.{name}").run
    except ModuleNotFoundError:
        return None


def part_figures(part: str) -> dict[str, Any]:
    """{eval name: its figures on `part`, or "n/a" when that eval is absent}."""
    figures: dict[str, Any] = {}
    for name in EVALS:
        run = eval_runner(name)
        figures[name] = run(part) if run is not None else "n/a"
    return figures


def _short(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def print_part(part: str, figures: dict[str, Any]) -> None:
    print(f"== {part}")
    lang, dead = figures["language"], figures["deadlines"]
    print(
        f"  language: {lang['language_texts']} texts, accuracy {lang['language_accuracy']:.3f} (target >= 0.97); "
        f"<= 4 words: {lang['language_short_texts']} texts, accuracy {lang['language_short_accuracy']:.3f} "
        f"(target >= 0.92); unknown {lang['language_unknown']}, wrong {lang['language_wrong']}"
    )
    print(
        f"  deadlines in text: {dead['deadline_rows']} rows, exact {dead['deadline_exact']:.3f} (target >= 0.95), "
        f"{dead['deadline_found']}/{dead['deadline_positives']} found, "
        f"false positives {dead['deadline_false_positives']}"
    )
    for name in ("status", "kinds", "sectors"):
        found = figures[name]
        shown = (
            found
            if isinstance(found, str)
            else ", ".join(f"{k} {_short(v)}" for k, v in found.items() if not isinstance(v, (dict, list)))
        )
        print(f"  {name}: {shown}")
    if part == "tuned" and isinstance(figures["sectors"], dict):
        print("  sectors.tsv, tuned part, per sector:")
        importlib.import_module("evals.sectors").print_table(figures["sectors"])
    if part == "tuned":  # held-out misses stay unread: they are the check, not material for rules
        for err in lang["language_errors"]:
            print(f"  miss (language): {err['expected']} -> {err['got']}: {err['text'][:80]}")
        for err in dead["deadline_errors"]:
            print(f"  miss (deadline): {err.get('expected', '-')} -> {err['got'] or '-'}: {err['text'][:80]}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat-seconds", type=float, default=2.0, help="time spent on each throughput figure"
    )
    args = parser.parse_args(argv)

    parts = {part: part_figures(part) for part in PARTS}
    for part, figures in parts.items():
        print_part(part, figures)

    lang_rows, place_rows = read_tsv("languages.tsv"), read_tsv("places.tsv")
    sector_rows, _ = resolve_references(read_tsv("sectors.tsv"))
    # places.tsv is being reshaped for venue matching (issue 17): the place table is printed while it has its columns
    places = place_figures(place_rows) if "expected_regions" in place_rows[0] else None

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
            lambda: sum(
                1 for r in sector_rows if tag_sectors(sector_text(r), [], [], title=r["title"]) is not None
            ),
            args.repeat_seconds,
        ),
    }
    if places is not None:
        speed["places_items_per_s"] = throughput(
            lambda: sum(1 for r in place_rows if tag_place(place_raw(r))), args.repeat_seconds
        )

    if places is not None:
        print(
            f"\nplaces (whole set): {places['rows']} rows, regions {places['regions_accuracy']:.3f}, "
            f"scope {places['scope_accuracy']:.3f}, country {places['country_accuracy']:.3f}"
        )
    print(
        "\nthroughput per CPU-second (one process, one thread): "
        + ", ".join(f"{k} {v:,.0f}" for k, v in speed.items())
    )

    summary: dict[str, Any] = {
        part: {
            name: found
            if isinstance(found, str)
            else {
                k: v
                for k, v in found.items()
                if not k.endswith("_errors") and k not in ("misses", "per_sector")
            }
            for name, found in figures.items()
        }
        for part, figures in parts.items()
    }
    summary.update(
        {
            **{k: round(v) for k, v in speed.items()},
        }
    )
    if places is not None:
        summary.update({f"places_{k}": round(v, 4) if isinstance(v, float) else v for k, v in places.items()})
    print(json.dumps(summary, default=str))
    return summary


if __name__ == "__main__":
    main()
