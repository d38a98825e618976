"""One read-only connection to the published snapshot, reopened when the pipeline replaces the file.

Each request stats the file: a new inode/mtime/size means a new snapshot, so the connection is closed and
reopened (DuckDB caches one database instance per path in a process, so the old connection must be closed
before the new file can be seen). Queries are serialised on that connection by a lock.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import duckdb

from vigie.core.errors import NoSnapshotError, WarehouseError
from vigie.core.paths import snapshot_path
from warehouse.clock import fixed_clock
from warehouse.snapshot import connect as open_snapshot

log = logging.getLogger(__name__)
T = TypeVar("T")

Version = tuple[int, int, int]  # inode, mtime_ns, size of the snapshot file
Connect = Callable[[Path], duckdb.DuckDBPyConnection]


class SnapshotReader:
    """Runs queries on the current snapshot under `home` (opened with `connect`, default
    warehouse.snapshot.connect)."""

    def __init__(self, home: Path, connect: Connect | None = None) -> None:
        self.home = home
        self._connect = connect or open_snapshot
        self.path = snapshot_path(home)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._version: Version | None = None
        self._fixed: datetime | None = None  # the published run's --as-of day, read when a snapshot opens

    def version(self) -> Version | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def run(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> tuple[T, Version]:
        """Call fn(connection) on the current snapshot; returns its result and the version it read."""
        with self._lock:
            version = self.version()
            if version is None:
                raise NoSnapshotError("no published snapshot yet: run `vigie run` first")
            if version != self._version or self._con is None:
                self._close_locked()
                try:
                    self._con = self._connect(self.home)
                except (WarehouseError, duckdb.Error, OSError) as exc:
                    # A snapshot being replaced or corrupt must not take the service down.
                    raise NoSnapshotError(f"cannot open the published snapshot: {exc}") from exc
                self._version = version
                self._fixed = fixed_clock(self._con)
                log.info("serving snapshot %s (inode %d, %d bytes)", self.path, version[0], version[2])
            return fn(self._con), version

    def fixed_clock(self) -> datetime | None:
        """The day the current snapshot's run was made as of (`vigie run --as-of`), None when it ran on the
        real clock or nothing is published yet. Costs a stat of the file when the snapshot is already open."""
        try:
            return self.run(lambda con: self._fixed)[0]
        except NoSnapshotError:
            return None

    def _close_locked(self) -> None:
        if self._con is not None:
            try:
                self._con.close()
            finally:
                self._con, self._version, self._fixed = None, None, None

    def close(self) -> None:
        with self._lock:
            self._close_locked()
