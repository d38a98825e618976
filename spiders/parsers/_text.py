"""Small helpers shared by the web-format parsers (feeds, iCalendar, schema.org, HTML listings)."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from urllib.parse import urljoin

from spiders.parsers import _json

_PROLOGUE = re.compile(r"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S | re.I)


def head_text(head: bytes) -> str:
    """The first bytes as text for a sniffer: BOM dropped, UTF-16/32 understood, a cut character tolerated."""
    return _json.head_text(head).lstrip("\ufeff")


def first_markup(text: str) -> str:
    """The text from its first element on: whitespace, XML declarations (even a broken `<?phpxml`), processing
    instructions, comments and a doctype skipped. A comment cut by the 4 KiB head leaves the text as is."""
    return text[_PROLOGUE.match(text).end() :]


def stable_id(*parts: object) -> str:
    """A short stable identifier for an entry that has none: the same inputs always give the same id."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return "h" + hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def absolute(url: object, base: str) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    return urljoin(base, url) if base else url


def iso(value: date | datetime) -> str:
    """ISO 8601 as the raw record wants it: a date as "YYYY-MM-DD", an aware datetime with its offset, a naive one
    as local time (the record's `timezone` says which)."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
