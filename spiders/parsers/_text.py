"""Small helpers shared by the web-format parsers (feeds, iCalendar, schema.org, HTML listings)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

import jstyleson
import lxml.html
from lxml import etree

from spiders.parsers import _json
from vigie.core.errors import ParseError
from vigie.core.text import fold

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


def looks_like_html(head: bytes) -> bool:
    """An HTML document by its first bytes (an html, head or body element first, or an HTML doctype)."""
    text = head_text(head)
    return first_markup(text)[:200].lower().startswith(("<html", "<head", "<body")) or (
        "<!doctype html" in text[:300].lower()
    )


def html_tree(body: bytes, what: str) -> etree._Element:
    """The parsed page, or a ParseError naming `what` (the URL or source) for an empty or unreadable body."""
    if not body.strip():
        raise ParseError(f"{what}: empty body, expected an HTML page")
    try:
        return lxml.html.fromstring(body)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"{what}: not readable HTML ({exc})") from None


def jsonld_blocks(tree: etree._Element) -> Iterator[Any]:
    """The JSON documents of a page's `<script type="application/ld+json">` blocks, one by one: a block with a JS
    comment, a raw control character or a trailing comma is repaired when it can be (jstyleson, non-strict JSON)
    and skipped alone when it cannot."""
    for script in tree.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"):
        text = (script.text or "").strip()
        text = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", text).strip()
        if not text:
            continue
        for loader in (lambda t: json.loads(t, strict=False), lambda t: jstyleson.loads(t, strict=False)):
            try:
                yield loader(text)
                break
            except (ValueError, TypeError):
                continue


# One token joined by "_" or "/" with a digit in it: a buyer's file reference ("AOO/2015/LPA/CRYOSTAT.",
# "2024_AOO_CRYOSTATS_LPENS_3"), not words; a lot number may follow it ("AZJP_122182_GBS - 1").
_REFERENCE = re.compile(r"^(?=\S*\d)(?=\S*[_/])\S{6,}(?:\s*[-–]\s*\d{1,3})?$")


def worded(title: str | None) -> bool:
    """A title says something in words: "5,640,000" or "2719-2016" (a value, a file number) does not, nor does a
    file reference written as one token ("AOO/2015/LPA/CRYOSTAT.")."""
    text = (title or "").strip()
    return any(c.isalpha() for c in text) and not _REFERENCE.match(text)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def names_only(title: str | None, names: Iterable[str | None]) -> bool:
    """The title is only an organisation's name, as buyers write theirs where the procedure's title goes
    ("VZW AZ Jan Portaels" for AZ Jan Portaels): every word of it is one of the name's but a legal form (one short
    word of up to four letters, "VZW", "GmbH"), and it leaves out at most one word of the name."""
    words = set(_words(title or ""))
    for name in names:
        own = set(_words(name or ""))
        if not own or not words:
            continue
        extra = words - own
        if len(extra) <= 1 and all(len(w) <= 4 for w in extra) and len(words & own) >= max(1, len(own) - 1):
            return True
    return False


def title_from(text: str | None, limit: int = 160) -> str | None:
    """A title made of a description, for a notice whose own title is no title: its start, cut on a word."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text or None
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# "Detroit\,\, MI": The Events Calendar (WordPress, PRODID "ECPv…") and other exporters join an address's parts
# with commas, empty ones included.
_EMPTY_PARTS = re.compile(r"\s*,(?:\s*,)+")


def tidy_address(text: str | None) -> str | None:
    """`text` without the empty parts of a comma-joined address ("Detroit,, MI" -> "Detroit, MI")."""
    if not text or "," not in text:
        return text
    return _EMPTY_PARTS.sub(",", text).strip(" ,") or None
