"""The ASGI application of `vigie serve`: the routes of service.routes over one snapshot reader."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

from starlette.applications import Starlette

from service import newsroom, places
from service.context import Service
from service.routes import browse, feeds, health
from service.snapshot import Connect, SnapshotReader


def create_app(
    home: Path,
    *,
    connect: Connect | None = None,
    as_of: datetime | None = None,
    newsroom_options: newsroom.NewsroomOptions | None = None,
) -> Starlette:
    """The application over the snapshot published under `home`.

    `connect` opens the snapshot read-only (default: warehouse.snapshot.connect); `as_of` makes every page and
    feed behave as at that instant (default: the day the published run was made as of, else the clock);
    `newsroom_options` sets up the comms team's newsroom under /newsroom/ (default: config/themes.toml, the
    service's clock, VIGIE_SMTP_* settings).
    """
    service = Service(SnapshotReader(Path(home), connect), as_of=as_of)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        service.reader.close()

    app = Starlette(
        routes=[
            *browse.routes(service),
            *health.routes(service),
            *feeds.routes(service),
            *places.routes(service),
            *newsroom.routes(Path(home), newsroom_options or newsroom.NewsroomOptions(now=service.now)),
        ],
        lifespan=lifespan,
    )
    app.state.service = service
    return app


def run(host: str, port: int, home: Path, *, access_log: bool = False, as_of: datetime | None = None) -> None:
    """Serve the app with uvicorn (what `vigie serve` calls)."""
    import uvicorn

    uvicorn.run(create_app(home, as_of=as_of), host=host, port=port, access_log=access_log, log_level="info")
