"""The ASGI application of `vigie serve`: the routes of service.routes over one snapshot reader."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette

from service.context import Service
from service.routes import feeds, health, subscribe
from service.snapshot import Connect, SnapshotReader


def create_app(home: Path, *, connect: Connect | None = None) -> Starlette:
    """The application over the snapshot published under `home`.

    `connect` opens the snapshot read-only (default: warehouse.snapshot.connect).
    """
    service = Service(SnapshotReader(Path(home), connect))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        service.reader.close()

    app = Starlette(
        routes=[*subscribe.routes(service), *health.routes(service), *feeds.routes(service)],
        lifespan=lifespan,
    )
    app.state.service = service
    return app


def run(host: str, port: int, home: Path, *, access_log: bool = False) -> None:
    """Serve the app with uvicorn (what `vigie serve` calls)."""
    import uvicorn

    uvicorn.run(create_app(home), host=host, port=port, access_log=access_log, log_level="info")
