"""The EU Funding & Tenders spider: the SEDIA search API, POSTed page by page as multipart form parts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from spiders.base import VigieSpider
from spiders.parsers import sedia_request
from vigie.core.errors import ParseError
from vigie.core.items import RecordBatch

DEFAULT_PAGE_SIZE = 50


class SediaSpider(VigieSpider):
    """EU Funding & Tenders portal search API: the query goes as multipart form fields, pages by number until
    the response's totalResults is reached."""

    def _page_size(self) -> int:
        return int(self.source.options.get("page_size", DEFAULT_PAGE_SIZE))

    def _post(self, page: int) -> Request:
        opts = self.source.options
        url, parts = sedia_request.build_search_request(
            opts.get("text", "***"),
            opts.get("query"),
            page,
            self._page_size(),
            search_url=self.source.urls[0],
        )
        body, content_type = sedia_request.encode_multipart(parts)
        return self.request(
            url,
            method="POST",
            body=body,
            headers={"Content-Type": content_type, "Accept": "application/json"},
            cb_kwargs={"page": page},
            dont_filter=True,
        )

    def start_requests_for_source(self) -> Iterator[Request]:
        yield self._post(1)

    async def parse(self, response: Response, page: int = 1, **kwargs: Any) -> AsyncIterator[Any]:
        yield RecordBatch(await self.records(response))
        try:
            total = sedia_request.total_results(response.body)
        except ParseError:
            return  # records() has reported what is wrong with the body
        if page * self._page_size() < total and self.more_pages_allowed():
            yield self._post(page + 1)
