"""Kind, sector and fit of real texts against tests/labelled/kinds.tsv (refine.kind, refine.sectors, refine.fit).

    .venv/bin/python bench/evals/kinds.py [--part held-out|tuned|both] [--sector-misses]

`run(part)` returns the figures of one half (rows are split by hash, `split` column; the rules were written on
the tuned half only): per-kind precision/recall, the share of news that would reach a newsletter (classified
as call, tender or event), opportunities recognised (an expected call/tender/event not classified as news), kind
accuracy among opportunities, sector macro precision/recall over the sectors labelled in that half, and fit
agreement on calls and tenders. As in a run, a row whose record states no deadline gets one from its text when
refine.deadline_text finds one (refine.dates does so before the kind is decided). Rows whose text is a reference
into the shared corpus ("@article:N") are read from ../shared/corpus, and skipped (counted) when it is absent. A
tender's notice is parsed from its `origin`: a file of ../shared/corpus, or a real notice kept with the tests
(origin "tests/fixtures/...", gzipped). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from refine.dates import EARLIEST_YEAR, MAX_YEARS_AHEAD  # noqa: E402
from refine.deadline_text import find_deadline  # noqa: E402
from refine.fit import call_signals, decide, tender_signals  # noqa: E402
from refine.kind import classify  # noqa: E402
from refine.sectors import tag_sectors  # noqa: E402
from spiders import parsers  # noqa: E402
from vigie.core.errors import ParseError  # noqa: E402

LABELLED = ROOT / "tests" / "labelled" / "kinds.tsv"
CORPUS = ROOT.parent / "shared" / "corpus"
OPPORTUNITIES = ("call", "event", "tender")


def read_rows(path: Path = LABELLED) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def resolve(rows: list[dict[str, str]], corpus: Path = CORPUS) -> tuple[list[dict[str, str]], int]:
    """Rows with "@article:N" texts read from the corpus; (usable rows, rows skipped because it is absent).
    The one reference reader lives with the tagging benchmark (imported here on use: it imports this module)."""
    spec = importlib.util.spec_from_file_location("tagging_eval", ROOT / "bench" / "tagging_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.resolve_references(rows, corpus)


def _origin_path(origin: str) -> Path:
    """Where a row's file is: a copy kept with the tests ("tests/fixtures/...", gzipped notices), else the
    shared corpus."""
    return ROOT / origin if origin.startswith("tests/fixtures/") else CORPUS / origin


@lru_cache(maxsize=128)
def _notices(origin: str) -> tuple[dict[str, Any], ...]:
    path = _origin_path(origin)
    if not path.is_file():
        return ()
    body = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    name = path.name.removesuffix(".gz")
    try:
        return tuple(parsers.parse(body, parsers.detect_family(body, name), source="eval", url="https://x/"))
    except ParseError:
        return ()


def notice_record(row: dict[str, str]) -> dict[str, Any]:
    """The raw record the row's notice parses into (its lots, values, procedure... as refine.fit reads them);
    {} when the corpus file is absent or no record has the row's title."""
    for record in _notices(row["origin"]):
        title = record.get("title") or ""
        if title == row["title"] or (len(row["title"]) >= 40 and title.startswith(row["title"])):
            return record
    return {}


def predict(row: dict[str, str]) -> dict[str, Any]:
    """What refine's taggers say of one labelled row: kind, sectors, fit (a tender's fit from its notice's own
    fields, read by parsing the row's corpus file, as refine.fit reads them in a run)."""
    text = f"{row['title']}. {row['summary']}" if row["summary"] else row["title"]
    kind, reason = classify(
        row["title"],
        row["summary"],
        family=row["family"] or None,
        declared=row["declared"] or None,
        has_deadline=bool(row["has_deadline"]) or _deadline_in_text(text, row["declared"]),
        has_start=bool(row["has_start"]),
    )
    cpv = [c for c in row["cpv"].split(",") if c]
    sectors = tag_sectors(text, cpv, [], title=row["title"], kind=kind)
    fit = None
    if kind == "call":
        fit = decide(call_signals(text, row["family"] or None))
    elif kind == "tender":
        record = notice_record(row)
        item = {k: record.get(k) for k in ("budget_amount", "budget_currency")}
        fit = decide(tender_signals({**item, "cpv": cpv, "title": row["title"]}, record))
    return {"kind": kind, "reason": reason, "sectors": set(sectors), "fit": fit}


def _deadline_in_text(text: str, declared: str) -> bool:
    """As refine.dates does before the kind is decided: a record that states no deadline, and is not declared
    an event, gets one from its text ("Deadline: 30 May 2016 ..."), if it falls in the years refine accepts."""
    if declared == "event":
        return False
    found = find_deadline(text)
    return found is not None and EARLIEST_YEAR <= found[0].year <= _LATEST_YEAR


_LATEST_YEAR = datetime.now(UTC).year + MAX_YEARS_AHEAD


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def run(part: str = "held-out") -> dict[str, Any]:
    """The figures of one half of the labelled set ("tuned" or "held-out")."""
    if part not in ("tuned", "held-out"):
        raise ValueError(f"part should be 'tuned' or 'held-out', not {part!r}")
    rows, skipped = resolve([r for r in read_rows() if r["split"] == part])
    tp, fp, fn = Counter(), Counter(), Counter()
    s_tp, s_fp, s_fn = Counter(), Counter(), Counter()
    news = news_pushed = opp = opp_seen = opp_right = fit_rows = fit_agree = 0
    misses: list[str] = []
    for row in rows:
        got = predict(row)
        want = row["expected"]
        if got["kind"] == want:
            tp[want] += 1
        else:
            fp[got["kind"]] += 1
            fn[want] += 1
            misses.append(f"{want}->{got['kind']} ({got['reason']}): {row['title'][:60]}")
        if want == "news":
            news += 1
            news_pushed += got["kind"] in OPPORTUNITIES
        else:
            opp += 1
            opp_seen += got["kind"] != "news"
            opp_right += got["kind"] == want
        expected_sectors = {s for s in row["sectors"].split(",") if s}
        s_tp.update(got["sectors"] & expected_sectors)
        s_fp.update(got["sectors"] - expected_sectors)
        s_fn.update(expected_sectors - got["sectors"])
        if row["fit"] and got["fit"]:
            fit_rows += 1
            fit_agree += got["fit"] == row["fit"]
    kinds = {
        k: {
            "precision": _ratio(tp[k], tp[k] + fp[k]),
            "recall": _ratio(tp[k], tp[k] + fn[k]),
            "n": tp[k] + fn[k],
        }
        for k in (*OPPORTUNITIES, "news")
    }
    labelled = sorted(s for s in set(s_tp) | set(s_fn))
    precision = [s_tp[s] / (s_tp[s] + s_fp[s]) if s_tp[s] + s_fp[s] else 0.0 for s in labelled]
    recall = [s_tp[s] / (s_tp[s] + s_fn[s]) for s in labelled]
    return {
        "part": part,
        "rows": len(rows),
        "skipped_corpus_absent": skipped,
        "kinds": kinds,
        "news_reaching_newsletter": _ratio(news_pushed, news),
        "opportunities_recognised": _ratio(opp_seen, opp),
        "kind_accuracy_among_opportunities": _ratio(opp_right, opp),
        "sector_macro_precision": round(sum(precision) / len(precision), 3) if precision else None,
        "sector_macro_recall": round(sum(recall) / len(recall), 3) if recall else None,
        "sectors_scored": len(labelled),
        "fit_agreement": _ratio(fit_agree, fit_rows),
        "fit_rows": fit_rows,
        "misses": misses,
    }


def sector_misses() -> list[str]:
    """The TUNED rows whose sectors differ from their label (title, CPV codes, expected, got): material for
    sector rules. Held-out rows are never listed (they are the check)."""
    rows, _ = resolve([r for r in read_rows() if r["split"] == "tuned"])
    lines = []
    for row in rows:
        got, want = predict(row)["sectors"], {s for s in row["sectors"].split(",") if s}
        if got != want:
            lines.append(
                f"{row['title'][:70]} | cpv={row['cpv'][:40]} | expected {sorted(want)} got {sorted(got)}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("held-out", "tuned", "both"), default="both")
    parser.add_argument(
        "--sector-misses", action="store_true", help="list the tuned rows' sector misses only"
    )
    args = parser.parse_args()
    if args.sector_misses:
        for line in sector_misses():
            print(f"  sector miss: {line}")
        return
    parts = ("tuned", "held-out") if args.part == "both" else (args.part,)
    results = {}
    for part in parts:
        result = run(part)
        results[part] = {k: v for k, v in result.items() if k != "misses"}
        print(f"== {part}: {result['rows']} rows ({result['skipped_corpus_absent']} skipped: corpus absent)")
        for kind, figures in result["kinds"].items():
            print(
                f"  {kind:7} precision {figures['precision']}  recall {figures['recall']}  n={figures['n']}"
            )
        for key in ("news_reaching_newsletter", "opportunities_recognised", "kind_accuracy_among_opportunities",
                    "sector_macro_precision", "sector_macro_recall", "fit_agreement"):  # fmt: skip
            print(f"  {key}: {result[key]}")
        for miss in result["misses"][:15]:
            print(f"    miss {miss}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
