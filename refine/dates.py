"""An item's dates: structured values to ISO 8601 with a UTC offset, a deadline from the text when the record
has none, sanity checks.

Choices (SPEC §3 and the issue):
- A naive local time is in the record's `timezone`, default Europe/Brussels; an offset-aware value keeps its offset.
- A date-only deadline is 23:59:59 local that day, `deadline_precision = "date"`.
- A date-only `starts_at` or `published_at` is 00:00 local (the start of that day); a date-only `ends_at` is
  23:59:59 local (an event "until 12 March" lasts all of the 12th).
- Text is searched for a deadline (refine.deadline_text) only when the record states none.
- A call with several cut-off dates (`cutoffs`, EU Funding & Tenders) keeps them all, sorted, each like a
  deadline; its deadline is the next one at `now` (the run's day), else the last: a member acts on the next
  cut-off, and a call whose cut-offs are all past is closed on the last one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from refine.deadline_text import find_deadline
from refine.status import TERMINAL, normalise_hint
from refine.timestamps import iso, parse_structured

MAX_YEARS_AHEAD = 5
EARLIEST_YEAR = 2000


def normalise_dates(record: dict[str, Any], item: dict[str, Any], now: datetime, text: str = "") -> None:
    """Sets published_at, deadline_at, deadline_precision, starts_at, ends_at on `item` and appends flags.

    `text` is searched for a deadline when the record has none (calls and tenders only: an event's text
    speaks of its own dates, not of a deadline)."""
    tz_name = record.get("timezone")
    flags = item["flags"]
    published = _structured(record, "published_at", tz_name, False, flags)
    starts = _structured(record, "starts_at", tz_name, False, flags)
    ends = _structured(record, "ends_at", tz_name, True, flags)
    deadline = _structured(record, "deadline_at", tz_name, True, flags)
    cutoffs = _cutoffs(record, tz_name, flags)
    if cutoffs:
        deadline = next((c for c in cutoffs if c[0] >= now), cutoffs[-1])
    item["cutoffs"] = [iso(c[0]) for c in cutoffs]
    precision = None
    if deadline is not None:
        precision = "date" if deadline[1] or record.get("deadline_precision") == "date" else "datetime"
        deadline_at: datetime | None = deadline[0]
    else:
        deadline_at = None
        # a result or cancellation notice leaves nothing to act on: a date in its text is not a deadline
        if text and item["kind"] != "event" and normalise_hint(record.get("status")) not in TERMINAL:
            found = find_deadline(text, tz_name)
            if found is not None:
                deadline_at, precision = found
                _flag(flags, "deadline_from_text")

    latest_year = now.year + MAX_YEARS_AHEAD
    if deadline_at is not None:
        if not EARLIEST_YEAR <= deadline_at.year <= latest_year:
            _flag(flags, "deadline_implausible")
            deadline_at, precision = None, None
        elif published is not None and deadline_at < published[0]:
            _flag(flags, "deadline_before_publication")
            deadline_at, precision = None, None
    if starts is not None and not EARLIEST_YEAR <= starts[0].year <= latest_year:
        _flag(flags, "starts_implausible")
        starts = None
    if ends is not None and starts is not None and ends[0] < starts[0]:
        _flag(flags, "ends_before_starts")
        ends = None

    item["published_at"] = iso(published[0]) if published else None
    item["starts_at"] = iso(starts[0]) if starts else None
    item["ends_at"] = iso(ends[0]) if ends else None
    item["deadline_at"] = iso(deadline_at) if deadline_at is not None else None
    item["deadline_precision"] = precision


def _cutoffs(record: dict[str, Any], tz_name: str | None, flags: list[str]) -> list[tuple[datetime, bool]]:
    values = record.get("cutoffs") or ()
    if not values:
        return []
    read = [_structured({"cutoffs": value}, "cutoffs", tz_name, True, flags) for value in values]
    return sorted({c for c in read if c is not None}, key=lambda c: c[0])


def _structured(
    record: dict[str, Any], name: str, tz_name: str | None, end_of_day: bool, flags: list[str]
) -> tuple[datetime, bool] | None:
    value = record.get(name)
    if not value:
        return None
    if isinstance(value, date):  # datetime too
        value = value.isoformat()
    parsed = parse_structured(str(value), tz_name, end_of_day)
    if parsed is None:
        _flag(flags, f"{name.removesuffix('_at')}_unreadable")
    return parsed


def _flag(flags: list[str], flag: str) -> None:
    if flag not in flags:
        flags.append(flag)
