"""`/`: the browse page. Members see the opportunities that match their filters (by default what is still
open or to come), page by page, and the feed links of that view to subscribe to it. Interface language from
`hl`, else Accept-Language. The filters are those of the feeds (warehouse.filters), plus `page`."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from math import ceil
from typing import Any
from urllib.parse import urlencode

import duckdb
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from feeds.render import FORMATS
from feeds.urls import feed_url
from feeds.wording import feed_title, long_date, region_label, strings
from service.cache import CachedFeed
from service.cards import card, lang_name, other_versions
from service.context import Service, page_strings
from service.messages import filter_error_text
from service.params import accept_language, parse_query, public_base, request_hl
from vigie.core.errors import FilterError, NoSnapshotError
from vigie.core.items import FITS, KINDS, STATUSES
from vigie.core.languages import ITEM_LANGS, UI_LANGS
from vigie.core.taxonomy import sector_labels
from vigie.core.text import fold
from warehouse.filters import REGIONS, Filter, count_items, select_items

PAGE_SIZE = 20
MAX_PAGE = 500


def _choices(lang: str) -> dict[str, Any]:
    """The form's options, labelled in `lang`."""
    words, page_words = strings()[lang], page_strings()[lang]
    return {
        "kinds": [(k, words[f"kind_{k}"]) for k in KINDS],
        # Alphabetical order as people expect it: "Écriture" among the E, not after Z.
        "sectors": sorted(
            ((sid, lab.get(lang, sid)) for sid, lab in sector_labels().items()), key=lambda p: fold(p[1])
        ),
        "regions": [(code, region_label(code, lang)) for code in REGIONS],
        "item_langs": [(code, lang_name(code, lang)) for code in ITEM_LANGS],
        "statuses": [(s, page_words[f"status_{s}"]) for s in STATUSES],
        "fits": [(f, page_words[f"fit_{f}"]) for f in FITS],
    }


def _page_number(value: str | None) -> int:
    if value is None:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise FilterError(
            f"page: {value[:40]!r} is not a page number (1 to {MAX_PAGE})",
            param="page",
            problem="not_page",
            value=value[:40],
            accepted=(str(MAX_PAGE),),
        )
    return int(value)


def _query(flt: Filter, lang: str, **extra: Any) -> str:
    return "?" + urlencode([*sorted(flt.to_params().items()), ("hl", lang), *extra.items()])


def routes(service: Service) -> list[Route]:
    reader = service.reader

    def render(request: Request, flt: Filter, lang: str, number: int, **state: Any) -> str:
        total = state.get("total")
        pages = max(1, ceil((total or 0) / PAGE_SIZE))
        urls = {fmt: feed_url(public_base(request), fmt, flt, lang) for fmt in FORMATS}
        return service.templates.get_template("browse.html").render(
            lang=lang,
            t=page_strings()[lang],
            ui_langs=UI_LANGS,
            flt=flt,
            urls=urls,
            webcal="webcal://" + urls["ics"].split("://", 1)[1],
            **_choices(lang),
            title=feed_title(flt, lang),
            as_of=_as_of_line(service.shown_as_of(), lang),
            page=number,
            pages=pages,
            prev_url=_query(flt, lang, page=number - 1) if number > 1 else None,
            next_url=_query(flt, lang, page=number + 1) if number < pages else None,
            # Switching the interface language keeps the member's choices.
            hl_links={code: _query(flt, code) for code in UI_LANGS},
            **{"cards": [], "error": None, "missing": False, **state},
        )

    async def page(request: Request) -> Response:
        try:
            flt, hl, extra = parse_query(request, extra=("page",))
            number = _page_number(extra.get("page"))
        except FilterError as exc:
            lang = request_hl(request) or accept_language(request)
            html = render(request, Filter(), lang, 1, error=filter_error_text(exc, lang))
            return HTMLResponse(html, status_code=400)
        lang = hl or accept_language(request)
        version = reader.version()

        def build(previous: CachedFeed | None) -> CachedFeed:
            now = service.now()

            def read(con: duckdb.DuckDBPyConnection) -> tuple[int, list[dict[str, Any]], dict[str, list]]:
                items = select_items(con, flt, now, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
                return count_items(con, flt, now), items, other_versions(con, items)

            (total, items, versions), _ = reader.run(read)
            cards = [card(i, lang, now, versions.get(i["id"])) for i in items]
            body = render(request, flt, lang, number, cards=cards, total=total).encode()
            return CachedFeed(body, b"", "text/html; charset=utf-8", "", datetime.now(UTC), time.monotonic())

        try:
            if version is None:
                raise NoSnapshotError("no published snapshot yet")
            # Pages are cached like feeds: most members open the same few views.
            entry = await service.cache.get((version, public_base(request), "page", lang, flt, number), build)
            service.serving(version)
        except NoSnapshotError:
            return HTMLResponse(render(request, flt, lang, number, missing=True))
        return HTMLResponse(entry.body)

    return [Route("/", page)]


def _as_of_line(as_of: datetime | None, lang: str) -> str | None:
    if as_of is None:
        return None
    return page_strings()[lang]["as_of"].format(date=long_date(as_of.date(), lang))
