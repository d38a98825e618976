"""Structured date values (ISO 8601 strings from the parsers) -> aware datetimes, in the record's time zone.

A naive local time is in the record's `timezone`, default Europe/Brussels; an offset-aware value keeps its
offset. A date-only value is the start of that day, or its last second for the ends of things (deadlines, ends).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vigie.core.timezone import TIMEZONE


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The record's time zone; unknown names fall back to Brussels (the only zone our sources mean)."""
    try:
        return ZoneInfo(name or TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(TIMEZONE)


def iso(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


@lru_cache(maxsize=65536)
def parse_structured(value: str, tz_name: str | None, end_of_day: bool) -> tuple[datetime, bool] | None:
    """(aware datetime, date_only) from an ISO 8601 string, or None when unreadable.

    Cached: real feeds repeat the same deadlines and publication days many times."""
    text = value.strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            clock = time(23, 59, 59) if end_of_day else time(0, 0)
            return datetime.combine(day, clock, tzinfo=zone(tz_name)), True
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(tz_name))
    return parsed, False
