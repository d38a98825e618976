"""The words of a feed in the reader's language (feeds/strings.toml): titles, date lines, entry bodies and
category labels."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time

from feeds.entry import TAG_AUTHORITY, clean, item_text, local
from vigie.core.languages import UI_LOCALES
from vigie.core.taxonomy import sector_labels
from warehouse.filters import Filter

STRINGS = Path(__file__).resolve().parent / "strings.toml"


@cache
def strings() -> dict[str, Any]:
    """Feed wording per language, and region labels (`regions`)."""
    with open(STRINGS, "rb") as fh:
        return tomllib.load(fh)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(UI_LOCALES[lang])


def t(lang: str, key: str, **values: str) -> str:
    return strings()[lang][key].format(**values)


def region_label(code: str, lang: str) -> str:
    return strings()["regions"].get(code, {}).get(lang, code)


def long_date(d: date, lang: str) -> str:
    return format_date(d, format="long", locale=_locale(lang))


def _hhmm(dt: datetime, lang: str) -> str:
    return format_time(dt, "HH:mm", locale=_locale(lang))


def deadline_line(item: Mapping[str, Any], lang: str) -> str | None:
    """'Date limite : 15 mars 2027 à 12:00' (the time is left out when the source gave a date only)."""
    deadline = local(item.get("deadline_at"))
    if deadline is None:
        return None
    if item.get("deadline_precision") == "date":
        return t(lang, "deadline", date=long_date(deadline.date(), lang))
    return t(lang, "deadline_time", date=long_date(deadline.date(), lang), time=_hhmm(deadline, lang))


def _has_time(dt: datetime) -> bool:
    """Sources that give an event's date only store midnight (or 23:59 for an end): no time to show."""
    return (dt.hour, dt.minute) not in ((0, 0), (23, 59))


def when_line(item: Mapping[str, Any], lang: str) -> str | None:
    """'Quand : 5 décembre 2026 à 19:00–22:00', or the date alone when the source gave no time."""
    start, end = local(item.get("starts_at")), local(item.get("ends_at"))
    if start is None:
        return None
    day = long_date(start.date(), lang)
    timed = _has_time(start)
    line = (
        t(lang, "event_when_time", date=day, time=_hhmm(start, lang))
        if timed
        else t(lang, "event_when", date=day)
    )
    if end and end > start:
        # A date-only end at midnight closes the day before.
        last_day = (end - timedelta(seconds=1)).date() if (end.hour, end.minute) == (0, 0) else end.date()
        if last_day != start.date():
            line += " " + t(lang, "event_until", date=long_date(last_day, lang))
        elif timed and _has_time(end):
            line += f"–{_hhmm(end, lang)}"
    return line


def entry_title(item: Mapping[str, Any], lang: str, title: str) -> str:
    """The title a reader lists: marked when the item was cancelled or postponed, so an updated entry says why."""
    if item.get("status") == "cancelled":
        return t(lang, "title_cancelled", title=title)
    if "postponed" in (item.get("flags") or []):
        return t(lang, "title_postponed", title=title)
    return title


def _where(item: Mapping[str, Any], lang: str) -> str | None:
    """Where an event happens: its place and the place's page when Vigie linked it to one, else the location."""
    place, url = item.get("place") or {}, item.get("place_url")
    if place.get("name") and url:
        return t(lang, "where_place", place=clean(place["name"]), url=clean(url))
    return t(lang, "where", place=clean(item["location"])) if item.get("location") else None


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
            _where(item, lang),
            t(lang, "organiser", name=clean(item["organiser"])) if item.get("organiser") else None,
        )
        if line
    ]
    if summary:
        lines += ["", summary]
    return "\n".join(lines)


def categories(item: Mapping[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(scheme, term, label) for kind, sectors and regions."""
    out = [(f"{TAG_AUTHORITY}:kind", item["kind"], t(lang, f"kind_{item['kind']}"))]
    labels = sector_labels()
    out += [(f"{TAG_AUTHORITY}:sector", s, labels.get(s, {}).get(lang, s)) for s in item.get("sectors") or []]
    out += [(f"{TAG_AUTHORITY}:region", r, region_label(r, lang)) for r in item.get("regions") or []]
    return out


def feed_title(flt: Filter, lang: str) -> str:
    """'Vigie — Appel à projets · Arts de la scène · Bruxelles', from the filter a member chose."""
    parts = [t(lang, f"kind_{k}") for k in flt.kinds]
    labels = sector_labels()
    parts += [labels.get(s, {}).get(lang, s) for s in flt.sectors]
    parts += [region_label(r, lang) for r in flt.regions]
    if flt.q:
        parts.append(f"« {flt.q} »" if lang == "fr" else f"“{flt.q}”")
    base = t(lang, "feed_title")
    return clean(f"{base.split(' — ')[0]} — {' · '.join(parts)}" if parts else base)
