"""Opening DuckDB files the way Vigie needs: short writer sessions that wait politely for the file lock, and
the .sql files that hold every statement."""

from __future__ import annotations

import os
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from vigie.core.errors import WarehouseBusyError, WarehouseError
from vigie.core.timezone import TIMEZONE

SQL_DIR = Path(__file__).resolve().parent / "sql"
LOCK_TIMEOUT = 30.0  # seconds a writer waits for another writer (a run, a newsletter) to release the file


WRITER_MEMORY = "768MB"


def _holder(message: str) -> str:
    """The process DuckDB names as holding the lock ("... is held in /usr/bin/python3 (PID 123)")."""
    match = re.search(r"held in (.+?) \(PID (\d+)\)", message)
    return f"another process (PID {match.group(2)}, {match.group(1)})" if match else "another process"


def open_writer(path: Path, timeout: float = LOCK_TIMEOUT) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the pipeline's file.

    DuckDB's file lock is exclusive and refuses at once instead of waiting (stack.md §6), so a caller that
    arrives while a run or a newsletter holds the file retries with backoff for up to `timeout` seconds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise WarehouseError(f"{path}: cannot open ({first_line(exc)})") from None
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"{path}: still locked by {_holder(str(exc))} after {timeout:.0f} s; try again later"
                ) from None
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 1.0)
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    # DuckDB would otherwise cache up to 80% of the machine's memory; the pipeline's own process needs room
    # for a big batch too (SPEC §7: 1,000,000 items within 2 GB). Beyond this DuckDB spills to disk.
    limit = os.environ.get("VIGIE_DUCKDB_MEMORY", "").strip() or WRITER_MEMORY
    try:
        con.execute("SET memory_limit = $limit", {"limit": limit})
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(f"VIGIE_DUCKDB_MEMORY={limit!r}: {first_line(exc)}") from None
    return con


def first_line(exc: BaseException) -> str:
    """DuckDB messages span several lines (hints, caret lines); a person needs the first."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@cache
def sql_text(relative: str) -> str:
    return (SQL_DIR / relative).read_text(encoding="utf-8")


def run_sql_file(con: duckdb.DuckDBPyConnection, relative: str, params: dict[str, Any] | None = None) -> None:
    """Every statement of a .sql file, each given the named parameters it uses."""
    params = params or {}
    for statement in duckdb.extract_statements(sql_text(relative)):
        wanted = set(statement.named_parameters)
        if wanted:
            con.execute(statement, {name: params[name] for name in wanted})
        else:
            con.execute(statement)
