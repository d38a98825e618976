"""iCalendar (RFC 5545) feeds: one raw record per event, and per occurrence of a recurring event.

Reading rules, from calendars as agendas really publish them:
- time zones: a TZID names an IANA zone or a VTIMEZONE in the file (icalendar builds one from it, even with a
  made-up or non-ASCII name); Google's X-WR-TIMEZONE is applied to UTC and floating times (x-wr-timezone). A time
  that stays floating, or whose TZID is unknown, is written without offset: the raw-record convention reads it as
  Europe/Brussels local time, the best guess for a Belgian agenda.
- all-day events (DATE values): starts_at "YYYY-MM-DD", ends_at the last day (DTEND is exclusive).
- no DTEND: DURATION when given, else no end.
- recurrence (RRULE/RDATE) is expanded with recurring-ical-events over a window: from options["since"] (ISO date)
  or now, to now + options["horizon_days"] (default 180), and at most options["max_occurrences"] (default 400) per
  series, so an endless rule costs little; per-second and per-minute rules (never an agenda's) are not expanded,
  only their first occurrence is kept. A one-off event is kept whatever its date: the file
  bounds it, and refine decides what is past. An occurrence's native_id is UID@original start (its RECURRENCE-ID),
  so a moved occurrence updates the same item instead of adding one.
- cancellations: STATUS:CANCELLED gives status "cancelled"; an EXDATE inside the window is reported as a cancelled
  occurrence too, so an occurrence announced in an earlier run is withdrawn rather than silently left standing.
- a VEVENT without a readable DTSTART is skipped; a file where no event is readable is a ParseError.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

import icalendar
import recurring_ical_events
import x_wr_timezone

from spiders.parsers import ics_event
from spiders.parsers._text import absolute, head_text, iso, stable_id
from vigie.core.errors import ParseError
from vigie.core.items import new_raw

FAMILY = "ics"


HORIZON_DAYS = 180


MAX_OCCURRENCES = 400


_TOO_FREQUENT = {"SECONDLY", "MINUTELY"}


_BEGIN = re.compile(r"^\s*BEGIN:(VCALENDAR|VEVENT)\s*$", re.I | re.M)


def sniff(head: bytes, filename: str) -> bool:
    text = head_text(head).lstrip()
    return text[:15].upper().startswith(("BEGIN:VCALENDAR", "BEGIN:VEVENT"))


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or source
    calendar = _load(body, what)
    with contextlib.suppress(Exception):  # a bad X-WR-TIMEZONE leaves the times as written
        calendar = x_wr_timezone.to_standard(calendar)
    start, end = _window(options, what)
    limit = int(options.get("max_occurrences") or MAX_OCCURRENCES)
    kind = options.get("kind") or "event"

    events = calendar.walk("VEVENT")
    series: dict[str, list[icalendar.Event]] = defaultdict(list)
    singles: list[icalendar.Event] = []
    for event in events:
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

    yielded = skipped = 0
    for event in singles:
        # An override whose master is not in the file (a CalDAV range export, a master deleted upstream) is still one
        # occurrence of a series: UID alone would give every such override of the series the same native_id.
        record = _record(event, source=source, url=url, kind=kind, occurrence="RECURRENCE-ID" in event)
        if record is None:
            skipped += 1
            continue
        yielded += 1
        yield record
    timezones = calendar.walk("VTIMEZONE")
    for uid, components in series.items():
        try:
            records = list(
                _expand(uid, components, timezones, start, end, limit, source=source, url=url, kind=kind)
            )
        except Exception:  # noqa: BLE001 - one broken rule must not cost the calendar's other events
            # What can still be read is the series' first occurrence, as written.
            records = [
                r
                for c in components
                if "RECURRENCE-ID" not in c
                for r in [_record(c, source=source, url=url, kind=kind, occurrence=False)]
                if r
            ]
            if not records:
                skipped += 1
                continue
        yielded += len(records)
        yield from records
    if not yielded and skipped:
        raise ParseError(f"{what}: no readable event ({skipped} VEVENT(s) without a valid DTSTART or rule)")


def _load(body: bytes, what: str) -> icalendar.Calendar:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = body.decode("cp1252", errors="replace")
    if not text.strip():
        raise ParseError(f"{what}: empty body, expected an iCalendar file")
    if not _BEGIN.search(text):
        raise ParseError(f"{what}: not an iCalendar file (no BEGIN:VCALENDAR)")
    # Exports cut short lose their last line; a calendar read up to the cut is still worth its events.
    if re.search(r"^\s*BEGIN:VCALENDAR", text, re.I) and not re.search(
        r"^END:VCALENDAR\s*$", text, re.I | re.M
    ):
        text = text.rstrip() + "\r\nEND:VCALENDAR\r\n"
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


def _window(options: Mapping[str, Any], what: str) -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    try:
        horizon = int(options.get("horizon_days") or HORIZON_DAYS)
    except (TypeError, ValueError):
        raise ParseError(f"{what}: horizon_days should be a number of days") from None
    start = now
    since = options.get("since")
    if since:
        try:
            start = datetime.fromisoformat(str(since))
        except ValueError:
            raise ParseError(f"{what}: since {since!r} is not an ISO date") from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
    return start, now + timedelta(days=horizon)


def _record(
    event: icalendar.Event, *, source: str, url: str, kind: str, occurrence: bool, status: str | None = None
) -> dict | None:
    bounds = ics_event.bounds(event)
    if bounds is None:
        return None
    starts_at, ends_at, zone = bounds
    uid = ics_event.text(event, "UID")
    title = ics_event.text(event, "SUMMARY")
    if occurrence:
        original = ics_event.value(event, "RECURRENCE-ID")
        native_id = f"{uid or stable_id(title)}@{ics_event.occurrence_key(original) if ics_event.is_moment(original) else starts_at}"
    else:
        native_id = uid or stable_id(title, starts_at)
    if status is None and (ics_event.text(event, "STATUS") or "").upper() == "CANCELLED":
        status = "cancelled"
    created = ics_event.value(event, "CREATED")
    return new_raw(
        source,
        FAMILY,
        kind=kind,
        native_id=native_id,
        url=absolute(ics_event.text(event, "URL"), url),
        title=title,
        summary=ics_event.text(event, "DESCRIPTION"),
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone,
        organiser=ics_event.organiser(event),
        location=ics_event.location(event),
        status=status,
        published_at=iso(created) if isinstance(created, datetime) and created.tzinfo else None,
        raw_ref=uid,
    )


def _as_utc(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo and value.utcoffset() is not None else value.replace(tzinfo=UTC)


def _exdates(master: icalendar.Event) -> list[date | datetime]:
    found: list[date | datetime] = []
    raw = master.get("EXDATE")
    for entry in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        found += [d.dt for d in getattr(entry, "dts", [])]
    return found


def _expand(
    uid: str,
    components: list[icalendar.Event],
    timezones: list,
    start: datetime,
    end: datetime,
    limit: int,
    *,
    source: str,
    url: str,
    kind: str,
) -> Iterator[dict]:
    for component in components:
        rule = component.get("RRULE")
        for one in rule if isinstance(rule, list) else [rule] if rule is not None else []:
            if str((one.get("FREQ") or [""])[0]).upper() in _TOO_FREQUENT:
                # Not an agenda event, and expanding it walks every second/minute since DTSTART to reach the window.
                raise ValueError("sub-hourly recurrence is not expanded")
    calendar = icalendar.Calendar()
    for component in [*timezones, *components]:
        calendar.add_component(component)
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    for occurrence in islice(query.after(start), limit):
        begins = ics_event.value(occurrence, "DTSTART")
        if not ics_event.is_moment(begins) or _as_utc(begins) >= end:
            break
        record = _record(occurrence, source=source, url=url, kind=kind, occurrence=True)
        if record is not None:
            yield record
    masters = [
        c
        for c in components
        if "RECURRENCE-ID" not in c and ics_event.is_moment(ics_event.value(c, "DTSTART"))
    ]
    for master in masters[:1]:
        first, last = ics_event.value(master, "DTSTART"), ics_event.value(master, "DTEND")
        length = last - first if ics_event.is_moment(last) and type(last) is type(first) else None
        for excluded in _exdates(master):
            if not start <= _as_utc(excluded) < end:
                continue
            cancelled = master.copy()
            cancelled.pop("DTSTART")
            cancelled.pop("DTEND", None)
            cancelled.pop("DURATION", None)
            cancelled.add("DTSTART", excluded)
            if length is not None:
                cancelled.add("DTEND", excluded + length)
            cancelled.add("RECURRENCE-ID", excluded)
            record = _record(
                cancelled, source=source, url=url, kind=kind, occurrence=True, status="cancelled"
            )
            if record is not None:
                yield record
