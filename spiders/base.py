"""Base spiders, one per access pattern. A registry source becomes a subclass carrying only attributes
(`name`, `source`): spiders collect and hand raw records on; they never clean, tag or store.

    FileSpider      one request per registry URL (TED XML notices, OCDS packages, feeds, iCalendar, schema.org)
    TedApiSpider    TED Search API v3: POST an expert query, follow the iteration token
    SediaSpider     EU Funding & Tenders search API: POST, page by page
    BosaSpider      Belgian e-Procurement: OAuth2 client credentials from the environment, then paged search
    HtmlListSpider  list page -> item links -> detail pages, described by selectors in the registry
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.http import Request, Response

from spiders import parsers
from spiders.extensions import BODY_SHA_META, body_digest
from spiders.parsed_cache import ImmutableIndex, ParsedCache, record_key
from vigie.core.errors import MissingCredentialsError, ParseError
from vigie.core.items import RecordBatch
from vigie.registry import Source, apply_defaults


class VigieSpider(scrapy.Spider):
    source: ClassVar[Source]

    def __init__(self, *args: Any, since: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.since = since  # incremental collection: the newest publication date already stored
        self.errors: list[str] = []
        self.pages = 0
        self._parsed: ParsedCache | None = None
        self._immutable: ImmutableIndex | None = None

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        src = cls.source
        for key, value in (
            ("DOWNLOAD_DELAY", src.download_delay),
            ("CONCURRENT_REQUESTS_PER_DOMAIN", src.concurrency),
            ("DOWNLOAD_TIMEOUT", src.timeout),
        ):
            if value is not None:
                settings.set(key, value, priority="spider")

    # --- requests -------------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request | RecordBatch]:
        self._open_stores()
        for request in self.start_requests_for_source():
            body = self._immutable.body(request.url) if self._immutable and request.method == "GET" else None
            if body is None:
                yield request
                continue
            # A document that never changes once published, already collected: no request at all.
            self.crawler.stats.inc_value("vigie/immutable_reused")
            yield RecordBatch(self.records_from_body(body, request.url, unchanged=True))

    def _open_stores(self) -> None:
        run_dir = self.settings.get("VIGIE_RUN_DIR") if getattr(self, "crawler", None) else None
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
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        yield RecordBatch(self.records(response))
        yield from self.follow(response)

    def records(self, response: Response, family: str | None = None) -> list[dict]:
        """Raw records of one response; a response that cannot be read is reported, never fatal."""
        sha = None
        if self._parsed is not None:
            request = getattr(response, "request", None)
            sha = (request.meta.get(BODY_SHA_META) if request is not None else None) or body_digest(
                response.body
            )
        if self._immutable is not None and sha and response.status == 200:
            self._immutable.add(response.url, sha)
        return self.records_from_body(
            response.body, response.url, family, unchanged="cached" in response.flags, sha=sha
        )

    def records_from_body(
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
                found = list(parsers.parse(body, family, source=self.name, url=url, options=options))
            except ParseError as exc:
                self.fail(f"{url}: {exc}")
                return []
            except Exception as exc:  # a parser bug on one response is reported, never fatal to the run
                self.logger.debug("parser failure", exc_info=True)
                self.fail(f"{url}: could not be read ({type(exc).__name__}: {str(exc)[:150]})")
                return []
            if key:
                self._parsed.put(key, found)
        return [apply_defaults(record, self.source) for record in found]

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
    text = str(exc).splitlines()[0] if str(exc) else name
    return f"{url}: {name}: {text}"[:300]


class FileSpider(VigieSpider):
    """One document per URL."""


class TedApiSpider(VigieSpider):
    """TED Search API v3 (POST /v3/notices/search), paginated with the iteration token."""

    def _query(self) -> str:
        from spiders.parsers import ted_api

        query = self.source.options.get("query") or ted_api.DEFAULT_QUERY
        if self.since:
            query = f"({query}) AND publication-date>={self.since[:10].replace('-', '')}"
        return query

    def _post(self, token: str | None) -> Request:
        from spiders.parsers import ted_api

        body = ted_api.build_search_request(
            self._query(),
            self.source.options.get("fields") or ted_api.DEFAULT_FIELDS,
            token,
            int(self.source.options.get("limit", 100)),
        )
        return self.request(
            self.source.urls[0],
            method="POST",
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            dont_filter=True,
        )

    def start_requests_for_source(self) -> Iterator[Request]:
        yield self._post(None)

    def follow(self, response: Response) -> Iterator[Request]:
        from spiders.parsers import ted_api

        token = ted_api.next_page_token(response.body)
        if token and self.more_pages_allowed():
            yield self._post(token)


class SediaSpider(VigieSpider):
    """EU Funding & Tenders portal search API: the query goes as multipart form fields, pages by number."""

    def _post(self, page: int) -> Request:
        from spiders.parsers import sedia

        opts = self.source.options
        url, fields = sedia.build_search_request(
            opts.get("text", "***"), opts.get("query"), page, int(opts.get("page_size", 50))
        )
        body, content_type = multipart(fields)
        return self.request(
            url,
            method="POST",
            body=body,
            headers={"Content-Type": content_type},
            cb_kwargs={"page": page},
            dont_filter=True,
        )

    def start_requests_for_source(self) -> Iterator[Request]:
        yield self._post(1)

    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Any]:
        from spiders.parsers import sedia

        yield RecordBatch(self.records(response))
        size = int(self.source.options.get("page_size", 50))
        try:
            total = sedia.total_results(response.body)
        except ParseError:
            return
        if page * size < total and self.more_pages_allowed():
            yield self._post(page + 1)


class BosaSpider(VigieSpider):
    """Belgian e-Procurement: fetch an OAuth2 token with the client credentials from the environment, then
    page through the search. Missing credentials are reported as this source's error, not a crash."""

    def start_requests_for_source(self) -> Iterator[Request]:
        from spiders.parsers import bosa_auth

        try:
            url, headers, body = bosa_auth.token_request()
        except MissingCredentialsError as exc:
            self.fail(str(exc))
            return
        yield self.request(
            url, method="POST", headers=headers, body=body, callback=self.got_token, dont_filter=True
        )

    def got_token(self, response: Response) -> Iterator[Request]:
        try:
            token = json.loads(response.body)["access_token"]
        except (ValueError, KeyError):
            self.fail(f"{response.url}: the token endpoint gave no access_token")
            return
        self.token = token
        yield self._search(1)

    def _search(self, page: int) -> Request:
        size = int(self.source.options.get("page_size", 50))
        sep = "&" if "?" in self.source.urls[0] else "?"
        url = f"{self.source.urls[0]}{sep}page={page}&pageSize={size}"
        return self.request(
            url,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            cb_kwargs={"page": page},
        )

    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Any]:
        found = self.records(response)
        yield RecordBatch(found)
        size = int(self.source.options.get("page_size", 50))
        if len(found) >= size and self.more_pages_allowed():
            yield self._search(page + 1)


class HtmlListSpider(VigieSpider):
    """A listing site described only by selectors (registry keys `item`, `fields`, `detail`, `next_page`)."""

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        from spiders.parsers import html_list

        opts = self.source.parser_options()
        if opts.get("detail"):
            self.pages += 1
            try:
                base = {
                    r["url"]: r
                    for r in html_list.parse(response.body, source=self.name, url=response.url, options=opts)
                    if r.get("url")
                }
                links = html_list.item_links(response.body, response.url, opts)
            except ParseError as exc:
                self.fail(f"{response.url}: {exc}")
                return
            for link in links:
                yield self.request(
                    link,
                    callback=self.parse_detail,
                    errback=self.detail_failed,
                    cb_kwargs={"base": base.get(link)},
                )
        else:
            yield RecordBatch(self.records(response))
        nxt = html_list.next_page(response.body, response.url, opts)
        if nxt and self.more_pages_allowed():
            yield self.request(nxt)

    def detail_failed(self, failure: Any) -> Iterator[dict]:
        """A detail page that fails is reported, and what the list page said about the item is kept."""
        self.on_error(failure)
        base = failure.request.cb_kwargs.get("base")
        if base:
            yield apply_defaults(dict(base), self.source)

    def parse_detail(self, response: Response, base: dict | None = None) -> Iterator[dict]:
        from spiders.parsers import html_list

        try:
            record = html_list.parse_detail(response.body, response.url, self.source.parser_options(), base)
        except ParseError as exc:
            self.fail(f"{response.url}: {exc}")
            return
        yield apply_defaults(record, self.source)


FAMILY_SPIDERS: dict[str, type[VigieSpider]] = {
    "ted": TedApiSpider,
    "sedia": SediaSpider,
    "bosa": BosaSpider,
    "html_list": HtmlListSpider,
    "eforms": FileSpider,
    "ted_r2": FileSpider,
    "ocds": FileSpider,
    "feed": FileSpider,
    "ics": FileSpider,
    "jsonld": FileSpider,
}


def spider_for(source: Source) -> type[VigieSpider]:
    """The spider class of a registry source: its family's base class with the source as attributes."""
    base = FAMILY_SPIDERS[source.family]
    allowed = sorted({u.split("/")[2] for u in source.urls if "://" in u})
    return type(
        f"{base.__name__}_{source.name.replace('-', '_')}",
        (base,),
        {
            "name": source.name,
            "source": source,
            "allowed_domains": [],
            "_hosts": allowed,
            "__module__": __name__,
        },
    )


def multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    """multipart/form-data body; dict/list values are sent as JSON parts (as the EU portal expects)."""
    boundary = "vigie-boundary-7d1f0c"
    parts = []
    for name, value in fields.items():
        if isinstance(value, dict | list):
            payload, ctype = json.dumps(value), "application/json"
        else:
            payload, ctype = str(value), "text/plain"
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="blob"\r\n'
            f"Content-Type: {ctype}\r\n\r\n{payload}\r\n"
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode("utf-8"), f"multipart/form-data; boundary={boundary}"
