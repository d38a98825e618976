"""Recurring iCalendar events, expanded with hard bounds (a calendar is input from strangers).

- The window runs from the run date ("now", or options["since"]) to a horizon: options["horizon_days"], else the
  environment's VIGIE_RECURRENCE_HORIZON_DAYS, else 90 days.
- Expansion starts at the window, not at DTSTART: a rule that began in year 1 has its DTSTART moved forward by a
  whole number of its periods (its BY* defaults pinned first, so the same instants come out), to a year before the
  window, where the series' last past occurrence can still be found. A rule with a COUNT is walked from DTSTART, so
  its COUNT is capped (MAX_COUNT).
- Refused, with the flag `recurrence_refused` on the series' one item (its first occurrence): INTERVAL=0, an unknown
  FREQ, and any rule giving more than MAX_PER_DAY occurrences a day, whatever its FREQ (BYHOUR x BYMINUTE x
  BYSECOND count as much as FREQ=HOURLY/MINUTELY/SECONDLY): no agenda meets that often.
- Capped, with the flag `recurrence_capped`: at most options["max_occurrences"] (MAX_PER_SERIES) per series and
  MAX_PER_FILE per file; a series past the file's cap still gives one item, so no series disappears.
- A series with no occurrence in the window gives one item: its last occurrence in the year before the window,
  else its next one, else its first.
- EXDATE removes its occurrence (RFC 5545: the instance does not exist; a holiday skipped, a date dropped), so it
  gives no item; an occurrence the organiser cancels is an override with STATUS:CANCELLED, kept as cancelled.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import recurring_ical_events

from vigie.core.errors import ParseError

HORIZON_DAYS = 90
HORIZON_ENV = "VIGIE_RECURRENCE_HORIZON_DAYS"
MAX_HORIZON_DAYS = 3660
MAX_PER_DAY = 24
MAX_PER_SERIES = 200
MAX_PER_FILE = 5000
MAX_COUNT = 5000
LOOKBACK = timedelta(days=400)  # over a year: a yearly or seasonal series still shows its last occurrence

_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 7 * 86400}
_MONTHS = {"MONTHLY": 1, "YEARLY": 12}
_DAY_SPREAD = ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")

# component, status, flags -> raw record (None when the component has no readable start)
MakeRecord = Callable[[icalendar.Event, str | None, list[str]], dict | None]


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    days: int

    def describe(self) -> str:
        return (
            f"recurring events expanded from {self.start:%Y-%m-%d %H:%M} UTC "
            f"to {self.end:%Y-%m-%d %H:%M} UTC ({self.days} days)"
        )


def horizon_days(options: Mapping[str, Any], what: str) -> int:
    raw = options.get("horizon_days") or os.environ.get(HORIZON_ENV) or HORIZON_DAYS
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise ParseError(f"{what}: horizon_days should be a number of days, not {raw!r}") from None
    if not 0 < days <= MAX_HORIZON_DAYS:
        raise ParseError(f"{what}: horizon_days should be between 1 and {MAX_HORIZON_DAYS}, not {days}")
    return days


def window(options: Mapping[str, Any], what: str, now: datetime | None = None) -> Window:
    if now is None and options.get("now"):  # a run made `--as-of` a day: recurrences around that day
        given = options["now"]
        now = given if isinstance(given, datetime) else datetime.fromisoformat(str(given))
    now = now or datetime.now(UTC)
    days = horizon_days(options, what)
    start = now
    since = options.get("since")
    if since:
        try:
            start = datetime.fromisoformat(str(since))
        except ValueError:
            raise ParseError(f"{what}: since {since!r} is not an ISO date") from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
    return Window(start.astimezone(UTC), (now + timedelta(days=days)).astimezone(UTC), days)


def as_utc(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo and value.utcoffset() is not None else value.replace(tzinfo=UTC)


def _rules(component: icalendar.Event) -> list[icalendar.vRecur]:
    rule = component.get("RRULE")
    return list(rule) if isinstance(rule, list) else [rule] if rule is not None else []


def _one(rule: Mapping[str, Any], key: str, default: Any = None) -> Any:
    value = rule.get(key)
    return (
        (value[0] if value else default) if isinstance(value, list) else default if value is None else value
    )


def _count(rule: Mapping[str, Any], key: str) -> int:
    values = rule.get(key)
    return len(set(values)) if isinstance(values, list) else 0


def per_day(rule: Mapping[str, Any]) -> int:
    """An upper bound of the occurrences the rule gives in one day."""
    freq = str(_one(rule, "FREQ", "")).upper()
    interval = max(1, int(_one(rule, "INTERVAL", 1)))
    hours, minutes, seconds = (_count(rule, k) for k in ("BYHOUR", "BYMINUTE", "BYSECOND"))
    if freq in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        return max(hours, 1) * max(minutes, 1) * max(seconds, 1)
    slots = -(-86400 // (_SECONDS[freq] * interval))  # instants a day from the frequency alone
    if freq == "HOURLY":
        return min(slots, hours or 24) * max(minutes, 1) * max(seconds, 1)
    if freq == "MINUTELY":
        return min(slots, (hours or 24) * (minutes or 60)) * max(seconds, 1)
    return min(slots, (hours or 24) * (minutes or 60) * (seconds or 60))


def refusal(rules: list[icalendar.vRecur], start: date | datetime) -> str | None:
    """Why the series is not expanded, or None."""
    if len(rules) > 1:
        return "several RRULEs"
    for rule in rules:
        freq = str(_one(rule, "FREQ", "")).upper()
        if freq not in _SECONDS and freq not in _MONTHS:
            return f"FREQ={freq or '?'} is not a frequency"
        try:
            interval = int(_one(rule, "INTERVAL", 1))
        except (TypeError, ValueError):
            return "INTERVAL is not a number"
        if interval < 1:
            return f"INTERVAL={interval}"
        if per_day(rule) > MAX_PER_DAY:
            return f"more than {MAX_PER_DAY} occurrences a day"
        if not isinstance(start, datetime) and freq in ("SECONDLY", "MINUTELY", "HOURLY"):
            return "a sub-daily rule on an all-day event"
    return None


def _shift_months(value: date | datetime, months: int) -> date | datetime:
    month = value.month - 1 + months
    return value.replace(year=value.year + month // 12, month=month % 12 + 1, day=1)


def bounded(master: icalendar.Event, win: Window) -> tuple[icalendar.Event, bool]:
    """(a copy of the master whose DTSTART is near the window, capped): the same occurrences from there on."""
    [rule] = _rules(master)
    start = master["DTSTART"].dt
    if rule.get("COUNT"):
        if int(_one(rule, "COUNT", 0)) <= MAX_COUNT:
            return master, False
        capped = icalendar.vRecur(dict(rule))
        capped["COUNT"] = [MAX_COUNT]
        copy = master.copy()
        copy["RRULE"] = capped
        return copy, True
    until = _one(rule, "UNTIL")
    anchor = min(win.start, as_utc(until)) if isinstance(until, date) else win.start
    gap = anchor - LOOKBACK - as_utc(start)
    if gap <= timedelta(0):
        return master, False
    freq = str(_one(rule, "FREQ")).upper()
    interval = int(_one(rule, "INTERVAL", 1))
    pinned = icalendar.vRecur(dict(rule))
    if freq in _SECONDS:
        step = _SECONDS[freq] * interval
        moved = start + timedelta(seconds=int(gap.total_seconds()) // step * step)
    else:
        if not any(rule.get(k) for k in _DAY_SPREAD):  # the defaults dateutil takes from DTSTART
            pinned["BYMONTHDAY"] = [start.day]
            if freq == "YEARLY" and not rule.get("BYMONTH"):
                pinned["BYMONTH"] = [start.month]
        step = _MONTHS[freq] * interval
        months = (anchor.year - start.year) * 12 + anchor.month - start.month - 14
        moved = _shift_months(start, max(0, months) // step * step)
    copy = master.copy()
    copy["RRULE"] = pinned
    copy.pop("DTSTART")
    copy.add("DTSTART", moved)
    end = master.get("DTEND")
    if end is not None and isinstance(end.dt, type(start)):
        copy.pop("DTEND")
        copy.add("DTEND", moved + (end.dt - start))
    if (
        freq in _MONTHS
    ):  # the moved DTSTART (the 1st of a month) may not be an occurrence: iCalendar counts it one
        copy.add("EXDATE", moved)
    return copy, False


def _by_start(components: list[icalendar.Event]) -> list[icalendar.Event]:
    return sorted(components, key=lambda c: as_utc(c["DTSTART"].dt))


def expand(
    components: list[icalendar.Event], timezones: list, win: Window, limit: int, make: MakeRecord
) -> list[dict]:
    """The records of one series (its master and overrides) within the window; see the module's rules."""
    masters = [c for c in components if "RECURRENCE-ID" not in c]
    master = original = masters[0] if masters else None
    flags: list[str] = []
    counted = False
    if master is not None and _rules(master):
        if refusal(_rules(master), master["DTSTART"].dt):
            record = make(master, None, ["recurrence_refused"])
            return [record] if record else []
        counted = bool(_rules(master)[0].get("COUNT"))
        master, capped = bounded(master, win)
        flags += ["recurrence_capped"] if capped else []
    calendar = icalendar.Calendar()
    for component in [*timezones, *(c for c in components if "RECURRENCE-ID" in c)]:
        calendar.add_component(component)
    if master is not None:
        calendar.add_component(master)
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    found = _by_start(list(query.between(win.start, win.end)))
    if len(found) > limit:
        found, flags = found[:limit], [*flags, "recurrence_capped"]
    records = [r for c in found if (r := make(c, None, list(flags)))]
    if records or master is None:
        return records
    # A moved master starts a year before the window already; one with a COUNT is looked at a year back at most.
    earliest = as_utc(master["DTSTART"].dt)
    earliest = max(earliest, win.start - LOOKBACK) if counted else earliest
    past = _by_start(list(query.between(earliest, win.start))) if earliest < win.start else []
    ahead = [] if past else _by_start(list(query.between(win.end, win.end + LOOKBACK)))
    one = past[-1] if past else ahead[0] if ahead else original
    record = make(one, None, list(flags))
    return [record] if record else []
