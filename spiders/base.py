"""The base spider every family's spider derives from, and FileSpider (one request per registry URL: TED XML
notices, OCDS packages, feeds, iCalendar, schema.org pages).

A registry source becomes a subclass carrying only attributes (`name`, `source`, see spiders.source_spider):
spiders collect and hand raw records on; they never clean, tag or store. The spiders of the other access
patterns (ted_search, sedia_search, bosa_search, html_listing) are named in spiders.families.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response

from spiders import isolation
from spiders.extensions import BODY_SHA_META, body_digest
from spiders.parsed_cache import ImmutableIndex, ParsedCache, record_key
from spiders.registry import Source, apply_defaults
from vigie.core.errors import ParseError, ParseLimitError
from vigie.core.items import RecordBatch


class VigieSpider(scrapy.Spider):
    source: ClassVar[Source]

    def __init__(self, *args: Any, since: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.since = since  # incremental collection: the newest publication date already stored
        self.errors: list[str] = []
        self.pages = 0
        self._parsed: ParsedCache | None = None
        self._immutable: ImmutableIndex | None = None
        self._started = time.monotonic()

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        src = cls.source
        for key, value in (
            ("DOWNLOAD_DELAY", src.download_delay),
            ("CONCURRENT_REQUESTS_PER_DOMAIN", src.concurrency),
            ("DOWNLOAD_TIMEOUT", src.timeout),
            ("VIGIE_PARSE_TIMEOUT", src.parse_timeout),
            ("VIGIE_PARSE_MEMORY_MB", src.parse_memory),
        ):
            if value is not None:
                settings.set(key, value, priority="spider")

    # --- requests -------------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request | RecordBatch]:
        self._started = time.monotonic()
        isolation.POOL.warm()
        self._open_stores()
        for request in self.start_requests_for_source():
            body = self._immutable.body(request.url) if self._immutable and request.method == "GET" else None
            if body is None:
                yield request
                continue
            # A document that never changes once published, already collected: no request at all.
            self.crawler.stats.inc_value("vigie/immutable_reused")
            yield RecordBatch(await self.records_from_body(body, request.url, unchanged=True))

    def _open_stores(self) -> None:
        run_dir = self.settings.get("VIGIE_RUN_DIR")
        if not run_dir:
            return  # outside a Vigie run (a live check): nothing to reuse
        raw_dir = Path(run_dir).parent
        self._parsed = ParsedCache(raw_dir)
        if self.source.immutable:
            self._immutable = ImmutableIndex(raw_dir, self.name)

    def closed(self, reason: str) -> None:
        if self._immutable is not None:
            self._immutable.save()

    def start_requests_for_source(self) -> Iterator[Request]:
        for url in self.source.urls:
            yield self.request(url)

    def request(self, url: str, **kwargs: Any) -> Request:
        kwargs.setdefault("callback", self.parse)
        kwargs.setdefault("errback", self.on_error)
        return Request(url, **kwargs)

    # --- responses ------------------------------------------------------------------------------------
    async def parse(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        yield RecordBatch(await self.records(response))
        for request in self.follow(response):
            yield request

    async def records(self, response: Response, family: str | None = None) -> list[dict]:
        """Raw records of one response; a response that cannot be read is reported, never fatal."""
        sha = None
        if self._parsed is not None:
            request = getattr(response, "request", None)
            sha = (request.meta.get(BODY_SHA_META) if request is not None else None) or body_digest(
                response.body
            )
        if self._immutable is not None and sha and response.status == 200:
            self._immutable.add(response.url, sha)
        return await self.records_from_body(
            response.body, response.url, family, unchanged="cached" in response.flags, sha=sha
        )

    async def records_from_body(
        self,
        body: bytes,
        url: str,
        family: str | None = None,
        *,
        unchanged: bool = False,
        sha: str | None = None,
    ) -> list[dict]:
        """Raw records of one body. An unchanged body (304, or an immutable document) re-emits the records
        parsed from it last time: same bytes, same parser code, same records."""
        self.pages += 1
        family = family or self.source.family
        options = self.source.parser_options()
        key = None
        if self._parsed is not None:
            key = record_key(sha or body_digest(body), family, self.name, url, options)
        found = self._parsed.get(key) if (key and unchanged) else None
        if found is not None:
            self.crawler.stats.inc_value("vigie/parse_reused")
        else:
            try:
                call = self.settings.get("VIGIE_PARSE_CALL") or isolation.PARSE_CALL
                found = await self.isolated(url, call, body, family, self.name, url, options)
            except ParseError as exc:
                self.fail(f"{url}: {exc}")
                return []
            except CloseSpider:
                raise
            except Exception as exc:  # a parser bug on one response is reported, never fatal to the run
                self.logger.debug("parser failure", exc_info=True)
                self.fail(f"{url}: could not be read ({type(exc).__name__}: {str(exc)[:150]})")
                return []
            if key:
                self._parsed.put(key, found)
        return [apply_defaults(record, self.source) for record in found]

    async def isolated(self, url: str, call: str, *args: Any) -> Any:
        """`call` ("module:function") run in a parse worker within this source's limits. A limit stops the
        whole source (its next pages are likely as pathological), reported against `url`."""
        try:
            return await isolation.POOL.run(call, args, self.parse_limits())
        except ParseLimitError as exc:
            self.fail(f"{url}: {exc}")
            raise CloseSpider("parse_limit") from None

    def parse_limits(self) -> isolation.Limits:
        """This source's parse limits; the time limit never runs past the source's own timeout, so that a
        stopped source ends when its timeout says."""
        seconds = self.settings.getfloat("VIGIE_PARSE_TIMEOUT", isolation.DEFAULT_SECONDS)
        source_timeout = self.settings.getfloat("CLOSESPIDER_TIMEOUT", 0)
        if source_timeout > 0:
            seconds = min(seconds, max(1.0, source_timeout - (time.monotonic() - self._started)))
        return isolation.Limits(
            seconds=seconds,
            memory_mb=self.settings.getint("VIGIE_PARSE_MEMORY_MB", isolation.DEFAULT_MEMORY_MB),
        )

    def follow(self, response: Response) -> Iterator[Request]:
        """Next pages; nothing for single-document sources."""
        return iter(())

    def more_pages_allowed(self) -> bool:
        return self.source.max_pages is None or self.pages < self.source.max_pages

    # --- errors ---------------------------------------------------------------------------------------
    def fail(self, message: str) -> None:
        self.errors.append(message)
        self.crawler.stats.inc_value("vigie/errors")

    def on_error(self, failure: Any) -> None:
        self.fail(describe_failure(failure))


def describe_failure(failure: Any) -> str:
    """A one-line reason for a failed request, for the run summary."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError

    exc = failure.value
    url = getattr(getattr(failure, "request", None), "url", "") or ""
    if isinstance(exc, HttpError):
        response = exc.response
        return f"{response.url}: HTTP {response.status}"
    if isinstance(exc, IgnoreRequest):
        return f"{url}: not fetched ({exc or 'forbidden by robots.txt'})"
    name = type(exc).__name__
    if "Timeout" in name or "TimedOut" in name:
        return f"{url}: timed out"
    from vigie.core.reasons import describe

    return f"{url}: {describe(exc)}"[:300]


class FileSpider(VigieSpider):
    """One document per URL."""
