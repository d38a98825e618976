"""`vigie schedule` on a fresh machine with no network: it starts a local Prefect server, serves the
deployment, and a scheduled run really happens."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vigie.demo.server import serve

pytestmark = pytest.mark.slow
DEMO_SITE = Path(__file__).resolve().parents[1] / "vigie" / "demo" / "site"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _agenda_items(snapshot: Path) -> int:
    """Events of the test calendar in the published snapshot (0 while there is none, or it is being replaced)."""
    import duckdb

    if not snapshot.exists():
        return 0
    try:
        con = duckdb.connect(str(snapshot), read_only=True)
    except duckdb.Error:
        return 0
    try:
        return con.execute("SELECT count(*) FROM opportunities WHERE source = 'agenda'").fetchone()[0]
    except duckdb.Error:
        return 0
    finally:
        con.close()


def test_scheduled_run_happens(tmp_path):
    home = tmp_path / "home"
    with serve(DEMO_SITE) as url:
        registry_file = tmp_path / "sources.toml"
        registry_file.write_text(
            "[settings]\nAUTOTHROTTLE_ENABLED = false\nDOWNLOAD_DELAY = 0\n\n"
            f'[[source]]\nname = "agenda"\nfamily = "ics"\nkind = "event"\n'
            f'url = "{url}/agenda/rie_machbar_calendar.ics"\n'
        )
        env = {**os.environ, "VIGIE_HOME": str(home), "PREFECT_HOME": str(tmp_path / "prefect")}
        env.pop("PREFECT_API_URL", None)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "vigie.cli",
                "schedule",
                "--every",
                "5",
                "--sources",
                str(registry_file),
                "--port",
                str(free_port()),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 180
            snapshot = home / "published.duckdb"
            n = 0
            # On a loaded machine a first run may publish without the calendar's events (a slow source must not
            # hold the run back): wait for a snapshot that holds them, as every scheduled run publishes again.
            while time.monotonic() < deadline and proc.poll() is None and not (n := _agenda_items(snapshot)):
                time.sleep(1)
            assert proc.poll() is None, proc.stdout.read().decode()[-2000:]
            assert snapshot.exists(), "no scheduled run published a snapshot within 180 s"
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    assert n > 0, "no scheduled run published the calendar's events within 180 s"
