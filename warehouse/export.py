"""Parquet and CSV copies of the main tables, for spreadsheets, notebooks and other tools.

Read from the published snapshot, so an export works while a run is writing. Every file is written beside
its destination and renamed into place: a reader of the export folder never opens half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from vigie.core.errors import WarehouseError
from warehouse.connection import first_line

EXPORT_TABLES = ("opportunities", "changes", "source_runs", "quarantine", "newsletter_issues")
FORMATS = ("parquet", "csv")
_COPY_OPTIONS = {"parquet": "FORMAT parquet, COMPRESSION zstd", "csv": "FORMAT csv, HEADER true"}


def copy_atomic(con: duckdb.DuckDBPyConnection, select_sql: str, dest: Path, fmt: str) -> Path:
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        con.execute(f"COPY ({select_sql}) TO '{_quote(tmp)}' ({_COPY_OPTIONS[fmt]})")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def csv_select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A spreadsheet-friendly SELECT: lists joined with "; ", timestamps as ISO 8601 with their Brussels
    offset, JSON as its text."""
    columns = []
    for name, dtype in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall():
        quoted = f'"{name}"'
        if dtype.endswith("[]"):
            columns.append(f"array_to_string({quoted}, '; ') AS {quoted}")
        elif dtype.startswith("TIMESTAMP WITH TIME ZONE"):
            columns.append(f"iso({quoted}) AS {quoted}")
        else:
            columns.append(quoted)
    return f"SELECT {', '.join(columns)} FROM {table}"


def export(home: Path | None, out_dir: Path, formats: tuple[str, ...] | list[str] = FORMATS) -> list[Path]:
    """Write each main table of the published snapshot to out_dir/<table>.<format>; returns the files."""
    from warehouse.snapshot import connect

    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise WarehouseError(f"export: format {bad[0]!r} is not one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"{out_dir}: cannot create the export folder ({exc.strerror})") from None
    con = connect(home)
    written: list[Path] = []
    try:
        for table in EXPORT_TABLES:
            for fmt in formats:
                sql = f"SELECT * FROM {table}" if fmt == "parquet" else csv_select(con, table)
                written.append(copy_atomic(con, sql, out_dir / f"{table}.{fmt}", fmt))
    except duckdb.Error as exc:
        raise WarehouseError(f"export to {out_dir} failed: {first_line(exc)}") from None
    finally:
        con.close()
    return written


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
