"""Structured date values (ISO 8601 strings from the parsers) -> aware datetimes, in the record's time zone.

A naive local time is in the record's `timezone`, default Europe/Brussels; an offset-aware value keeps its
offset. A date-only value is the start of that day, or its last second for the ends of things (deadlines, ends).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vigie.core.timezone import TIMEZONE

_LAST_SECOND, _MIDNIGHT = time(23, 59, 59), time(0, 0)


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The record's time zone; unknown names fall back to Brussels (the only zone our sources mean)."""
    try:
        return ZoneInfo(name or TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(TIMEZONE)


def iso(value: datetime) -> str:
    """An item's form of an instant: ISO 8601 to the second, with its UTC offset."""
    return (value.replace(microsecond=0) if value.microsecond else value).isoformat()


# (aware datetime, date_only, iso() of it, the instant that ISO text gives back): what refine.dates keeps of a
# structured value. The last is what a reader of the item's field gets (to the second, at a fixed offset), so
# refine.status can judge from it without parsing the text again.
Read = tuple[datetime, bool, str, datetime]


@lru_cache(maxsize=65536)
def read_structured(value: str, tz_name: str | None, end_of_day: bool) -> Read | None:
    """parse_structured with the ISO text an item stores and the instant it gives back, or None when unreadable.

    Cached apart from parse_structured: the ISO text costs as much as the parse (the zone's offset is looked up
    again), and the same deadlines and publication days come back across a feed."""
    parsed = _parse(value, tz_name, end_of_day)
    if parsed is None:
        return None
    text = iso(parsed[0])
    return parsed[0], parsed[1], text, datetime.fromisoformat(text)


@lru_cache(maxsize=65536)
def parse_structured(value: str, tz_name: str | None, end_of_day: bool) -> tuple[datetime, bool] | None:
    """(aware datetime, date_only) from an ISO 8601 string, or None when unreadable.

    Cached: real feeds repeat the same deadlines and publication days many times."""
    return _parse(value, tz_name, end_of_day)


def _parse(value: str, tz_name: str | None, end_of_day: bool) -> tuple[datetime, bool] | None:
    text = value.strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            clock = _LAST_SECOND if end_of_day else _MIDNIGHT
            return datetime.combine(day, clock, tzinfo=zone(tz_name)), True
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(tz_name))
    return parsed, False
