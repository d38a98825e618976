"""`vigie query`: read-only SQL over the published snapshot, printed as a table, CSV or JSON, or written to a
file (Parquet needs --out). Writes are refused before they reach DuckDB; errors are one line."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from vigie.core.errors import QueryError
from warehouse.connection import first_line
from warehouse.snapshot import connect

FORMATS = ("table", "csv", "json", "parquet")
# SELECT covers WITH, FROM-first, VALUES, DESCRIBE, SHOW and SUMMARIZE; nothing else reads without side effects.
READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
MAX_CELL = 60


def run_query(sql: str, fmt: str = "table", out: Path | None = None, home: Path | None = None) -> str | None:
    """Run one read-only statement; returns the text to print, or None when written to `out`."""
    if fmt not in FORMATS:
        raise QueryError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "parquet" and out is None:
        raise QueryError("--format parquet writes a binary file: give --out FILE.parquet")
    query = _read_only_statement(sql)
    con = connect(home)
    try:
        if fmt == "parquet":
            assert out is not None
            tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
            try:
                con.sql(query).write_parquet(str(tmp), compression="zstd")
                os.replace(tmp, out)
            finally:
                tmp.unlink(missing_ok=True)
            return None
        cur = con.execute(query)
        columns = [d[0] for d in cur.description]
        json_columns = {d[0] for d in cur.description if str(d[1]).upper() == "JSON"}
        rows = cur.fetchall()
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {first_line(exc)}") from None
    except OSError as exc:
        raise QueryError(f"{out}: cannot write ({exc.strerror})") from None
    finally:
        con.close()
    if fmt == "csv":
        text = _csv(columns, rows)
    elif fmt == "json":
        text = _json(columns, rows, json_columns)
    else:
        text = _table(columns, rows)
    if out is None:
        return text
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{out}: cannot write ({exc.strerror})") from None
    return None


def _read_only_statement(sql: str) -> str:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {first_line(exc)}") from None
    if not statements:
        raise QueryError("no SQL statement given")
    if len(statements) > 1:
        raise QueryError(f"one statement at a time please ({len(statements)} given)")
    statement = statements[0]
    if statement.type not in READ_STATEMENTS:
        kind = statement.type.name
        raise QueryError(
            f"refused: {kind} statement; `vigie query` is read-only (the warehouse is written only "
            "by `vigie run`)"
        )
    return statement.query.strip().rstrip(";")


def _plain(value: Any) -> Any:
    """JSON-ready value: ISO 8601 timestamps with offset, floats for decimals, lists and dicts kept."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _cell(value: Any) -> str:
    """A value as one line of text for CSV and tables (lists joined with '; ')."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(_plain(value), ensure_ascii=False)
    plain = _plain(value)
    return plain if isinstance(plain, str) else str(plain)


def _csv(columns: list[str], rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def _json(columns: list[str], rows: list[tuple], json_columns: set[str]) -> str:
    objects = []
    for row in rows:
        obj = {}
        for name, value in zip(columns, row, strict=True):
            if name in json_columns and isinstance(value, str):
                with contextlib.suppress(ValueError):  # not valid JSON after all: keep the text
                    value = json.loads(value)
            obj[name] = _plain(value)
        objects.append(obj)
    return json.dumps(objects, ensure_ascii=False, indent=1) + "\n"


def _table(columns: list[str], rows: list[tuple]) -> str:
    cells = [[_short(_cell(v).replace("\n", " ")) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join
    out = [
        line(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
        line("-" * w for w in widths),
    ]
    out += [line(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _short(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"
