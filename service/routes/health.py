"""`/health`: whether a snapshot is published, since when, and how many items it holds (503 without one)."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from service.context import Service
from vigie.core.errors import NoSnapshotError
from vigie.core.timezone import BRUSSELS
from warehouse.filters import count_items


def _count_all(con: duckdb.DuckDBPyConnection) -> int:
    return count_items(con, None, datetime.now(BRUSSELS))


def routes(service: Service) -> list[Route]:
    reader, counts = service.reader, service.counts

    async def health(request: Request) -> Response:
        version = reader.version()
        if version is None:
            return JSONResponse(
                {"status": "no snapshot", "snapshot": False, "path": str(reader.path)}, status_code=503
            )
        if version not in counts:
            try:
                counts[version], _ = await run_in_threadpool(reader.run, _count_all)
            except NoSnapshotError as exc:
                return JSONResponse(
                    {"status": str(exc), "snapshot": False, "path": str(reader.path)}, status_code=503
                )
        mtime = datetime.fromtimestamp(version[1] / 1e9, UTC)
        return JSONResponse(
            {
                "status": "ok",
                "snapshot": True,
                "path": str(reader.path),
                "snapshot_mtime": mtime.isoformat(),
                "items": counts[version],
            }
        )

    return [Route("/health", health)]
