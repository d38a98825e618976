"""iCalendar: one VEVENT per event, and per call or tender one all-day deadline entry with a reminder."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from feeds.entry import clean, ical_uid, item_text, local, updated
from feeds.wording import categories, describe, t
from vigie.core.timezone import TIMEZONE

# Calendar apps show a short note; the full text is one click away (URL). Folding long lines is also what makes
# icalendar slow.
ICS_SUMMARY_CHARS = 600
ALARM_DAYS = 3


def _vevent(item: Mapping[str, Any], lang: str, now: datetime, sequence: int) -> icalendar.Event | None:
    title, _ = item_text(item, lang)
    event = icalendar.Event()
    event.add("uid", ical_uid(item["id"]))
    stamp = updated(item, now).astimezone(ZoneInfo("UTC"))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)
    if item["kind"] == "event":
        start = local(item.get("starts_at"))
        if start is None:
            return None
        end = local(item.get("ends_at"))
        event.add("summary", title)
        event.add("dtstart", start)
        if end and end > start:
            event.add("dtend", end)
    else:
        deadline = local(item.get("deadline_at"))
        if deadline is None:
            return None  # no date to put in a calendar
        day = deadline.date()
        prefix = t(lang, "deadline_prefix")
        event.add("summary", f"{prefix} : {title}" if lang == "fr" else f"{prefix}: {title}")
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a deadline does not make the member busy
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", t(lang, "reminder", title=title))
        alarm.add("trigger", timedelta(days=-ALARM_DAYS))
        event.add_component(alarm)
    if item.get("location"):
        # ALTREP (RFC 5545 §3.2.1): the page of the place Vigie linked the event to.
        altrep = {"ALTREP": clean(item["place_url"])} if item.get("place_url") else None
        event.add("location", clean(item["location"]), parameters=altrep)
    if item.get("url"):
        event.add("url", clean(item["url"]))
    description = describe(item, lang, max_summary=ICS_SUMMARY_CHARS)
    if item.get("url"):
        description += f"\n\n{clean(item['url'])}"
    event.add("description", description)
    event.add("categories", [c[2] for c in categories(item, lang)])
    if item.get("status") == "cancelled":
        event.add("status", "CANCELLED")
    return event


def calendar(items: list[dict[str, Any]], *, title: str, now: datetime, lang: str) -> bytes:
    """The calendar file; an item's optional `schedule_changes` is its SEQUENCE (see the package docstring)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Smart//Vigie//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", clean(title))
    cal.add("x-wr-timezone", TIMEZONE)
    # Calendar apps poll a subscription at this pace; the pipeline publishes daily.
    cal.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT12H")
    for item in items:
        event = _vevent(item, lang, now, int(item.get("schedule_changes") or 0))
        if event is not None:
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
