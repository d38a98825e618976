"""Atom and RSS 2.0, both through feedgen: one document model, two serialisations."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from feedgen.feed import FeedGenerator

from feeds.entry import TAG_AUTHORITY, clean, entry_id, item_text, published, updated
from feeds.urls import home_page
from feeds.wording import categories, deadline_line, describe, entry_title, t
from warehouse.filters import Filter


def _feedgen(
    items: list[dict[str, Any]], *, title: str, self_url: str, flt: Filter, now: datetime, lang: str, fmt: str
) -> FeedGenerator:
    fg = FeedGenerator()
    query = urlencode(sorted(flt.to_params().items()))
    fg.id(f"{TAG_AUTHORITY}:feed:{fmt}" + (f"?{query}" if query else ""))
    fg.title(clean(title))
    fg.subtitle(t(lang, "feed_subtitle"))
    fg.description(t(lang, "feed_subtitle"))
    fg.author({"name": "Vigie — Smart"})
    fg.link(href=self_url, rel="self")
    fg.link(href=home_page(self_url), rel="alternate")
    fg.language(lang)
    fg.generator("Vigie")
    stamps = [updated(i, now) for i in items]
    fg.updated(max(stamps) if stamps else now)
    fg.lastBuildDate(max(stamps) if stamps else now)
    # feedgen prepends entries; adding in reverse keeps the caller's order in the document.
    for item, item_updated in zip(reversed(items), reversed(stamps), strict=True):
        item_title, _ = item_text(item, lang)
        deadline = deadline_line(item, lang) if item["kind"] != "event" else None
        fe = fg.add_entry()
        fe.guid(entry_id(item["id"]), permalink=False)
        item_title = entry_title(item, lang, item_title)
        fe.title(f"{item_title} — {deadline}" if deadline else item_title)
        if item.get("url"):
            fe.link(href=clean(item["url"]))
        fe.updated(item_updated)
        when = published(item)
        if when:
            fe.published(when)
        fe.description(describe(item, lang))  # RSS <description>, Atom <summary>
        for scheme, term, label in categories(item, lang):
            fe.category(term=term, scheme=scheme, label=clean(label))
        if item.get("organiser"):
            fe.author({"name": clean(item["organiser"])})
    return fg


def atom_or_rss(
    items: list[dict[str, Any]], fmt: str, *, title: str, self_url: str, flt: Filter, now: datetime, lang: str
) -> bytes:
    """The feed document; `fmt` is "atom" or "rss"."""
    fg = _feedgen(items, title=title, self_url=self_url, flt=flt, now=now, lang=lang, fmt=fmt)
    return fg.atom_str(pretty=False) if fmt == "atom" else fg.rss_str(pretty=False)
