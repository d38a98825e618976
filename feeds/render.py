"""One feed from items or from the snapshot: the format's document, its content type, its title and URL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from feeds.atom import atom_or_rss
from feeds.ical import calendar
from feeds.jsonfeed import json_feed
from feeds.selection import select_for_feed
from feeds.urls import feed_url
from feeds.wording import feed_title
from vigie.core.errors import FilterError
from vigie.core.languages import UI_LANGS
from vigie.core.timezone import BRUSSELS
from warehouse.filters import Filter
from warehouse.places import place_url

FORMATS = ("atom", "rss", "ics", "json")
CONTENT_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise FilterError(f"format: unknown feed format {fmt!r} (expected one of: {', '.join(FORMATS)})")


def render_feed(
    items: list[dict[str, Any]],
    fmt: str,
    *,
    title: str,
    self_url: str,
    flt: Filter,
    now: datetime,
    lang: str = "fr",
) -> tuple[bytes, str]:
    """Render items (in the order given) as one feed; returns (body, content type).

    Items are warehouse rows (tz-aware datetimes) or item dicts (ISO strings). An optional `schedule_changes`
    key gives the iCalendar SEQUENCE (see the package docstring).
    """
    check_format(fmt)
    if lang not in UI_LANGS:
        raise FilterError(f"hl: unknown language {lang!r} (expected one of: {', '.join(UI_LANGS)})")
    if now.tzinfo is None:
        now = now.replace(tzinfo=BRUSSELS)
    if fmt == "ics":
        body = calendar(items, title=title, now=now, lang=lang)
    elif fmt == "json":
        body = json_feed(items, title=title, self_url=self_url, now=now, lang=lang)
    else:
        body = atom_or_rss(items, fmt, title=title, self_url=self_url, flt=flt, now=now, lang=lang)
    return body, CONTENT_TYPES[fmt]


def render_selected(
    items: list[dict[str, Any]], flt: Filter, fmt: str, now: datetime, base_url: str, lang: str = "fr"
) -> tuple[bytes, str]:
    """Render items chosen by select_for_feed, with the title and self URL that `flt` gives; an event's place
    (items.sql `place`) gets the absolute address of its page (`place_url`), a feed being read away from the site."""
    for item in items:
        if (item.get("place") or {}).get("id"):
            item["place_url"] = place_url(item["place"]["id"], lang, base_url)
    return render_feed(
        items,
        fmt,
        title=feed_title(flt, lang),
        self_url=feed_url(base_url, fmt, flt, lang),
        flt=flt,
        now=now,
        lang=lang,
    )


def feed_from_snapshot(
    con: duckdb.DuckDBPyConnection, flt: Filter, fmt: str, now: datetime, base_url: str, lang: str = "fr"
) -> tuple[bytes, str]:
    """Select the items matching `flt` from the published snapshot (see select_for_feed) and render them."""
    check_format(fmt)
    return render_selected(select_for_feed(con, flt, fmt, now), flt, fmt, now, base_url, lang)
