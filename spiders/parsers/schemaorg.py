"""HTML pages describing schema.org Events (Event and its subtypes: MusicEvent, EducationEvent, BusinessEvent,
Festival...) in JSON-LD or microdata, and JSON-LD documents of their own (an open-data agenda served as
`application/ld+json`: a list of Events, a `@graph`), claimed when their @context is schema.org's
(spiders.parsers.schemaorg_events finds the events).

JSON-LD is read block by block (a `<script type="application/ld+json">` each): one block with a JS comment, a raw
control character or a trailing comma is repaired when it can be (jstyleson, non-strict JSON) and skipped alone
when it cannot, so it never costs the page's other blocks or its microdata. Microdata comes from extruct. Events
are found at any depth (`@graph`, ItemList elements, an organisation's `event` list). An event given in both syntaxes
(common on WordPress agendas) is one record: the JSON-LD values first, gaps filled from microdata.

Sniffing sees only the first 4 KiB, where a page's JSON-LD rarely is: any HTML document is claimed, then `claims`
looks for an Event type in the whole page, and detection sends a page without one to single_page. A page read as
this family that holds no event (JSON-LD `null`, an article) gives no records: valid, with nothing to announce.
eventStatus EventCancelled gives status "cancelled". EventPostponed and EventRescheduled keep no status (the item
schema has none for them) but get the flag "postponed": schema.org keeps the original startDate on a postponed
event, and a rescheduled one has moved, which readers must be told.

Time zone of naive times: the place's, see spiders.parsers._place: its coordinates (geo) when they agree with its
address, else its address (addressCountry, a US addressRegion, an addressLocality that names a country, a country or
US state at the end of the address text), else a US postal address elsewhere in the page; otherwise the raw-record
convention (Europe/Brussels). `country` comes from the same place (from the coordinates when the address has none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from spiders.parsers import _place as places
from spiders.parsers import schemaorg_events as found_in
from spiders.parsers._text import absolute, html_tree, looks_like_html, stable_id
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang
from vigie.core.text import squash

FAMILY = "jsonld"

_DATE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$",
    re.I,
)
_POSTPONED = ("eventpostponed", "eventrescheduled")
_HASH_ID = re.compile(r"^h[0-9a-f]{16}$")  # what stable_id() makes
_DATE_PREFIX = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")


def sniff(head: bytes, filename: str) -> bool:
    return looks_like_html(head) or found_in.bare_jsonld(head)


def claims(body: bytes) -> bool:
    """Whether the page names a schema.org Event type (detection: an HTML page without one goes to single_page)."""
    return found_in.names_an_event(body)


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or source
    page_lang, page_place = None, None
    if looks_like_html(body[:4096]):
        tree = html_tree(body, what)
        page_lang = normalise_lang(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"))
        found = found_in.page(body, url, tree)
        page_place = places.in_page(
            " ".join(tree.xpath("//body//text()[not(ancestor::script or ancestor::style)]"))
        )
    else:  # a JSON-LD document of its own (application/ld+json): an Event, a list of them or a @graph
        found = found_in.document(body, what)
    # A page with no event (JSON-LD null, an article's markup) is a valid page with nothing to announce.
    records: list[dict] = []
    by_key: dict[object, dict] = {}
    for event in found:
        record = _record(
            event, source=source, url=url, page_lang=page_lang, options=options, place=page_place
        )
        if record is None:
            continue
        # The same event in JSON-LD and microdata may have a URL in one and not the other: (title, day) joins them.
        keys = [record["native_id"], ((record["title"] or "").lower(), (record["starts_at"] or "")[:10])]
        previous = next((by_key[k] for k in keys if k in by_key), None)
        if previous is None:
            records.append(record)
            previous = record
        else:
            _merge(previous, record)
        for key in keys:
            by_key.setdefault(key, previous)
    yield from records


# ---------------------------------------------------------------- mapping


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return next((v for v in value if v not in (None, "", [], {})), None)
    return value


def _string(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("alternateName")
        value = _first(value)
    return squash(value) if isinstance(value, str) else None


def _summary(value: Any) -> str | None:
    """The longest description given (microdata often repeats a short teaser and the full text)."""
    values = value if isinstance(value, list) else [value]
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    return max(texts, key=len) if texts else None


def _date(value: Any) -> str | None:
    """ISO 8601 from the dates pages really write ("2019-9-18T10:00", "2013-09-14T21:30", "...Z"); a time part that
    cannot be read ("2019-9-18T10-10-00-00") leaves the date alone rather than nothing."""
    text = _string(value) if not isinstance(_first(value), str) else _first(value)
    if not isinstance(text, str):
        return None
    match = _DATE.match(text)
    if not match:
        prefix = _DATE_PREFIX.match(text)
        return "{:04d}-{:02d}-{:02d}".format(*map(int, prefix.groups())) if prefix else None
    year, month, day, hour, minute, second, zone = match.groups()
    out = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    if hour is not None:
        out += f"T{int(hour):02d}:{minute}:{second or '00'}"
        if zone:
            digits = zone[1:].replace(":", "").ljust(4, "0")  # "+02", "+0200" and "+02:00" alike
            out += "+00:00" if zone.upper() == "Z" else f"{zone[0]}{digits[:2]}:{digits[2:]}"
    return out


def _place(location: Any, page_place: tuple[str, str | None] | None) -> dict[str, str | float | None]:
    """location, postal_code, city, country and the time zone of the event's naive times: from the address
    (addressCountry, addressRegion), else the address text, else a US address the page gives elsewhere."""
    place = _first(location)
    out: dict[str, str | float | None] = dict.fromkeys(
        ("location", "postal_code", "city", "country", "timezone")
    )
    country = state = None
    if isinstance(place, str):
        out["location"] = squash(place)
    elif isinstance(place, dict):
        address = _first(place.get("address"))
        parts = [_string(place.get("name"))]
        if isinstance(address, dict):
            out["postal_code"] = _string(address.get("postalCode"))
            out["city"] = _string(address.get("addressLocality"))
            country = places.country_code(_string(address.get("addressCountry")))
            state = places.us_state(_string(address.get("addressRegion")))
            country = country or ("US" if state else None) or places.locality_country(out["city"])
            city = " ".join(p for p in (out["postal_code"], out["city"]) if p) or None
            parts += [_string(address.get("streetAddress")), city]
        elif isinstance(address, str):
            parts.append(squash(address))
        out.update(places.coordinates(place.get("geo")))
        if not any(parts) and "virtuallocation" in found_in.types(place):
            parts.append(_string(place.get("url")) or "online")
        out["location"] = ", ".join(dict.fromkeys(p for p in parts if p)) or None
    found = (country, state) if country else places.in_text(out["location"])
    if found is None and out.get("latitude") is None:
        found = page_place  # an address elsewhere in the page is weaker evidence than the venue's coordinates
    country, state = found or (None, None)
    found = places.locate(country, state, out.get("latitude"), out.get("longitude"))
    out["country"], out["timezone"] = found[:2]
    if out.get("latitude") is not None:
        out["latitude"], out["longitude"] = found[2:]
    return out


def _status_name(value: Any) -> str:
    # Written as a URL, a bare name, a compact IRI ("schema:EventCancelled") or a node {"@id": ...}.
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@id") or value.get("name")
    return (_string(value) or "").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower()


def _status(value: Any) -> str | None:
    return "cancelled" if _status_name(value) == "eventcancelled" else None


def _record(
    event: Mapping[str, Any],
    *,
    source: str,
    url: str,
    page_lang: str | None,
    options: Mapping[str, Any],
    place: tuple[str, str | None] | None,
) -> dict | None:
    title = _string(event.get("name"))
    starts_at = _date(event.get("startDate"))
    own_url = absolute(_string(event.get("url")), url)
    ident = _first(event.get("@id"))
    ident = absolute(ident, url) if isinstance(ident, str) and not ident.startswith("_:") else None
    if not (title or starts_at or own_url):
        return None  # an empty item (`{"@type": "Event"}`) carries nothing to announce
    native_id = own_url or ident or stable_id(url, title, starts_at)
    return new_raw(
        source,
        FAMILY,
        kind=options.get("kind") or "event",
        native_id=native_id,
        url=own_url or ident or url or None,
        title=title,
        summary=_summary(event.get("description")),
        starts_at=starts_at,
        ends_at=_date(event.get("endDate")),
        organiser=_string(event.get("organizer")),
        language=normalise_lang(_string(event.get("inLanguage"))) or page_lang,
        status=_status(event.get("eventStatus")),
        flags=["postponed"] if _status_name(event.get("eventStatus")) in _POSTPONED else [],
        # its type ("musicevent", "theaterevent"...) and the publisher's own keywords ("Theatre", "Film")
        categories=[t for t in found_in.types(event) if t != "event"] + found_in.keywords(event),
        raw_ref=ident,
        **_place(event.get("location"), place),
    )


def _merge(first: dict, second: dict) -> dict:
    """The same event read twice: the first reading wins, the second fills its gaps; a date with a time beats the
    same date without one."""
    if _HASH_ID.match(first["native_id"]) and not _HASH_ID.match(second["native_id"]):
        first["native_id"], first["url"] = second["native_id"], second["url"]  # a real URL beats a hash
    for key, value in second.items():
        empty = first.get(key) in (None, "", [], {})
        finer = (
            key in ("starts_at", "ends_at")
            and isinstance(value, str)
            and isinstance(first[key], str)
            and len(value) > len(first[key])
            and value.startswith(first[key])
        )
        if empty or finer:
            first[key] = value
    return first
