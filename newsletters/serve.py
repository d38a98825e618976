"""`vigie serve`: member feeds over HTTP, a subscribe page and a health check, on the published snapshot.

The service only ever reads `published.duckdb`, which the pipeline replaces atomically (os.replace) at the end
of a run. Each request stats the file: a new inode/mtime/size means a new snapshot, so the one DuckDB connection
is closed and reopened (DuckDB caches one database instance per path in a process, so the old connection must
be closed before the new file can be seen). Queries are serialised on that connection by a lock; rendered
feeds are cached per (snapshot version, base URL, format, language, normalised filter), which is what makes
polling feed readers cheap, together with ETag / Last-Modified and 304 answers.

Routes: `/feeds/{atom,rss,ics,json}` with the filter parameters of newsletters.filters (kind, sector, lang,
region, scope, status, q, keywords, closing-within; repeated or comma-separated) plus `hl` (fr/nl/en, the
wording of the feed, not a filter); `/health`; `/` the subscribe page (interface language from `hl`, else
Accept-Language). A bad parameter answers 400 naming it, an unknown format 404, no snapshot yet 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from newsletters.feeds import (
    FORMATS,
    deadline_line,
    feed_title,
    feed_url,
    item_text,
    render_selected,
    select_for_feed,
    strings,
    when_line,
)
from newsletters.filters import Filter, select_items
from vigie.core.errors import FilterError, NoSnapshotError
from vigie.core.items import KINDS
from vigie.core.languages import ITEM_LANGS, UI_LANGS
from vigie.core.paths import snapshot_path
from vigie.core.taxonomy import sector_labels
from vigie.core.text import fold
from vigie.core.timezone import BRUSSELS

log = logging.getLogger(__name__)
T = TypeVar("T")

CACHE_TTL_S = 600  # feeds with closing-within or a calendar window depend on the clock, not only on the data
CACHE_MAX_BYTES = 128 * 1024 * 1024
PREVIEW_ITEMS = 10
_TEMPLATES = Path(__file__).resolve().parent / "templates" / "serve"

Version = tuple[int, int, int]  # inode, mtime_ns, size of the snapshot file


class SnapshotReader:
    """One read-only connection to the published snapshot, reopened when the file is replaced."""

    def __init__(self, home: Path, connect: Callable[[Path], Any] | None = None) -> None:
        self.home = home
        self._connect = connect
        self.path = snapshot_path(home)
        self._lock = threading.Lock()
        self._con: Any = None
        self._version: Version | None = None

    def version(self) -> Version | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def run(self, fn: Callable[[Any], T]) -> tuple[T, Version]:
        """Call fn(connection) on the current snapshot; returns its result and the version it read."""
        if self._connect is None:
            from warehouse.snapshot import connect

            self._connect = connect
        with self._lock:
            version = self.version()
            if version is None:
                raise NoSnapshotError("no published snapshot yet: run `vigie run` first")
            if version != self._version:
                self.close_locked()
                try:
                    self._con = self._connect(self.home)
                except (
                    Exception
                ) as exc:  # a snapshot being replaced or corrupt must not take the service down
                    raise NoSnapshotError(f"cannot open the published snapshot: {exc}") from exc
                self._version = version
                log.info("serving snapshot %s (inode %d, %d bytes)", self.path, version[0], version[2])
            return fn(self._con), version

    def close_locked(self) -> None:
        if self._con is not None:
            try:
                self._con.close()
            finally:
                self._con, self._version = None, None

    def close(self) -> None:
        with self._lock:
            self.close_locked()


@dataclass
class CachedFeed:
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str
    last_modified: datetime
    created: float


class FeedCache:
    """LRU of rendered feeds, bounded in bytes; concurrent misses for one key render once."""

    def __init__(self, max_bytes: int = CACHE_MAX_BYTES, ttl: float = CACHE_TTL_S) -> None:
        self.max_bytes, self.ttl = max_bytes, ttl
        self._entries: OrderedDict[tuple, CachedFeed] = OrderedDict()
        self._bytes = 0
        self._inflight: dict[tuple, asyncio.Future] = {}

    def _store(self, key: tuple, entry: CachedFeed) -> None:
        old = self._entries.pop(key, None)
        if old:
            self._bytes -= len(old.body) + len(old.gzipped)
        self._entries[key] = entry
        self._bytes += len(entry.body) + len(entry.gzipped)
        while self._bytes > self.max_bytes and len(self._entries) > 1:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body) + len(evicted.gzipped)

    async def get(self, key: tuple, build: Callable[[CachedFeed | None], CachedFeed]) -> CachedFeed:
        entry = self._entries.get(key)
        if entry and time.monotonic() - entry.created < self.ttl:
            self._entries.move_to_end(key)
            return entry
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            fresh = await run_in_threadpool(build, entry)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters, if any, get it re-raised
            raise
        finally:
            self._inflight.pop(key, None)
        self._store(key, fresh)
        future.set_result(fresh)
        return fresh

    def drop_other_versions(self, version: Version) -> None:
        for key in [k for k in self._entries if k[0] != version]:
            old = self._entries.pop(key)
            self._bytes -= len(old.body) + len(old.gzipped)


def _normalise(flt: Filter) -> Filter:
    """One cache key and one URL per filter, whatever the order or repetition of the values."""

    def norm(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(values)))

    return replace(
        flt,
        kinds=norm(flt.kinds),
        sectors=norm(flt.sectors),
        langs=norm(flt.langs),
        regions=norm(flt.regions),
        scopes=norm(flt.scopes),
        statuses=norm(flt.statuses),
        keywords=norm(flt.keywords),
        q=" ".join(flt.q.split()) if flt.q else None,
    )


def parse_query(request: Request) -> tuple[Filter, str | None]:
    """The filter and the interface language (`hl`) of a request; raises FilterError naming the parameter."""
    params: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    hl_values = params.pop("hl", [])
    hl = hl_values[-1] if hl_values else None
    if hl is not None and hl not in UI_LANGS:
        raise FilterError(
            f"hl: unknown interface language {hl[:40]!r} (expected one of: {', '.join(UI_LANGS)})"
        )
    single = {k: (v[0] if len(v) == 1 else v) for k, v in params.items()}
    for key in ("q", "closing-within", "closing_within"):
        if isinstance(single.get(key), list):
            raise FilterError(f"{key}: give this parameter once")
    return _normalise(Filter.from_params(single)), hl


def _sort_key(label: str) -> str:
    """Alphabetical order as people expect it: "Écriture" among the E, not after Z."""
    return fold(label)


def preview_line(item: dict[str, Any], lang: str) -> dict[str, str]:
    """Title in the page's language when the source gave it, and the date that matters for this kind."""
    title, _ = item_text(item, lang)
    when = when_line(item, lang) if item["kind"] == "event" else deadline_line(item, lang)
    return {"title": title, "url": item.get("url") or "", "when": when or ""}


def _accept_language(request: Request) -> str:
    best, best_q = "fr", -1.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, weight = part.strip().partition(";q=")
        lang = tag.strip().lower()[:2]
        try:
            q = float(weight) if weight else 1.0
        except ValueError:
            continue
        if lang in UI_LANGS and q > best_q:
            best, best_q = lang, q
    return best


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag.removeprefix("W/") in tags


def _not_modified_since(header: str | None, last_modified: datetime) -> bool:
    if not header:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False  # a malformed date is ignored, as RFC 9110 asks
    if since is None or since.tzinfo is None:
        return False
    return int(last_modified.timestamp()) <= int(since.timestamp())


def _public_base(request: Request) -> str:
    return os.environ.get("VIGIE_PUBLIC_URL") or str(request.base_url).rstrip("/")


def create_app(home: Path, *, connect: Callable[[Path], Any] | None = None) -> Starlette:
    """The ASGI application of `vigie serve` over the snapshot published under `home`.

    `connect` opens the snapshot read-only (default: warehouse.snapshot.connect).
    """
    reader = SnapshotReader(Path(home), connect)
    cache = FeedCache()
    seen: dict[str, Version | None] = {"version": None}
    counts: dict[Version, int] = {}
    env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]))

    async def feed(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            return PlainTextResponse(
                f"unknown feed format {fmt[:40]!r}: use one of {', '.join(FORMATS)}\n", status_code=404
            )
        try:
            flt, hl = parse_query(request)
        except FilterError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=400)
        lang = hl or "fr"
        version = reader.version()
        if version is None:
            return PlainTextResponse("no published snapshot yet: run `vigie run` first\n", status_code=503)
        base = _public_base(request)
        key = (version, base, fmt, lang, flt)

        def build(previous: CachedFeed | None) -> CachedFeed:
            now = datetime.now(BRUSSELS)
            # Only the query holds the connection; rendering runs beside other requests' queries.
            items, read_version = reader.run(lambda con: select_for_feed(con, flt, fmt, now))
            body, ctype = render_selected(items, flt, fmt, now, base, lang)
            etag = f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
            modified = datetime.fromtimestamp(read_version[1] / 1e9, UTC)
            if previous is not None and previous.etag != etag:
                # Same snapshot, other content: the clock moved an item in or out (closing-within, calendar).
                modified = max(modified, datetime.now(UTC))
            elif previous is not None:
                modified = previous.last_modified
            return CachedFeed(body, gzip.compress(body, 6), ctype, etag, modified, time.monotonic())

        try:
            entry = await cache.get(key, build)
        except NoSnapshotError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=503)
        if seen["version"] != version:  # a new snapshot: feeds of the old one will never be asked again
            cache.drop_other_versions(version)
            seen["version"] = version
        headers = {
            "ETag": entry.etag,
            "Last-Modified": format_datetime(entry.last_modified, usegmt=True),
            "Cache-Control": "public, max-age=600",
            "Vary": "Accept-Encoding",
            # Public data: a member's web page or a working group's notebook may read the JSON feed directly.
            "Access-Control-Allow-Origin": "*",
        }
        inm = request.headers.get("if-none-match")
        if (
            inm is not None
            and _matches(inm, entry.etag)
            or inm is None
            and _not_modified_since(request.headers.get("if-modified-since"), entry.last_modified)
        ):
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(entry.gzipped, media_type=entry.content_type, headers=headers)
        return Response(entry.body, media_type=entry.content_type, headers=headers)

    def count_items(con: Any, flt: Filter | None = None, now: datetime | None = None) -> int:
        where, params = (flt or Filter()).where(now or datetime.now(BRUSSELS))
        return int(con.execute(f"SELECT count(*) FROM opportunities WHERE {where}", params).fetchall()[0][0])

    async def health(request: Request) -> Response:
        version = reader.version()
        if version is None:
            return JSONResponse(
                {"status": "no snapshot", "snapshot": False, "path": str(reader.path)}, status_code=503
            )
        if version not in counts:
            try:
                counts[version], _ = await run_in_threadpool(reader.run, count_items)
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

    async def page(request: Request) -> Response:
        error = None
        try:
            flt, hl = parse_query(request)
        except FilterError as exc:
            flt, hl, error = Filter(), None, str(exc)
        lang = hl or _accept_language(request)
        base = _public_base(request)
        preview: list[dict] = []
        total = None
        missing = False
        if error is None:
            now = datetime.now(BRUSSELS)

            def read(con: Any) -> tuple[int, list[dict]]:
                return count_items(con, flt, now), select_items(con, flt, now, limit=PREVIEW_ITEMS)

            try:
                (total, preview), _ = await run_in_threadpool(reader.run, read)
            except NoSnapshotError:
                missing = True
        urls = {fmt: feed_url(base, fmt, flt, lang) for fmt in FORMATS}
        webcal = "webcal://" + urls["ics"].split("://", 1)[1]
        s = strings()
        html = env.get_template("index.html").render(
            lang=lang,
            t=s[lang],
            ui_langs=UI_LANGS,
            flt=flt,
            error=error,
            urls=urls,
            webcal=webcal,
            kinds=[(k, s[lang][f"kind_{k}"]) for k in KINDS],
            sectors=sorted(
                ((sid, lab.get(lang, sid)) for sid, lab in sector_labels().items()),
                key=lambda p: _sort_key(p[1]),
            ),
            regions=[(code, lab.get(lang, code)) for code, lab in s["regions"].items()],
            item_langs=[(code, s[lang].get(f"lang_name_{code}", code)) for code in ITEM_LANGS],
            title=feed_title(flt, lang),
            preview=[preview_line(item, lang) for item in preview],
            total=total,
            missing=missing,
            # Switching the interface language keeps the member's choices.
            hl_links={
                code: "?" + urlencode([*sorted(flt.to_params().items()), ("hl", code)]) for code in UI_LANGS
            },
        )
        return HTMLResponse(html, status_code=400 if error else 200)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        reader.close()

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/health", health),
            Route("/feeds/{fmt}", feed),
        ],
        lifespan=lifespan,
    )
    app.state.reader = reader
    app.state.cache = cache
    return app


def run(host: str, port: int, home: Path, *, access_log: bool = False) -> None:
    """Serve the app with uvicorn (what `vigie serve` calls)."""
    import uvicorn

    uvicorn.run(create_app(home), host=host, port=port, access_log=access_log, log_level="info")
