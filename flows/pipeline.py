"""The pipeline, as a story: collect every source, refine what came in, load it in one transaction,
record each source's health, publish the snapshot, the digest newsletter and the feed."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow

from flows import distributed_dispatch as distributed
from flows import health
from flows.places import check_places, fill_places
from flows.summary import RunSummary, SourceSummary
from flows.tasks import (
    collect_source,
    dedupe_run,
    load_run,
    mark_loaded,
    pending_batches,
    publish_outputs,
    record_health,
    refine_source,
    select_sources,
    set_run_clock,
    source_raw_paths,
)
from spiders import families
from vigie.core.paths import raw_dir
from warehouse.ledger import SourceHistory, read_ledger

if TYPE_CHECKING:
    from refine.clusters import KnownClusters
    from refine.match_keys import MatchKeys
    from refine.pipeline import RefineResult


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


@flow(name="vigie-run", validate_parameters=False, log_prints=False, persist_result=False)
async def vigie_run(
    home: str,
    registry_file: str | None = None,
    only: list[str] | None = None,
    demo_url: str | None = None,
    as_of: str | None = None,
    dispatch: str | None = None,
) -> RunSummary:
    """`as_of` (ISO instant) makes statuses, windows and recurrences as on that day; the run's own records
    (run id, ledger times) keep the real clock. `dispatch="pool"` (or $VIGIE_DISPATCH) runs each source's
    collect and refine as a flow run on the Prefect work pool (flows.distributed; needs PREFECT_API_URL)."""
    started = time.perf_counter()
    home_path = Path(home)
    real_now = datetime.now(UTC)
    now = datetime.fromisoformat(as_of) if as_of else real_now
    run_id = new_run_id(real_now)
    run_dir = raw_dir(run_id, home_path)
    reg, sources = select_sources(registry_file, demo_url, only, now if as_of else None)
    summary = RunSummary(run_id=run_id, as_of=now.isoformat() if as_of else None)
    ledger = read_ledger(home_path)
    history, since = ledger.history, ledger.last_published

    # Raw records a killed run left behind: refined with this run's, per source.
    leftovers = pending_batches(run_dir.parent, run_id)
    staged = None
    if distributed.requested(dispatch):
        # 1-2 on the work pool's workers: one flow run per source collects, refines and stages its batch.
        staged = await distributed.dispatch_sources(
            home_path, registry_file, sources, demo_url, now, bool(as_of), run_id, since, leftovers
        )
        collected = staged.collected
    else:
        # 1. Collect: every source at once; a failing source is reported and never stops the others.
        collected = await asyncio.gather(
            *(
                collect_source(source, home_path, run_dir, reg.settings, since.get(source.name))
                for source in sources
            )
        )

    # 2. Refine: per source, this run's raw records plus those a killed run left behind.
    summary.pending_batches = len(leftovers)
    known = _cluster_candidates(home_path)
    items: list[dict] = []
    keys: list[MatchKeys] = []
    quarantined: list[dict] = []
    per_source: dict[str, SourceSummary] = {}
    raw_paths: list[Path] = []
    for source, result in zip(sources, collected, strict=True):
        paths = source_raw_paths(source.name, [*leftovers, run_dir])
        raw_paths.extend(paths)
        # A places file's rows are places, not items: checked here for its health, stored by the places step.
        places_file = families.BY_NAME[source.family].places
        if staged is not None:
            refined = staged.refined.get(source.name)
        else:
            refined = refine_source(paths, now) if paths and not places_file else None
        row = SourceSummary(
            name=source.name,
            records=result.records,
            errors=list(result.errors),
            seconds=result.seconds,
            bytes=result.bytes,
            not_modified=result.not_modified,
            reused=result.reused,
        )
        if refined is not None and as_of:
            row.not_yet = _hold_unpublished(refined, now)
        if refined is not None:
            items.extend(refined.items)
            keys.extend(refined.match_keys)
            quarantined.extend(refined.quarantined)
            row.valid = len(refined.items)
            row.quarantined = len(refined.quarantined)
            row.repeated = refined.replaced
        if places_file and paths:
            row.valid, refused = check_places(paths)
            quarantined.extend(refused)
            row.quarantined = len(refused)
        per_source[source.name] = row
        summary.sources.append(row)

    # 3. Deduplicate across sources, languages and runs.
    summary.clusters_merged = dedupe_run(items, keys, known)

    # 4. Load everything of this run in one transaction, then record each source's health.
    loaded = load_run(home_path, items, quarantined, [], run_id, now, staged.batches if staged else ())
    if staged is not None:  # loaded: the staged batches are no longer needed (kept when the load fails)
        distributed.forget_staged(home_path, run_id, staged)
    # Leftovers of a killed run may hold sources outside this run's selection: they load, but have no row.
    for name, n in Counter(i.split(":", 1)[0] for i in loaded.new_ids).items():
        if name in per_source:
            per_source[name].new = n
    for name, n in Counter(i.split(":", 1)[0] for i in loaded.updated_ids).items():
        if name in per_source:
            per_source[name].updated = n
    finished = datetime.now(UTC).isoformat()
    rows = []
    for row in summary.sources:
        # Records that repeat an id within the run (a feed listing an entry twice) are neither valid nor
        # refused: the valid share is taken over the others. Items held back by --as-of were read fine.
        row.status, row.flag = health.assess(
            row.records - row.repeated,
            row.valid + row.not_yet,
            len(row.errors),
            history.get(row.name, SourceHistory()),
        )
        if row.not_yet:
            held = f"{row.not_yet} item(s) published after {now.date().isoformat()} left out (--as-of)"
            row.flag = f"{row.flag}; {held}" if row.flag else held
        rows.append(_ledger_row(run_id, real_now, finished, row))
    checks = record_health(home_path, rows)
    summary.problems += [f"check failed: {c}" for c in checks if not c.passed]
    # 4b. Places: config/places.toml and the venues of this run's events, each event linked to its place.
    summary.problems += fill_places(home_path, raw_paths, now).problems
    mark_loaded([*leftovers, run_dir])

    # 5. Publish: the read-only snapshot (its as_of() clock set), then the digest and the Atom feed from it.
    set_run_clock(home_path, now if as_of else None)
    summary.outputs, problems = publish_outputs(home_path, now)
    summary.problems += problems
    summary.items_total = loaded.total
    summary.seconds = time.perf_counter() - started
    return summary


def _hold_unpublished(refined: RefineResult, as_of: datetime) -> int:
    """A run made as of a day does not know what was published after it: those items are left out of this
    load (their raw records stay under raw/), so nothing from the day's future shows up as forthcoming."""
    kept = [
        (item, key)
        for item, key in zip(refined.items, refined.match_keys, strict=True)
        if not item.get("published_at") or datetime.fromisoformat(item["published_at"]) <= as_of
    ]
    held = len(refined.items) - len(kept)
    refined.items = [item for item, _ in kept]
    refined.match_keys = [key for _, key in kept]
    return held


def _ledger_row(run_id: str, started: datetime, finished: str, row: SourceSummary) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "source": row.name,
        "started_at": started.isoformat(),
        "finished_at": finished,
        "status": row.status,
        "items": row.records,
        "valid": row.valid,
        "new": row.new,
        "updated": row.updated,
        "quarantined": row.quarantined,
        "errors": len(row.errors),
        "bytes": row.bytes,
        "seconds": round(row.seconds, 3),
        "message": "; ".join([*row.errors[:3], row.flag]).strip("; ")[:1000],
    }


def _cluster_candidates(home: Path) -> KnownClusters:
    """The stored items' dedupe rows, indexed once for the run's clustering."""
    from refine.clusters import KnownClusters
    from warehouse.store import Warehouse

    # A first run finds an empty warehouse; a busy one (another run holding it past the lock timeout) is an
    # error naming that process: matching against nothing would silently duplicate every stored item.
    return KnownClusters(Warehouse(home).cluster_candidates())
