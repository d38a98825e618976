"""Event fields of a feed entry, from the RSS 1.0 event module (`ev:startdate`, `ev:enddate`, `ev:location`,
`ev:organizer`, purl.org/rss/1.0/modules/event/) and the W3C geo / GeoRSS coordinates (`geo:lat` + `geo:long`,
`georss:point`), as municipal agendas (Allauch's flux_rss_agenda), Drupal views and Naaya portals publish them.
feedparser hands them over as `ev_startdate`, `geo_lat`, `georss_point`...

The dates are W3CDTF: with an offset (kept), without one (a local time: read in the zone of the place the
coordinates or the location name, else Europe/Brussels by the raw-record convention), or a date alone. An entry
without these elements gets nothing from here: its dates stay in its text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from spiders.parsers import _place as places
from vigie.core.text import squash

_FRACTION = re.compile(r"(T\d{2}:\d{2}:\d{2})\.\d+")


def fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    """starts_at, ends_at, location, organiser, coordinates, country and timezone of an entry that carries them."""
    starts = _moment(entry.get("ev_startdate"))
    point = _point(entry)
    if starts is None and point is None and not entry.get("ev_location"):
        return {}
    location = squash(entry.get("ev_location")) or None
    country, state = places.in_text(location) or (None, None)
    latitude, longitude = point or (None, None)
    country, zone, latitude, longitude = places.locate(country, state, latitude, longitude)
    out: dict[str, Any] = {
        "location": location,
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
    }
    if starts is not None:
        out.update(starts_at=starts, ends_at=_moment(entry.get("ev_enddate")), timezone=zone)
    if entry.get("ev_organizer"):
        out["organiser"] = squash(entry.get("ev_organizer"))
    return {key: value for key, value in out.items() if value is not None}


def _moment(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = _FRACTION.sub(r"\1", value.strip()).replace(" ", "T", 1)
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).replace(microsecond=0).isoformat()
    except ValueError:
        return None


def _point(entry: Mapping[str, Any]) -> tuple[float, float] | None:
    raw = entry.get("georss_point")
    pair = raw.split() if isinstance(raw, str) else (entry.get("geo_lat"), entry.get("geo_long"))
    if len(pair) != 2:
        return None
    found = places.coordinates({"latitude": pair[0], "longitude": pair[1]})
    if found["latitude"] is None or found["longitude"] is None:
        return None
    return found["latitude"], found["longitude"]
