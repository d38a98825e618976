"""What every feed format takes from one item: stable identifiers, timestamps and the text in a language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from vigie.core.timezone import BRUSSELS

TAG_AUTHORITY = "tag:smartbe.be,2026:vigie"
UID_DOMAIN = "vigie.smartbe.be"
# Characters XML 1.0 forbids: lxml refuses them, so a stray control character from a source or a query would
# otherwise break a whole feed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: Any) -> str:
    """Text safe for XML 1.0 ('' for a missing value)."""
    return _XML_INVALID.sub("", str(text)) if text else ""


def aware(value: Any) -> datetime | None:
    """A tz-aware datetime from a warehouse timestamp or an item's ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BRUSSELS)
    return None


def local(value: Any) -> datetime | None:
    """The instant in Brussels time, as members read dates."""
    dt = aware(value)
    return dt.astimezone(BRUSSELS) if dt else None


def iso(value: Any) -> str | None:
    dt = aware(value)
    return dt.isoformat() if dt else None


def published(item: Mapping[str, Any]) -> datetime | None:
    """When the item appeared: its publication, or when Vigie first saw it if that came first (a notice
    published years ago is dated then, one announced for a later date is dated when Vigie saw it)."""
    pub, first = aware(item.get("published_at")), aware(item.get("first_seen_at"))
    if pub is not None and (first is None or pub <= first):
        return pub
    return first or pub


def updated(item: Mapping[str, Any], now: datetime) -> datetime:
    """When the entry last changed: the warehouse's `updated_at` when the content changed after Vigie first
    saw it (postponed, cancelled), else when it appeared. Never the time of the request, except for an item
    dict that carries no date at all."""
    first, changed = aware(item.get("first_seen_at")), aware(item.get("updated_at"))
    if changed is not None and first is not None and changed > first:
        return changed
    return published(item) or now


def entry_id(item_id: str) -> str:
    """The Atom id / RSS guid of an item: a tag: URI built from the item id only (stable across runs)."""
    return f"{TAG_AUTHORITY}:item:{quote(item_id, safe=':@!$&()*+,;=-._~/')}"


def ical_uid(item_id: str) -> str:
    return f"{quote(item_id, safe=':!$&()*+,;=-._~/')}@{UID_DOMAIN}"


def localized(item: Mapping[str, Any], lang: str) -> tuple[str, str, str | None]:
    """Title, summary and the language they are written in: the reader's language when the source gave it,
    else the item's main language."""
    texts = item.get("texts") or {}
    chosen = texts.get(lang) if isinstance(texts, dict) else None
    if isinstance(chosen, dict) and clean(chosen.get("title")).strip():
        return clean(chosen["title"]), clean(chosen.get("summary")), lang
    # Readers and calendars drop an entry without a title; the id is better than nothing.
    title = clean(item.get("title")).strip() or item["id"]
    return title, clean(item.get("summary")), item.get("language") or None


def item_text(item: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """Title and summary in the reader's language when the source gave it, else in the item's main language."""
    title, summary, _ = localized(item, lang)
    return title, summary
