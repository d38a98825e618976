"""Which items one feed carries, read from the published snapshot."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from warehouse.clock import fixed_clock
from warehouse.connection import sql_text
from warehouse.filters import Filter, select_items

# Readers poll at least daily and keep what they saw, so the 200 newest entries lose nothing; a calendar shows
# every upcoming date it is given, hence more entries there. Both bound the cost of a first render.
FEED_LIMIT = 200
CALENDAR_LIMIT = 500
# A calendar keeps showing what happened in the last weeks; older entries only make the file heavier.
ICS_PAST_DAYS = 30
SCHEDULE_FIELDS = ("deadline_at", "starts_at", "ends_at")

# Newest first for readers; for a calendar, by date from a few weeks back, so upcoming dates are never cut off.
# (feeds.entry.published: the earlier of publication and first sight).
_ORDER_NEWEST = "least(published_at, first_seen_at) DESC NULLS LAST, id"
_ICS_DATE = "CASE WHEN kind = 'event' THEN coalesce(ends_at, starts_at) ELSE deadline_at END"
_ORDER_CALENDAR = "CASE WHEN kind = 'event' THEN starts_at ELSE deadline_at END, id"


def reader_now(con: duckdb.DuckDBPyConnection, as_of: datetime | None = None) -> datetime:
    """The instant a feed is computed at: the reader's own `--as-of` when given, else the day the published
    run was made as of (`vigie run --as-of`, the demo), else now. Without this a demo built as of 2021 would
    show every item closed as of today."""
    if as_of is not None:
        return as_of
    return fixed_clock(con) or datetime.now(UTC)


def schedule_changes(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> dict[str, int]:
    """How many times each item's deadline, start or end changed, from the warehouse `changes` table."""
    ids = list(ids)
    if not ids:
        return {}
    rows = con.execute(sql_text("read/schedule_changes.sql"), [list(SCHEDULE_FIELDS), ids]).fetchall()
    return {row[0]: int(row[1]) for row in rows}


def select_for_feed(
    con: duckdb.DuckDBPyConnection, flt: Filter, fmt: str, now: datetime, limit: int | None = None
) -> list[dict[str, Any]]:
    """The items of one feed: the newest FEED_LIMIT for readers, CALENDAR_LIMIT dated ones for a calendar
    (each with its `schedule_changes`)."""
    if fmt == "ics":
        items = select_items(
            con,
            flt,
            now,
            order=_ORDER_CALENDAR,
            limit=limit or CALENDAR_LIMIT,
            extra_where=f"{_ICS_DATE} >= ?",
            extra_params=[now - timedelta(days=ICS_PAST_DAYS)],
        )
        counts = schedule_changes(con, (i["id"] for i in items))
        for item in items:
            item["schedule_changes"] = counts.get(item["id"], 0)
        return items
    return select_items(con, flt, now, order=_ORDER_NEWEST, limit=limit or FEED_LIMIT)
