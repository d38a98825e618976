"""The Belgian e-Procurement spider: an OAuth2 token from the client credentials in the environment, then the
search page by page until the response's totalCount is reached."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from spiders.base import VigieSpider
from spiders.parsers import bosa, bosa_auth
from vigie.core.errors import MissingCredentialsError, ParseError
from vigie.core.items import RecordBatch

DEFAULT_PAGE_SIZE = 50


class BosaSpider(VigieSpider):
    """Missing credentials or a refused token are reported as this source's error, not a crash."""

    token: str = ""

    def _page_size(self) -> int:
        return int(self.source.options.get("page_size", DEFAULT_PAGE_SIZE))

    def start_requests_for_source(self) -> Iterator[Request]:
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
            self.token, _lifetime = bosa_auth.read_token(response.body)
        except ParseError as exc:
            self.fail(f"{response.url}: {exc}")
            return
        yield self._search(1)

    def _search(self, page: int) -> Request:
        sep = "&" if "?" in self.source.urls[0] else "?"
        url = f"{self.source.urls[0]}{sep}page={page}&pageSize={self._page_size()}"
        return self.request(
            url,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            cb_kwargs={"page": page},
        )

    async def parse(self, response: Response, page: int = 1, **kwargs: Any) -> AsyncIterator[Any]:
        yield RecordBatch(await self.records(response))
        try:
            total = bosa.total_count(response.body)
        except ParseError:
            return  # records() has reported what is wrong with the body
        if page * self._page_size() < total and self.more_pages_allowed():
            yield self._search(page + 1)
