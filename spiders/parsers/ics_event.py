"""Readers of one VEVENT's properties: values, texts, its bounds (start, end, time zone), the key of an occurrence,
its location and organiser. Property values come as icalendar objects, whose attributes differ by type."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from spiders.parsers._text import iso, tidy_address
from vigie.core.text import squash


def value(component: icalendar.cal.Component, name: str) -> Any:
    """A property's Python value, or None when absent or unreadable (icalendar 7 keeps broken values as such)."""
    prop = component.get(name)
    if prop is None:
        return None
    try:
        return prop.dt
    except Exception:  # noqa: BLE001 - BrokenCalendarProperty and friends
        return None


def text(component: icalendar.cal.Component, name: str) -> str | None:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return squash(str(value)) if value is not None else None


def is_moment(value: Any) -> bool:
    return isinstance(value, (date, datetime))


def bounds(event: icalendar.Event) -> tuple[str, str | None, str | None] | None:
    """(starts_at, ends_at, timezone) of one event or occurrence; None when DTSTART is missing or unreadable."""
    start = _day_or_moment(event, "DTSTART")
    if not is_moment(start):
        return None
    end = _day_or_moment(event, "DTEND")
    if not is_moment(end):
        duration = value(event, "DURATION")
        end = start + duration if isinstance(duration, timedelta) else None
    if not isinstance(start, datetime):  # all-day: DTEND is the day after the last day
        if isinstance(end, date) and not isinstance(end, datetime) and end > start:
            last = end - timedelta(days=1)
        else:
            last = start
        return start.isoformat(), last.isoformat(), None
    zone = start.tzinfo.key if isinstance(start.tzinfo, ZoneInfo) and start.tzinfo.key != "UTC" else None
    if start.tzinfo is not None and start.utcoffset() is None:
        start = start.replace(tzinfo=None)  # an unknown zone: read as floating (Brussels) time
    if isinstance(end, datetime) and end.tzinfo is not None and end.utcoffset() is None:
        end = end.replace(tzinfo=None)
    return iso(start), iso(end) if isinstance(end, datetime) else None, zone


def _day_or_moment(event: icalendar.Event, name: str) -> Any:
    """A property's value; one written VALUE=DATE is a day even with a TZID (apike.ca's Japan calendar:
    `DTSTART;TZID=Japan;VALUE=DATE:20060503`), which icalendar reads as midnight in that zone."""
    moment = value(event, name)
    params = getattr(event.get(name), "params", {})
    if (
        isinstance(moment, datetime)
        and str(params.get("VALUE", "")).upper() == "DATE"
        and moment.time() == time(0)
    ):
        return moment.date()
    return moment


def occurrence_key(original: date | datetime) -> str:
    """The original start of an occurrence in one spelling (UTC when it has a zone), so that RECURRENCE-ID written
    as 20121105T180000Z or as 20121105T100000 in America/Los_Angeles names the same occurrence."""
    if isinstance(original, datetime) and original.tzinfo is not None and original.utcoffset() is not None:
        return iso(original.astimezone(UTC))
    return iso(original)


def location(event: icalendar.Event) -> str | None:
    location = tidy_address(text(event, "LOCATION"))
    if location:
        return location
    for name in ("X-LOCATION", "X-ALT-LOCATION"):
        if tidy_address(text(event, name)):
            return tidy_address(text(event, name))
    apple = event.get("X-APPLE-STRUCTURED-LOCATION")
    if apple is not None and hasattr(apple, "params"):
        return squash(apple.params.get("X-ADDRESS") or apple.params.get("X-TITLE"))
    return None


def geo(event: icalendar.Event) -> Any:
    """The event's coordinates: GEO, else the `geo:lat,lon` URI of an X-APPLE-STRUCTURED-LOCATION (Apple Calendar
    writes the place there and often no GEO)."""
    geo = event.get("GEO")
    if geo is not None:
        try:  # an empty or broken GEO ("GEO:;", Last.fm) is no place, and must not cost the calendar
            return {"latitude": geo.latitude, "longitude": geo.longitude}
        except Exception:  # noqa: BLE001 - icalendar's BrokenCalendarProperty and friends
            return None
    apple = event.get("X-APPLE-STRUCTURED-LOCATION")
    match = re.match(r"^\s*geo:\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)", str(apple or ""), re.I)
    return {"latitude": match.group(1), "longitude": match.group(2)} if match else None


def organiser(event: icalendar.Event) -> str | None:
    organizer = event.get("ORGANIZER")
    if organizer is None or not hasattr(organizer, "params"):
        return None
    return squash(organizer.params.get("CN"))


def categories(event: icalendar.Event) -> list[str]:
    """CATEGORIES values, one or several properties, each a comma list (an escaped comma stays inside)."""
    raw = event.get("CATEGORIES")
    out: list[str] = []
    for prop in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        for cat in getattr(prop, "cats", [prop]):
            text = squash(str(cat).replace("\\,", ","))
            if text and text not in out:
                out.append(text)
    return out


def generated_title(event: icalendar.Event, place_or_calendar: str, starts_at: str) -> str:
    """A name for an event whose calendar gave it none and no text: its categories, else where (or whose
    calendar) and when. Numbers and names only, so it reads the same in FR, NL and EN."""
    cats = categories(event)
    if cats:
        return ", ".join(cats)[:120]
    when = starts_at[:16].replace("T", " ")
    return f"{place_or_calendar} · {when}"
