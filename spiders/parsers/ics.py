"""iCalendar (RFC 5545) feeds: one raw record per event, and per occurrence of a recurring event.

Reading rules, from calendars as agendas really publish them:
- time zones: a TZID names an IANA zone or a VTIMEZONE in the file (icalendar builds one from it, even with a
  made-up or non-ASCII name); Google's X-WR-TIMEZONE is applied to UTC and floating times (x-wr-timezone). A time
  that stays floating, or whose TZID is unknown, is written without offset and read in the zone of its GEO (or Apple
  structured location) when that agrees with the LOCATION's country, else of the country its LOCATION ends with
  ("…, 14469 Potsdam, Deutschland", "…, Cleveland, OH 44114"), else by the raw-record convention as Europe/Brussels
  local time, the best guess for a Belgian agenda. `country` comes from the LOCATION, else from the GEO.
- all-day events (DATE values): starts_at "YYYY-MM-DD", ends_at the last day (DTEND is exclusive); their days are
  those of their place's zone, else of the calendar's X-WR-TIMEZONE (a Pacific calendar's day ends in Pacific time).
- no DTEND: DURATION when given, else no end.
- recurrence (RRULE/RDATE): spiders.parsers.ics_recur expands each series over a bounded window (from now to a
  horizon of 90 days by default), each occurrence with its own native_id, UID@original start (its RECURRENCE-ID),
  so a moved occurrence updates the same item instead of adding one. A one-off event is kept whatever its date:
  the file bounds it, and refine decides what is past.
- cancellations: STATUS:CANCELLED gives status "cancelled" (a cancelled override: that occurrence only; a title
  that says so is read by refine.status, for events of every family); an EXDATE removes its occurrence, which
  gives no item (ics_recur).
- a VEVENT with nothing in it is skipped; one with content but no readable DTSTART is kept without dates and
  flagged `starts_unreadable`, so refine quarantines it with its reason; a calendar none of whose events has a
  readable start cannot be read (ParseError). A calendar with no VEVENT gives no records.
- an event without SUMMARY is still an event: with a DESCRIPTION, refine names it by its text; without one, it is
  named by its CATEGORIES, else by where (its LOCATION, else the calendar's X-WR-CALNAME/NAME, else the source)
  and when: "Fablab Cottbus · 2021-03-02 08:30", the same in every language (flag `title_generated`).
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import icalendar
import x_wr_timezone

from spiders.parsers import _place as places
from spiders.parsers import ics_event, ics_recur, ics_repair
from spiders.parsers._text import absolute, head_text, iso, stable_id
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.timezone import BRUSSELS, zone_key

FAMILY = "ics"

_BEGIN = re.compile(r"^\s*BEGIN:(VCALENDAR|VEVENT)\s*$", re.I | re.M)
# What a VEVENT may hold without saying anything (an export's skeleton).
_BARE = {"UID", "DTSTAMP", "SEQUENCE", "CREATED", "LAST-MODIFIED"}


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def _event_url(value: str | None, base: str) -> str | None:
    """An event's URL: RFC 5545 wants an absolute URI. A bare host (`www.x.be/agenda`) gets https; a path (`/e/1`)
    is the calendar's site's; a word (`URL:F`, a form left half-filled) is no address, not a file next to it."""
    if not value or " " in value.strip():
        return None
    value = value.strip()
    if _SCHEME.match(value) and not value.lower().startswith(("file:", "javascript:")):
        return value
    if value.lower().startswith("www."):
        return f"https://{value}"
    if value.startswith("/") and base.startswith(("http://", "https://")):
        return absolute(value, base)
    return None


def sniff(head: bytes, filename: str) -> bool:
    text = head_text(head).lstrip()
    return text[:15].upper().startswith(("BEGIN:VCALENDAR", "BEGIN:VEVENT"))


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or source
    records = list(_records(_load(body, what), source=source, url=url, options=options, what=what))
    if records and all("starts_unreadable" in (r["flags"] or ()) for r in records):
        # Nothing a member could put in an agenda: the calendar is unreadable, not a list of refused events.
        first = records[0]["raw_ref"] or records[0]["native_id"]
        which = f"its only event ({first})" if len(records) == 1 else f"none of its {len(records)} events"
        raise ParseError(f"{what}: {which} has no readable start date (DTSTART)")
    yield from records


def _records(
    calendar: icalendar.Calendar, *, source: str, url: str, options: Mapping[str, Any], what: str
) -> Iterator[dict]:
    day_zone = zone_key(ics_event.text(calendar, "X-WR-TIMEZONE"))  # the calendar's days are its zone's
    with contextlib.suppress(Exception):  # a bad X-WR-TIMEZONE leaves the times as written
        calendar = x_wr_timezone.to_standard(calendar)
    win = ics_recur.window(options, what)
    try:
        per_series = int(options.get("max_occurrences") or ics_recur.MAX_PER_SERIES)
    except (TypeError, ValueError):
        raise ParseError(f"{what}: max_occurrences should be a number") from None
    kind = options.get("kind") or "event"
    name = ics_event.text(calendar, "X-WR-CALNAME") or ics_event.text(calendar, "NAME") or source

    series: dict[str, list[icalendar.Event]] = defaultdict(list)
    singles: list[icalendar.Event] = []
    for event in calendar.walk("VEVENT"):
        if not set(event) - _BARE:
            continue  # an empty VEVENT announces nothing
        uid = str(event.get("UID") or "")
        if uid and uid in series or "RRULE" in event or "RDATE" in event:
            series[uid or stable_id(event.get("SUMMARY"), event.get("DTSTART"))].append(event)
        else:
            singles.append(event)
    # A RECURRENCE-ID override listed before its master belongs to the series too.
    for event in list(singles):
        uid = str(event.get("UID") or "")
        if uid in series:
            singles.remove(event)
            series[uid].append(event)

    for event in singles:
        # An override whose master is not in the file (a CalDAV range export, a master deleted upstream) is still one
        # occurrence of a series: UID alone would give every such override of the series the same native_id.
        yield _record(
            event,
            source=source,
            url=url,
            kind=kind,
            occurrence="RECURRENCE-ID" in event,
            name=name,
            day_zone=day_zone,
        )
    timezones = calendar.walk("VTIMEZONE")
    budget = ics_recur.MAX_PER_FILE

    def make(component: icalendar.Event, status: str | None, flags: list[str]) -> dict | None:
        record = _record(
            component,
            source=source,
            url=url,
            kind=kind,
            occurrence=True,
            status=status,
            name=name,
            day_zone=day_zone,
        )
        if record["starts_at"] is None:
            return None
        record["flags"] = sorted({*(record["flags"] or []), *flags})
        return record

    for components in series.values():
        limit = max(1, min(per_series, budget))
        try:
            records = ics_recur.expand(components, timezones, win, limit, make)
        except Exception:  # noqa: BLE001 - one broken rule must not cost the calendar's other events
            records = []
        if not records:
            # What can still be read is the series' first occurrence as written, flagged.
            master = next((c for c in components if "RECURRENCE-ID" not in c), components[0])
            records = [_record(master, source=source, url=url, kind=kind, occurrence=True, name=name)]
            records[0]["flags"] = sorted({*(records[0]["flags"] or []), "recurrence_unreadable"})
        if budget - len(records) < 1 <= budget:
            records = [{**r, "flags": sorted({*r["flags"], "recurrence_capped"})} for r in records]
        budget = max(0, budget - len(records))
        yield from records


def window(options: Mapping[str, Any], what: str = "", now: datetime | None = None) -> ics_recur.Window:
    """The window recurring events are expanded over, as parse() computes it."""
    return ics_recur.window(options, what, now)


def _load(body: bytes, what: str) -> icalendar.Calendar:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = body.decode("cp1252", errors="replace")
    if not text.strip():
        raise ParseError(f"{what}: empty body, expected an iCalendar file")
    if not _BEGIN.search(text):
        raise ParseError(f"{what}: not an iCalendar file (no BEGIN:VCALENDAR)")
    # Exports cut short, Exchange's blank TZID: a calendar read up to its damage is still worth its events.
    text = ics_repair.repair(text)
    try:
        components = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # noqa: BLE001 - icalendar raises ValueError/KeyError/... on broken syntax
        raise ParseError(f"{what}: broken iCalendar ({str(exc).splitlines()[0][:150]})") from None
    if len(components) == 1 and isinstance(components[0], icalendar.Calendar):
        return components[0]
    calendar = icalendar.Calendar()  # bare VEVENTs, or several calendars in one file
    for component in components:
        for sub in component.subcomponents if isinstance(component, icalendar.Calendar) else [component]:
            calendar.add_component(sub)
    return calendar


def _record(
    event: icalendar.Event,
    *,
    source: str,
    url: str,
    kind: str,
    occurrence: bool,
    name: str,
    status: str | None = None,
    day_zone: str | None = None,
) -> dict:
    bounds = ics_event.bounds(event)
    starts_at, ends_at, zone = bounds or (None, None, None)
    uid = ics_event.text(event, "UID")
    title = ics_event.text(event, "SUMMARY")
    if occurrence:
        original = ics_event.value(event, "RECURRENCE-ID")
        original = original if ics_event.is_moment(original) else ics_event.value(event, "DTSTART")
        key = ics_event.occurrence_key(original) if ics_event.is_moment(original) else starts_at
        native_id = f"{uid or stable_id(title)}@{key}"
    else:
        native_id = uid or stable_id(title, starts_at)
    if status is None and (ics_event.text(event, "STATUS") or "").upper() == "CANCELLED":
        status = "cancelled"
    location = ics_event.location(event)
    flags = [] if bounds else ["starts_unreadable"]
    if not title and not ics_event.text(event, "DESCRIPTION") and starts_at:
        # Named after the id is made: the id stays what it was, whatever the generated wording.
        title = ics_event.generated_title(event, location or name, starts_at)
        flags.append("title_generated")
    coords = places.coordinates(ics_event.geo(event))
    country, state = places.in_text(location) or (None, None)
    country, place_zone, *point = places.locate(country, state, coords["latitude"], coords["longitude"])
    coords = dict(zip(("latitude", "longitude"), point, strict=True))
    # Apple Calendar writes an event's zone as a property of its own (`TZID:America/Los_Angeles`) on all-day and
    # floating events: the event says where its days are, before any guess from its place.
    place_zone = zone_key(ics_event.text(event, "TZID")) or place_zone
    if zone is None and place_zone and starts_at and len(starts_at) == 19:
        zone = place_zone  # a floating time, at a place the calendar locates
    elif zone is None and starts_at and len(starts_at) == 10:
        # an all-day event: the days of its place, else of its calendar (a day with no zone is Brussels')
        zone = place_zone or day_zone
        zone = None if zone == BRUSSELS.key else zone
    created = ics_event.value(event, "CREATED")
    return new_raw(
        source,
        FAMILY,
        kind=kind,
        native_id=native_id,
        url=_event_url(ics_event.text(event, "URL"), url),
        title=title,
        summary=ics_event.text(event, "DESCRIPTION"),
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone,
        organiser=ics_event.organiser(event),
        location=location,
        country=country,
        **coords,
        status=status,
        published_at=iso(created) if isinstance(created, datetime) and created.tzinfo else None,
        flags=flags,
        categories=ics_event.categories(event),
        raw_ref=uid,
    )
