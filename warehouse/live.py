"""An item's status on a given day, in SQL over `opportunities`, and what members see when they ask for nothing.

The stored `status` is what refine decided when the item was last collected. Between two runs deadlines pass
and events end, and `--as-of` asks for another day, so the status members filter on is recomputed at `now`:
1. cancelled and awarded are final (no date can tell them);
2. a call or tender whose deadline has passed, an event that has ended (an event without an end lasts until the
   end of the day it starts, Brussels time), is closed;
3. a call, tender, event or news item with no date at all, first published more than UNDATED_DAYS ago, is closed:
   an undated notice of years ago is not an opportunity any more;
4. an item stored as closed only because its date had passed when it was last collected, on a day before that
   date, is open (`--as-of` an earlier day);
5. otherwise the stored status (open when missing).

Useful by default (no `status=`): open and forthcoming items, and items cancelled after members could have seen
them (changed since first seen, date still ahead) so readers and calendars update the entry they already show;
`news` only when `kind=` names it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from vigie.core.timezone import BRUSSELS

UNDATED_DAYS = 365
# Kinds a member sees only when `kind=` names them: articles and announcements are not opportunities.
ASKED_ONLY_KINDS = ("news",)

# Whether the item's date is behind `now`: NULL when it has none. Placeholders: now, start of today, now.
_OVER = "(CASE WHEN kind = 'event' THEN coalesce(ends_at < ?, starts_at < ?) ELSE deadline_at < ? END)"
# The moment the item ends (an event without an end: the day after its start).
_DUE = "(CASE WHEN kind = 'event' THEN coalesce(ends_at, starts_at + INTERVAL 1 DAY) ELSE deadline_at END)"


def _over(now: datetime) -> tuple[str, list[Any]]:
    today = now.astimezone(BRUSSELS).replace(hour=0, minute=0, second=0, microsecond=0)
    return _OVER, [now, today, now]


def status_at(now: datetime) -> tuple[str, list[Any]]:
    """SQL expression of an item's status at `now` (rules of the module docstring), and its parameters."""
    over, over_params = _over(now)
    sql = (
        "(CASE WHEN status IN ('cancelled', 'awarded') THEN status"
        f" WHEN {over} THEN 'closed'"
        f" WHEN {over} IS NULL AND coalesce(published_at, first_seen_at) < ? THEN 'closed'"
        f" WHEN status = 'closed' AND {_DUE} < last_seen_at THEN 'open'"
        " ELSE coalesce(status, 'open') END)"
    )
    return sql, [*over_params, *over_params, now - timedelta(days=UNDATED_DAYS)]


def useful(now: datetime) -> tuple[str, list[Any]]:
    """SQL condition of what members see without a `status=` filter, and its parameters: the rules of
    status_at, written per stored status so each row computes its dates once (the default of every feed)."""
    over, over_params = _over(now)
    sql = (
        "(CASE WHEN status IS NULL OR status IN ('open', 'forthcoming')"
        f" THEN coalesce(NOT {over}, coalesce(published_at, first_seen_at) >= ?)"
        f" WHEN status = 'closed' THEN {over} IS FALSE AND {_DUE} < last_seen_at"
        f" WHEN status = 'cancelled' THEN {over} IS NOT TRUE AND updated_at > first_seen_at"
        " ELSE FALSE END)"
    )
    return sql, [*over_params, now - timedelta(days=UNDATED_DAYS), *over_params, *over_params]


def in_statuses(statuses: tuple[str, ...], now: datetime) -> tuple[str, list[Any]]:
    """SQL condition: the item's status at `now` is one of `statuses`."""
    status, params = status_at(now)
    return f"{status} IN ({', '.join('?' * len(statuses))})", [*params, *statuses]
