"""The pipeline's tasks: each is a whole stage for one source (or for the run), never one task per item.

Tasks take and return plain data; the logic lives in spiders/, refine/, warehouse/ and newsletters/, so it is
tested there without Prefect.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import task
from prefect.cache_policies import NONE

from spiders.crawl import CollectResult, collect
from spiders.registry import Registry, Source

if TYPE_CHECKING:
    from refine.clusters import KnownClusters
    from refine.match_keys import MatchKeys
    from refine.pipeline import RefineResult
    from warehouse.checks import CheckResult
    from warehouse.staging import StagedBatch
    from warehouse.store import LoadResult

LOADED_MARK = "LOADED"


@task(name="collect", cache_policy=NONE, retries=0)
async def collect_source(
    source: Source, home: Path, run_dir: Path, overrides: dict[str, Any], since: str | None
) -> CollectResult:
    return await collect(source, home=home, run_dir=run_dir, overrides=overrides, since=since)


def read_raw(paths: list[Path]) -> tuple[list[dict], list[dict]]:
    """Raw records from JSON Lines files; an unreadable line is quarantined, not dropped."""
    records: list[dict] = []
    bad: list[dict] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    bad.append(
                        {
                            "source": path.stem,
                            "native_id": None,
                            "record": {"line": line[:2000]},
                            "reason": f"{path.name} line {n}: not valid JSON (truncated write?)",
                        }
                    )
    return records, bad


@task(name="refine", cache_policy=NONE)
def refine_source(paths: list[Path], now: datetime) -> RefineResult:
    """One source's records of the run, refined (a big batch on Dask, flows.refine_dask); clustering waits for
    every source (dedupe_run)."""
    from flows.refine_dask import refine_records

    records, bad = read_raw(paths)
    result = refine_records(records, now)
    result.quarantined.extend(bad)
    return result


@task(name="dedupe", cache_policy=NONE)
def dedupe_run(items: list[dict], keys: list[MatchKeys], known: KnownClusters) -> int:
    """Clusters the run once, across all its sources and what is already stored (`keys`: the items' match
    keys from refine, in the same order); returns how many items joined another item's cluster."""
    from refine.clusters import assign_clusters

    return assign_clusters(items, known, keys)


@task(name="load", cache_policy=NONE)
def load_run(
    home: Path,
    items: list[dict],
    quarantined: list[dict],
    source_rows: list[dict],
    run_id: str,
    now: datetime,
    batches: Sequence[StagedBatch] = (),
) -> LoadResult:
    """The run's items and quarantined records in one transaction. `batches`: the staged batches they came
    from (warehouse.staging, left out of `items` when warehouse.staged_load.pending says they are loaded);
    their digests are recorded in the same transaction, and one already recorded fails the whole load, so
    nothing is loaded twice."""
    from warehouse.staged_load import record_taken
    from warehouse.store import Warehouse

    warehouse = Warehouse(home)
    with warehouse.session() as con:
        result = warehouse.load(items, run_id, now)
        if quarantined:
            warehouse.quarantine(quarantined, run_id)
        record_taken(con, batches, datetime.now(UTC))
    return result


@task(name="record-health", cache_policy=NONE)
def record_health(home: Path, rows: list[dict]) -> list[CheckResult]:
    from warehouse.store import Warehouse

    warehouse = Warehouse(home)
    warehouse.record_source_runs(rows)
    return warehouse.run_checks()


@task(name="set-clock", cache_policy=NONE)
def set_run_clock(home: Path, as_of: datetime | None) -> None:
    from warehouse.clock import set_clock
    from warehouse.store import Warehouse

    set_clock(Warehouse(home), as_of)


@task(name="publish", cache_policy=NONE)
def publish_outputs(home: Path, now: datetime) -> tuple[dict[str, str], list[str]]:
    """Snapshot first (what readers rely on), then the outputs rendered from it; a rendering failure is
    reported and does not undo the snapshot."""
    from warehouse.store import Warehouse

    outputs = {"snapshot": str(Warehouse(home).publish())}
    problems: list[str] = []
    try:
        from newsletters.make import make_issue

        issue = make_issue("digest", "fr", None, home, False, [], now=now)
        outputs["newsletter"] = str(issue.html_path)
    except Exception as exc:  # noqa: BLE001 - reported in the run summary
        problems.append(f"newsletter digest (fr) not rendered: {type(exc).__name__}: {exc}")
    try:
        from feeds.render import feed_from_snapshot
        from warehouse.filters import Filter
        from warehouse.snapshot import connect

        con = connect(home)
        try:
            body, _ = feed_from_snapshot(con, Filter(), "atom", now, "http://127.0.0.1:8000")
        finally:
            con.close()
        feed_path = home / "feeds" / "all.atom"
        feed_path.parent.mkdir(parents=True, exist_ok=True)
        feed_path.write_bytes(body)
        outputs["feed"] = str(feed_path)
    except Exception as exc:  # noqa: BLE001 - reported in the run summary
        problems.append(f"atom feed not rendered: {type(exc).__name__}: {exc}")
    return outputs, problems


def pending_batches(raw_root: Path, current: str) -> list[Path]:
    """Raw record folders of earlier runs that never reached the warehouse (killed runs), oldest first."""
    if not raw_root.exists():
        return []
    return sorted(
        p
        for p in raw_root.iterdir()
        if p.is_dir()
        and p.name != current
        and p.name != "bodies"
        and not (p / LOADED_MARK).exists()
        and any(p.glob("*.jsonl"))
    )


def mark_loaded(run_dirs: list[Path]) -> None:
    for run_dir in run_dirs:
        if run_dir.exists():
            (run_dir / LOADED_MARK).write_text("loaded into the warehouse\n")


def select_sources(
    registry_file: str | None, demo_url: str | None, only: list[str] | None, clock: datetime | None
) -> tuple[Registry, list[Source]]:
    """The registry and the sources a run collects; `clock` (a run made as of a day) goes to the parsers
    that read the clock (recurrences, "open now") through their options. The same for the whole run and for
    one source's flow run on a worker (flows.distributed)."""
    from dataclasses import replace

    from spiders import registry

    subs = {"demo": demo_url} if demo_url else {}
    reg = registry.load(Path(registry_file) if registry_file else None, substitutions=subs)
    sources = reg.select(only)
    if clock is not None:
        sources = [replace(s, options={**s.options, "now": clock.isoformat()}) for s in sources]
    return reg, sources


def source_raw_paths(source: str, run_dirs: list[Path]) -> list[Path]:
    """One source's raw record files in these run folders (a killed run's leftovers first, then this run's)."""
    return [d / f"{source}.jsonl" for d in run_dirs if (d / f"{source}.jsonl").exists()]
