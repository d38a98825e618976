"""TED Search API v3: the request the spider sends (pure functions) and the JSON it gets back.

Request: POST https://api.ted.europa.eu/v3/notices/search with an expert query, the fields wanted, and
"paginationMode": "ITERATION" — the response carries `iterationNextToken`, sent back to get the next page, with no
15,000-notice ceiling (unlike page numbers). The spider adds "publication-date>=YYYYMMDD" for incremental runs.

Response: {"notices": [...], "totalNoticeCount": n, "iterationNextToken": str | null, "timedOut": bool}. Text fields
are maps keyed by ISO 639-2 language ("fra", "nld"...), their values a string or a list (one per lot or buyer);
other fields are a scalar or a list. One raw record per notice; `native_id` is the publication number
("449657-2026"), the same identity the eForms and R2 parsers give the notice.

Language: the API does not say which language a notice was written in; the buyer's name is only given in the
original language(s), so its first language is taken as the notice's, else English.

Errors: a body that is not JSON or has no `notices` list raises ParseError; a notice without a publication number is
yielded as read, and validation quarantines it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from spiders.parsers import _json, _xml
from spiders.parsers.ted_eforms import notice_type_status
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang

FAMILY = "ted"

SEARCH_URL = "https://api.ted.europa.eu/v3/notices/search"
MAX_LIMIT = 250  # the API refuses larger pages

# CPV divisions and groups where Smart's members (artists, technicians, consultants, trainers, designers) bid.
# A trailing * matches every code below the prefix.
MEMBER_CPV = (
    "22*",  # printed matter, books, publishing (authors, illustrators, graphic designers)
    "71*",  # architectural and engineering services, incl. design contests (architects, designers)
    "72*",  # IT services: web, software, digital (developers, web designers)
    "73*",  # research and development services (researchers, consultants)
    "79*",  # business services: 7934 advertising and marketing, 7941 consulting, 7953 translation,
    # 7996 photography, 7995 event organisation, 7982 printing, 7962 staffing
    "80*",  # education and training services (trainers, workshop leaders)
    "92*",  # recreational, cultural and sporting services: 921 film and video, 922 radio and TV,
    # 923 performing arts and entertainment, 925 libraries, archives, museums
    "373*",  # musical instruments
    "378*",  # handicraft and art supplies
)
# Belgian buyers or work performed in Belgium (a foreign buyer may order a show in Brussels)
DEFAULT_QUERY = (
    "(buyer-country IN (BEL) OR place-of-performance IN (BEL)) "
    f"AND classification-cpv IN ({' '.join(MEMBER_CPV)})"
)
# Field names the API is known to accept (it answers 400 to an unknown one); the parser also reads buyer-city,
# buyer-post-code, buyer-legal-type and title-lot/description-lot when a registry entry asks for them.
DEFAULT_FIELDS = [
    "publication-number",
    "notice-type",
    "form-type",
    "notice-title",
    "title-proc",
    "description-proc",
    "buyer-name",
    "buyer-country",
    "place-of-performance",
    "classification-cpv",
    "publication-date",
    "deadline-receipt-tender-date-lot",
    "deadline-receipt-tender-time-lot",
    "deadline-receipt-request-date-lot",
    "deadline-receipt-request-time-lot",
    "estimated-value-proc",
    "estimated-value-cur-proc",
    "estimated-value-lot",
    "estimated-value-cur-lot",
    "links",
]


def build_search_request(query: str, fields: list[str], page_token: str | None, limit: int) -> dict[str, Any]:
    """The POST body for SEARCH_URL: first page without a token, then with the previous response's token."""
    body: dict[str, Any] = {
        "query": query,
        "fields": list(fields),
        "limit": max(1, min(int(limit), MAX_LIMIT)),
        "scope": "ALL",
        "paginationMode": "ITERATION",
        "checkQuerySyntax": False,
    }
    if page_token:
        body["iterationNextToken"] = page_token
    return body


def next_page_token(body: bytes) -> str | None:
    """The token for the next page, or None on the last page (or when the body is not a search response: the
    parser reports that, the spider just stops)."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict) or not doc.get("notices"):
        return None  # an empty page ends the iteration even if a token came with it
    token = doc.get("iterationNextToken")
    return token if isinstance(token, str) and token else None


# the envelope's keys come after a page of notices, so the notices' own TED field names are looked for too
_SNIFF_KEYS = (
    '"totalNoticeCount"',
    '"iterationNextToken"',
    '"publication-number"',
    '"notice-title"',
    '"buyer-name"',
    '"classification-cpv"',
    '"notice-type"',
)


def sniff(head: bytes, filename: str = "") -> bool:
    if not _json.starts_like_json(head):
        return False
    text = _json.head_text(head)
    return '"notices"' in text and any(key in text for key in _SNIFF_KEYS)


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _str(value: Any) -> str | None:
    for v in _list(value):
        if v not in (None, ""):
            return " ".join(str(v).split())
    return None


def _lang_map(value: Any, joiner: str = "\n\n") -> dict[str, str]:
    """{iso639-1: text} from a language-keyed field; list values (one per lot) are joined, duplicates dropped."""
    if isinstance(value, str):
        return {"": value}
    if not isinstance(value, dict):
        return {}
    out: dict[str, str] = {}
    for key, v in value.items():
        lang = normalise_lang(key)
        parts = _xml.dedupe([" ".join(str(p).split()) for p in _list(v) if p is not None])
        if lang and parts and lang not in out:
            out[lang] = joiner.join(parts)
    return out


def _deadline(notice: Mapping[str, Any]) -> str | None:
    found = []
    # tenders, requests to participate, expressions of interest (PIN used as a call): the earliest is the first
    # step a member takes
    for date_key, time_key in (
        ("deadline-receipt-tender-date-lot", "deadline-receipt-tender-time-lot"),
        ("deadline-receipt-request-date-lot", "deadline-receipt-request-time-lot"),
        ("deadline-receipt-expressions-date-lot", "deadline-receipt-expressions-time-lot"),
    ):
        dates, times = _list(notice.get(date_key)), _list(notice.get(time_key))
        for i, day in enumerate(dates):
            clock = times[i] if i < len(times) and len(times) == len(dates) else None
            value = _xml.iso_datetime(str(day), str(clock) if clock else None)
            if value:
                found.append(value)
    return min(found, key=_xml.moment) if found else None


def _number(value: Any) -> float | None:
    try:
        return float(str(value).replace(" ", ""))
    except (TypeError, ValueError):
        return None


def _budget(notice: Mapping[str, Any]) -> tuple[float | None, str | None]:
    for amount_key, currency_key in (
        ("estimated-value-proc", "estimated-value-cur-proc"),
        ("estimated-value-lot", "estimated-value-cur-lot"),
    ):
        amounts = [a for a in (_number(v) for v in _list(notice.get(amount_key))) if a is not None]
        currencies = {str(c) for c in _list(notice.get(currency_key)) if c}
        if amounts and len(currencies) == 1:
            return sum(amounts), currencies.pop()
    return None, None


def _record(notice: Mapping[str, Any], *, source: str, options: Mapping[str, Any]) -> dict:
    number = _xml.publication_number(_str(notice.get("publication-number")))
    titles = _lang_map(notice.get("title-proc")) or _lang_map(notice.get("notice-title"))
    summaries = _lang_map(notice.get("description-proc")) or _lang_map(notice.get("description-lot"))
    buyers = notice.get("buyer-name")
    buyer_langs = [normalise_lang(k) for k in buyers] if isinstance(buyers, dict) else []
    known = [lang for lang in titles if lang]
    language = next((lang for lang in buyer_langs if lang in known), None) or (
        "en" if "en" in known else next(iter(known), options.get("language"))
    )
    # a plain string instead of a language map: the notice's own language, when the registry says which
    plain_title, plain_summary = titles.pop("", None), summaries.pop("", None)
    if language:
        titles.setdefault(language, plain_title or "")
        summaries.setdefault(language, plain_summary or "")
    texts = {
        lang: {"title": titles.get(lang, ""), "summary": summaries.get(lang, "")}
        for lang in dict.fromkeys([*titles, *summaries])
        if titles.get(lang) or summaries.get(lang)
    }

    organiser = None
    if isinstance(buyers, dict):
        names = buyers.get(next((k for k in buyers if normalise_lang(k) == language), ""), None) or next(
            iter(buyers.values()), None
        )
        organiser = _str(names)
    elif buyers:
        organiser = _str(buyers)

    places = [str(p).strip() for p in _list(notice.get("place-of-performance"))]
    country = _xml.country2(_str(notice.get("buyer-country"))) or next(
        (c for c in (_xml.country2(p) for p in places if len(p) == 3 and not p[2].isdigit()) if c), None
    )
    nuts = _xml.dedupe([_xml.nuts(p) for p in places if not (len(p) == 3 and _xml.country2(p))])
    notice_type = _str(notice.get("notice-type")) or ""
    form_type = _str(notice.get("form-type")) or ""
    links = notice.get("links") if isinstance(notice.get("links"), dict) else {}
    html = links.get("html") if isinstance(links.get("html"), dict) else {}
    page = (html.get("ENG") or next(iter(html.values()), None)) if html else None
    amount, currency = _budget(notice)
    main = texts.get(language or "", {"title": plain_title, "summary": plain_summary})

    return new_raw(
        source,
        FAMILY,
        kind=options.get("kind") or "tender",
        native_id=number,
        url=page or (_xml.notice_url(number) if number else None),
        title=main.get("title") or None,
        summary=main.get("summary") or None,
        language=language,
        texts=texts,
        published_at=_xml.iso_date(_str(notice.get("publication-date"))),
        deadline_at=_deadline(notice),
        organiser=organiser,
        organiser_type=_str(notice.get("buyer-legal-type")),
        postal_code=_str(notice.get("buyer-post-code")),
        city=_str(notice.get("buyer-city")),
        country=country,
        nuts=nuts,
        cpv=_xml.dedupe([_xml.cpv8(str(c)) for c in _list(notice.get("classification-cpv"))]),
        status=notice_type_status(notice_type, form_type),
        notice_type=notice_type or form_type or None,
        budget_amount=amount,
        budget_currency=currency,
        sectors=list(options.get("sectors") or []),
        regions=list(options.get("regions") or []),
        scope=options.get("scope"),
    )


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    doc = _json.load(body, "TED search response")
    if not isinstance(doc, dict) or not isinstance(doc.get("notices"), list):
        raise ParseError('not a TED Search API v3 response (no "notices" list)')
    for notice in doc["notices"]:
        if isinstance(notice, dict):
            yield _record(notice, source=source, options=options)
