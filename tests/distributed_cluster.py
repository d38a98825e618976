"""The parts of tests/test_distributed.py that are not the scenario: processes (started in sessions of their
own, stopped with every descendant), the Prefect server's REST API, and the demo sample served on 127.0.0.1 with
one document that can be held back while a worker is killed."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from functools import partial
from pathlib import Path

GATED_PATH = "/feeds/picofeed_cerclepsy_fr.xml"  # demo-feed-fr's one document

# Server services this scenario does not use (no schedules, automations, pauses or cancellations): each is
# one more writer on the server's SQLite file, whose lock waits reach 60 s on a loaded 2-core machine.
IDLE_SERVICES = {
    f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false"
    for name in ("SCHEDULER", "LATE_RUNS", "PAUSE_EXPIRATIONS", "CANCELLATION_CLEANUP", "TRIGGERS")
}
QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **QUIET, "COLUMNS": "200", "VIGIE_ALLOW_NETWORKS": "127.0.0.1/32"}
    env["VIGIE_UITDATABANK_CLIENT_ID"] = "vigie-demo"  # the demo's stand-in API takes this placeholder
    for key in ("PREFECT_API_URL", "PREFECT_HOME", "VIGIE_DISPATCH", "VIGIE_STAGING_URL", "VIGIE_WORK_POOL"):
        env.pop(key, None)
    return {**env, **extra}


# -- processes ---------------------------------------------------------------------------------------------
def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
                out.setdefault(int(stat[1]), []).append(int(name))
    return out


def tree(pid: int) -> list[int]:
    """`pid` and every live descendant (Prefect starts flow runs in sessions of their own)."""
    children, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def parent(pid: int) -> int | None:
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return None


def kill_tree(proc: subprocess.Popen) -> None:
    for pid in reversed(tree(proc.pid)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=30)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the whole tree, SIGKILL what is left after 15 s."""
    if proc.poll() is None:
        for pid in tree(proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
    kill_tree(proc)


def wait_for(what: str, check, timeout: float, step: float = 1.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            value = check()
            if value:
                return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def api(base: str, path: str, body: dict | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as resp:  # noqa: S310 - the test's loopback server
        return json.loads(resp.read() or b"null")


# -- the demo sample, served with one document that can be held back ---------------------------------------
class Gate:
    def __init__(self) -> None:
        self.open = threading.Event()
        self.open.set()
        self.hit = threading.Event()


@contextlib.contextmanager
def demo_site(gate: Gate) -> Iterator[str]:
    from vigie.demo.server import SITE, DemoHTTPServer, StaticHandler

    class Handler(StaticHandler):
        bytes_sent = 0
        requests = 0

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            if self.path.split("?")[0] == GATED_PATH and not gate.open.is_set():
                gate.hit.set()
                gate.open.wait(45)  # below the download timeout (60 s): the held request must not fail
            super().do_GET()

    class Server(DemoHTTPServer):
        def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
            pass  # the held request's client was killed: writing its answer fails, as it should

    server = Server(("127.0.0.1", 0), partial(Handler, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        gate.open.set()
        server.shutdown()
        server.server_close()


def demo_registry(tmp: Path, url: str) -> Path:
    from vigie.cli.run import DEMO_REGISTRY

    path = tmp / "sources.toml"
    path.write_text(DEMO_REGISTRY.read_text(encoding="utf-8").replace("{demo}", url), encoding="utf-8")
    return path


def online_workers(base: str, pool: str) -> set[str]:
    found = api(base, f"/work_pools/{pool}/workers/filter", {})
    return {w["name"] for w in found if w.get("status") == "ONLINE"}  # type: ignore[union-attr]


def flow_runs(base: str, home: Path) -> list[dict]:
    found = api(base, "/flow_runs/filter", {"limit": 200, "sort": "EXPECTED_START_TIME_ASC"})
    # The per-source flow runs of the run made in `home` (the run's own flow run has no `source`).
    return [
        r
        for r in found  # type: ignore[union-attr]
        if (r.get("parameters") or {}).get("home") == str(home) and r["parameters"].get("source")
    ]


def running(base: str, home: Path, source: str) -> dict | None:
    """The Running flow run of `source` in the run made in `home`, once it has a process id."""
    for run in flow_runs(base, home):
        held = run["parameters"].get("source") == source and run["state_type"] == "RUNNING"
        if held and run.get("infrastructure_pid"):
            return run
    return None


def print_timeline(what: str, runs: list[dict]) -> None:
    """The flow runs of a run, for the record (pytest -s): when each started and ended, in what state."""
    print(f"\n{what}:")
    for run in runs:
        times = [(run.get(k) or "-")[11:19] for k in ("expected_start_time", "start_time", "end_time")]
        message = (run.get("state") or {}).get("message") or ""
        print(f"  {run['name']:<45} {run['state_type']:<10} {' '.join(times)} {message[:80]}")


def ancestors(pid: int) -> list[int]:
    chain: list[int] = []
    current: int | None = pid
    while current and current > 1:
        chain.append(current)
        current = parent(current)
    return chain


def submitted_by(base: str) -> dict[str, str]:
    """flow run id -> the worker that took it (Prefect's prefect.worker.submitted-flow-run events)."""
    body = {"filter": {"event": {"name": ["prefect.worker.submitted-flow-run"]}}, "limit": 50}
    page = api(base, "/events/filter", body)
    events = list(page["events"])  # type: ignore[index]
    while page.get("next_page"):  # type: ignore[union-attr]
        page = api(page["next_page"], "")  # type: ignore[index]
        events.extend(page["events"])  # type: ignore[index]
    out: dict[str, str] = {}
    for event in events:
        worker = event["resource"]["prefect.resource.id"].rsplit(".", 1)[-1]
        for related in event["related"]:
            if related["prefect.resource.id"].startswith("prefect.flow-run."):
                out[related["prefect.resource.id"].removeprefix("prefect.flow-run.")] = worker
    return out


def heartbeats(base: str, flow_run_id: str) -> list[str]:
    """When the flow run sent its heartbeats (Prefect's prefect.flow-run.heartbeat events)."""
    body = {
        "filter": {
            "event": {"name": ["prefect.flow-run.heartbeat"]},
            "resource": {"id": [f"prefect.flow-run.{flow_run_id}"]},
        },
        "limit": 50,
    }
    return sorted(e["occurred"] for e in api(base, "/events/filter", body)["events"])  # type: ignore[index]
