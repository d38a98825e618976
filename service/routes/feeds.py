"""`/feeds/{atom,rss,ics,json}`: a member's feed, with the filter parameters of warehouse.filters (kind,
sector, lang, region, scope, status, fit, q, keywords, closing-within; repeated or comma-separated) plus `hl`
(fr/nl/en, the wording of the feed, not a filter). Without `status=` a feed carries what is still useful
(warehouse.live); without `kind=news`, no news.

A bad parameter answers 400 naming it and the accepted values, in the language of `hl` (else
Accept-Language); an unknown format 404, no snapshot yet 503. Answers carry ETag and Last-Modified; a matching
If-None-Match (or, without it, If-Modified-Since) answers 304.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from feeds.render import FORMATS, render_selected
from feeds.selection import select_for_feed
from service.cache import CachedFeed
from service.context import Service
from service.messages import filter_error_text
from service.params import accept_language, parse_query, public_base, request_hl
from vigie.core.errors import FilterError, NoSnapshotError

GZIP_LEVEL = 6


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


def not_modified(request: Request, entry: CachedFeed) -> bool:
    """Whether the client already holds this feed (RFC 9110: If-None-Match wins over If-Modified-Since)."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        return _matches(inm, entry.etag)
    return _not_modified_since(request.headers.get("if-modified-since"), entry.last_modified)


def routes(service: Service) -> list[Route]:
    reader, cache = service.reader, service.cache

    async def feed(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            return PlainTextResponse(
                f"unknown feed format {fmt[:40]!r}: use one of {', '.join(FORMATS)}\n", status_code=404
            )
        try:
            flt, hl, _ = parse_query(request)
        except FilterError as exc:
            text = filter_error_text(exc, request_hl(request) or accept_language(request))
            return PlainTextResponse(f"{text}\n", status_code=400)
        lang = hl or "fr"
        version = reader.version()
        if version is None:
            return PlainTextResponse("no published snapshot yet: run `vigie run` first\n", status_code=503)
        base = public_base(request)

        def build(previous: CachedFeed | None) -> CachedFeed:
            now = service.now()
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
            return CachedFeed(body, gzip.compress(body, GZIP_LEVEL), ctype, etag, modified, time.monotonic())

        try:
            entry = await cache.get((version, base, fmt, lang, flt), build)
        except NoSnapshotError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=503)
        service.serving(version)
        headers = {
            "ETag": entry.etag,
            "Last-Modified": format_datetime(entry.last_modified, usegmt=True),
            "Cache-Control": "public, max-age=600",
            "Vary": "Accept-Encoding",
            # Public data: a member's web page or a working group's notebook may read the JSON feed directly.
            "Access-Control-Allow-Origin": "*",
        }
        if not_modified(request, entry):
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(entry.gzipped, media_type=entry.content_type, headers=headers)
        return Response(entry.body, media_type=entry.content_type, headers=headers)

    return [Route("/feeds/{fmt}", feed)]
