"""`vigie worker`: one Prefect process worker on the work pool that `vigie run --dispatch pool` sends sources
to (flows.distributed). Start one per machine (or more); each runs its flow runs as processes of its own."""

from __future__ import annotations

import asyncio
import os
from typing import Annotated

import typer

from vigie.cli.app import app, fail
from vigie.core import paths
from vigie.core.errors import VigieError

# A worker asks the server for new flow runs this often (Prefect's default, 10 s, makes every source of a
# run wait up to 10 s before it starts); one request each time, cheap for the server.
_QUERY_SECONDS = "2"


@app.command()
def worker(
    pool: Annotated[
        str | None,
        typer.Option(
            "--pool", help="Work pool (default: $VIGIE_WORK_POOL, else 'vigie'); created if missing."
        ),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Worker name (default: a random one).")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Flow runs (sources) this worker runs at once.")
    ] = 2,
) -> None:
    """Run one Prefect process worker against PREFECT_API_URL until Ctrl-C: it takes the per-source flow runs
    of `vigie run --dispatch pool` from the work pool and runs each in a process of its own."""
    home = paths.home()
    from flows import prefect_env

    prefect_env.configure(home)  # quiet offline settings; its guard ends this worker's flow runs with it
    os.environ.setdefault("PREFECT_WORKER_QUERY_SECONDS", _QUERY_SECONDS)
    os.environ.setdefault("DO_NOT_TRACK", "1")  # Prefect's client-side usage analytics: no internet here
    if not os.environ.get("PREFECT_API_URL"):
        fail(
            "vigie worker needs PREFECT_API_URL, the Prefect server to take work from (prefect server start)"
        )
    from flows.distributed_dispatch import pool_name, run_worker

    try:
        asyncio.run(run_worker(pool or pool_name(), name, limit))
    except KeyboardInterrupt:
        pass
    except VigieError as exc:
        fail(str(exc))
