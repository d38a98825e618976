"""Schema in .sql files: versioned migrations that keep data, views recreated, declared checks."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from factories import make_item

from vigie.core.errors import WarehouseError
from warehouse.checks import load_checks
from warehouse.migrate import MIGRATIONS_DIR
from warehouse.store import Warehouse

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def query(wh: Warehouse, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_migrate_applies_each_file_once_in_order(home: Path) -> None:
    wh = Warehouse(home)
    assert wh.migrate() == [
        "0001_init",
        "0002_source_runs_seconds",
        "0003_kind_fit",
        "0004_cutoffs",
        "0005_places",
        "0006_loaded_batches",
    ]
    assert wh.migrate() == []
    assert [r[0] for r in query(wh, "SELECT name FROM schema_migrations ORDER BY applied_at, name")] == [
        "0001_init",
        "0002_source_runs_seconds",
        "0003_kind_fit",
        "0004_cutoffs",
        "0005_places",
        "0006_loaded_batches",
    ]
    views = {r[0] for r in query(wh, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    assert {
        "open_calls",
        "open_tenders",
        "upcoming_events",
        "closing_soon",
        "source_health",
        "stg_opportunities",
        "stg_source_runs",
    } <= views


def test_a_migration_adding_a_column_keeps_existing_data(home: Path, tmp_path: Path) -> None:
    # A warehouse created by an older Vigie that only knew 0001 ...
    old = tmp_path / "old-migrations"
    old.mkdir()
    shutil.copy(MIGRATIONS_DIR / "0001_init.sql", old)
    # Today's views read the places tables: they must exist for them to be created (0005 touches no 0001 table).
    shutil.copy(MIGRATIONS_DIR / "0005_places.sql", old)
    before = Warehouse(home, migrations_dir=old)
    before.migrate()
    con = duckdb.connect(str(before.path))
    for n in (1, 2):  # rows as that Vigie stored them (today's load writes columns 0001 did not have)
        con.execute(
            "INSERT INTO opportunities (id, kind, title, first_seen_at, last_seen_at, updated_at) "
            "VALUES (?, 'call', ?, ?, ?, ?)",
            [f"test-source:{n}", f"Appel à projets arts de la scène {n}", T0, T0, T0],
        )
    con.execute(
        "INSERT INTO source_runs (run_id, source, status, items) VALUES ('run-1', 'test-source', 'ok', 2)"
    )
    con.close()
    # ... is opened by the current one: 0002 adds source_runs.seconds.
    after = Warehouse(home)
    assert after.migrate() == [
        "0002_source_runs_seconds",
        "0003_kind_fit",
        "0004_cutoffs",
        "0006_loaded_batches",
    ]
    assert query(after, "SELECT run_id, source, status, items, seconds FROM source_runs") == [
        ("run-1", "test-source", "ok", 2, None)
    ]
    assert query(after, "SELECT id, title FROM opportunities ORDER BY id") == [
        ("test-source:1", "Appel à projets arts de la scène 1"),
        ("test-source:2", "Appel à projets arts de la scène 2"),
    ]
    after.record_source_runs(
        [{"run_id": "run-2", "source": "test-source", "status": "ok", "items": 2, "seconds": 1.5}]
    )
    assert query(after, "SELECT run_id, seconds FROM source_runs ORDER BY run_id") == [
        ("run-1", None),
        ("run-2", 1.5),
    ]


def test_a_broken_migration_is_rolled_back_and_named(home: Path, tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    shutil.copy(MIGRATIONS_DIR / "0001_init.sql", migrations)
    (migrations / "0002_broken.sql").write_text("ALTER TABLE opportunities ADD COLUMN x INTEGER;\nSELEC 1;\n")
    wh = Warehouse(home, migrations_dir=migrations)
    with pytest.raises(WarehouseError, match="migration 0002_broken.sql failed"):
        wh.migrate()
    assert [r[0] for r in query(wh, "SELECT name FROM schema_migrations")] == ["0001_init"]
    assert "x" not in [r[0] for r in query(wh, "DESCRIBE opportunities")]


def test_declared_checks_pass_on_good_data_and_report_bad_rows(home: Path) -> None:
    wh = Warehouse(home)
    wh.load([make_item(n) for n in range(1, 6)], "run-1", T0)
    results = wh.run_checks()
    assert len(results) == len(load_checks())
    assert all(r.passed for r in results), [str(r) for r in results if not r.passed]
    bad = make_item(7)
    bad.update(kind="grant", cpv=["4500000-7"], deadline_precision="approx", status="pending")
    wh.load([bad], "run-2", T0)
    failed = {r.name: r for r in wh.run_checks() if not r.passed}
    assert set(failed) == {
        "opportunities.kind:accepted_values",
        "opportunities.cpv:each_matches",
        "opportunities.deadline_precision:accepted_values",
        "opportunities.status:accepted_values",
    }
    assert failed["opportunities.kind:accepted_values"].failures == 1
    assert failed["opportunities.kind:accepted_values"].sample == ["test-source:7"]
    assert str(failed["opportunities.cpv:each_matches"]) == (
        "opportunities.cpv:each_matches [[0-9]{8}]: 1 failing row(s) (e.g. test-source:7)"
    )


def test_expression_checks_report_events_without_start(home: Path) -> None:
    wh = Warehouse(home)
    event = make_item(1, kind="event", starts_at="2027-01-10T19:00:00+01:00")
    event["starts_at"] = None
    wh.load([event], "run-1", T0)
    failed = [r.name for r in wh.run_checks() if not r.passed]
    assert failed == ["opportunities:event_has_start"]


def test_views_follow_the_clock(home: Path) -> None:
    """closing_soon and open_calls are computed when queried (DuckDB's now()), so deadlines are set relative to
    the real clock here."""
    wh = Warehouse(home)
    now = datetime.now(UTC)
    iso = lambda delta: (now + delta).isoformat(timespec="seconds")  # noqa: E731
    wh.load(
        [
            make_item(1, deadline_at=iso(timedelta(days=3))),
            make_item(2, deadline_at=iso(timedelta(days=20))),
            make_item(3, deadline_at=iso(timedelta(days=-1))),
            make_item(4, deadline_at=iso(timedelta(days=5)), status="cancelled"),
            make_item(5, kind="tender", deadline_at=iso(timedelta(days=10)), cpv=["92000000"]),
            make_item(
                6, kind="event", deadline_at=None, deadline_precision=None, starts_at=iso(timedelta(days=30))
            ),
            make_item(
                7, kind="event", deadline_at=None, deadline_precision=None, starts_at=iso(timedelta(days=-30))
            ),
        ],
        "run-1",
        now,
    )
    ids = lambda view: [r[0].split(":")[1] for r in query(wh, f"SELECT id FROM {view}")]  # noqa: E731
    assert ids("closing_soon") == ["1", "5"]
    assert ids("open_calls") == ["1", "2"]
    assert ids("open_tenders") == ["5"]
    assert ids("upcoming_events") == ["6"]
    assert query(wh, "SELECT days_left FROM closing_soon WHERE id = 'test-source:5'") == [(10,)]


def test_source_health(home: Path) -> None:
    wh = Warehouse(home)
    runs = []
    for n, (status, items) in enumerate([("ok", 40), ("ok", 44), ("failed", 0), ("failed", 0)]):
        at = (T0 + timedelta(days=n)).isoformat()
        runs.append(
            {
                "run_id": f"run-{n}",
                "source": "agenda",
                "started_at": at,
                "finished_at": at,
                "status": status,
                "items": items,
            }
        )
        runs.append(
            {
                "run_id": f"run-{n}",
                "source": "ted",
                "started_at": at,
                "finished_at": at,
                "status": "ok",
                "items": 100 if n < 3 else 30,
            }
        )
    wh.record_source_runs(runs)
    health = {
        r[0]: r[1:]
        for r in query(
            wh,
            "SELECT source, status, last_success, consecutive_failures, last_yield, average_yield, flagged "
            "FROM source_health",
        )
    }
    assert health["agenda"] == ("failed", T0 + timedelta(days=1), 2, 0, 42.0, True)
    assert health["ted"] == ("ok", T0 + timedelta(days=3), 0, 30, 82.5, True)  # sharp drop in yield
