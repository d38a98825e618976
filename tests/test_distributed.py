"""Issue 19 with the real parts: a Prefect server on 127.0.0.1 (its own PREFECT_HOME, SQLite), two `vigie worker`
processes on a process work pool, and the demo registry dispatched source by source (`vigie run --dispatch
pool`). The warehouse afterwards equals a single-process run's, row for row (ids, fields, clusters), also when
one worker is killed while it runs a source: that source is run again by the other worker, and no batch is
loaded twice. Everything the module starts is stopped at its end, also when a test fails."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from distributed_cluster import (
    IDLE_SERVICES,
    Gate,
    ancestors,
    api,
    base_env,
    demo_registry,
    demo_site,
    flow_runs,
    free_port,
    heartbeats,
    kill_tree,
    online_workers,
    print_timeline,
    running,
    stop,
    submitted_by,
    wait_for,
)

# Finding a worker's flow runs and killing them with it walks /proc (Linux).
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
VIGIE = [sys.executable, "-m", "vigie.cli"]
AS_OF = "2021-08-20"  # vigie.demo.server.DEMO_AS_OF: both runs behave as on the same day
POOL = "vigie-test"
GATED = "demo-feed-fr"  # the source whose flow run is caught mid-run, its worker then killed
# Compared row for row; columns that hold the run's own id or the real clock of the run are left out.
TABLES = ("opportunities", "quarantine", "changes", "places", "event_places")
VOLATILE = {"run_id", "quarantined_at", "loaded_at", "created_at"}


def vigie_run(home: Path, registry: Path, env: dict, *extra: str) -> subprocess.Popen:
    home.mkdir(parents=True, exist_ok=True)
    cmd = [*VIGIE, "run", "--sources", str(registry), "--as-of", AS_OF, *extra]
    return subprocess.Popen(
        cmd,
        env={**env, "VIGIE_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(proc: subprocess.Popen, timeout: float) -> dict:
    out, err = proc.communicate(timeout=timeout)
    return {"rc": proc.returncode, "stdout": out, "stderr": err}


# -- the whole scenario, once for the module ----------------------------------------------------------------
@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("distributed")
    started: list[subprocess.Popen] = []
    gate = Gate()
    port = free_port()
    base = f"http://127.0.0.1:{port}/api"
    pooled_env = base_env(PREFECT_API_URL=base, VIGIE_WORK_POOL=POOL)
    with demo_site(gate) as url:
        registry = demo_registry(tmp, url)
        try:
            # The single-process run (embedded Prefect, no server) runs while the server starts.
            single = vigie_run(tmp / "single", registry, base_env())
            started.append(single)
            server_env = base_env(PREFECT_HOME=str(tmp / "prefect-server"), **IDLE_SERVICES)
            log = open(tmp / "prefect-server.log", "wb")  # noqa: SIM115 - closed with the server
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "prefect",
                    "server",
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env=server_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            started.append(server)
            wait_for("the Prefect server", lambda: api(base, "/health") is True, timeout=300)
            workers: dict[str, subprocess.Popen] = {}
            for name in ("worker-a", "worker-b"):
                wlog = open(tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the worker
                workers[name] = subprocess.Popen(
                    [*VIGIE, "worker", "--name", name, "--limit", "2"],
                    env={**pooled_env, "VIGIE_HOME": str(tmp / name)},
                    stdout=wlog,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                started.append(workers[name])
            wait_for(
                "two online workers", lambda: online_workers(base, POOL) >= {"worker-a", "worker-b"}, 180
            )
            result: dict = {"tmp": tmp, "api": base, "workers": workers}
            result["single"] = finish(single, timeout=600)

            result["pooled"] = finish(
                vigie_run(tmp / "pooled", registry, pooled_env, "--dispatch", "pool"), 900
            )
            print_timeline("pooled", flow_runs(base, tmp / "pooled"))

            gate.open.clear()
            killed = vigie_run(tmp / "killed", registry, pooled_env, "--dispatch", "pool")
            started.append(killed)
            assert gate.hit.wait(600), "the held document was never requested"
            victim_run = wait_for(
                "the held source's flow run", lambda: running(base, tmp / "killed", GATED), 120
            )
            # The run is held (its document is): it beats before it dies, so the test sees its heartbeats stop.
            wait_for("a heartbeat of the held source's run", lambda: heartbeats(base, victim_run["id"]), 120)
            pid = int(str(victim_run["infrastructure_pid"]).rsplit(":", 1)[-1])
            victim = next(n for n, p in workers.items() if p.pid in ancestors(pid))
            kill_tree(workers[victim])
            result["victim"], result["victim_run"] = victim, victim_run["id"]
            result["killed_at"] = datetime.now(UTC)
            gate.open.set()
            # What the server makes of the dead worker's run on its own, 30 s later: nothing, it stays Running.
            time.sleep(30)
            result["victim_state_30s"] = api(base, f"/flow_runs/{victim_run['id']}")["state_type"]  # type: ignore[index]
            result["killed"] = finish(killed, timeout=900)
            result["flow_runs"] = flow_runs(base, tmp / "killed")
            print_timeline(f"killed ({victim} killed at {result['killed_at']:%H:%M:%S})", result["flow_runs"])
            result["submitted_by"] = submitted_by(base)
            result["heartbeats"] = heartbeats(base, victim_run["id"])
            print(f"heartbeats of the killed run: {[t[11:19] for t in result['heartbeats']]}")
            yield result
        finally:
            gate.open.set()
            for proc in reversed(started):
                stop(proc)


def warehouse_rows(home: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home / "published.duckdb"), read_only=True)
    try:
        out = {}
        for table in TABLES:
            columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c not in VOLATILE)
            out[table] = con.execute(f"SELECT {kept} FROM {table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def loaded_batches(home: Path) -> list[tuple]:
    con = duckdb.connect(str(home / "published.duckdb"), read_only=True)
    try:
        return con.execute("SELECT source, digest, items FROM loaded_batches ORDER BY source").fetchall()
    finally:
        con.close()


# -- the tests ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_single_process_and_pooled_runs_succeed(runs):
    assert runs["single"]["rc"] == 0, runs["single"]["stderr"][-3000:]
    assert runs["pooled"]["rc"] == 0, runs["pooled"]["stderr"][-3000:]
    assert "demo-agenda" in runs["pooled"]["stdout"]


@pytest.mark.slow
def test_pooled_run_equals_single_process_run_row_for_row(runs):
    single, pooled = warehouse_rows(runs["tmp"] / "single"), warehouse_rows(runs["tmp"] / "pooled")
    assert len(single["opportunities"]) > 100
    assert any(row for row in single["event_places"])
    for table in TABLES:
        assert pooled[table] == single[table], table


@pytest.mark.slow
def test_pooled_run_loaded_one_batch_per_source_once_then_removed_them(runs):
    home = runs["tmp"] / "pooled"
    batches = loaded_batches(home)
    sources = [b[0] for b in batches]
    assert len(sources) == len(set(sources)) >= 6
    # Loaded, so the run's staged files (batches and collect summaries) are gone.
    assert list((home / "staging").glob("*/*/*")) == []


@pytest.mark.slow
def test_killed_worker_source_runs_again_on_the_other_worker(runs):
    assert runs["killed"]["rc"] == 0, runs["killed"]["stderr"][-3000:]
    attempts = [r for r in runs["flow_runs"] if r["parameters"]["source"] == GATED]
    first, last = attempts[0], attempts[-1]
    assert first["id"] == runs["victim_run"]
    # The server left the dead worker's run Running; the dispatcher found it silent and marked it Crashed.
    assert runs["victim_state_30s"] == "RUNNING"  # the server alone never notices
    assert first["state_type"] == "CRASHED"
    # Its heartbeats stopped with it: the last one is before the kill.
    last_beat = datetime.fromisoformat(max(runs["heartbeats"]).replace("Z", "+00:00"))
    assert last_beat < runs["killed_at"]
    assert "no sign of life" in (first["state"]["message"] or "")
    assert last["state_type"] == "COMPLETED"
    survivor = ({"worker-a", "worker-b"} - {runs["victim"]}).pop()
    assert runs["submitted_by"][first["id"]] == runs["victim"]
    assert runs["submitted_by"][last["id"]] == survivor


@pytest.mark.slow
def test_killed_run_equals_single_process_run_and_loaded_nothing_twice(runs):
    home = runs["tmp"] / "killed"
    assert warehouse_rows(home) == warehouse_rows(runs["tmp"] / "single")
    batches = loaded_batches(home)
    assert [b[0] for b in batches] == [b[0] for b in loaded_batches(runs["tmp"] / "pooled")]
    # The retried source wrote the same content, hence the same file: one batch, taken in once, then removed.
    assert [b[0] for b in batches].count(GATED) == 1
    assert list((home / "staging").glob("*/*/*")) == []
    pooled_items = {b[0]: b[2] for b in loaded_batches(runs["tmp"] / "pooled")}
    assert {b[0]: b[2] for b in batches} == pooled_items


def test_pool_dispatch_without_a_server_is_one_line(tmp_path):
    env = base_env(VIGIE_HOME=str(tmp_path))
    done = subprocess.run(
        [*VIGIE, "run", "--dispatch", "pool"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "vigie: dispatch 'pool' needs PREFECT_API_URL: a Prefect server that `vigie worker`s poll"
    ]
    done = subprocess.run([*VIGIE, "worker"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "needs PREFECT_API_URL" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_dispatch_mode_comes_from_the_option_then_the_environment(monkeypatch):
    from flows.distributed_dispatch import requested
    from vigie.core.errors import VigieError

    monkeypatch.delenv("VIGIE_DISPATCH", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert requested(None) is False  # the embedded default: no server, no worker
    assert requested("local") is False
    monkeypatch.setenv("VIGIE_DISPATCH", "pool")
    with pytest.raises(VigieError, match="needs PREFECT_API_URL"):
        requested(None)
    assert requested("local") is False  # the option wins over the environment
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert requested(None) is True
    with pytest.raises(VigieError, match="expected 'local'"):
        requested("cluster")
