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

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from refine.deadline_text import find_deadline
from refine.status import TERMINAL, normalise_hint
from refine.timestamps import Read, iso, read_structured

MAX_YEARS_AHEAD = 5
EARLIEST_YEAR = 2000


# (published, deadline, starts, ends) as the item's fields give them back, None where a field is empty.
Stored = tuple[datetime | None, datetime | None, datetime | None, datetime | None]


def normalise_dates(record: dict[str, Any], item: dict[str, Any], now: datetime, text: str = "") -> Stored:
    """Sets published_at, deadline_at, deadline_precision, starts_at, ends_at on `item` and appends flags;
    returns those instants as the item's ISO fields give them back (refine.status judges from them).

    `text` is searched for a deadline when the record has none (calls and tenders only: an event's text
    speaks of its own dates, not of a deadline)."""
    get = record.get
    tz_name = get("timezone")
    flags = item["flags"]
    # A missing field is the common case: tested here, it costs no call.
    published = (
        _structured(value, "published", tz_name, False, flags) if (value := get("published_at")) else None
    )
    starts = _structured(value, "starts", tz_name, False, flags) if (value := get("starts_at")) else None
    ends = _structured(value, "ends", tz_name, True, flags) if (value := get("ends_at")) else None
    deadline = _structured(value, "deadline", tz_name, True, flags) if (value := get("deadline_at")) else None
    cutoffs = _cutoffs(values, tz_name, flags) if (values := get("cutoffs")) else []
    if cutoffs:
        deadline = next((c for c in cutoffs if c[0] >= now), cutoffs[-1])
    item["cutoffs"] = [c[2] for c in cutoffs]
    precision = None
    deadline_at: datetime | None = None
    deadline_iso = deadline_stored = None
    if deadline is not None:
        precision = "date" if deadline[1] or get("deadline_precision") == "date" else "datetime"
        deadline_at, deadline_iso, deadline_stored = deadline[0], deadline[2], deadline[3]
    elif text and item["kind"] != "event" and normalise_hint(get("status")) not in TERMINAL:
        # a result or cancellation notice leaves nothing to act on: a date in its text is not a deadline
        found = find_deadline(text, tz_name)
        if found is not None:
            deadline_at, precision = found
            deadline_iso = iso(deadline_at)
            deadline_stored = datetime.fromisoformat(deadline_iso)
            _flag(flags, "deadline_from_text")

    latest_year = now.year + MAX_YEARS_AHEAD
    if deadline_at is not None:
        if not EARLIEST_YEAR <= deadline_at.year <= latest_year:
            _flag(flags, "deadline_implausible")
            deadline_iso = deadline_stored = precision = None
        elif published is not None and deadline_at < published[0]:
            _flag(flags, "deadline_before_publication")
            deadline_iso = deadline_stored = precision = None
    if starts is not None and not EARLIEST_YEAR <= starts[0].year <= latest_year:
        _flag(flags, "starts_implausible")
        starts = None
    if ends is not None and starts is not None and ends[0] < starts[0]:
        _flag(flags, "ends_before_starts")
        ends = None

    item["published_at"] = published[2] if published else None
    item["starts_at"] = starts[2] if starts else None
    item["ends_at"] = ends[2] if ends else None
    item["deadline_at"] = deadline_iso
    item["deadline_precision"] = precision
    return (
        published[3] if published else None,
        deadline_stored,
        starts[3] if starts else None,
        ends[3] if ends else None,
    )


def _cutoffs(values: Iterable[object], tz_name: str | None, flags: list[str]) -> list[Read]:
    read = [c for value in values if (c := _structured(value, "cutoffs", tz_name, True, flags))]
    # one per instant and precision, as a set of (instant, date_only) keeps them: the first read of each
    first: dict[tuple[datetime, bool], Read] = {}
    for c in read:
        first.setdefault((c[0], c[1]), c)
    return [first[key] for key in sorted({(c[0], c[1]) for c in read}, key=lambda key: key[0])]


def _structured(
    value: object, name: str, tz_name: str | None, end_of_day: bool, flags: list[str]
) -> Read | None:
    if not value:
        return None
    if type(value) is not str:
        value = value.isoformat() if isinstance(value, date) else str(value)  # a datetime is a date too
    parsed = read_structured(value, tz_name, end_of_day)
    if parsed is None:
        _flag(flags, f"{name}_unreadable")
    return parsed


def _flag(flags: list[str], flag: str) -> None:
    if flag not in flags:
        flags.append(flag)
