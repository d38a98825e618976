"""HTML listings described only by selectors in the registry: the many regional and cultural sites without a feed.

Registry keys (all selectors are CSS, or XPath when they start with "/", "./" or "("; a list gives alternatives,
the first that finds something wins):
    item       one item on a list page                         "article.views-row"
    fields     {field: selector} read inside each item          {title = "h2 a", url = "h2 a::attr(href)"}
    link       the detail-page link inside an item (default: fields.url)
    next_page  the next list page                               "a[rel=next]::attr(href)"
    detail     {field: selector} read on each detail page       {summary = ".field--body"}

A selector that ends on elements (no ::text / ::attr / text()) gives the elements' whole text. Field names are raw
record fields (title, url, summary, location, organiser, city, postal_code, country, status, native_id) plus the
dates: `deadline` (-> deadline_at), `date`/`start` (-> starts_at), `end` (-> ends_at), `published` (-> published_at).

Dates: a date found as ISO 8601 text (e.g. from `time::attr(datetime)`) goes into its field as is. Any other date
text ("Date limite : 15 mars 2027") is NOT parsed here: it is appended to the summary as "Deadline: <text>" (or
"Date:", "End:", "Published:"), where refine's date extraction, which knows the languages and the traps of such
phrases, reads it. Parsing it here would duplicate that logic, and guessing wrong would hide the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from parsel import Selector, SelectorList
from w3lib.encoding import html_to_unicode

from spiders.parsers._text import absolute, stable_id
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang
from vigie.core.text import squash

FAMILY = "html_list"

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
# date field -> (raw record field, label used when the text is not ISO)
_DATES = {
    "deadline": ("deadline_at", "Deadline"),
    "deadline_at": ("deadline_at", "Deadline"),
    "date": ("starts_at", "Date"),
    "start": ("starts_at", "Date"),
    "starts_at": ("starts_at", "Date"),
    "end": ("ends_at", "End"),
    "ends_at": ("ends_at", "End"),
    "published": ("published_at", "Published"),
    "published_at": ("published_at", "Published"),
}
_TEXT_FIELDS = {
    "title",
    "summary",
    "location",
    "organiser",
    "city",
    "postal_code",
    "country",
    "status",
    "native_id",
    "language",
}
_KNOWN_FIELDS = _TEXT_FIELDS | set(_DATES) | {"url"}
# The date lines _apply() appends: a short line of their own (a paragraph that merely begins "Deadline:" is not one).
_NOTE = re.compile(r"^(?:Deadline|Date|End|Published): [^\n]{1,80}$", re.M)


def sniff(head: bytes, filename: str) -> bool:
    return False  # a listing is only ever read with the selectors its registry entry gives


# ---------------------------------------------------------------- selectors


def _page(body: bytes, url: str) -> Selector:
    if not body.strip():
        raise ParseError(f"{url or 'page'}: empty body, expected an HTML page")
    _, text = html_to_unicode(None, body)
    return Selector(text=text, base_url=url or None)


def _select(node: Selector, query: str, field: str) -> SelectorList:
    query = query.strip()
    try:
        return node.xpath(query) if query.startswith(("/", "./", "(")) else node.css(query)
    except Exception as exc:  # noqa: BLE001 - cssselect/lxml raise several types for a bad selector
        raise ParseError(f"selector for {field!r} is not valid CSS or XPath: {query!r} ({exc})") from None


def _values(node: Selector, selector: str | list[str] | None, field: str) -> list[str]:
    """Every non-empty string the selector finds (element results give their whole text); the first alternative
    of a list that finds something."""
    if not selector:
        return []
    for query in [selector] if isinstance(selector, str) else list(selector):
        found = []
        for result in _select(node, query, field):
            value = (
                result.get() if isinstance(result.root, str) else " ".join(result.xpath(".//text()").getall())
            )
            value = squash(value)
            if value:
                found.append(value)
        if found:
            return found
    return []


def _options(options: Mapping[str, Any] | None) -> Mapping[str, Any]:
    options = options or {}
    if not options.get("item") or not isinstance(options.get("fields"), Mapping) or not options["fields"]:
        raise ParseError("html_list needs `item` and `fields` selectors in its registry entry")
    for key in ("fields", "detail"):
        unknown = sorted(set(options.get(key) or {}) - _KNOWN_FIELDS)
        if unknown:
            raise ParseError(
                f"html_list {key} has unknown field(s) {', '.join(unknown)} "
                f"(known: {', '.join(sorted(_KNOWN_FIELDS))})"
            )
    return options


# ---------------------------------------------------------------- records


def _apply(record: dict, values: Mapping[str, list[str]], url: str, *, override: bool) -> dict:
    """Field values into a raw record. Dates that are not ISO become labelled lines of the summary."""
    notes: list[str] = []
    for field, found in values.items():
        if not found:
            continue
        if field == "url":
            if override or not record.get("url"):
                record["url"] = absolute(found[0], url)
        elif field in _DATES:
            target, label = _DATES[field]
            text = found[0]
            if _ISO.match(text):
                record[target] = text.replace("Z", "+00:00")
            else:
                notes.append(f"{label}: {text}")
        elif field == "summary":
            if override or not record.get("summary"):
                record["summary"] = "\n".join(found)
        elif field == "language":
            record["language"] = normalise_lang(found[0]) or record.get("language")
        elif override or not record.get(field):
            record[field] = found[0]
    for note in notes:
        summary = record.get("summary") or ""
        if note not in summary:
            record["summary"] = f"{summary}\n{note}".strip()
    return record


def _native_id(record: dict) -> str:
    return (
        record.get("native_id")
        or record.get("url")
        or stable_id(
            record.get("title"), record.get("deadline_at"), record.get("starts_at"), record.get("summary")
        )
    )


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    """The records a list page gives on its own (detail pages, when configured, complete them)."""
    options = _options(options)
    page = _page(body, url)
    items = _select(page, options["item"], "item") if isinstance(options["item"], str) else None
    if items is None:
        raise ParseError("html_list `item` should be one selector")
    if not items:
        raise ParseError(
            f"{url or source}: the item selector {options['item']!r} matched nothing "
            "(the site's layout may have changed)"
        )
    page_lang = normalise_lang(page.xpath("/html/@lang").get())
    for item in _outermost(items):
        values = {field: _values(item, sel, field) for field, sel in options["fields"].items()}
        if not values.get("title") and not values.get("url"):
            continue  # a block the item selector also matches (an ad, a teaser) without anything to announce
        record = new_raw(source, FAMILY, kind=options.get("kind"), language=page_lang)
        _apply(record, values, url, override=True)
        record["native_id"] = _native_id(record)
        yield record


def _outermost(items: SelectorList) -> list[Selector]:
    """Matched blocks that are not inside another matched block: an item selector that also matches its own
    inner parts would announce them twice, and on a page nested hundreds deep each block's text would be read
    again for every block around it (quadratic time, found by bench/fuzz.py)."""
    roots = {item.root for item in items if not isinstance(item.root, str)}
    kept = []
    for item in items:
        node = item.root if not isinstance(item.root, str) else None
        parent = node.getparent() if node is not None else None
        while parent is not None and parent not in roots:
            parent = parent.getparent()
        if parent is None:
            kept.append(item)
    return kept


def item_links(body: bytes, url: str, options: Mapping[str, Any]) -> list[str]:
    """Detail-page URLs of a list page, absolute, in page order, without repeats."""
    options = _options(options)
    page = _page(body, url)
    link = options.get("link") or options["fields"].get("url")
    if not link:
        raise ParseError("html_list with `detail` needs a `link` (or fields.url) selector")
    links: list[str] = []
    for item in _outermost(_select(page, options["item"], "item")):
        found = _values(item, link, "link")
        target = absolute(found[0], url) if found else None
        if target and target not in links:
            links.append(target)
    return links


def next_page(body: bytes, url: str, options: Mapping[str, Any]) -> str | None:
    """The next list page's URL, or None on the last page (or when it would loop back to this page)."""
    selector = (options or {}).get("next_page")
    if not selector:
        return None
    page = _page(body, url)
    for query in [selector] if isinstance(selector, str) else list(selector):
        for result in _select(page, query, "next_page"):
            href = result.get() if isinstance(result.root, str) else result.attrib.get("href")
            target = absolute(href, url)
            if target and target != url:
                return target
    return None


def parse_detail(body: bytes, url: str, options: Mapping[str, Any], base_record: dict | None) -> dict:
    """The list page's record completed with the detail page's fields (detail values win: they are the full
    text); without a list record, a record of the detail page alone (source from options["source"])."""
    options = options or {}
    selectors = options.get("detail") or {}
    unknown = sorted(set(selectors) - _KNOWN_FIELDS)
    if unknown:
        raise ParseError(f"html_list detail has unknown field(s) {', '.join(unknown)}")
    page = _page(body, url)
    record = (
        dict(base_record)
        if base_record
        else new_raw(str(options.get("source") or ""), FAMILY, kind=options.get("kind"))
    )
    values = {field: _values(page, sel, field) for field, sel in selectors.items()}
    notes = _NOTE.findall(record.get("summary") or "")
    _apply(record, values, url, override=True)
    for note in notes:  # the list page's date lines survive a fuller summary from the detail page
        if note not in (record.get("summary") or ""):
            record["summary"] = f"{record.get('summary') or ''}\n{note}".strip()
    record["url"] = record.get("url") or url
    if not record.get("language"):
        record["language"] = normalise_lang(page.xpath("/html/@lang").get())
    if not record.get("title") and not base_record:
        raise ParseError(f"{url}: the detail selectors found no title on this page")
    record["native_id"] = record.get("native_id") or _native_id(record)
    return record
