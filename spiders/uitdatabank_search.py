"""The UiTdatabank spider: Search API v3 page by page (`start`, `limit`) until `totalItems`, with the client id
from the environment in the `x-client-id` header."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from spiders.base import VigieSpider
from spiders.parsers import uitdatabank
from vigie.core.errors import MissingCredentialsError, ParseError
from vigie.core.items import RecordBatch


class UitdatabankSpider(VigieSpider):
    """A missing client id is this source's error, not a crash; a short page ends the paging early."""

    client_id: str = ""

    def _page_size(self) -> int:
        return int(self.source.options.get("page_size", uitdatabank.DEFAULT_PAGE_SIZE))

    def start_requests_for_source(self) -> Iterator[Request]:
        try:
            self.client_id = uitdatabank.client_id_from_env()
        except MissingCredentialsError as exc:
            self.fail(str(exc))
            return
        yield self._search(0)

    def _search(self, start: int) -> Request:
        url, headers = uitdatabank.search_request(
            self.source.urls[0], start, self._page_size(), self.client_id, self.source.options.get("query")
        )
        return self.request(url, headers=headers, cb_kwargs={"start": start})

    async def parse(self, response: Response, start: int = 0, **kwargs: Any) -> AsyncIterator[Any]:
        yield RecordBatch(await self.records(response))
        try:
            total, members = uitdatabank.total_items(response.body)
        except ParseError:
            return  # records() has reported what is wrong with the body
        following = start + self._page_size()
        if members and following < total and self.more_pages_allowed():
            yield self._search(following)
