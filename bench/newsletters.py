"""Benchmark of the newsletters: every theme of config/themes.toml in fr, nl and en from a warehouse of N items.

    .venv/bin/python bench/newsletters.py --items 100000 [--repeat 3]

Fills a temporary $VIGIE_HOME through Warehouse.load + publish (not timed), then times every theme in fr, nl
and en: history read, candidate queries on the snapshot, issue rules, Jinja2 + css-inline rendering, and the
.html/.txt/.eml/.preview.html files written; nothing is sent. Two ways: `make_issues` (all at once: one
warehouse and snapshot opening) and `make_issue` once per issue (as 21 `vigie newsletter` calls would,
without the interpreter start).
The last line is one JSON object: seconds (make_issues, wall, median over the repeats), cpu_seconds (its CPU,
DuckDB threads included: on a shared machine it shows the work when the wall time shows the queue),
one_by_one_seconds, median_issue_ms and max_issue_ms (make_issue), issues, items. SPEC target: under 2 s for every theme in three languages over 100,000 items.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsletters.make import make_issue, make_issues  # noqa: E402
from newsletters.themes import load_themes  # noqa: E402
from warehouse.store import Warehouse  # noqa: E402

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
SECTORS = (
    "performing-arts",
    "music",
    "audiovisual",
    "visual-arts",
    "design",
    "architecture",
    "heritage",
    "writing-publishing",
    "photography",
    "digital",
    "education-training",
    "events",
    "crafts-fashion",
    "communication",
    "consulting",
    "research-innovation",
    "social-health",
    "environment",
)
REGIONS = ("BE-BRU", "BE-WAL", "BE-VLG")
TITLES = {
    "fr": [
        "Appel à projets",
        "Marché public de captation vidéo",
        "Résidence de création",
        "Rencontre réseau",
        "Bourse d'écriture",
        "Conception graphique",
    ],
    "nl": [
        "Projectoproep",
        "Overheidsopdracht videoregistratie",
        "Creatieresidentie",
        "Netwerkmoment",
        "Schrijfbeurs",
        "Grafisch ontwerp",
    ],
    "en": [
        "Open call",
        "Public tender for video production",
        "Creative residency",
        "Networking meetup",
        "Writing grant",
        "Graphic design services",
    ],
}


def make_items(n: int, seed: int = 42) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    items = []
    for i in range(n):
        kind = rnd.choices(("tender", "call", "event"), weights=(5, 3, 2))[0]
        lang = rnd.choices(("fr", "nl", "en"), weights=(5, 4, 1))[0]
        text_langs = {lang} | ({"fr", "nl"} if kind == "tender" and rnd.random() < 0.4 else set())
        texts = {
            lg: {
                "title": f"{rnd.choice(TITLES[lg])} {i}",
                "summary": f"{rnd.choice(TITLES[lg])} — n° {i}. " * 4,
            }
            for lg in sorted(text_langs)
        }
        when = NOW + timedelta(days=rnd.randint(-60, 200), hours=rnd.randint(0, 23))
        item = {
            "id": f"bench:{i}",
            "kind": kind,
            "source": "bench",
            "native_id": str(i),
            "url": f"https://example.org/{kind}/{i}",
            "title": texts[lang]["title"],
            "summary": texts[lang]["summary"],
            "language": lang,
            "texts": texts,
            "published_at": (when - timedelta(days=30)).isoformat(),
            "deadline_at": None if kind == "event" else when.isoformat(),
            "deadline_precision": None if kind == "event" else "datetime",
            "starts_at": when.isoformat() if kind == "event" else None,
            "ends_at": (when + timedelta(hours=2)).isoformat() if kind == "event" else None,
            "organiser": f"Organisation {i % 500}",
            "country": "BE",
            "regions": [rnd.choice(REGIONS)],
            "scope": rnd.choice(("local", "regional", "community", "federal", "european")),
            "location": f"Salle {i % 50}, Bruxelles" if kind == "event" else None,
            "cpv": [],
            "sectors": rnd.sample(SECTORS, 2),
            "status": rnd.choice(("open", "open", "open", "forthcoming", "closed")),
            "budget_amount": None,
            "budget_currency": None,
            "cluster_id": f"bench:{i}",
            "flags": [],
        }
        items.append(item)
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="vigie-bench-newsletters-"))
    started = time.perf_counter()
    warehouse = Warehouse(home)
    warehouse.load(make_items(args.items), "bench", now=NOW - timedelta(days=3))
    warehouse.publish(exports=False)
    print(
        f"warehouse of {args.items} items under {home} in {time.perf_counter() - started:.1f} s (not timed)"
    )

    themes = list(load_themes().themes)
    make_issue("digest", "fr", home / "warmup", home, False, [], now=NOW)  # imports, template compilation
    batch, batch_cpu = [], []
    for run in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        results = make_issues(home, home / f"batch{run}", now=NOW)
        batch.append(time.perf_counter() - t0)
        batch_cpu.append(time.process_time() - c0)
        if run == 0:
            for r in results:
                print(
                    f"  {r.theme:16} {r.lang}  {r.counts['closing_soon']:3} closing soon "
                    f"{r.counts['new']:3} new {r.counts['events']:3} events"
                )
        print(
            f"all themes x 3 languages (make_issues), run {run + 1}: {len(results)} issues in {batch[-1]:.3f} s"
        )
    single, per_issue = [], []
    for run in range(args.repeat):
        t0 = time.perf_counter()
        for theme in themes:
            for lang in ("fr", "nl", "en"):
                t = time.perf_counter()
                make_issue(theme, lang, home / f"single{run}", home, False, [], now=NOW)
                per_issue.append(time.perf_counter() - t)
        single.append(time.perf_counter() - t0)
        print(f"one `vigie newsletter` call per issue (make_issue), run {run + 1}: {single[-1]:.3f} s")
    figures = {
        "items": args.items,
        "issues": len(themes) * 3,
        "seconds": round(statistics.median(batch), 3),
        "cpu_seconds": round(statistics.median(batch_cpu), 3),
        "one_by_one_seconds": round(statistics.median(single), 3),
        "median_issue_ms": round(statistics.median(per_issue) * 1000, 1),
        "max_issue_ms": round(max(per_issue) * 1000, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
