"""Benchmark of the refine step against parsing the same raw inputs.

    .venv/bin/python bench/refine.py --items 100000 [--json] [--profile]
    .venv/bin/python bench/refine_compare.py --items 100000    # one process against one per core

Workload: every corpus file (../shared/corpus) and test fixture that one of the family parsers present in this
checkout can read is parsed into raw records; the records are replicated to N with varied ids, titles and dates
(as many different notices of the same shapes would be), so refine sees the real mix of TED, e-Procurement,
EU Funding, OCDS, feed and calendar records.

Parse time: the same input files are parsed again and again until at least N records (at most --parse-cap) have
come out; the time is scaled to N records. Refine time: `refine.pipeline.refine_and_cluster` over the N records,
clustering included (in batches of --batch records beyond that size, see main()). ratio_to_parse = refine time /
parse time (SPEC §7 target: <= 3). A batch of 10,000+ records is refined by this process and forked copies of
it, one per core (refine.fork_runner; VIGIE_REFINE_WORKERS=1 for this process alone, to compare).
items_per_cpu_s counts the CPU time of this process and of those copies: on a machine shared with other work it
moves less than items_per_s. The last line printed is a JSON object with the figures; peak memory is this
process's maximum resident set size, peak_rss_child_mb that of the largest copy. python_reference_s is the time
of a fixed pure-Python workload on this machine: compare figures of two machines only with it beside them.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import itertools
import json
import pstats
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refine.clusters import KnownClusters  # noqa: E402
from refine.fork_runner import WORKERS_ENV, fork_runner  # noqa: E402
from refine.match_keys import fingerprint  # noqa: E402
from refine.pipeline import refine, refine_and_cluster  # noqa: E402
from spiders import parsers  # noqa: E402
from vigie.core.errors import ParseError  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
_DATE_FIELDS = ("published_at", "deadline_at", "starts_at", "ends_at")


def input_files() -> list[Path]:
    roots = [CORPUS, ROOT / "tests" / "fixtures"]
    files = []
    for root in roots:
        if root.is_dir():
            files += sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() != ".md")
    return files


# What the registry entry of such a source says when the data does not (config/sources.toml `kind`); in a run
# spiders fill it in (registry.apply_defaults), so the benchmark does too.
_SOURCE_KIND = {"feed": "call", "ics": "event", "jsonld": "event", "html_list": "call", "ocds": "tender"}


def read_inputs() -> tuple[list[tuple[str, bytes, str]], list[dict[str, Any]], Counter[str]]:
    """(family, body, name) of every readable input, their raw records, and records per family."""
    inputs, records, per_family = [], [], Counter()
    for path in input_files():
        body = path.read_bytes()
        try:
            family = parsers.detect_family(body, path.name)
            parsed = list(
                parsers.parse(body, family, source=f"bench-{family}", url=f"https://example.org/{path.name}")
            )
        except ParseError:
            continue
        except Exception as exc:  # a parser under construction must not stop the benchmark; report it
            print(f"  skipped {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        for record in parsed:
            record["kind"] = record.get("kind") or _SOURCE_KIND.get(family, "tender")
        if parsed:
            inputs.append((family, body, path.name))
            records += parsed
            per_family[family] += len(parsed)
    return inputs, records, per_family


def time_parse(inputs: list[tuple[str, bytes, str]], want: int) -> tuple[float, int]:
    count, started = 0, time.perf_counter()
    while count < want:
        for family, body, name in inputs:
            for _record in parsers.parse(
                body, family, source=f"bench-{family}", url=f"https://example.org/{name}"
            ):
                count += 1
    return time.perf_counter() - started, count


def _shift(value: Any, days: int) -> Any:
    if not value or not isinstance(value, str):
        return value
    try:
        if len(value) == 10:
            return (datetime.fromisoformat(value) + timedelta(days=days)).date().isoformat()
        return (datetime.fromisoformat(value) + timedelta(days=days)).isoformat()
    except ValueError:
        return value


_WORDS = (
    "culture",
    "théâtre",
    "musique",
    "cirque",
    "vidéo",
    "design",
    "erfgoed",
    "podium",
    "digital",
    "atelier",
    "festival",
    "édition",
    "residency",
    "exhibition",
    "werken",
    "levering",
)


def replicate(records: list[dict[str, Any]], n: int) -> Iterator[dict[str, Any]]:
    """N records: copy k of a base record gets its own id, a title variant and its dates moved k weeks back.

    The dates spread as the items grow in number: a warehouse of 1,000,000 items is ten years of notices at
    the density of 100,000 items over one year, as a watch that keeps running accumulates them (not ten times
    as many notices closing on the same days, which would make every dedupe block ten times as crowded). Back
    in time, because refine rightly refuses dates more than five years ahead."""
    base_count = len(records)
    for k in range(n):
        index = k % base_count
        copy_no = k // base_count
        base = records[index]
        dates = {name: _shift(base.get(name), -7 * copy_no) for name in _DATE_FIELDS}
        record = dict(base)
        record.update(dates)
        suffix = f" – {_WORDS[copy_no % len(_WORDS)]} {copy_no}" if copy_no else ""
        record["native_id"] = f"{base.get('native_id') or base.get('url')}~{index}~{copy_no}"
        if base.get("title"):
            record["title"] = base["title"] + suffix
        if base.get("texts"):
            record["texts"] = {
                lang: {"title": (text.get("title") or "") + suffix, "summary": text.get("summary")}
                for lang, text in base["texts"].items()
            }
        yield record


def python_reference_s() -> float:
    """Seconds this machine takes for a fixed pure-Python workload (string, dict and loop work, as refine does;
    best of 3). Machines of one kind differ up to 2x from one to the next: this says which one a figure came from."""
    best = float("inf")
    for _ in range(3):
        started, counts = time.perf_counter(), {}
        for i in range(300_000):
            key = f"titre {i % 977} culture"
            counts[key] = counts.get(key, 0) + len(key.split())
        best = min(best, time.perf_counter() - started)
    return best


def cpu_seconds() -> float:
    """CPU time of this process and of its ended children (refine.fork_runner's forked refine processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    parser.add_argument("--profile", action="store_true", help="print the top functions of the refine run")
    parser.add_argument("--batch", type=int, default=100_000, help="records per refine() call")
    parser.add_argument("--sort", default="cumulative", help="profile sort order (cumulative, tottime)")
    parser.add_argument(
        "--parse-cap",
        type=int,
        default=100_000,
        help="parse at most this many records and scale (parsing 1M records takes minutes)",
    )
    args = parser.parse_args()
    say = (lambda *a: None) if args.json else print

    inputs, records, per_family = read_inputs()
    if not records:
        print("no input could be parsed: are the parsers and ../shared/corpus present?", file=sys.stderr)
        raise SystemExit(2)
    say(f"inputs: {len(inputs)} files, {len(records)} raw records; per family: {dict(per_family)}")
    say(f"parser modules present: {sorted(parsers.available())}")
    reference_s = python_reference_s()
    say(f"machine: {reference_s:.3f} s for the fixed pure-Python reference workload (lower is faster)")

    # Warm caches and lazy loads (language model, taggers' data files) outside the timings, as a long run would.
    refine(records[:200], now=NOW)

    parse_s, parsed = time_parse(inputs, min(args.items, args.parse_cap))
    parse_for_n = parse_s * args.items / parsed
    say(f"parse: {parsed} records in {parse_s:.2f} s ({parsed / parse_s:,.0f} records/s)")

    # Up to --batch items are refined in one call, as `vigie run` does per source. Beyond that the records are
    # streamed and refined batch by batch, each batch seeing the earlier ones through their dedupe rows
    # (`known`), exactly as a run sees the warehouse; the items of a batch are then dropped (the flow
    # loads them). This is what keeps 1,000,000 items within memory.
    streamed = args.items > args.batch
    workload: Any = replicate(records, args.items) if streamed else list(replicate(records, args.items))
    gc.collect()
    profiler = cProfile.Profile() if args.profile else None
    known = KnownClusters()  # as a run indexes the warehouse's rows once
    runner = fork_runner(args.batch if streamed else args.items)
    processes = runner.processes if runner else 1
    say(f"refine processes: {processes} ({WORKERS_ENV}=1 for one)")
    valid = quarantined = replaced = 0
    clusters: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    refine_s = refine_cpu_s = 0.0
    while True:
        batch = list(itertools.islice(workload, args.batch)) if streamed else workload
        if not batch:
            break
        # Only refining is timed (and indexing its fingerprints for the next batches), not making the records.
        started, started_cpu = time.perf_counter(), cpu_seconds()
        if profiler:
            profiler.enable()
        result = refine_and_cluster(batch, now=NOW, known=known)
        valid += len(result.items)
        quarantined += len(result.quarantined)
        replaced += result.replaced
        reasons.update(result.errors_by_reason)
        clusters.update(item["cluster_id"] for item in result.items)
        if streamed:
            known.add(fingerprint(item) for item in result.items)
        if profiler:
            profiler.disable()
        refine_s += time.perf_counter() - started
        refine_cpu_s += cpu_seconds() - started_cpu
        if not streamed:
            break
        del batch, result
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    multi = sum(1 for size in clusters.values() if size > 1)
    say(
        f"refine: {valid} items, {quarantined} quarantined, {replaced} replaced, "
        f"{multi} clusters of 2+ items, in {refine_s:.2f} s ({args.items / refine_s:,.0f} items/s; "
        f"{refine_cpu_s:.2f} s of CPU, {args.items / refine_cpu_s:,.0f} items per CPU second)"
    )
    if reasons:
        say("quarantine reasons:", "; ".join(f"{n}× {r}" for r, n in reasons.most_common(5)))
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(30)
    figures = {
        "items": args.items,
        "items_per_s": round(args.items / refine_s),
        "refine_s": round(refine_s, 3),
        # CPU time of the process while refining: on a machine shared with other work, wall time also counts
        # the time the process waited for a core; this does not (compare both, and repeat).
        "refine_cpu_s": round(refine_cpu_s, 3),
        "items_per_cpu_s": round(args.items / refine_cpu_s),
        "parse_s_for_items": round(parse_for_n, 3),
        "parse_records_measured": parsed,
        "ratio_to_parse": round(refine_s / parse_for_n, 3),
        "peak_rss_mb": round(peak_mb),
        # The largest forked refine process (refine.fork_runner), 0 if none ran. Most of its pages are shared
        # with this process (a fork copies a page only when one of them writes it), so this overstates what it
        # adds to the machine's memory.
        "peak_rss_child_mb": round(children_peak_mb),
        "processes": processes,
        "python_reference_s": round(reference_s, 3),
        "batch": args.batch if streamed else args.items,
        "valid": valid,
        "quarantined": quarantined,
        "multi_item_clusters": multi,
        "families": dict(per_family),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
