"""Member feeds: the items a filter selects, rendered as Atom, RSS 2.0, iCalendar or JSON Feed 1.1.

Identifiers are derived from the item id only, so a feed reader or a calendar recognises an entry across runs:
Atom ids and RSS guids are `tag:` URIs, iCalendar UIDs are `<item id>@vigie.smartbe.be`.

iCalendar SEQUENCE rule (deterministic, documented for calendar clients): SEQUENCE is the number of rows in the
warehouse `changes` table for that item whose field is one of SCHEDULE_FIELDS (deadline, start, end). A deadline
postponed once gives SEQUENCE 1, twice gives 2; edits of the title or summary do not move it, because RFC 5545
asks for a new sequence only when the schedule changes.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import icalendar
from babel import Locale
from babel.dates import format_date, format_time
from feedgen.feed import FeedGenerator

from newsletters.filters import Filter, select_items
from vigie.core.errors import FilterError
from vigie.core.languages import UI_LANGS
from vigie.core.taxonomy import sector_labels
from vigie.core.timezone import BRUSSELS, TIMEZONE

FORMATS = ("atom", "rss", "ics", "json")
CONTENT_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
# Readers poll at least daily and keep what they saw, so the 200 newest entries lose nothing; a calendar shows
# every upcoming date it is given, hence more entries there. Both bound the cost of a first render.
FEED_LIMIT = 200
CALENDAR_LIMIT = 500
# Calendar apps show a short note; the full text is one click away (URL). Folding long lines is also what makes
# icalendar slow.
ICS_SUMMARY_CHARS = 600
# A calendar keeps showing what happened in the last weeks; older entries only make the file heavier.
ICS_PAST_DAYS = 30
ALARM_DAYS = 3
SCHEDULE_FIELDS = ("deadline_at", "starts_at", "ends_at")
TAG_AUTHORITY = "tag:smartbe.be,2026:vigie"
UID_DOMAIN = "vigie.smartbe.be"
_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
# Characters XML 1.0 forbids: lxml refuses them, so a stray control character from a source or a query would
# otherwise break a whole feed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TEMPLATES = Path(__file__).resolve().parent / "templates" / "serve"


@cache
def strings() -> dict[str, Any]:
    """Feed and page wording per language, from templates/serve/strings.toml."""
    with open(_TEMPLATES / "strings.toml", "rb") as fh:
        return tomllib.load(fh)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES[lang])


def _t(lang: str, key: str, **values: str) -> str:
    return strings()[lang][key].format(**values)


def _clean(text: Any) -> str:
    return _XML_INVALID.sub("", str(text)) if text else ""


def _dt(value: Any) -> datetime | None:
    """A tz-aware datetime from a warehouse timestamp or an item's ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BRUSSELS)
    return None


def _local(value: Any) -> datetime | None:
    dt = _dt(value)
    return dt.astimezone(BRUSSELS) if dt else None


def entry_id(item_id: str) -> str:
    """The Atom id / RSS guid of an item: a tag: URI built from the item id only (stable across runs)."""
    return f"{TAG_AUTHORITY}:item:{quote(item_id, safe=':@!$&()*+,;=-._~/')}"


def ical_uid(item_id: str) -> str:
    return f"{quote(item_id, safe=':!$&()*+,;=-._~/')}@{UID_DOMAIN}"


def item_text(item: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """Title and summary in the reader's language when the source gave it, else in the item's main language."""
    texts = item.get("texts") or {}
    chosen = texts.get(lang) if isinstance(texts, dict) else None
    if isinstance(chosen, dict) and _clean(chosen.get("title")).strip():
        return _clean(chosen["title"]), _clean(chosen.get("summary"))
    # Readers and calendars drop an entry without a title; the id is better than nothing.
    return _clean(item.get("title")).strip() or item["id"], _clean(item.get("summary"))


def _long_date(d: date, lang: str) -> str:
    return format_date(d, format="long", locale=_locale(lang))


def _hhmm(dt: datetime, lang: str) -> str:
    return format_time(dt, "HH:mm", locale=_locale(lang))


def deadline_line(item: Mapping[str, Any], lang: str) -> str | None:
    """'Date limite : 15 mars 2027 à 12:00' (the time is left out when the source gave a date only)."""
    deadline = _local(item.get("deadline_at"))
    if deadline is None:
        return None
    if item.get("deadline_precision") == "date":
        return _t(lang, "deadline", date=_long_date(deadline.date(), lang))
    return _t(lang, "deadline_time", date=_long_date(deadline.date(), lang), time=_hhmm(deadline, lang))


def when_line(item: Mapping[str, Any], lang: str) -> str | None:
    start, end = _local(item.get("starts_at")), _local(item.get("ends_at"))
    if start is None:
        return None
    line = _t(lang, "event_when_time", date=_long_date(start.date(), lang), time=_hhmm(start, lang))
    if end and end.date() != start.date():
        line += " " + _t(lang, "event_until", date=_long_date(end.date(), lang))
    elif end and end > start:
        line += f"–{_hhmm(end, lang)}"
    return line


def describe(item: Mapping[str, Any], lang: str, max_summary: int | None = None) -> str:
    """The plain-text body of an entry: what a member needs to decide, the dates first."""
    _, summary = item_text(item, lang)
    if max_summary and len(summary) > max_summary:
        summary = summary[:max_summary].rsplit(" ", 1)[0] + " …"
    lines = [
        line
        for line in (
            when_line(item, lang) if item.get("kind") == "event" else None,
            deadline_line(item, lang),
            _t(lang, "where", place=_clean(item["location"])) if item.get("location") else None,
            _t(lang, "organiser", name=_clean(item["organiser"])) if item.get("organiser") else None,
        )
        if line
    ]
    if summary:
        lines += ["", summary]
    return "\n".join(lines)


def _categories(item: Mapping[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(scheme, term, label) for kind, sectors and regions."""
    out = [(f"{TAG_AUTHORITY}:kind", item["kind"], _t(lang, f"kind_{item['kind']}"))]
    labels = sector_labels()
    out += [(f"{TAG_AUTHORITY}:sector", s, labels.get(s, {}).get(lang, s)) for s in item.get("sectors") or []]
    regions = strings()["regions"]
    out += [
        (f"{TAG_AUTHORITY}:region", r, regions.get(r, {}).get(lang, r)) for r in item.get("regions") or []
    ]
    return out


def _updated(item: Mapping[str, Any], now: datetime) -> datetime:
    return (
        _dt(item.get("updated_at"))
        or _dt(item.get("last_seen_at"))
        or _dt(item.get("first_seen_at"))
        or _dt(item.get("published_at"))
        or now
    )


def _published(item: Mapping[str, Any]) -> datetime | None:
    return _dt(item.get("published_at")) or _dt(item.get("first_seen_at"))


def feed_title(flt: Filter, lang: str) -> str:
    """'Vigie — Appel à projets · Arts de la scène · Bruxelles', from the filter a member chose."""
    parts = [_t(lang, f"kind_{k}") for k in flt.kinds]
    labels = sector_labels()
    parts += [labels.get(s, {}).get(lang, s) for s in flt.sectors]
    regions = strings()["regions"]
    parts += [regions.get(r, {}).get(lang, r) for r in flt.regions]
    if flt.q:
        parts.append(f"« {flt.q} »" if lang == "fr" else f"“{flt.q}”")
    base = _t(lang, "feed_title")
    return _clean(f"{base.split(' — ')[0]} — {' · '.join(parts)}" if parts else base)


# --- Atom and RSS ---------------------------------------------------------------------------------------------


def _feedgen(
    items: list[dict[str, Any]], *, title: str, self_url: str, flt: Filter, now: datetime, lang: str, fmt: str
) -> FeedGenerator:
    fg = FeedGenerator()
    query = urlencode(sorted(flt.to_params().items()))
    fg.id(f"{TAG_AUTHORITY}:feed:{fmt}" + (f"?{query}" if query else ""))
    fg.title(_clean(title))
    fg.subtitle(_t(lang, "feed_subtitle"))
    fg.description(_t(lang, "feed_subtitle"))
    fg.author({"name": "Vigie — Smart"})
    fg.link(href=self_url, rel="self")
    fg.link(href=self_url.split("/feeds/")[0] + "/", rel="alternate")
    fg.language(lang)
    fg.generator("Vigie")
    updated = [_updated(i, now) for i in items]
    fg.updated(max(updated) if updated else now)
    fg.lastBuildDate(max(updated) if updated else now)
    # feedgen prepends entries; adding in reverse keeps the caller's order in the document.
    for item, item_updated in zip(reversed(items), reversed(updated), strict=True):
        item_title, _ = item_text(item, lang)
        deadline = deadline_line(item, lang) if item["kind"] != "event" else None
        fe = fg.add_entry()
        fe.guid(entry_id(item["id"]), permalink=False)
        fe.title(f"{item_title} — {deadline}" if deadline else item_title)
        if item.get("url"):
            fe.link(href=_clean(item["url"]))
        fe.updated(item_updated)
        published = _published(item)
        if published:
            fe.published(published)
        fe.description(describe(item, lang))  # RSS <description>, Atom <summary>
        for scheme, term, label in _categories(item, lang):
            fe.category(term=term, scheme=scheme, label=_clean(label))
        if item.get("organiser"):
            fe.author({"name": _clean(item["organiser"])})
    return fg


# --- iCalendar ------------------------------------------------------------------------------------------------


def _vevent(item: Mapping[str, Any], lang: str, now: datetime, sequence: int) -> icalendar.Event | None:
    title, _ = item_text(item, lang)
    event = icalendar.Event()
    event.add("uid", ical_uid(item["id"]))
    stamp = _updated(item, now).astimezone(ZoneInfo("UTC"))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)
    if item["kind"] == "event":
        start = _local(item.get("starts_at"))
        if start is None:
            return None
        end = _local(item.get("ends_at"))
        event.add("summary", title)
        event.add("dtstart", start)
        if end and end > start:
            event.add("dtend", end)
    else:
        deadline = _local(item.get("deadline_at"))
        if deadline is None:
            return None  # no date to put in a calendar
        day = deadline.date()
        summary = (
            f"{_t(lang, 'deadline_prefix')} : {title}"
            if lang == "fr"
            else f"{_t(lang, 'deadline_prefix')}: {title}"
        )
        event.add("summary", summary)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a deadline does not make the member busy
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _t(lang, "reminder", title=title))
        alarm.add("trigger", timedelta(days=-ALARM_DAYS))
        event.add_component(alarm)
    if item.get("location"):
        event.add("location", _clean(item["location"]))
    if item.get("url"):
        event.add("url", _clean(item["url"]))
    description = describe(item, lang, max_summary=ICS_SUMMARY_CHARS)
    if item.get("url"):
        description += f"\n\n{_clean(item['url'])}"
    event.add("description", description)
    event.add("categories", [c[2] for c in _categories(item, lang)])
    if item.get("status") == "cancelled":
        event.add("status", "CANCELLED")
    return event


def _ical(items: list[dict[str, Any]], *, title: str, now: datetime, lang: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Smart//Vigie//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _clean(title))
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


# --- JSON Feed ------------------------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    dt = _dt(value)
    return dt.isoformat() if dt else None


def _json_feed(items: list[dict[str, Any]], *, title: str, self_url: str, now: datetime, lang: str) -> bytes:
    entries = []
    for item in items:
        item_title, _ = item_text(item, lang)
        entry: dict[str, Any] = {
            "id": item["id"],
            "url": item.get("url"),
            "title": item_title,
            "content_text": describe(item, lang),
            "date_published": _iso(_published(item)),
            "date_modified": _updated(item, now).isoformat(),
            "tags": [term for _, term, _ in _categories(item, lang)],
            "language": item.get("language"),
            "_vigie": {
                "kind": item["kind"],
                "deadline": _iso(item.get("deadline_at")),
                "deadline_precision": item.get("deadline_precision"),
                "starts_at": _iso(item.get("starts_at")),
                "ends_at": _iso(item.get("ends_at")),
                "sectors": list(item.get("sectors") or []),
                "regions": list(item.get("regions") or []),
                "scope": item.get("scope"),
                "status": item.get("status"),
                "organiser": item.get("organiser"),
                "location": item.get("location"),
                "languages": list(
                    item.get("languages") or ([item["language"]] if item.get("language") else [])
                ),
            },
        }
        entries.append({k: v for k, v in entry.items() if v is not None})
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": self_url.split("/feeds/")[0] + "/",
        "feed_url": self_url,
        "description": _t(lang, "feed_subtitle"),
        "language": lang,
        "items": entries,
    }
    # errors="replace": a lone surrogate from a source's JSON escape must not make the whole feed fail.
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")


# --- entry points ---------------------------------------------------------------------------------------------


def render_feed(
    items: list[dict[str, Any]],
    fmt: str,
    *,
    title: str,
    self_url: str,
    flt: Filter,
    now: datetime,
    lang: str = "fr",
) -> tuple[bytes, str]:
    """Render items (in the order given) as one feed; returns (body, content type).

    Items are warehouse rows (tz-aware datetimes) or item dicts (ISO strings). An optional `schedule_changes`
    key gives the iCalendar SEQUENCE (see the module docstring).
    """
    if fmt not in FORMATS:
        raise FilterError(f"format: unknown feed format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    if lang not in UI_LANGS:
        raise FilterError(f"hl: unknown language {lang!r} (expected one of: {', '.join(UI_LANGS)})")
    if now.tzinfo is None:
        now = now.replace(tzinfo=BRUSSELS)
    if fmt == "ics":
        return _ical(items, title=title, now=now, lang=lang), CONTENT_TYPES[fmt]
    if fmt == "json":
        return _json_feed(items, title=title, self_url=self_url, now=now, lang=lang), CONTENT_TYPES[fmt]
    fg = _feedgen(items, title=title, self_url=self_url, flt=flt, now=now, lang=lang, fmt=fmt)
    body = fg.atom_str(pretty=False) if fmt == "atom" else fg.rss_str(pretty=False)
    return body, CONTENT_TYPES[fmt]


def feed_url(base_url: str, fmt: str, flt: Filter, lang: str | None = None) -> str:
    """The canonical URL of a feed (sorted parameters, so one filter has one URL)."""
    params = sorted(flt.to_params().items())
    if lang:
        params.append(("hl", lang))
    query = urlencode(params, safe=",")
    return f"{base_url.rstrip('/')}/feeds/{fmt}" + (f"?{query}" if query else "")


def schedule_changes(con: Any, ids: Iterable[str]) -> dict[str, int]:
    """How many times each item's deadline, start or end changed, from the warehouse `changes` table."""
    ids = list(ids)
    if not ids:
        return {}
    rows = con.execute(
        "SELECT id, count(*) FROM changes WHERE field IN (SELECT unnest(?::VARCHAR[])) "
        "AND id IN (SELECT unnest(?::VARCHAR[])) GROUP BY id",
        [list(SCHEDULE_FIELDS), ids],
    ).fetchall()
    return {row[0]: int(row[1]) for row in rows}


# Newest first for readers; for a calendar, by date from a few weeks back, so upcoming dates are never cut off.
_ORDER_NEWEST = "coalesce(published_at, first_seen_at) DESC NULLS LAST, id"
_ICS_DATE = "CASE WHEN kind = 'event' THEN coalesce(ends_at, starts_at) ELSE deadline_at END"
_ORDER_CALENDAR = "CASE WHEN kind = 'event' THEN starts_at ELSE deadline_at END, id"


def select_for_feed(con: Any, flt: Filter, fmt: str, now: datetime, limit: int | None = None) -> list[dict]:
    """The items of one feed: the newest FEED_LIMIT for readers, CALENDAR_LIMIT dated ones for a calendar."""
    if fmt == "ics":
        limit = limit or CALENDAR_LIMIT
        items = select_items(
            con,
            flt,
            now,
            order=_ORDER_CALENDAR,
            limit=limit,
            extra_where=f"{_ICS_DATE} >= ?",
            extra_params=[now - timedelta(days=ICS_PAST_DAYS)],
        )
        counts = schedule_changes(con, (i["id"] for i in items))
        for item in items:
            item["schedule_changes"] = counts.get(item["id"], 0)
        return items
    return select_items(con, flt, now, order=_ORDER_NEWEST, limit=limit or FEED_LIMIT)


def feed_from_snapshot(
    con: Any, flt: Filter, fmt: str, now: datetime, base_url: str, lang: str = "fr"
) -> tuple[bytes, str]:
    """Select the items matching `flt` from the published snapshot (see select_for_feed) and render them."""
    if fmt not in FORMATS:
        raise FilterError(f"format: unknown feed format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    return render_selected(select_for_feed(con, flt, fmt, now), flt, fmt, now, base_url, lang)


def render_selected(
    items: list[dict[str, Any]], flt: Filter, fmt: str, now: datetime, base_url: str, lang: str = "fr"
) -> tuple[bytes, str]:
    """Render items chosen by select_for_feed, with the title and self URL that `flt` gives."""
    return render_feed(
        items,
        fmt,
        title=feed_title(flt, lang),
        self_url=feed_url(base_url, fmt, flt, lang),
        flt=flt,
        now=now,
        lang=lang,
    )
