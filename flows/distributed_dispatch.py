"""Dispatching a run's sources to the Prefect work pool, and watching them until each has its batch (issue 19).

`vigie run --dispatch pool` (or VIGIE_DISPATCH=pool) with PREFECT_API_URL set creates one flow run of
flows.distributed.vigie_source per source, all at once; the `vigie worker`s of the pool share them. This
waits for them, then reads the staged batches back for the run's clustering and single load.

A worker that dies (its machine, or the worker and its flow runs killed) leaves its flow runs Running (or
Pending) on the server for ever: Prefect 3.8.8's server marks nothing crashed by itself. Each flow run sends a
heartbeat event every 30 s (PREFECT_FLOWS_HEARTBEAT_FREQUENCY, set for these runs); a Running run with no sign
of life (heartbeat or state change) for LOST_AFTER seconds (a Pending one, still starting, PENDING_GRACE times
as long) is marked Crashed here and dispatched again, like a run that ended Crashed or Failed, up to
MAX_ATTEMPTS times. Re-running a source usually writes the same content, hence the same batch file
(warehouse.staging is content-addressed), and the load records each batch's digest in its own transaction:
nothing is loaded twice. A run taken for lost that was only slow goes on, appends its records to the same raw
file as its retry and writes a batch of its own: the load takes only the batches that the source's collect
summary names (the summary is written last, by whichever attempt finished last) and removes the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from spiders.registry import Source
from vigie.core.errors import VigieError

if TYPE_CHECKING:
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.objects import FlowRun

    from flows.distributed import StagedRun

DISPATCH_ENV = "VIGIE_DISPATCH"  # "pool": dispatch to the work pool; "local" (the default): in this process
POOL_ENV = "VIGIE_WORK_POOL"
DEFAULT_POOL = "vigie"
HEARTBEAT_SECONDS = 30  # the flow runs' heartbeat: Prefect's minimum


def _seconds(name: str, default: float) -> float:
    try:
        return max(float(os.environ.get(name, "") or default), 1.0)
    except ValueError:
        raise VigieError(f"{name}={os.environ[name]!r}: expected a number of seconds") from None


# A run silent this long (2.5 heartbeats: one may be late on a busy machine, two are not) is lost.
LOST_AFTER = 2.5 * HEARTBEAT_SECONDS  # VIGIE_DISPATCH_LOST_AFTER
PENDING_GRACE = 3  # a starting (Pending) run sends no heartbeat yet
TIMEOUT = 3600.0  # VIGIE_DISPATCH_TIMEOUT: the whole dispatch, a worker's queueing included
MAX_ATTEMPTS = 3
POLL_SECONDS = 2.0
log = logging.getLogger(__name__)


def pool_name() -> str:
    return os.environ.get(POOL_ENV, "").strip() or DEFAULT_POOL


def requested(dispatch: str | None) -> bool:
    """True for the work pool; the embedded default (no server, no worker) otherwise."""
    mode = (dispatch or os.environ.get(DISPATCH_ENV, "") or "local").strip().lower()
    if mode not in ("pool", "local"):
        raise VigieError(f"dispatch {mode!r}: expected 'local' (this process) or 'pool' (the work pool)")
    if mode == "pool" and not os.environ.get("PREFECT_API_URL"):
        raise VigieError("dispatch 'pool' needs PREFECT_API_URL: a Prefect server that `vigie worker`s poll")
    return mode == "pool"


async def ensure_pool(client: PrefectClient, name: str) -> None:
    """Creates the process work pool `name` when it does not exist."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    try:
        pool = await client.read_work_pool(name)
    except ObjectNotFound:
        # Another worker may have created it meanwhile.
        with contextlib.suppress(ObjectAlreadyExists):
            await client.create_work_pool(WorkPoolCreate(name=name, type="process"))
        return
    if pool.type != "process":
        raise VigieError(f"work pool {name!r} is of type {pool.type!r}, not 'process'")


async def run_worker(pool: str, name: str | None, limit: int) -> None:
    """One process worker on `pool`, until interrupted (vigie worker)."""
    from prefect.client.orchestration import get_client
    from prefect.workers.process import ProcessWorker

    async with get_client() as client:
        await _reachable(client)
        await ensure_pool(client, pool)
    async with ProcessWorker(work_pool_name=pool, name=name, limit=limit) as worker:
        await worker.start()


async def _reachable(client: PrefectClient) -> None:
    url = os.environ.get("PREFECT_API_URL", "")
    try:
        failure = await client.api_healthcheck()
    except Exception as exc:  # noqa: BLE001 - any transport error says the same
        failure = exc
    if failure is not None:
        raise VigieError(f"the Prefect server at {url} does not answer ({type(failure).__name__}: {failure})")


async def dispatch_sources(
    home: Path,
    registry_file: str | None,
    sources: list[Source],
    demo_url: str | None,
    now: datetime,
    fixed_clock: bool,
    run_id: str,
    since: dict[str, str],
    leftovers: list[Path],
) -> StagedRun:
    """One flow run per source on the work pool, each retried when lost; then the staged batches, read back."""
    from prefect.client.orchestration import get_client

    from flows.distributed import ensure_deployment, read_back
    from warehouse.staging import staging_root

    os.environ.setdefault("DO_NOT_TRACK", "1")  # Prefect's client-side usage analytics: no internet here
    staging = staging_root(home)
    common = {
        "home": str(home),
        "run_id": run_id,
        "now": now.isoformat(),
        "staging": staging,
        "fixed_clock": fixed_clock,
        "registry_file": str(Path(registry_file).resolve()) if registry_file else None,
        "demo_url": demo_url,
        "leftovers": [str(p) for p in leftovers],
    }
    params = {s.name: {**common, "source": s.name, "since": since.get(s.name)} for s in sources}
    async with get_client() as client:
        await _reachable(client)
        await ensure_pool(client, pool_name())
        deployment_id = await ensure_deployment(pool_name())
        watch = _Watch(client, deployment_id, run_id, params)
        errors = await watch.run()
    return read_back(staging, run_id, [s.name for s in sources], errors, watch.attempts)


def forget_staged(home: Path, run_id: str, staged: StagedRun) -> list[str]:
    """After the run's load committed: its staged files go, as the warehouse holds their content. A batch
    the load did not take (a source given up on, whose late flow run wrote anyway) stays; its paths are
    returned. A failed load never gets here, so its batches stay for the next try."""
    from warehouse.staging import remove_run, staging_root

    for batch in staged.superseded:
        log.info("staged batch %s is an earlier attempt's reading of %s; removed", batch.path, batch.source)
    done = {b.digest for b in (*staged.batches, *staged.superseded)}
    left = remove_run(staging_root(home), run_id, done)
    for path in left:
        log.warning("staged batch %s was not loaded by run %s; kept", path, run_id)
    return left


class _Watch:
    """The run's flow runs, polled until each source has a completed one or has used its attempts."""

    def __init__(self, client: PrefectClient, deployment_id: str, run_id: str, params: dict) -> None:
        self.client, self.deployment_id, self.run_id, self.params = client, deployment_id, run_id, params
        self.attempts: dict[str, list[str]] = {name: [] for name in params}
        self.current: dict[str, str] = {}  # source -> the flow run id being waited for
        self.errors: dict[str, str] = {}
        self.lost_after = _seconds("VIGIE_DISPATCH_LOST_AFTER", LOST_AFTER)
        self.timeout = _seconds("VIGIE_DISPATCH_TIMEOUT", TIMEOUT)

    async def run(self) -> dict[str, str]:
        await asyncio.gather(*(self._submit(name) for name in self.params))
        deadline = time.monotonic() + self.timeout
        while self.current:
            if time.monotonic() > deadline:
                for name, run_id in self.current.items():
                    self.errors[name] = (
                        f"flow run {run_id} not finished after {self.timeout:.0f} s (no worker?)"
                    )
                break
            await asyncio.sleep(POLL_SECONDS)
            await self._poll()
        return self.errors

    async def _submit(self, name: str) -> None:
        from prefect.deployments import run_deployment

        attempt = len(self.attempts[name]) + 1
        flow_run = await run_deployment(
            self.deployment_id,
            parameters=self.params[name],
            timeout=0,
            flow_run_name=f"{self.run_id}-{name}-{attempt}",
            tags=["vigie", f"vigie-run-{self.run_id}"],
            job_variables={"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS)}},
        )
        self.attempts[name].append(str(flow_run.id))
        self.current[name] = str(flow_run.id)

    async def _poll(self) -> None:
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        by_id = {v: k for k, v in self.current.items()}
        runs = await self.client.read_flow_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(by_id)))
        )
        for run in runs:
            name = by_id[str(run.id)]
            state = run.state
            if state is None:
                continue
            if state.is_completed():
                del self.current[name]
            elif state.is_cancelled():
                del self.current[name]
                self.errors[name] = f"flow run {run.name} was cancelled"
            elif state.is_crashed() or state.is_failed():
                await self._retry(name, run, f"ended {state.name}: {state.message or ''}".strip(" :"))
            elif state.is_running() or state.is_pending():
                # A Pending run is a process starting (10-40 s on a busy machine, over a minute on a loaded one):
                # no heartbeat yet, so it has PENDING_GRACE times as long. Taken for lost too early, it would run
                # twice, the first copy still starting.
                silent = await self._silent_for(run)
                if silent > self.lost_after * (PENDING_GRACE if state.is_pending() else 1):
                    reason = f"no sign of life for {silent:.0f} s (its worker is gone?)"
                    await self._mark_crashed(run, reason)
                    await self._retry(name, run, reason)

    async def _silent_for(self, run: FlowRun) -> float:
        """Seconds since the flow run last showed life: its state change or its latest heartbeat event."""
        now = datetime.now(UTC)
        last = run.state.timestamp if run.state and run.state.timestamp else now
        if (now - last).total_seconds() > self.lost_after:
            last = max(last, await self._last_heartbeat(run) or last)
        return (now - last).total_seconds()

    async def _last_heartbeat(self, run: FlowRun) -> datetime | None:
        from prefect.events.filters import (
            EventFilter,
            EventNameFilter,
            EventOccurredFilter,
            EventResourceFilter,
        )

        since = (run.start_time or datetime.now(UTC)) - timedelta(seconds=5)
        page = await self.client.read_events(
            filter=EventFilter(
                event=EventNameFilter(name=["prefect.flow-run.heartbeat"]),
                resource=EventResourceFilter(id=[f"prefect.flow-run.{run.id}"]),
                occurred=EventOccurredFilter(since=since),
            ),
            limit=50,
        )
        return max((e.occurred for e in page.events), default=None)

    async def _mark_crashed(self, run: FlowRun, reason: str) -> None:
        from prefect.states import Crashed

        await self.client.set_flow_run_state(run.id, Crashed(message=f"vigie: {reason}"), force=True)

    async def _retry(self, name: str, run: FlowRun, reason: str) -> None:
        del self.current[name]
        tries = len(self.attempts[name])
        if tries >= MAX_ATTEMPTS:
            self.errors[name] = f"flow run {run.name} {reason}; gave up after {tries} attempts"
            return
        log.warning("%s: flow run %s %s; dispatching it again", name, run.name, reason)
        await self._submit(name)
