"""The pipeline's side of the warehouse: short writer sessions on `warehouse.duckdb`, set-based loading,
the run ledger, quarantine, newsletter history, checks and snapshot publishing.

Every public method opens the file, does its work in one transaction and closes it, so between two calls
another Vigie process (`vigie newsletter` recording an issue) can take its turn. Several calls that must
commit together run inside `with warehouse.session():`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from vigie.core.errors import WarehouseError
from vigie.core.paths import snapshot_path, warehouse_path
from warehouse import migrate as migrations
from warehouse.batch import require_unique_ids, to_arrow
from warehouse.checks import CheckResult, run_checks
from warehouse.connection import LOCK_TIMEOUT, first_line, open_writer, run_sql_file, sql_text
from warehouse.publish import publish_snapshot

LOAD_STEPS = ("01_stage", "02_match", "03_changes", "04_update", "05_insert", "06_touch")
# Rows converted and upserted at a time within a load (memory stays bounded by this, not by the run size).
LOAD_CHUNK = 100_000
RUN_STATUSES = ("ok", "degraded", "empty", "failed", "broken")
SOURCE_RUN_COLUMNS = (
    "run_id",
    "source",
    "started_at",
    "finished_at",
    "status",
    "items",
    "valid",
    "new",
    "updated",
    "quarantined",
    "errors",
    "bytes",
    "message",
    "seconds",
)


@dataclass
class LoadResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    total: int = 0  # rows in `opportunities` after the load
    seconds: float = 0.0
    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)


class Warehouse:
    def __init__(
        self,
        home: Path,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        migrations_dir: Path = migrations.MIGRATIONS_DIR,
    ) -> None:
        self.home = Path(home)
        self.path = warehouse_path(self.home)
        self.snapshot = snapshot_path(self.home)
        self.lock_timeout = lock_timeout
        self.migrations_dir = migrations_dir
        self._con: duckdb.DuckDBPyConnection | None = None

    # -- sessions -------------------------------------------------------------------------------------------
    def _open(self) -> duckdb.DuckDBPyConnection:
        con = open_writer(self.path, self.lock_timeout)
        try:
            if not migrations.is_current(con, self.migrations_dir):
                migrations.migrate(con, self.migrations_dir)
        except duckdb.CatalogException:
            migrations.migrate(con, self.migrations_dir)
        except BaseException:
            con.close()
            raise
        return con

    @contextmanager
    def session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One connection and one transaction for every call made inside: all of it commits, or none."""
        if self._con is not None:
            yield self._con
            return
        con = self._open()
        self._con = con
        try:
            con.execute("BEGIN")
            yield con
            con.execute("COMMIT")
        except BaseException:
            with suppress(duckdb.Error):  # the transaction may already be aborted by the error
                con.execute("ROLLBACK")
            raise
        finally:
            self._con = None
            con.close()

    def migrate(self, upto: str | None = None) -> list[str]:
        """Apply pending migrations; returns their names (empty when the schema is current)."""
        con = open_writer(self.path, self.lock_timeout)
        try:
            return migrations.migrate(con, self.migrations_dir, upto)
        finally:
            con.close()

    # -- loading --------------------------------------------------------------------------------------------
    def load(self, items: list[dict[str, Any]], run_id: str, now: datetime | None = None) -> LoadResult:
        """Upsert one run's refined items in one transaction. Unchanged items keep their row (only
        last_seen_at moves); changed ones are rewritten and their changed fields logged in `changes`."""
        now = _aware(now or datetime.now(UTC), "now")
        started = time.perf_counter()
        require_unique_ids(items)
        new_ids: list[str] = []
        updated_ids: list[str] = []
        total = 0
        with self.session() as con:
            # Chunks of one transaction: the Arrow copy and DuckDB's working tables stay the size of a chunk
            # however big the run (a first collection, a backfill), and a failure still loads nothing.
            for start in range(0, max(len(items), 1), LOAD_CHUNK):
                batch = to_arrow(items[start : start + LOAD_CHUNK])
                with registered(con, "batch", batch):
                    try:
                        for step in LOAD_STEPS:
                            run_sql_file(con, f"load/{step}.sql", {"now": now, "run_id": run_id})
                        chunk_new, chunk_updated, total = con.execute(sql_text("load/result.sql")).fetchone()
                        new_ids += chunk_new
                        updated_ids += chunk_updated
                        run_sql_file(con, "load/cleanup.sql")
                    except duckdb.Error as exc:
                        raise WarehouseError(
                            f"{self.path}: load of run {run_id} failed: {first_line(exc)}"
                        ) from None
                del batch
        new_ids.sort()
        updated_ids.sort()
        return LoadResult(
            new=len(new_ids),
            updated=len(updated_ids),
            unchanged=len(items) - len(new_ids) - len(updated_ids),
            total=total,
            seconds=time.perf_counter() - started,
            new_ids=new_ids,
            updated_ids=updated_ids,
        )

    def record_source_runs(self, rows: list[dict[str, Any]]) -> None:
        """The run ledger: one row per source per run (recording the same run and source again replaces it)."""
        for row in rows:
            if row.get("status") not in RUN_STATUSES:
                raise WarehouseError(
                    f"source run {row.get('source')!r}: status {row.get('status')!r} is not one "
                    f"of {', '.join(RUN_STATUSES)}"
                )
            if not row.get("run_id") or not row.get("source"):
                raise WarehouseError(f"source run {row!r:.80}: run_id and source are required")
        if not rows:
            return
        table = pa.table(
            {name: pa.array([_text(r.get(name)) for r in rows], pa.string()) for name in SOURCE_RUN_COLUMNS}
        )
        with self.session() as con, registered(con, "ledger", table):
            con.execute(sql_text("write/source_runs.sql"))

    record_runs = record_source_runs  # the name docs/architecture.md uses

    def quarantine(self, rows: list[dict[str, Any]], run_id: str, now: datetime | None = None) -> int:
        """Records refine refused, with their reason and the raw record (key `raw` or `record`)."""
        if not rows:
            return 0
        at = _aware(now or datetime.now(UTC), "now")
        table = pa.table(
            {
                "source": pa.array([r.get("source") for r in rows], pa.string()),
                "native_id": pa.array([_text(r.get("native_id")) for r in rows], pa.string()),
                "reason": pa.array([str(r.get("reason") or "no reason given") for r in rows], pa.string()),
                "raw": pa.array(
                    [
                        json.dumps(r.get("raw", r.get("record")), ensure_ascii=False, default=str)
                        for r in rows
                    ],
                    pa.string(),
                ),
            }
        )
        with self.session() as con, registered(con, "refused", table):
            run_sql_file(con, "write/quarantine.sql", {"run_id": run_id, "at": at})
        return len(rows)

    def cluster_candidates(self) -> list[tuple[str, str, str, str | None, str | None]]:
        """Stored items as refine.clusters expects them (`known`): (id, cluster_id, title key, deadline or start
        as ISO text in Brussels time, organiser), so clusters persist across runs."""
        from refine.match_keys import title_key

        with self.session() as con:
            rows = con.execute(sql_text("read/cluster_candidates.sql")).fetchall()
        return [(i, c, title_key(t), d, o) for i, c, t, d, o in rows]

    # -- newsletters ----------------------------------------------------------------------------------------
    def record_newsletter_issue(self, row: dict[str, Any]) -> None:
        """What an issue contained. Safe while a run is going on: waits (up to the lock timeout, 30 s) for
        the pipeline's short session to end."""
        for key in ("issue_id", "theme"):
            if not row.get(key):
                raise WarehouseError(f"newsletter issue: {key} is required")
        params = {
            "issue_id": row["issue_id"],
            "theme": row["theme"],
            "lang": row.get("lang"),
            "created_at": _aware(_parse_ts(row.get("created_at")) or datetime.now(UTC), "created_at"),
            "sent_at": _parse_ts(row.get("sent_at")),
            "recipients": row.get("recipients"),
            "subject": row.get("subject"),
            "html_path": _text(row.get("html_path")),
            "items": json.dumps(row.get("items") or [], ensure_ascii=False, default=str),
        }
        with self.session() as con:
            run_sql_file(con, "write/newsletter_issue.sql", params)

    def newsletter_history(self, theme: str) -> list[dict[str, Any]]:
        """Earlier issues of a theme, oldest first, `items` decoded (a list of {id, deadline_at, status,
        content_hash}). Same lock waiting as record_newsletter_issue."""
        with self.session() as con:
            cur = con.execute(sql_text("read/newsletter_history.sql"), {"theme": theme})
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        for r in rows:
            r["items"] = json.loads(r["items"]) if r["items"] else []
        return rows

    # -- checks and publishing ------------------------------------------------------------------------------
    def run_checks(self) -> list[CheckResult]:
        """The declared checks of warehouse/checks.toml over the current data."""
        with self.session() as con:
            return run_checks(con)

    def publish(self, exports: bool = True) -> Path:
        """Copy the warehouse to the read-only snapshot readers open, atomically: a reader sees the previous
        snapshot or this one, never a half-written file. Parquet exports of the main tables follow, each
        replaced atomically too. The writer's lock is held throughout, so no other write slips in."""
        if self._con is not None:
            raise WarehouseError("publish() cannot run inside a session: commit the run first")
        con = self._open()
        try:
            publish_snapshot(con, self.path, self.snapshot, self.home / "export" if exports else None)
        finally:
            con.close()
        return self.snapshot


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """An Arrow table visible to SQL under `name` for the duration of the block."""
    con.register(name, table)
    try:
        yield
    finally:
        with suppress(duckdb.Error):  # an aborted transaction refuses even this; the connection is closing
            con.unregister(name)


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise WarehouseError(f"{name} {value.isoformat()} has no time zone; pass an aware datetime")
    return value


def _parse_ts(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise WarehouseError(f"{value!r} is not an ISO 8601 timestamp") from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)
