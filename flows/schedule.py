"""`vigie schedule`: the pipeline as a Prefect deployment on a cron schedule.

Prefect's ephemeral mode cannot schedule (stack.md §2), so this connects to PREFECT_API_URL when given, or
starts a local `prefect server start` on 127.0.0.1 (needs no network; ~15 s to start, ~235 MB) and stops it on
exit. Each scheduled run executes in a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from vigie.core.errors import VigieError
from vigie.core.timezone import TIMEZONE


def _wait_healthy(api_url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as resp:  # noqa: S310 - loopback
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise VigieError(f"the Prefect server at {api_url} did not become healthy in {seconds:.0f} s")


def start_server(home: Path, port: int) -> tuple[subprocess.Popen, str]:
    log = open(home / "logs" / "prefect-server.log", "ab")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
    )
    return proc, f"http://127.0.0.1:{port}/api"


def serve_schedule(
    home: Path,
    cron: str,
    api_url: str | None,
    port: int,
    registry_file: Path | None = None,
    every: int | None = None,
) -> None:
    (home / "logs").mkdir(parents=True, exist_ok=True)
    server = None
    if not api_url:
        server, api_url = start_server(home, port)
        print(f"Started a local Prefect server at {api_url} (log: {home / 'logs' / 'prefect-server.log'})")
    os.environ["PREFECT_API_URL"] = api_url
    try:
        _wait_healthy(api_url)
        from datetime import timedelta

        from prefect.schedules import Cron, Interval

        from flows.pipeline import vigie_run

        schedule = Interval(timedelta(seconds=every)) if every else Cron(cron, timezone=TIMEZONE)
        when = f"every {every} s" if every else f"on cron '{cron}' ({TIMEZONE})"
        print(f"Serving deployment vigie-run/scheduled {when}. Ctrl-C stops it.", flush=True)
        params = {"home": str(home), "registry_file": str(registry_file) if registry_file else None}
        vigie_run.serve(
            name="scheduled",
            schedules=[schedule],
            parameters=params,
            description="Vigie: collect, refine, load, publish",
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
