"""Zones that Outlook and Exchange name by their display name: `TZID="(UTC-05:00) Eastern Time (US and Canada)"`,
`TZID=(UTC+01:00) Brussels, Copenhagen, Madrid, Paris`, often without the VTIMEZONE that would define them.

icalendar leaves such a time naive, and a naive time is read as Brussels time: six hours off for New York. The
display name says the zone: a city it lists that is an IANA zone of that standard offset (Brussels ->
Europe/Brussels, so summer time is right), else the North American zone of its wording (Eastern, Central,
Mountain, Pacific Time), else the fixed offset it starts with. A TZID without that "(UTC±hh:mm)" start is left
to the other rules (IANA names, VTIMEZONEs, Windows ids are icalendar's).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

_DISPLAY = re.compile(r"^\(?\s*(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\s*\)\s*(.*)$", re.I)
_NORTH_AMERICA = {
    "eastern time": "America/New_York",
    "central time": "America/Chicago",
    "mountain time": "America/Denver",
    "pacific time": "America/Los_Angeles",
    "atlantic time": "America/Halifax",
    "alaska": "America/Anchorage",
}


@lru_cache(maxsize=1)
def _by_city() -> dict[str, tuple[str, ...]]:
    cities: dict[str, list[str]] = {}
    for key in available_timezones():
        if "/" in key and not key.startswith(("Etc/", "SystemV/", "US/")):
            cities.setdefault(key.rsplit("/", 1)[1].replace("_", " ").lower(), []).append(key)
    return {city: tuple(sorted(keys)) for city, keys in cities.items()}


def _standard_offset(key: str) -> timedelta | None:
    zone = ZoneInfo(key)
    offsets = {zone.utcoffset(datetime(2023, month, 15)) for month in (1, 7)}
    return min(o for o in offsets if o is not None) if offsets else None


@lru_cache(maxsize=256)
def display_zone(tzid: str) -> tzinfo | None:
    """The zone an Outlook display-name TZID means; None for a TZID not of that form."""
    match = _DISPLAY.match(tzid.strip().strip('"'))
    if not match:
        return None
    sign, hours, minutes, words = match.groups()
    offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0)) * (-1 if sign == "-" else 1)
    for part in re.split(r"[,;/&()]|\band\b", words):
        for key in _by_city().get(part.strip().lower(), ()):
            if _standard_offset(key) == offset:
                return ZoneInfo(key)
    lowered = words.lower()
    for wording, key in _NORTH_AMERICA.items():
        if wording in lowered and _standard_offset(key) == offset:
            return ZoneInfo(key)
    return timezone(offset)
