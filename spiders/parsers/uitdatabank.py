"""UiTdatabank (publiq, the Flemish cultural events database): responses of Search API v3 (`/events`, `/offers`,
`/places`, `/organizers`, with `embed=true`), a JSON-LD `PagedCollection` of offers.

Each event is one record, or one per date: a `multiple` calendar gives one record per `subEvent` (each has its
own status), `single` and `periodic` one record from startDate to endDate, `permanent` one record without dates
(flagged). Names and descriptions come per language (`name.nl`, `name.fr`…): every language given goes to
`texts`, the event's `mainLanguage` first. The venue (`location`, a Place with an address per language) and the
organiser (an Organizer with a name per language) are read in the event's language, else the venue's own.

Places and organisers on their own (a `/places` or `/organizers` search) are venues and publishers, not
opportunities: they yield no record. Offers that are not public (workflowStatus DRAFT, REJECTED, DELETED) yield
none either. status.type `Unavailable` is a cancellation, `TemporarilyUnavailable` a postponement (flagged:
the date shown is not the real one); bookingAvailability `Unavailable` is flagged `sold_out`.

The request side (client id from the environment, paging by `start`/`limit` up to `totalItems`) is here too,
as pure functions the spider calls.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from spiders.parsers import _json
from spiders.parsers._place import coordinates
from vigie.core.errors import MissingCredentialsError, ParseError
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang
from vigie.core.timezone import BRUSSELS

FAMILY = "uitdatabank"
ENV_CLIENT_ID = "VIGIE_UITDATABANK_CLIENT_ID"
SEARCH_URL = "https://search.uitdatabank.be/events/"
# The public page of an event, when the document gives none in sameAs.
PAGE_URL = "https://www.uitinvlaanderen.be/agenda/e/-/{}"
DEFAULT_PAGE_SIZE = 50

_NOT_PUBLIC = {"DRAFT", "REJECTED", "DELETED"}
_OLD_CONTEXT = re.compile(r'"@context"\s*:\s*"[^"]*/api/1\.0/event\.jsonld"')
_UITDATABANK_HOST = re.compile(r"(?:uitdatabank|uitinvlaanderen)\.(?:be|dev)\b")
_LANG_ORDER = ("nl", "fr", "en", "de")
_OFFER_ID = re.compile(r'"@id"\s*:\s*"[^"]*\\?/(?:event|place)\\?/[0-9a-f-]{36}"', re.I)


# --------------------------------------------------------------------------- requests


def client_id_from_env(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    client_id = (env.get(ENV_CLIENT_ID) or "").strip()
    if not client_id:
        raise MissingCredentialsError(
            f"UiTdatabank Search API needs a client id: set {ENV_CLIENT_ID} (publiq issues one on request)"
        )
    return client_id


def search_request(
    base_url: str, start: int, limit: int, client_id: str, query: str | None = None
) -> tuple[str, dict[str, str]]:
    """(url, headers) of one page: `embed=true` so each member is the whole document, not only its @id."""
    params: dict[str, Any] = {"embed": "true", "start": start, "limit": limit}
    if query:
        params["q"] = query
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}{urlencode(params)}", {"x-client-id": client_id, "Accept": "application/ld+json"}


def total_items(body: bytes) -> tuple[int, int]:
    """(totalItems, members on this page) of a response."""
    doc = _collection(_json.load(body, "UiTdatabank response"), "UiTdatabank response")
    return int(doc.get("totalItems") or 0), len(doc.get("member") or [])


# --------------------------------------------------------------------------- responses


def sniff(head: bytes, filename: str) -> bool:
    text = _json.head_text(head)
    return _json.starts_like_json(head) and (
        "io.uitdatabank.be" in text
        or "/contexts/event" in text
        or "uitdatabank" in filename.lower()
        # one event's document of the older API or another instance (io-acc, culudb-silex…): its context
        # `/api/1.0/event.jsonld`, or a name per language with a UiTdatabank address
        or bool(_OLD_CONTEXT.search(text))
        or ('"@context"' in text and bool(_UITDATABANK_HOST.search(text)))
        # an offer document without @context (udb3's own stores, a dev instance): `calendarType` is UiTdatabank's
        # word (schema.org has none), next to an @id naming the offer
        or ('"calendarType"' in text and bool(_OFFER_ID.search(text)))
    )


def _collection(doc: Any, what: str) -> Mapping[str, Any]:
    if isinstance(doc, Mapping) and isinstance(doc.get("member"), list):
        return doc
    if isinstance(doc, Mapping) and doc.get("@id"):
        return {"member": [doc], "totalItems": 1}  # one offer's own document
    if isinstance(doc, Mapping) and (doc.get("title") or doc.get("detail")):
        # Search API errors are RFC 7807 problem documents.
        raise ParseError(
            f"{what}: the API answered {doc.get('status', '')} {doc.get('title') or ''}: "
            f"{doc.get('detail') or ''}".strip().rstrip(":")
        )
    raise ParseError(f"{what}: not a UiTdatabank search response (no `member` list)")


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    what = url or source
    doc = _collection(_json.load(body, what), what)
    for member in doc["member"]:
        if isinstance(member, Mapping) and _is_event(member):
            yield from _records(member, source=source)


def _is_event(doc: Mapping[str, Any]) -> bool:
    marker = f"{doc.get('@id', '')} {doc.get('@context', '')} {doc.get('@type', '')}".lower()
    return "/event" in marker or marker.endswith(" event")


def _by_lang(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {"": value.strip()} if value.strip() else {}
    if not isinstance(value, Mapping):
        return {}
    out = {}
    for lang, text in value.items():
        code = normalise_lang(lang)
        if code and isinstance(text, str) and text.strip():
            out[code] = text.strip()
    return out


def _pick(by_lang: Mapping[str, Any], *preferred: str | None) -> Any:
    for lang in (*preferred, *_LANG_ORDER, *by_lang):
        if lang and lang in by_lang:
            return by_lang[lang]
    return by_lang.get("")


def _uuid(doc: Mapping[str, Any]) -> str:
    return str(doc.get("@id") or doc.get("id") or "").rstrip("/").rsplit("/", 1)[-1]


def _page(doc: Mapping[str, Any], uuid: str) -> str:
    for link in doc.get("sameAs") or []:
        if isinstance(link, str) and link.startswith(("https://", "http://")):
            return link
    return PAGE_URL.format(uuid)


def _venue(place: Any, lang: str | None) -> dict[str, Any]:
    if not isinstance(place, Mapping):
        return {}
    name = _pick(_by_lang(place.get("name")), lang, normalise_lang(place.get("mainLanguage")))
    addresses = place.get("address") if isinstance(place.get("address"), Mapping) else {}
    if addresses and "streetAddress" in addresses:
        addresses = {"": addresses}  # an address given once, not per language
    address = _pick(addresses, lang, normalise_lang(place.get("mainLanguage"))) or {}
    street, postal, city = (address.get(k) for k in ("streetAddress", "postalCode", "addressLocality"))
    parts = [name, street, " ".join(p for p in (postal, city) if p)]
    return {
        "location": ", ".join(p for p in parts if p) or None,
        "postal_code": postal,
        "city": city,
        "country": address.get("addressCountry"),
        **coordinates(place.get("geo")),
    }


def _terms(terms: Any) -> list[str]:
    """The labels of the event's type and themes ("Concert", "Klassieke muziek"): publiq's own classification."""
    return [
        str(term["label"]).strip()
        for term in (terms if isinstance(terms, list) else ())
        if isinstance(term, Mapping) and term.get("domain") in ("eventtype", "theme") and term.get("label")
    ]


def _records(event: Mapping[str, Any], *, source: str) -> Iterator[dict]:
    if str(event.get("workflowStatus") or "").upper() in _NOT_PUBLIC:
        return
    uuid = _uuid(event)
    names, descriptions = _by_lang(event.get("name")), _by_lang(event.get("description"))
    # documents of the older API have no mainLanguage: the language the event is named in
    lang = normalise_lang(event.get("mainLanguage")) or next((code for code in names if code), None)
    if not uuid or not names:
        return
    texts = {
        code: {"title": title, "summary": descriptions.get(code, "")} for code, title in names.items() if code
    }
    organiser = event.get("organizer") if isinstance(event.get("organizer"), Mapping) else {}
    flags = []
    if str((event.get("bookingAvailability") or {}).get("type", "")).lower() == "unavailable":
        flags.append("sold_out")
    base = new_raw(
        source,
        FAMILY,
        kind="event",
        native_id=uuid,
        url=_page(event, uuid),
        title=_pick(names, lang),
        summary=_pick(descriptions, lang),
        language=lang,
        texts=texts,
        published_at=event.get("availableFrom") or event.get("created"),
        organiser=_pick(_by_lang(organiser.get("name")), lang, normalise_lang(organiser.get("mainLanguage"))),
        **_venue(event.get("location"), lang),
        categories=_terms(event.get("terms")),
        raw_ref=str(event.get("@id") or ""),
    )
    calendar = str(event.get("calendarType") or "").lower()
    dates = [s for s in event.get("subEvent") or [] if isinstance(s, Mapping) and s.get("startDate")]
    if calendar == "multiple" and len(dates) > 1:
        for sub in dates:
            yield _dated(base, sub, event, flags, native_id=f"{uuid}/{_local_day(sub['startDate'])}")
    elif calendar == "permanent" or not event.get("startDate"):
        yield _dated(base, {}, event, [*flags, "permanent"], native_id=uuid)
    else:
        yield _dated(base, event, event, flags, native_id=uuid)


def _local_day(value: Any) -> str:
    """The Belgian day a date starts (23:00 UTC is the next day in Brussels): one id per local date."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)[:10]
    return (moment.astimezone(BRUSSELS) if moment.tzinfo else moment).date().isoformat()


def _dated(
    base: dict, when: Mapping[str, Any], event: Mapping[str, Any], flags: list[str], *, native_id: str
) -> dict:
    record = dict(base, native_id=native_id, flags=list(flags), texts=dict(base["texts"]))
    record["starts_at"] = when.get("startDate")
    record["ends_at"] = when.get("endDate")
    # A date's own status wins over the event's (one cancelled date of a series).
    status = str(((when.get("status") or event.get("status")) or {}).get("type") or "").lower()
    if status == "unavailable":
        record["status"] = "cancelled"
    elif status == "temporarilyunavailable":
        record["flags"].append("postponed")
    return record
