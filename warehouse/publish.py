"""Publishing the snapshot readers open: an atomic copy of the pipeline's file, then Parquet exports."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from vigie.core.errors import WarehouseError
from warehouse.connection import first_line, sql_text
from warehouse.export import EXPORT_TABLES, copy_atomic


def publish_snapshot(
    con: duckdb.DuckDBPyConnection, path: Path, snapshot: Path, export_dir: Path | None
) -> None:
    """Checkpoint `con` (the writer of `path`), copy the file beside `snapshot`, check the copy opens, then
    replace `snapshot` with it; export the main tables to `export_dir` when given."""
    try:
        out = export_dir or path.parent / "export"
        stale = [*snapshot.parent.glob(f".{snapshot.name}.*.tmp"), *out.glob(".*.tmp")]
        for tmp_file in stale:
            if not _owner_alive(tmp_file):
                tmp_file.unlink(missing_ok=True)  # left by a writer that was killed
        con.execute("CHECKPOINT")  # everything committed is now in the main file, the WAL is empty
        tmp = snapshot.with_name(f".{snapshot.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(path, tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            _verify(tmp)
            os.replace(tmp, snapshot)
        finally:
            tmp.unlink(missing_ok=True)
        if export_dir is not None:
            export_dir.mkdir(parents=True, exist_ok=True)
            for table in EXPORT_TABLES:
                copy_atomic(con, f"SELECT * FROM {table}", export_dir / f"{table}.parquet", "parquet")
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: publishing failed: {first_line(exc)}") from None


def _owner_alive(tmp: Path) -> bool:
    """Temporary files are named `.<file>.<pid>.tmp`; a `vigie export` still writing one must keep it."""
    try:
        pid = int(tmp.name.rsplit(".", 2)[-2])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _verify(path: Path) -> None:
    """Open the copy before it replaces the snapshot, so a broken copy never reaches readers."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute(sql_text("read/count_items.sql").format(filter="TRUE")).fetchall()
    finally:
        con.close()
