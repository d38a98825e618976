"""The TED Search API v3 spider: POST an expert query, follow the iteration token page after page."""

from __future__ import annotations

import json
from collections.abc import Iterator

from scrapy.http import Request, Response

from spiders.base import VigieSpider
from spiders.parsers import ted_api


class TedApiSpider(VigieSpider):
    """TED Search API v3 (POST /v3/notices/search), paginated with the iteration token."""

    def _query(self) -> str:
        query = self.source.options.get("query") or ted_api.DEFAULT_QUERY
        if self.since:
            query = f"({query}) AND publication-date>={self.since[:10].replace('-', '')}"
        return query

    def _post(self, token: str | None) -> Request:
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
        token = ted_api.next_page_token(response.body)
        if token and self.more_pages_allowed():
            yield self._post(token)
