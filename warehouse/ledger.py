"""What the published run ledger says about each source: its recent health and where its collection stopped.
Read from the snapshot, so it works while a run writes; every function answers "nothing yet" on a first run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigie.core.errors import NoSnapshotError
from warehouse import snapshot
from warehouse.connection import sql_text


@dataclass(frozen=True)
class SourceHistory:
    consecutive_failures: int = 0
    average_yield: float | None = None  # records per successful run, recent runs
    last_success: str | None = None


@dataclass
class Ledger:
    history: dict[str, SourceHistory]
    last_published: dict[str, str]  # source -> newest published_at stored (ISO): where collection resumes


def read_ledger(home: Path) -> Ledger:
    try:
        con = snapshot.connect(home)
    except NoSnapshotError:
        return Ledger({}, {})
    try:
        history = {
            name: SourceHistory(int(failures or 0), float(avg) if avg else None, str(ok) if ok else None)
            for name, failures, avg, ok in con.execute(sql_text("read/source_history.sql")).fetchall()
        }
        since = {
            name: str(ts)
            for name, ts in con.execute(sql_text("read/source_last_published.sql")).fetchall()
            if ts
        }
        return Ledger(history, since)
    finally:
        con.close()


def source_health(home: Path) -> dict[str, dict[str, Any]]:
    """source -> its row of the `source_health` view; empty when nothing is published yet."""
    try:
        con = snapshot.connect(home)
    except NoSnapshotError:
        return {}
    try:
        cur = con.execute(sql_text("read/source_health.sql"))
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    return {r["source"]: r for r in rows}
