"""The warehouse's clock: what `as_of()` answers in SQL. A run made `--as-of` a day (the demo) sets that day,
so the views and the working groups' queries agree with the statuses the run computed; any other run sets it
back to the real now."""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse.connection import sql_text
from warehouse.store import Warehouse


def set_clock(warehouse: Warehouse, as_of: datetime | None) -> None:
    if as_of is None:
        sql = "CREATE OR REPLACE MACRO as_of() AS now()"
    else:
        if as_of.tzinfo is None:
            raise ValueError("as_of must be an aware datetime")
        sql = f"CREATE OR REPLACE MACRO as_of() AS TIMESTAMPTZ '{as_of.isoformat()}'"
    with warehouse.session() as con:
        con.execute(sql)


def read_clock(con: duckdb.DuckDBPyConnection) -> datetime:
    """The instant `as_of()` answers on this connection (a snapshot made as of a day answers that day)."""
    return con.execute("SELECT as_of()").fetchone()[0]


def fixed_clock(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The day a snapshot made `vigie run --as-of` behaves as on, None when it follows the real clock. Readers
    (feeds, the browse page, newsletters) take it as their default "now", so a demo built as of a day shows
    what was open that day. A snapshot from before the clock existed has no as_of(): None."""
    try:
        at, fixed = con.execute(sql_text("read/fixed_clock.sql")).fetchone()
    except duckdb.Error:
        return None
    return at if fixed else None
