"""One card of the browse page per item: what a member needs to decide, in the page's language.

The title is the reader's language when the source gave it, else the original, marked with its language; the
days left count from the service's `now` (Brussels calendar days, so "tomorrow" means tomorrow).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import duckdb

from feeds.entry import local, localized
from feeds.wording import deadline_line, entry_title, region_label, t, when_line
from service.context import page_strings
from vigie.core.languages import UI_LANGS
from vigie.core.taxonomy import sector_labels
from warehouse.connection import sql_text
from warehouse.places import place_url


def lang_name(code: str, lang: str) -> str:
    return page_strings()[lang].get(f"lang_name_{code}", code.upper())


def _days(when: datetime, now: datetime) -> int:
    return (local(when).date() - local(now).date()).days  # type: ignore[union-attr]


def days_left(item: Mapping[str, Any], now: datetime, lang: str) -> str | None:
    """'5 jours restants', 'Dernier jour', 'Dans 3 jours', 'En cours' — from the deadline or the event dates."""
    words = page_strings()[lang]
    if item["kind"] == "event":
        start, end = local(item.get("starts_at")), local(item.get("ends_at"))
        if start is None:
            return None
        if start <= now or _days(start, now) == 0:
            return words["today"] if (end is None or _days(end, now) == 0) else words["ongoing"]
        n = _days(start, now)
        return words["tomorrow"] if n == 1 else words["starts_in"].format(n=n)
    deadline = local(item.get("deadline_at"))
    if deadline is None or deadline < now:
        return None
    n = _days(deadline, now)
    if n == 0:
        return words["last_day"]
    return words["one_day_left"] if n == 1 else words["days_left"].format(n=n)


def other_versions(con: duckdb.DuckDBPyConnection, items: Iterable[Mapping[str, Any]]) -> dict[str, list]:
    """For each item, the items of its cluster in other languages: (language, url) pairs."""
    rows = [(i["id"], i["cluster_id"], i.get("language")) for i in items if i.get("cluster_id")]
    if not rows:
        return {}
    siblings = con.execute(sql_text("read/cluster_versions.sql"), [[r[1] for r in rows]]).fetchall()
    by_cluster: dict[str, list[tuple[str, str, str]]] = {}
    for cluster_id, item_id, language, url in siblings:
        by_cluster.setdefault(cluster_id, []).append((item_id, language, url))
    out: dict[str, list] = {}
    for item_id, cluster_id, language in rows:
        seen = {language}
        for other_id, other_lang, url in by_cluster.get(cluster_id, []):
            if other_id != item_id and other_lang and url and other_lang not in seen:
                seen.add(other_lang)
                out.setdefault(item_id, []).append((other_lang, url))
    return out


def _place(place: Mapping[str, Any] | None, lang: str) -> dict[str, str] | None:
    if not place or not place.get("id"):
        return None
    return {"name": place.get("name") or "", "url": place_url(place["id"], lang)}


def card(item: Mapping[str, Any], lang: str, now: datetime, versions: list | None = None) -> dict[str, Any]:
    """The values one card shows; every text is escaped by the template (autoescape), never trusted."""
    title, summary, text_lang = localized(item, lang)
    labels = sector_labels()
    other_texts = [
        code
        for code in (item.get("texts") or {})
        if code != text_lang
        and code in UI_LANGS
        and code != lang
        and (item["texts"][code] or {}).get("title")
    ]
    return {
        "id": item["id"],
        "kind": item["kind"],
        "kind_label": t(lang, f"kind_{item['kind']}"),
        "title": entry_title(item, lang, title),
        "title_lang": text_lang or "",
        # The original is shown (and marked) when the source gave no text in the reader's language.
        "original": text_lang not in (None, lang),
        "original_name": lang_name(text_lang, lang) if text_lang else "",
        "summary": summary[:280].rsplit(" ", 1)[0] + " …" if len(summary) > 280 else summary,
        "url": item.get("url") or "",
        "days_left": days_left(item, now, lang),
        "when": (when_line(item, lang) if item["kind"] == "event" else deadline_line(item, lang)) or "",
        "sectors": [labels.get(s, {}).get(lang, s) for s in item.get("sectors") or []],
        "regions": [region_label(r, lang) for r in item.get("regions") or []],
        "location": item.get("location") or "",
        # The place the event happens at (event_places): its name, linked to its page on the places map.
        "place": _place(item.get("place"), lang),
        "organiser": item.get("organiser") or "",
        "fit": item.get("fit") or "",
        "status": item.get("status") or "",
        "versions": [(code, lang_name(code, lang), url) for code, url in versions or []],
        # Texts of this item in another interface language: the same page in that language shows them.
        "other_texts": [(code, lang_name(code, lang)) for code in other_texts],
    }
