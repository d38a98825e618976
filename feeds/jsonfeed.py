"""JSON Feed 1.1, with Vigie's structured fields under `_vigie` for pages and notebooks that read it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from feeds.entry import iso, localized, published, updated
from feeds.urls import home_page
from feeds.wording import categories, describe, entry_title, t


def json_feed(items: list[dict[str, Any]], *, title: str, self_url: str, now: datetime, lang: str) -> bytes:
    entries = []
    for item in items:
        item_title, _, text_lang = localized(item, lang)
        entry: dict[str, Any] = {
            "id": item["id"],
            "url": item.get("url"),
            "title": entry_title(item, lang, item_title),
            "content_text": describe(item, lang),
            "date_published": iso(published(item)),
            "date_modified": updated(item, now).isoformat(),
            "tags": [term for _, term, _ in categories(item, lang)],
            # The language of the title and text above (JSON Feed 1.1), not the item's main one.
            "language": text_lang,
            "_vigie": {
                "kind": item["kind"],
                "deadline": iso(item.get("deadline_at")),
                "deadline_precision": item.get("deadline_precision"),
                "starts_at": iso(item.get("starts_at")),
                "ends_at": iso(item.get("ends_at")),
                "sectors": list(item.get("sectors") or []),
                "regions": list(item.get("regions") or []),
                "scope": item.get("scope"),
                "status": item.get("status"),
                "fit": item.get("fit"),
                "organiser": item.get("organiser"),
                "location": item.get("location"),
                "place": (
                    {"id": item["place"]["id"], "name": item["place"].get("name"), "url": item["place_url"]}
                    if item.get("place_url")
                    else None
                ),
                "languages": list(
                    item.get("languages") or ([item["language"]] if item.get("language") else [])
                ),
            },
        }
        entries.append({k: v for k, v in entry.items() if v is not None})
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": home_page(self_url),
        "feed_url": self_url,
        "description": t(lang, "feed_subtitle"),
        "language": lang,
        "items": entries,
    }
    # errors="replace": a lone surrogate from a source's JSON escape must not make the whole feed fail.
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")
