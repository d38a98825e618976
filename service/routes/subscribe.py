"""`/`: the subscribe page. A member picks kinds, sectors, regions, languages and words, and gets the URL of
each feed format, with a preview of what matches today. Interface language from `hl`, else Accept-Language."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import duckdb
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from feeds.entry import item_text
from feeds.render import FORMATS
from feeds.urls import feed_url
from feeds.wording import deadline_line, feed_title, region_label, strings, when_line
from service.context import Service, page_strings
from service.params import accept_language, parse_query, public_base
from vigie.core.errors import FilterError, NoSnapshotError
from vigie.core.items import KINDS
from vigie.core.languages import ITEM_LANGS, UI_LANGS
from vigie.core.taxonomy import sector_labels
from vigie.core.text import fold
from vigie.core.timezone import BRUSSELS
from warehouse.filters import Filter, count_items, select_items

PREVIEW_ITEMS = 10


def preview_line(item: dict[str, Any], lang: str) -> dict[str, str]:
    """Title in the page's language when the source gave it, and the date that matters for this kind."""
    title, _ = item_text(item, lang)
    when = when_line(item, lang) if item["kind"] == "event" else deadline_line(item, lang)
    return {"title": title, "url": item.get("url") or "", "when": when or ""}


def _choices(lang: str) -> dict[str, Any]:
    """The form's options, labelled in `lang`."""
    words = strings()[lang]
    return {
        "kinds": [(k, words[f"kind_{k}"]) for k in KINDS],
        # Alphabetical order as people expect it: "Écriture" among the E, not after Z.
        "sectors": sorted(
            ((sid, lab.get(lang, sid)) for sid, lab in sector_labels().items()), key=lambda p: fold(p[1])
        ),
        "regions": [(code, region_label(code, lang)) for code in strings()["regions"]],
        "item_langs": [(code, page_strings()[lang].get(f"lang_name_{code}", code)) for code in ITEM_LANGS],
    }


def routes(service: Service) -> list[Route]:
    reader = service.reader

    async def page(request: Request) -> Response:
        error = None
        try:
            flt, hl = parse_query(request)
        except FilterError as exc:
            flt, hl, error = Filter(), None, str(exc)
        lang = hl or accept_language(request)
        preview: list[dict[str, Any]] = []
        total = None
        missing = False
        if error is None:
            now = datetime.now(BRUSSELS)

            def read(con: duckdb.DuckDBPyConnection) -> tuple[int, list[dict[str, Any]]]:
                return count_items(con, flt, now), select_items(con, flt, now, limit=PREVIEW_ITEMS)

            try:
                (total, preview), _ = await run_in_threadpool(reader.run, read)
            except NoSnapshotError:
                missing = True
        base = public_base(request)
        urls = {fmt: feed_url(base, fmt, flt, lang) for fmt in FORMATS}
        html = service.templates.get_template("subscribe.html").render(
            lang=lang,
            t=page_strings()[lang],
            ui_langs=UI_LANGS,
            flt=flt,
            error=error,
            urls=urls,
            webcal="webcal://" + urls["ics"].split("://", 1)[1],
            **_choices(lang),
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

    return [Route("/", page)]
