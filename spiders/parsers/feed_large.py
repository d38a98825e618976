"""Large RSS/Atom feeds, read as a stream: bounded memory and time where feedparser is not.

feedparser builds its own Python-level parse of the whole document and reads about a megabyte a second, so a
50 MB archive feed takes minutes. Above LARGE_FEED_BYTES, lxml's iterparse reads entry by entry (each entry
freed once read) and gives each entry as the mapping feedparser would (title, link, id, published_parsed,
summary, content, language), so spiders.parsers.feed makes the same records from it. A large feed that is not
well-formed is read in libxml2's recovery mode: what can be read is kept, as feedparser does.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from spiders.parsers import _json
from spiders.parsers.feed_dates import localized_rfc822
from vigie.core.errors import ParseError

LARGE_FEED_BYTES = 4 * 2**20
_ENTRY = {"item", "entry"}  # RSS 0.9x/1.0/2.0 items, Atom entries
_CHANNEL = {"channel", "feed", "RDF"}
_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*encoding\s*=""")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el: etree._Element) -> str:
    return "".join(el.itertext()).strip()


def _inner(el: etree._Element) -> str:
    """An element's content as markup (Atom type="xhtml"/"html" content), its text otherwise."""
    if len(el):
        parts = [el.text or ""] + [etree.tostring(child, encoding="unicode") for child in el]
        return "".join(parts).strip()
    return (el.text or "").strip()


def _utc_tuple(value: str) -> tuple[int, ...] | None:
    """(year, month, day, hour, minute, second) in UTC from an RFC 822 or ISO 8601 date, as feedparser gives."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            moment = localized_rfc822(value)  # a month named in the feed's language
            if moment is None:
                return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).timetuple()[:6]


def _entry(el: etree._Element) -> dict[str, Any]:
    entry: dict[str, Any] = {"content": []}
    if el.get(_XML_LANG):
        entry["language"] = el.get(_XML_LANG)
    if el.get(_RDF_ABOUT):
        entry["id"] = el.get(_RDF_ABOUT)
    summary = ""
    permalink = True
    for child in el:
        name = _local(child.tag)
        if name == "title":
            entry["title"] = _text(child)
        elif name == "link":
            href = child.get("href")
            if href is not None:
                if child.get("rel", "alternate") == "alternate" and "link" not in entry:
                    # xml:base (lxml's .base) resolves a relative link the way feed readers do
                    entry["link"] = urljoin(child.base, href.strip()) if child.base else href.strip()
            elif _text(child):
                entry["link"] = _text(child)
        elif name in ("guid", "id"):
            entry["id"] = _text(child)
            permalink = child.get("isPermaLink", "true").strip().lower() != "false"
        elif name in ("pubDate", "published", "issued", "date", "updated", "modified"):
            key = "updated" if name in ("updated", "modified") else "published"
            entry.setdefault(key, _text(child))
        elif name in ("description", "summary"):
            summary = _inner(child)
        elif name in ("encoded", "content"):
            entry["content"].append({"value": _inner(child), "language": child.get(_XML_LANG)})
    entry["summary"] = summary
    if "link" not in entry and permalink and entry.get("id", "").startswith(("http://", "https://")):
        entry["link"] = entry["id"]  # feedparser's rule too: an entry without a link is at its URL id
    for key in ("published", "updated"):
        if entry.get(key):
            entry[f"{key}_parsed"] = _utc_tuple(entry[key])
    return entry


class LargeFeed:
    """One pass over a large feed: `entries()` yields feedparser-shaped entries; `language` and `link` are the
    channel's, known once read (RSS gives them before its items)."""

    def __init__(self, body: bytes, what: str) -> None:
        wide = _json.detect_encoding(body[:4])[0] != "utf-8"
        if not wide and not _DECLARED.match(body[:200]) and not _is_utf8(body):
            # No declared encoding and not UTF-8: what publishers mean is Windows-1252 (feedparser's guess too).
            body = body.decode("cp1252", errors="replace").encode("utf-8")
        self.body = body
        self.what = what
        self.language: str | None = None
        self.link: str | None = None

    def entries(self) -> Iterator[dict[str, Any]]:
        found = 0
        events = etree.iterparse(
            io.BytesIO(self.body),
            events=("end",),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            recover=True,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            for _, el in events:
                name = _local(el.tag)
                if name in _ENTRY:
                    found += 1
                    yield _entry(el)
                    el.clear()
                    parent = el.getparent()
                    while parent is not None and el.getprevious() is not None:
                        del parent[0]  # entries already read: memory stays one entry's
                elif name in ("language", "link", "title") and _local(_tag(el.getparent())) in _CHANNEL:
                    if name == "language" and self.language is None:
                        self.language = _text(el) or None
                    elif name == "link" and self.link is None:
                        self.link = el.get("href") or _text(el) or None
                    if self.language is None:  # Atom says it on the root: <feed xml:lang="fr">
                        self.language = el.getroottree().getroot().get(_XML_LANG)
        except etree.XMLSyntaxError as exc:
            if not found:
                msg = str(exc).splitlines()[0] if str(exc) else "syntax error"
                raise ParseError(f"{self.what}: broken feed, no entry could be read ({msg})") from None
        root = getattr(events, "root", None)
        if not found and (root is None or _local(root.tag) not in {"rss", *_CHANNEL}):
            raise ParseError(f"{self.what}: not an RSS or Atom feed")


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _tag(el: etree._Element | None) -> object:
    return el.tag if el is not None else None
