"""The HTML-listing spider: list page -> item links -> detail pages -> next list page, described only by the
selectors of a registry entry (spiders.parsers.html_list)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from scrapy.http import Response

from spiders.base import VigieSpider
from spiders.parsers import html_list
from spiders.registry import apply_defaults
from vigie.core.errors import ParseError
from vigie.core.items import RecordBatch

# Run in a parse worker (spiders.isolation): lxml on a page from the internet is CPU the loop must not wait for.
LISTING_CALL = "spiders.html_listing:read_listing"
DETAIL_CALL = "spiders.parsers.html_list:parse_detail"


def read_listing(
    body: bytes, source: str, url: str, options: Mapping[str, Any]
) -> tuple[dict[str, dict], list[str]]:
    """A list page's records by item URL, and the links to its items' detail pages."""
    parsed = html_list.parse(body, source=source, url=url, options=options)
    records = {r["url"]: r for r in parsed if r.get("url")}
    return records, html_list.item_links(body, url, options)


class HtmlListSpider(VigieSpider):
    """A listing site described only by selectors (registry keys `item`, `fields`, `detail`, `next_page`)."""

    async def parse(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        opts = self.source.parser_options()
        if opts.get("detail"):
            self.pages += 1
            try:
                base, links = await self.isolated(
                    response.url, LISTING_CALL, response.body, self.name, response.url, opts
                )
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
            yield RecordBatch(await self.records(response))
        nxt = html_list.next_page(response.body, response.url, opts)
        if nxt and self.more_pages_allowed():
            yield self.request(nxt)

    def detail_failed(self, failure: Any) -> Iterator[dict]:
        """A detail page that fails is reported, and what the list page said about the item is kept."""
        self.on_error(failure)
        base = failure.request.cb_kwargs.get("base")
        if base:
            yield apply_defaults(dict(base), self.source)

    async def parse_detail(self, response: Response, base: dict | None = None) -> AsyncIterator[dict]:
        try:
            record = await self.isolated(
                response.url, DETAIL_CALL, response.body, response.url, self.source.parser_options(), base
            )
        except ParseError as exc:
            self.fail(f"{response.url}: {exc}")
            return
        yield apply_defaults(record, self.source)
