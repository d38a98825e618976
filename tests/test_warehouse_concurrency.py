"""Readers never block the writer and never see half a run; a writer killed at any moment loses nothing
that was published, and the next run completes normally (issue 5)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import make_item

from warehouse.snapshot import connect
from warehouse.store import Warehouse

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
PER_RUN = 500  # run r stores r * PER_RUN items, every one stamped with run r

PRELUDE = f"""
import sys, json, time, os, signal
sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
from datetime import UTC, datetime
from factories import make_item
from warehouse.store import Warehouse
BASE = make_item(0)
def items_of_run(r, n):
    return [{{**BASE, "id": f"test-source:{{i}}", "native_id": str(i), "title": f"run {{r}} item {{i}}"}}
            for i in range(n)]
"""

WRITER = (
    PRELUDE
    + """
home, first, last, per_run = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wh = Warehouse(home)
print("ready", flush=True)
for r in range(first, last + 1):
    wh.load(items_of_run(r, r * per_run), f"run-{r:03d}", datetime.now(UTC))
    wh.publish()
    print("published", r, flush=True)
"""
)

READER = (
    PRELUDE
    + """
from warehouse.snapshot import connect
home, stop_file = sys.argv[1], sys.argv[2]
reads, errors, seen = 0, [], set()
while not os.path.exists(stop_file) or reads < 5:
    try:
        con = connect(home)
        try:
            count, runs, run_id, titles = con.execute(
                "SELECT count(*), count(DISTINCT run_id), min(run_id), count(DISTINCT split_part(title, ' item', 1)) "
                "FROM opportunities").fetchone()
        finally:
            con.close()
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
        continue
    reads += 1
    r = int(run_id.split("-")[1])
    if runs != 1 or titles != 1 or count != r * int(sys.argv[3]):
        errors.append(f"half a run: {count} rows, {runs} run ids, {titles} title stamps, newest {run_id}")
    seen.add(r)
print(json.dumps({"reads": reads, "errors": errors[:5], "seen": sorted(seen)}))
"""
)


def spawn(script: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def published_rows(home: Path) -> tuple[int, str]:
    con = connect(home)
    try:
        return con.execute("SELECT count(*), max(run_id) FROM opportunities").fetchone()
    finally:
        con.close()


def first_run(home: Path) -> None:
    wh = Warehouse(home)
    wh.load(
        [
            {**make_item(0), "id": f"test-source:{i}", "native_id": str(i), "title": f"run 1 item {i}"}
            for i in range(PER_RUN)
        ],
        "run-001",
        T0,
    )
    wh.publish()


def test_readers_never_see_half_a_run_while_the_writer_loads_and_publishes(
    home: Path, tmp_path: Path
) -> None:
    first_run(home)
    stop = tmp_path / "stop"
    reader = spawn(READER, home, stop, PER_RUN)
    writer = spawn(WRITER, home, 2, 7, PER_RUN)
    out, err = writer.communicate(timeout=120)
    stop.touch()
    report_text, reader_err = reader.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert out.split() == ["ready"] + [w for r in range(2, 8) for w in ("published", str(r))]
    report = json.loads(report_text)
    assert report["errors"] == [], reader_err
    assert report["reads"] >= 5
    assert len(report["seen"]) >= 2, report  # the reader really read across several publications
    assert published_rows(home) == (7 * PER_RUN, "run-007")


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8, 1.6])
def test_a_writer_killed_mid_load_loses_nothing_published(home: Path, delay: float) -> None:
    """Killed at several moments after it started working on 40,000 items (a load takes about a second here):
    while staging, inside the transaction, during publish or after it."""
    first_run(home)
    writer = spawn(WRITER, home, 40, 40, 1000)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    time.sleep(delay)
    os.kill(writer.pid, signal.SIGKILL)
    out, _ = writer.communicate(timeout=30)
    snapshot = published_rows(home)
    print(f"killed after {delay} s: reported published={'published' in out}, snapshot={snapshot}")
    if "published" in out:
        assert snapshot == (40_000, "run-040")
    else:  # killed before or while publishing: the old snapshot, or the new one if the rename had happened
        assert snapshot in ((PER_RUN, "run-001"), (40_000, "run-040"))
    # The next run opens the warehouse the killed one left behind and completes normally.
    wh = Warehouse(home)
    result = wh.load(
        [
            {**make_item(0), "id": f"test-source:{i}", "native_id": str(i), "title": f"run 2 item {i}"}
            for i in range(2 * PER_RUN)
        ],
        "run-002",
        T0,
    )
    assert result.new + result.updated + result.unchanged == 2 * PER_RUN
    wh.publish()
    # run-040's items are there only if its transaction committed before the kill, and then all of them.
    assert published_rows(home) in ((2 * PER_RUN, "run-002"), (40_000, "run-040"))
    assert not list(home.glob(".published.duckdb.*.tmp"))
    assert not list((home / "export").glob(".*.tmp"))


def test_a_writer_killed_while_copying_the_snapshot_leaves_the_old_one(home: Path) -> None:
    first_run(home)
    script = (
        PRELUDE
        + """
import shutil
def half_then_die(src, dst):
    with open(src, "rb") as fh, open(dst, "wb") as out:
        out.write(fh.read(os.path.getsize(src) // 2))
    os.kill(os.getpid(), signal.SIGKILL)
shutil.copyfile = half_then_die
wh = Warehouse(sys.argv[1])
wh.load(items_of_run(2, 1000), "run-002", datetime.now(UTC))
wh.publish()
"""
    )
    writer = spawn(script, home)
    writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    assert list(home.glob(".published.duckdb.*.tmp"))  # the half copy is there, but beside the snapshot
    assert published_rows(home) == (PER_RUN, "run-001")
    # The committed load survived in the writer's file; the next publish cleans up and shows it.
    Warehouse(home).publish()
    assert published_rows(home) == (1000, "run-002")
    assert not list(home.glob(".published.duckdb.*.tmp"))
