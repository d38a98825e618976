"""Read-only access to the published snapshot: what `vigie query`, `vigie serve`, feeds, newsletters and
working groups open. It is replaced atomically at the end of each run, so a connection sees one whole run.

Keep connections short: an open connection keeps seeing the snapshot it opened (and, inside one process,
DuckDB reuses an open database for the same path, so close every connection to see the next run).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from vigie.core import paths
from vigie.core.errors import NoSnapshotError, WarehouseError
from vigie.core.timezone import TIMEZONE
from warehouse.connection import first_line


def connect(home: Path | None = None) -> duckdb.DuckDBPyConnection:
    base = Path(home) if home is not None else paths.home()
    path = paths.snapshot_path(base)
    if not path.exists():
        raise NoSnapshotError(f"no published warehouse yet under {base}: run `vigie run` first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: cannot open the published warehouse ({first_line(exc)})") from None
    # Timestamps are stored as instants; readers see them with Brussels offsets.
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    return con
