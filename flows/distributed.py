"""One source's share of a run, as its own flow run on a Prefect work pool (issue 19): collect, parse and refine
that source, then stage the refined batch (warehouse.staging) where the run's loader reads it. A big batch is
refined and staged by Dask tasks that write their parts themselves (flows.refine_staged): this process sends
the records and gets paths back, never the refined items.

`vigie run --dispatch pool` creates one flow run of this flow per source (flows.distributed_dispatch); the
`vigie worker`s polling the pool run them, each in a process of its own, possibly on other machines. The
steps are the pipeline's own (flows.tasks); only where their results go differs: a Parquet batch and a small
collect summary in the staging location instead of the run's memory. Clustering and the load stay with the run
(flows.pipeline), once for all sources, as in a single-process run.

The deployment runs this file from the code beside it (`flow.from_source` on this checkout: a process pool,
no image): a worker on another machine needs the same checkout at the same path, the same $VIGIE_HOME (the
raw records and the HTTP cache live there) and the same staging location ($VIGIE_STAGING_URL).
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, task
from prefect.cache_policies import NONE

from flows.tasks import collect_source, read_raw, select_sources, source_raw_paths
from spiders import families
from spiders.crawl import CollectResult
from vigie.core.errors import VigieError
from vigie.core.paths import raw_dir

if TYPE_CHECKING:
    from refine.pipeline import RefineResult
    from warehouse.staging import StagedBatch

ROOT = Path(__file__).resolve().parents[1]
ENTRYPOINT = "flows/distributed.py:vigie_source"
FLOW_NAME = "vigie-source"
DEPLOYMENT = "pool"  # the deployment's name: vigie-source/pool
_OUTCOMES = "_collect"  # beside the batches' <source>/ folders, which warehouse.staging reads


@flow(name=FLOW_NAME, validate_parameters=False, log_prints=False, persist_result=False)
async def vigie_source(
    home: str,
    source: str,
    run_id: str,
    now: str,
    staging: str,
    fixed_clock: bool = False,
    registry_file: str | None = None,
    demo_url: str | None = None,
    since: str | None = None,
    leftovers: list[str] | None = None,
) -> list[str]:
    """Collect → parse → refine one source of run `run_id`; returns the staged batches' paths (one, or the
    parts of a big batch; none when the source gave no records). `now` is the run's clock (ISO),
    `fixed_clock` says it was set by --as-of."""
    home_path = Path(home)
    clock = datetime.fromisoformat(now)
    run_dir = raw_dir(run_id, home_path)
    with _demo_environment(demo_url):
        reg, found = select_sources(registry_file, demo_url, [source], clock if fixed_clock else None)
        result = await collect_source(found[0], home_path, run_dir, reg.settings, since)
    paths = source_raw_paths(source, [*(Path(p) for p in leftovers or []), run_dir])
    # A places file's rows are places, not items: the run checks and stores them from the raw records.
    places_file = families.BY_NAME[found[0].family].places
    batches = stage_source(paths, clock, staging, run_id, source) if paths and not places_file else []
    write_outcome(staging, run_id, source, result, batches)
    return batches


@task(name="refine", cache_policy=NONE)
def stage_source(paths: list[Path], now: datetime, staging: str, run_id: str, source: str) -> list[str]:
    """flows.tasks.refine_source, each batch (or part) written to staging where it is refined."""
    from flows.refine_staged import stage_refined

    records, bad = read_raw(paths)
    return [part.path for part in stage_refined(records, now, staging, run_id, source, quarantined=bad)]


def _demo_environment(demo_url: str | None) -> contextlib.AbstractContextManager[None]:
    """The demo's stand-in servers want placeholder credentials (vigie.demo.server), in this process too."""
    if not demo_url:
        return contextlib.nullcontext()
    from vigie.demo.server import demo_environment

    return demo_environment()


def write_outcome(staging: str, run_id: str, source: str, result: CollectResult, batches: list[str]) -> None:
    """The source's collect summary (the run's health rows need it), whole or not at all, last: once it is
    there, the batches it names are too."""
    fs, base = _fs(staging)
    folder = f"{base}/{run_id}/{_OUTCOMES}"
    body = json.dumps({"collect": asdict(result), "batches": batches}, ensure_ascii=False).encode()
    try:
        fs.makedirs(folder, exist_ok=True)
        temporary = f"{folder}/.{source}.{secrets.token_hex(4)}.tmp"
        with fs.open(temporary, "wb") as fh:
            fh.write(body)
        fs.mv(temporary, f"{folder}/{source}.json")
    except OSError as exc:
        raise VigieError(f"staging {staging}: cannot write the collect summary of {source} ({exc})") from None


def read_outcome(staging: str, run_id: str, source: str) -> tuple[CollectResult, list[str]] | None:
    """What a completed flow run of `source` wrote (None when it wrote nothing)."""
    fs, base = _fs(staging)
    try:
        with fs.open(f"{base}/{run_id}/{_OUTCOMES}/{source}.json", "rb") as fh:
            data: dict[str, Any] = json.loads(fh.read())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise VigieError(f"staging {staging}: unreadable collect summary of {source} ({exc})") from None
    return CollectResult(**data["collect"]), list(data.get("batches") or [])


@dataclass
class StagedRun:
    """What the workers sent back: per source, the collect summary and the refined batch."""

    collected: list[CollectResult]
    refined: dict[str, RefineResult] = field(default_factory=dict)
    batches: list[StagedBatch] = field(default_factory=list)
    attempts: dict[str, list[str]] = field(default_factory=dict)  # source -> its flow run ids, in order
    superseded: list[StagedBatch] = field(default_factory=list)  # by an attempt given up on: not loaded


def read_back(
    staging: str, run_id: str, sources: list[str], errors: dict[str, str], attempts: dict[str, list[str]]
) -> StagedRun:
    """The run's staged sources, once their flow runs are done: each source's collect summary, and the batches
    that summary names. A flow run taken for lost that was only slow goes on and writes a batch of its own
    (its records appended to its retry's raw file, so another content): that batch is `superseded`, not loaded,
    whichever attempt wrote the summary last. A source in `errors` (given up on) loads nothing."""
    from warehouse.staging import digest_of, merge_batches, read_batches

    out = StagedRun(collected=[], attempts=attempts)
    named: dict[str, set[str]] = {}  # source -> the digests its collect summary names
    for name in sources:
        outcome = read_outcome(staging, run_id, name) if name not in errors else None
        if outcome is None:
            message = errors.get(name, "its flow run completed but staged no collect summary")
            out.collected.append(CollectResult(source=name, errors=[message]))
        else:
            out.collected.append(outcome[0])
            named[name] = {digest_of(path) for path in outcome[1]}
    by_source: dict[str, list[StagedBatch]] = defaultdict(list)
    for batch in read_batches(staging, run_id):
        if batch.source not in named:
            continue
        if batch.digest in named[batch.source]:
            by_source[batch.source].append(batch)
            out.batches.append(batch)
        else:
            out.superseded.append(batch)
    out.refined = {name: merge_batches(found) for name, found in by_source.items()}
    return out


def _fs(root: str) -> tuple[Any, str]:
    import fsspec

    fs, base = fsspec.core.url_to_fs(root)
    return fs, base.rstrip("/")


async def ensure_deployment(pool: str) -> str:
    """Creates or updates the vigie-source/pool deployment on `pool`, from this checkout; returns its id."""
    source_flow = await vigie_source.from_source(source=str(ROOT), entrypoint=ENTRYPOINT)
    deployment = await source_flow.to_deployment(
        name=DEPLOYMENT,
        work_pool_name=pool,
        description="Vigie: one source of a run (collect, parse, refine, stage the batch)",
        enforce_parameter_schema=False,
    )
    return str(await deployment.apply())
