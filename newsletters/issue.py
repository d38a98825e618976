"""What goes into one issue of a theme: "closing soon", "new since the last issue" and "upcoming events".

The rules live in `plan_issue`, a pure function over item dicts, so they are the same whether the items come
from the warehouse snapshot (`fetch_candidates`, which narrows 100,000 rows down with SQL first) or from a
test. `fetch_candidates` returns a superset of what `plan_issue` keeps, with the same orderings.

Repeat avoidance: an issue remembers, per item, a fingerprint of what a reader acts on (deadline, start,
status). The next issue of the same theme and language leaves out items sent with the same fingerprint and
announces the ones whose fingerprint changed ("deadline postponed from X to Y", "cancelled"). Edits of a
title or summary do not re-send an item: readers would see it twice for a typo fix.

Nothing is lost between issues: only items actually sent (or marked sent) count as seen. An open item that
did not fit a section's limit, or that arrived before the last issue without being in it, stays a candidate
for the next issue until it closes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb

from newsletters.themes import Theme
from vigie.core.timezone import BRUSSELS
from warehouse.connection import sql_text
from warehouse.filters import select_items

OPEN = ("open", "forthcoming")
# What a newsletter may show: news (refine.kind) is stored and queryable, never pushed.
PUSHED_KINDS = ("call", "tender", "event")
FIT_RANK = {"good": 0, "possible": 1, None: 1, "unlikely": 2}
SECTIONS = ("closing_soon", "new", "events")


@dataclass(frozen=True)
class Change:
    """What changed in an item since it was sent: `what` is deadline_postponed, deadline_advanced,
    deadline_set, date_moved, cancelled or reopened; `old`/`new` are the values involved."""

    what: str
    old: Any = None
    new: Any = None


@dataclass
class Entry:
    item: dict[str, Any]
    section: str
    change: Change | None = None


@dataclass
class Issue:
    theme: Theme
    lang: str
    now: datetime
    since: datetime | None
    closing_soon: list[Entry] = field(default_factory=list)
    new: list[Entry] = field(default_factory=list)
    events: list[Entry] = field(default_factory=list)
    # The comms team's words for this issue (newsletters.drafts); None keeps the theme's defaults.
    intro: str | None = None
    subject: str | None = None

    def by_section(self) -> list[tuple[str, list[Entry]]]:
        """The sections in reading order (SECTIONS), each with its entries."""
        return [("closing_soon", self.closing_soon), ("new", self.new), ("events", self.events)]

    @property
    def entries(self) -> list[Entry]:
        return self.closing_soon + self.new + self.events

    @property
    def empty(self) -> bool:
        return not self.entries

    def sent_items(self) -> list[dict[str, Any]]:
        """The `items` column of newsletter_issues: what this issue tells readers, to compare next time."""
        return [sent_record(e.item) for e in self.entries]


def instant(value: Any) -> datetime | None:
    """A tz-aware datetime from a stored timestamp or an ISO string (UTC when it names no offset)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(value: Any) -> str | None:
    """One spelling per instant, so a value read back from DuckDB compares equal to the one sent."""
    ts = instant(value)
    return ts.astimezone(UTC).isoformat() if ts else None


def fingerprint(item: dict[str, Any]) -> str:
    key = "|".join(
        str(v)
        for v in (_iso(item.get("deadline_at")), _iso(item.get("starts_at")), item.get("status") or "open")
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def sent_record(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "deadline_at": _iso(item.get("deadline_at")),
        "status": item.get("status") or "open",
        "content_hash": fingerprint(item),
        "starts_at": _iso(item.get("starts_at")),
    }


def _issue_time(row: dict[str, Any]) -> datetime | None:
    return instant(row.get("sent_at")) or instant(row.get("created_at"))


def _history_of(
    history: Iterable[dict[str, Any]], lang: str
) -> tuple[datetime | None, dict[str, dict[str, Any]]]:
    """When the last issue in this language went out, and the latest sent version of every item.

    Per language, because the fr and nl issues of a theme go to different readers."""
    rows = sorted(
        (r for r in history if r.get("lang", lang) == lang),
        key=lambda r: _issue_time(r) or datetime.min.replace(tzinfo=UTC),
    )
    sent: dict[str, dict[str, Any]] = {}
    for row in rows:
        items = row.get("items") or []
        if isinstance(items, str):
            items = json.loads(items)
        for record in items:
            sent[record["id"]] = record
    return (_issue_time(rows[-1]) if rows else None), sent


def history_key(history: Iterable[dict[str, Any]], lang: str) -> tuple[Any, ...]:
    """Equal for two languages whose issues would read the same candidates from the snapshot."""
    since, sent = _history_of(history, lang)
    return since, tuple(sorted((k, v.get("content_hash")) for k, v in sent.items()))


def _change(prev: dict[str, Any], item: dict[str, Any]) -> Change:
    status = item.get("status") or "open"
    if status == "cancelled" and prev.get("status") != "cancelled":
        return Change("cancelled")
    old_deadline, new_deadline = instant(prev.get("deadline_at")), instant(item.get("deadline_at"))
    if old_deadline != new_deadline:
        if old_deadline and new_deadline:
            what = "deadline_postponed" if new_deadline > old_deadline else "deadline_advanced"
            return Change(what, old_deadline, new_deadline)
        return Change("deadline_set", old_deadline, new_deadline)
    old_start, new_start = instant(prev.get("starts_at")), instant(item.get("starts_at"))
    if old_start != new_start:
        return Change("date_moved", old_start, new_start)
    return Change("reopened", prev.get("status"), status)


def plan_issue(
    theme: Theme, lang: str, items: Iterable[dict[str, Any]], history: Iterable[dict[str, Any]], now: datetime
) -> Issue:
    """Sort candidate items into the three sections of an issue (see the module docstring for the rules)."""
    now = instant(now) or datetime.now(UTC)
    since, sent = _history_of(history, lang)
    size = theme.sections
    window_end = now + timedelta(days=size.closing_days) if size.closing_soon else None
    events_end = now + timedelta(days=size.event_days)
    issue = Issue(theme=theme, lang=lang, now=now, since=since)
    seen: set[str] = set()
    for item in items:
        if item["id"] in seen:
            continue
        seen.add(item["id"])
        if item.get("kind") not in PUSHED_KINDS:
            continue
        if theme.unlikely == "leave out" and item.get("fit") == "unlikely":
            continue
        prev = sent.get(item["id"])
        change = None
        if prev is not None:
            if prev.get("content_hash") == fingerprint(item):
                continue
            change = _change(prev, item)
        status = item.get("status") or "open"
        if status not in OPEN and not (status == "cancelled" and change):
            continue
        if item["kind"] == "event":
            start = instant(item.get("starts_at"))
            end = instant(item.get("ends_at")) or start
            if size.events and start and end >= now and start <= events_end:
                issue.events.append(Entry(item, "events", change))
            continue
        deadline = instant(item.get("deadline_at"))
        if deadline is not None and deadline < now:
            continue
        if window_end is not None and deadline is not None and deadline <= window_end:
            issue.closing_soon.append(Entry(item, "closing_soon", change))
        elif size.new:
            issue.new.append(Entry(item, "new", change))
    issue.closing_soon.sort(key=rank_key)
    issue.new.sort(key=rank_key)
    issue.events.sort(key=lambda e: (instant(e.item["starts_at"]), e.item["id"]))
    del issue.closing_soon[size.closing_soon :]
    del issue.new[size.new :]
    del issue.events[size.events :]
    return issue


def rank_key(entry: Entry) -> tuple[Any, ...]:
    """Calls and tenders in reading order: unlikely fit last, then the deadline's day (closing soon first, none
    last), then fit, then freshness (first seen most recently), then id. The same order as the ORDER BY of
    sql/read/issue/closing_soon.sql and new.sql, so their LIMIT keeps what this order puts first."""
    item = entry.item
    deadline = instant(item.get("deadline_at"))
    day = deadline.astimezone(BRUSSELS).date() if deadline else date.max
    seen = instant(item.get("first_seen_at"))
    return (
        item.get("fit") == "unlikely",
        day,
        FIT_RANK.get(item.get("fit"), 1),
        -(seen.timestamp() if seen else 0.0),
        item["id"],
    )


def fetch_candidates(
    con: duckdb.DuckDBPyConnection, theme: Theme, lang: str, history: Iterable[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Read from the snapshot only what `plan_issue` could keep: the first N unsent items of each section
    in section order, plus the items this theme already sent whose deadline, start or status changed.

    Two steps: narrow queries (sql/read/issue/*.sql) pick ids (id and sort keys only: sorting or joining
    whole rows of 100,000 items costs 3-7x more), then `select_items` reads the full rows of those few ids.
    Sent ids are compared with hash joins, because `list_contains` over a history of thousands of ids tests
    every pair (10x slower)."""
    history = list(history)
    _, sent = _history_of(history, lang)
    sent_ids = list(sent)
    size = theme.sections
    theme_where, theme_params = theme.filter.where(now)
    window_end = now + timedelta(days=size.closing_days)
    picks: list[str] = []
    params: list[Any] = []

    def pick(section: str, section_params: list[Any]) -> None:
        picks.append(f"({sql_text(f'read/issue/{section}.sql').format(filter=theme_where)})")
        params.extend([*theme_params, *section_params])

    if size.closing_soon:
        pick("closing_soon", [now, window_end, sent_ids, size.closing_soon])
    if size.new:
        # Deadlines within the window belong to "closing soon"; without that section, any deadline from now on.
        after = window_end if size.closing_soon else now - timedelta(microseconds=1)
        pick("new", [sent_ids, after, size.new])
    if size.events:
        pick("events", [sent_ids, now, now + timedelta(days=size.event_days), size.events])
    if sent:
        picks.append(f"({sql_text('read/issue/changed.sql').format(filter=theme_where)})")
        params.append(
            [
                {
                    "sid": r["id"],
                    "sdeadline": _iso(r.get("deadline_at")),
                    "sstart": _iso(r.get("starts_at")),
                    "sstatus": r.get("status") or "open",
                }
                for r in sent.values()
            ]
        )
        params.extend(theme_params)
    ids = (
        list(dict.fromkeys(row[0] for row in con.execute(" UNION ALL ".join(picks), params).fetchall()))
        if picks
        else []
    )
    if not ids:
        return []
    return select_items(
        con, theme.filter, now, extra_where="list_contains(?::VARCHAR[], id)", extra_params=[ids]
    )


def build_issue(
    con: duckdb.DuckDBPyConnection, theme: Theme, lang: str, history: Iterable[dict[str, Any]], now: datetime
) -> Issue:
    history = list(history)
    return plan_issue(theme, lang, fetch_candidates(con, theme, lang, history, now), history, now)
