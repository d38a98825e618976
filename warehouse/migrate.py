"""Versioned schema: `sql/migrations/NNNN_name.sql` applied once each, in order, recorded in
`schema_migrations`; macros and views (staging, then marts) recreated whenever their files change."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from vigie.core.errors import WarehouseError
from warehouse.connection import SQL_DIR, first_line, run_sql_file

MIGRATIONS_DIR = SQL_DIR / "migrations"
# Recreated on every migrate, in this order: macros first (views use them), staging before marts.
DERIVED_DIRS = ("macros", "views/staging", "views/marts")

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name VARCHAR PRIMARY KEY, checksum VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS schema_derived (checksum VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL);
"""


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    return sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def derived_files() -> list[Path]:
    return [p for d in DERIVED_DIRS for p in sorted((SQL_DIR / d).glob("*.sql"))]


def _checksum(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    try:
        return [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]
    except duckdb.CatalogException:
        return []


def is_current(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> bool:
    """True when no migration is pending and the views match their files (a cheap check at each session)."""
    if {p.stem for p in migration_files(directory)} - set(applied(con)):
        return False
    row = con.execute("SELECT checksum FROM schema_derived").fetchall()
    return bool(row) and row[0][0] == _checksum(derived_files())


def migrate(
    con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR, upto: str | None = None
) -> list[str]:
    """Apply pending migrations (each in its own transaction with its ledger row), then recreate macros and
    views. Returns the names applied. `upto` stops after that migration (for tests and staged upgrades)."""
    con.execute(_BOOKKEEPING)
    done = set(applied(con))
    now = datetime.now(UTC)
    names: list[str] = []
    for path in migration_files(directory):
        if upto is not None and path.stem > upto:
            break
        if path.stem in done:
            continue
        con.execute("BEGIN")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [path.stem, _checksum([path]), now])
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise WarehouseError(f"migration {path.name} failed: {first_line(exc)}") from None
        names.append(path.stem)
    con.execute("BEGIN")
    try:
        for path in derived_files():
            run_sql_file(con, path.relative_to(SQL_DIR).as_posix())
        con.execute("DELETE FROM schema_derived")
        con.execute("INSERT INTO schema_derived VALUES (?, ?)", [_checksum(derived_files()), now])
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise WarehouseError(f"recreating views failed: {first_line(exc)}") from None
    return names
