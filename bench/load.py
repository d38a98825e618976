"""Loading into the warehouse (SPEC §7): upsert N refined items into an empty warehouse, then the same items
again (nothing changes), against a bare DuckDB Arrow insert of the same rows measured in the same run.

    python bench/load.py --items 100000          # targets: under 3 s each, within 1.5x of the bare insert
    python bench/load.py --items 1000000         # also prints peak memory (maxrss)

Every timing includes turning the item dicts into Arrow columns. Last line: JSON with seconds,
second_load_seconds, arrow_insert_seconds, ratio, second_ratio, items, maxrss_mb.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from warehouse.batch import to_arrow  # noqa: E402
from warehouse.store import Warehouse  # noqa: E402

KINDS = ("tender", "call", "event")
TITLES = {
    "fr": ("Marché de services audiovisuels", "Appel à projets arts de la scène", "Rencontre réseau Théâtre"),
    "nl": (
        "Opdracht voor audiovisuele diensten",
        "Projectoproep podiumkunsten",
        "Netwerkmoment Stadsschouwburg",
    ),
    "en": ("Audiovisual services contract", "Call for performing arts projects", "Networking evening"),
}
SUMMARY = {
    "fr": "Soutien à la création pour les compagnies bruxelloises et wallonnes, résidences et diffusion.",
    "nl": "Steun voor creatie door Vlaamse en Brusselse gezelschappen, residenties en spreiding.",
    "en": "Support for new work by companies based in Belgium, with residencies and touring.",
}


def make_items(n: int) -> list[dict[str, Any]]:
    base = datetime(2027, 1, 1, 12, tzinfo=UTC)
    items = []
    for i in range(n):
        kind = KINDS[i % 3]
        lang = ("fr", "nl", "en")[i % 3]
        title = f"{TITLES[lang][i % 3]} {i}"
        texts = {lang: {"title": title, "summary": SUMMARY[lang]}}
        if i % 4 == 0:  # bilingual notices, as TED and Belgian ones often are
            other = "nl" if lang == "fr" else "fr"
            texts[other] = {"title": f"{TITLES[other][i % 3]} {i}", "summary": SUMMARY[other]}
        when = (base + timedelta(hours=i % 5000)).isoformat()
        items.append(
            {
                "id": f"bench-{i % 7}:{i}",
                "kind": kind,
                "source": f"bench-{i % 7}",
                "native_id": str(i),
                "url": f"https://example.org/{i}",
                "title": title,
                "summary": SUMMARY[lang],
                "language": lang,
                "texts": texts,
                "published_at": "2026-11-02T09:00:00+01:00",
                "deadline_at": None if kind == "event" else when,
                "deadline_precision": None if kind == "event" else "datetime",
                "starts_at": when if kind == "event" else None,
                "ends_at": None,
                "organiser": f"Organiser {i % 500}",
                "country": "BE",
                "regions": ["BE-BRU"] if i % 2 else ["BE-WAL", "BE-BRU"],
                "scope": "regional",
                "location": "Bruxelles" if kind == "event" else None,
                "cpv": ["92100000", "79340000"] if kind == "tender" else [],
                "sectors": ["audiovisual"],
                "status": "open",
                "budget_amount": float(i % 90_000) if kind == "tender" else None,
                "budget_currency": "EUR" if kind == "tender" else None,
                "cluster_id": f"bench-{i % 7}:{i}",
                "flags": [],
            }
        )
    return items


def bare_arrow_insert(items: list[dict[str, Any]], path: Path) -> float:
    """The floor: the same rows as Arrow, inserted into a table of the same shape, no upsert logic."""
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE bare (id VARCHAR PRIMARY KEY, kind VARCHAR, source VARCHAR, native_id VARCHAR,
        url VARCHAR, title VARCHAR, summary VARCHAR, language VARCHAR, texts JSON, published_at TIMESTAMPTZ,
        deadline_at TIMESTAMPTZ, deadline_precision VARCHAR, starts_at TIMESTAMPTZ, ends_at TIMESTAMPTZ,
        organiser VARCHAR, country VARCHAR, regions VARCHAR[], scope VARCHAR, location VARCHAR, cpv VARCHAR[],
        sectors VARCHAR[], status VARCHAR, budget_amount DOUBLE, budget_currency VARCHAR, cluster_id VARCHAR,
        flags VARCHAR[])""")
    started = time.perf_counter()
    batch = to_arrow(items)  # noqa: F841 - read by DuckDB by name
    con.execute("BEGIN")
    con.execute("INSERT INTO bare SELECT * REPLACE (to_json(texts) AS texts) FROM batch")
    con.execute("COMMIT")
    con.close()  # as Warehouse.load closes its connection: the checkpoint to the file counts on both sides
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    items = make_items(args.items)
    with tempfile.TemporaryDirectory(prefix="vigie-bench-load-") as tmp:
        tmpdir = Path(tmp)
        bare = bare_arrow_insert(items, tmpdir / "bare.duckdb")
        warehouse = Warehouse(tmpdir / "home")
        warehouse.migrate()
        now = datetime.now(UTC)
        first = warehouse.load(items, "bench-1", now)
        second = warehouse.load(items, "bench-2", now + timedelta(hours=1))
        assert first.new == len(items) and second.unchanged == len(items), (first, second)
        publish_started = time.perf_counter()
        warehouse.publish()
        publish = time.perf_counter() - publish_started
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"items                  {len(items):>10,}")
    print(f"bare Arrow insert      {bare:>10.3f} s")
    print(
        f"upsert, empty table    {first.seconds:>10.3f} s   ({first.new:,} new)   ratio {first.seconds / bare:.2f}x"
    )
    print(
        f"upsert, same items     {second.seconds:>10.3f} s   ({second.unchanged:,} unchanged, "
        f"{second.updated} updated)   ratio {second.seconds / bare:.2f}x"
    )
    print(f"publish (snapshot + Parquet) {publish:>4.3f} s")
    print(f"peak memory (maxrss)   {maxrss_mb:>10.0f} MB")
    print(
        json.dumps(
            {
                "items": len(items),
                "seconds": round(first.seconds, 3),
                "second_load_seconds": round(second.seconds, 3),
                "arrow_insert_seconds": round(bare, 3),
                "ratio": round(first.seconds / bare, 2),
                "second_ratio": round(second.seconds / bare, 2),
                "publish_seconds": round(publish, 3),
                "maxrss_mb": round(maxrss_mb),
            }
        )
    )


if __name__ == "__main__":
    main()
