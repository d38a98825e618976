"""RSS 0.9x/1.0/2.0, Atom and JSON Feed 1.0/1.1.

XML feeds go through feedparser, always given the bytes (never a URL or a path: feedparser would fetch or open it)
so that it sniffs the encoding itself (declared, BOM, cp1252/ISO-8859-1/windows-1251/GB2312 fallbacks) and
survives the usual damage: no or broken XML declaration, whitespace before it, unescaped ampersands, a cut CDATA.
On such damage feedparser sets `bozo` and switches to its lenient parser; the entries it could still read are
kept, and only a feed that gave nothing at all is a ParseError.

The feed URL is given to feedparser as the document's location, so relative links and `xml:base` resolve the way
a feed reader resolves them. Dates come from feedparser as UTC struct_time and are written with "+00:00"; an
unparseable date leaves `published_at` empty but keeps the entry. `kind` is the registry's: a feed does not say
whether it announces calls or events. An event's own dates, place and coordinates come from the RSS event module and
geo elements when the entry has them (spiders.parsers.feed_event), else they stay in its text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from spiders.parsers import _json, feed_event, feed_large
from spiders.parsers._text import absolute, first_markup, head_text, stable_id
from spiders.parsers.feed_dates import localized_rfc822
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang
from vigie.core.text import squash

FAMILY = "feed"

_ROOT = re.compile(r"<(?:[\w-]+:)?(rss|feed|RDF)\b", re.I)
# JSON Feed: its version URL, slashes escaped or not (PHP's json_encode writes "https:\/\/jsonfeed.org\/version\/1"), or,
# for feeds that leave the version out, the keys only JSON Feed has.
_JSONFEED = re.compile(r'"version"\s*:\s*"https?:(?:\\?/){2}jsonfeed\.org(?:\\?/)version')
_JSONFEED_KEYS = re.compile(r'"(?:feed_url|home_page_url)"\s*:')
# feedparser reports these as bozo although the document was read completely.
_HARMLESS = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
_EVENT_KEYS = ("ev_", "geo_", "georss_")
_ENTRY_START = re.compile(rb"<(?:[\w-]+:)?(?:item|entry)[\s>]", re.I)
_ENTRY_END = re.compile(rb"</(?:[\w-]+:)?(?:item|entry)\s*>", re.I)
_ROOT_END = re.compile(rb"</(?:[\w-]+:)?(?:rss|feed|RDF)\s*>\s*$", re.I)
_ATOM_OR_RSS_NS = (
    "http://www.w3.org/2005/Atom",
    "purl.org/atom/ns#",  # Atom 0.3 (2003-2005), still served by old Blogger and wiki exports
    "purl.org/rss",
    "my.netscape.com/rdf",
    "backend.userland.com",
)


def sniff(head: bytes, filename: str) -> bool:
    text = head_text(head)
    if _json.starts_like_json(head):
        return bool(_JSONFEED.search(text) or _JSONFEED_KEYS.search(text))
    match = _ROOT.match(first_markup(text))
    if not match:
        return False
    root = match.group(1).lower()
    # An Atom <feed> or an RDF document is a feed only with the Atom/RSS namespace (RDF is used for much else).
    return root == "rss" or any(ns in text for ns in _ATOM_OR_RSS_NS)


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or source
    if not body.strip():
        raise ParseError(f"{what}: empty body, expected an RSS, Atom or JSON feed")
    if _json.starts_like_json(body[:64]):
        yield from _json_feed(body, source=source, url=url, options=options, what=what)
    else:
        yield from _xml_feed(body, source=source, url=url, options=options, what=what)


# ---------------------------------------------------------------- RSS and Atom (feedparser)


def _bozo_reason(exc: object) -> str:
    if exc is None:
        return "no RSS or Atom element found"
    message = str(getattr(exc, "getMessage", lambda: exc)()) or type(exc).__name__
    line = getattr(exc, "getLineNumber", lambda: None)()
    return f"{message} at line {line}" if line else message


def _xml_feed(body: bytes, *, source: str, url: str, options: Mapping[str, Any], what: str) -> Iterator[dict]:
    if len(body) >= feed_large.LARGE_FEED_BYTES:  # feedparser would take minutes: streamed instead
        large = feed_large.LargeFeed(body, what)
        complete = complete_entries(body)
        entries = large.entries()
        for entry in entries if complete is None else itertools.islice(entries, complete):
            base = url or large.link or ""
            yield _entry_record(
                entry, source=source, base=base, feed_lang=normalise_lang(large.language), options=options
            )
        return
    headers = {"content-location": url} if url else None
    try:
        parsed = feedparser.parse(body, response_headers=headers)
    except Exception as exc:  # feedparser is lenient by design; anything escaping it is a broken document
        raise ParseError(f"{what}: not a readable feed ({type(exc).__name__}: {str(exc)[:120]})") from None
    complete = complete_entries(body)
    if complete is not None:  # cut short: the entries before the cut, not what is left of the cut one
        parsed.entries = parsed.entries[:complete]
    if not parsed.entries:
        damaged = parsed.bozo and not isinstance(parsed.get("bozo_exception"), _HARMLESS)
        if complete is not None and (parsed.version or parsed.feed.get("title") or parsed.feed.get("link")):
            return  # cut inside its first entry: a feed with no entry read, as one cut after its channel
        if damaged and _ENTRY_START.search(body):
            raise ParseError(
                f"{what}: broken feed, an entry is cut short and none could be read "
                f"({_bozo_reason(parsed.get('bozo_exception'))})"
            )
        if not parsed.version and not (parsed.feed.get("title") or parsed.feed.get("link")):
            raise ParseError(f"{what}: not an RSS or Atom feed")
        return  # a feed with no entry today (even one cut after its channel): an empty yield, which health reports
    feed_lang = normalise_lang(parsed.feed.get("language"))
    base = url or parsed.feed.get("link") or ""
    records = [
        _entry_record(e, source=source, base=base, feed_lang=feed_lang, options=options)
        for e in parsed.entries
    ]
    # An entry with neither title, link nor text is what is left of a cut item: it still goes on, so refine
    # quarantines it with its reason and the source's health counts it, instead of it vanishing here.
    if not any(r["title"] or r["url"] or r["summary"] for r in records) and parsed.bozo:
        raise ParseError(
            f"{what}: broken feed, an entry is cut short and none could be read "
            f"({_bozo_reason(parsed.get('bozo_exception'))})"
        )
    yield from records


def complete_entries(body: bytes) -> int | None:
    """How many entries a feed cut short holds before its cut (None when it is not cut: its root element is closed,
    or every entry it opens is closed). A cut file is what a download stopped midway leaves."""
    if _json.starts_like_json(body[:64]) or _ROOT_END.search(body[-512:]):
        return None
    opened, closed = len(_ENTRY_START.findall(body)), len(_ENTRY_END.findall(body))
    return closed if opened > closed else None


def notes(body: bytes) -> list[str]:
    """What `vigie parse` says about a feed besides its items: that it is cut short, and where."""
    complete = complete_entries(body)
    if complete is None:
        return []
    kept = (
        f"the {complete} entries before the cut are kept"
        if complete > 1
        else "the entry before the cut is kept"
        if complete
        else "no entry was complete before it"
    )
    return [f"the feed is cut short inside entry {complete + 1}: {kept}"]


def _utc(struct: Any) -> str | None:
    if not struct:
        return None
    try:
        return datetime(*struct[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _longest_text(entry: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(text, language) of the richest body: content:encoded / Atom content when longer than the description."""
    candidates = [(c.get("value") or "", c.get("language")) for c in entry.get("content") or []]
    detail = entry.get("summary_detail") or {}
    candidates.append((entry.get("summary") or "", detail.get("language")))
    text, language = max(candidates, key=lambda c: len(c[0].strip()))
    return (text.strip() or None), language


def _entry_record(
    entry: Mapping[str, Any], *, source: str, base: str, feed_lang: str | None, options: Mapping[str, Any]
) -> dict:
    title = squash(entry.get("title"))
    summary, summary_lang = _longest_text(entry)
    # dict.get: FeedParserDict maps a missing key to another with a DeprecationWarning; the plain lookup does not
    published = _utc(dict.get(entry, "published_parsed")) or _utc(dict.get(entry, "updated_parsed"))
    if not published and (moment := localized_rfc822(entry.get("published") or entry.get("updated"))):
        published = moment.isoformat()  # "Seg, 24 Set 2018 …": a month named in the feed's language
    link = absolute(entry.get("link"), base)
    native_id = (
        squash(entry.get("id"))
        or link
        or stable_id(title, entry.get("published") or entry.get("updated"), summary)
    )
    title_lang = (entry.get("title_detail") or {}).get("language")
    language = (
        normalise_lang(entry.get("language"))
        or normalise_lang(title_lang)
        or normalise_lang(summary_lang)
        or feed_lang
    )
    record = _record(
        source, options, native_id, link, title, summary, language, published, squash(entry.get("id"))
    )
    if any(key.startswith(_EVENT_KEYS) for key in entry):  # RSS event module, W3C geo, GeoRSS
        record.update(feed_event.fields({key: dict.get(entry, key) for key in entry}))
    return record


def _record(source: str, options: Mapping[str, Any], native_id: str, *fields: str | None) -> dict:
    """The raw record of one RSS/Atom entry or JSON Feed item: url, title, summary, language, published_at and
    raw_ref in that order; the kind is the registry's (a feed does not say)."""
    names = ("url", "title", "summary", "language", "published_at", "raw_ref")
    return new_raw(
        source, FAMILY, kind=options.get("kind"), native_id=native_id, **dict(zip(names, fields, strict=True))
    )


# ---------------------------------------------------------------- JSON Feed


def _rfc3339(value: object) -> str | None:
    """JSON Feed dates are RFC 3339; one that does not parse is dropped, as for RSS/Atom."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:  # publishers carry their RSS habits over: "Fri, 31 May 2019 12:17:58 -0700"
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return moment.isoformat()


def _json_feed(
    body: bytes, *, source: str, url: str, options: Mapping[str, Any], what: str
) -> Iterator[dict]:
    document = _json.load(body, what)
    versioned = isinstance(document, dict) and str(document.get("version", "")).startswith(
        ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
    )
    unversioned = (
        isinstance(document, dict)
        and "version" not in document
        and any(key in document for key in ("feed_url", "home_page_url"))
    )
    if not (versioned or unversioned):
        raise ParseError(f"{what}: JSON but not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError(f"{what}: JSON Feed without an items list")
    base = url or document.get("home_page_url") or document.get("feed_url") or ""
    feed_lang = normalise_lang(document.get("language"))
    for item in items:
        if not isinstance(item, dict):
            continue
        title = squash(item.get("title"))
        texts = [
            t
            for t in (item.get("content_html"), item.get("content_text"), item.get("summary"))
            if isinstance(t, str) and t.strip()
        ]
        summary = max(texts, key=len).strip() if texts else None
        published = _rfc3339(item.get("date_published")) or _rfc3339(item.get("date_modified"))
        link = absolute(item.get("url") or item.get("external_url"), base)
        item_id = item.get("id")
        native_id = (
            (str(item_id).strip() if item_id not in (None, "") else None)
            or link
            or stable_id(title, item.get("date_published"), summary)
        )
        language = normalise_lang(item.get("language")) or feed_lang
        yield _record(source, options, native_id, link, title, summary, language, published, native_id)
