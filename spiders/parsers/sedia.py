"""EU Funding & Tenders portal: responses of the SEDIA search API (the API the portal's own search page calls).

    POST https://api.tech.ec.europa.eu/search-api/prod/rest/search?apiKey=SEDIA&text=***&pageSize=..&pageNumber=..
    multipart/form-data parts, each application/json: query (Elasticsearch-like bool query), languages, sort

Quirks of the format, all handled here:
- every `metadata` value is a list of strings, even single values;
- a topic has one or several cut-off dates (`deadlineDate`); the next one to come is the deadline;
- `status` is a code (31094501 forthcoming, 31094502 open, 31094503 closed) and is stale in old index rows;
- `actions` and `budgetOverview` are JSON documents packed inside strings, sometimes cut short by the index;
- `descriptionByte` is HTML (refine cleans it);
- the same topic comes back several times (the SEDIA and SEDIA_PRD_CENTRICITY databases, or one row per language):
  rows are merged per identifier within a response.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

from spiders.parsers import _json
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.timezone import BRUSSELS, TIMEZONE

FAMILY = "sedia"

SEARCH_URL = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
PORTAL = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities"
TOPIC_URL = PORTAL + "/topic-details/{}"
TENDER_URL = PORTAL + "/tender-details/{}"

# What the portal's "calls for proposals" and "calls for tenders" pages ask for: grants, tenders, cascade
# funding, forthcoming or open, newest opening first.
DEFAULT_QUERY: dict[str, Any] = {
    "bool": {
        "must": [
            {"terms": {"type": ["1", "2", "8"]}},
            {"terms": {"status": ["31094501", "31094502"]}},
        ]
    }
}
DEFAULT_SORT = {"field": "sortStatus", "order": "ASC"}

TYPE_KINDS = {"1": "call", "2": "tender", "8": "call"}
STATUS_CODES = {"31094501": "forthcoming", "31094502": "open", "31094503": "closed"}

# Identifier prefix -> programme, for the organiser line (the `frameworkProgramme` field is an opaque number).
PROGRAMMES = {
    "HORIZON": "Horizon Europe",
    "CREA": "Creative Europe",
    "ERASMUS": "Erasmus+",
    "CERV": "Citizens, Equality, Rights and Values",
    "DIGITAL": "Digital Europe",
    "LIFE": "LIFE",
    "EU4H": "EU4Health",
    "SMP": "Single Market Programme",
    "CEF": "Connecting Europe Facility",
    "EMFAF": "European Maritime, Fisheries and Aquaculture Fund",
    "AGRIP": "Promotion of agricultural products",
    "I3": "Interregional Innovation Investments",
    "EDF": "European Defence Fund",
    "INNOVFUND": "Innovation Fund",
    "JUST": "Justice Programme",
    "AMIF": "Asylum, Migration and Integration Fund",
    "ISF": "Internal Security Fund",
    "BMVI": "Border Management and Visa Instrument",
    "UCPM": "Union Civil Protection Mechanism",
    "RFCS": "Research Fund for Coal and Steel",
    "EUAF": "Union Anti-Fraud Programme",
    "PPPA": "Pilot projects and preparatory actions",
    "SOCPL": "Social prerogatives and specific competencies",
    "ESF": "European Social Fund+",
    "EURATOM": "Euratom Research and Training Programme",
    "EUSPA": "EU Space Programme",
    "RENEWFM": "Renewable Energy Financing Mechanism",
    "IMREF": "Interregional Innovation Investments",
}
FRAMEWORK_PROGRAMMES = {"43108390": "Horizon Europe"}

_ACTION_START = re.compile(r'\{\s*"action"\s*:')


def sniff(head: bytes, filename: str) -> bool:
    if not _json.starts_like_json(head):
        return False
    text = _json.head_text(head)
    if '"results"' not in text:
        return False
    return any(
        marker in text
        for marker in ('"DATASOURCE"', '"callIdentifier"', "funding-tenders/opportunities", '"apiVersion"')
    )


# ---------------------------------------------------------------- requests (pure: the spider sends them)


def build_search_request(
    text: str,
    query: dict | None,
    page: int,
    page_size: int,
    languages: tuple[str, ...] = ("en",),
    sort: dict | None = None,
) -> tuple[str, dict]:
    """(URL, form parts) of one search page. Each form part is a JSON string to send as an application/json part
    of a multipart/form-data body (see encode_multipart); `page` counts from 1 like the API's pageNumber."""
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size start at 1")
    params = {"apiKey": "SEDIA", "text": text or "***", "pageSize": page_size, "pageNumber": page}
    parts = {
        "query": json.dumps(DEFAULT_QUERY if query is None else query, separators=(",", ":")),
        "languages": json.dumps(list(languages)),
        "sort": json.dumps(sort or DEFAULT_SORT, separators=(",", ":")),
    }
    return f"{SEARCH_URL}?{urlencode(params)}", parts


def encode_multipart(parts: Mapping[str, str], boundary: str = "vigie-sedia-form") -> tuple[bytes, str]:
    """(body, Content-Type header) of a multipart/form-data request whose parts are JSON, as the portal sends."""
    lines: list[str] = []
    for name, value in parts.items():
        lines += [
            f"--{boundary}",
            f'Content-Disposition: form-data; name="{name}"; filename="blob"',
            "Content-Type: application/json",
            "",
            value,
        ]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("utf-8"), f"multipart/form-data; boundary={boundary}"


def total_results(body: bytes) -> int:
    """The number of results the query matches (to know how many pages to ask for)."""
    doc = _json.load(body, "SEDIA response")
    if not isinstance(doc, dict) or not isinstance(doc.get("totalResults"), int):
        raise ParseError("SEDIA response: no integer 'totalResults', not a search API response")
    return doc["totalResults"]


# ---------------------------------------------------------------- parsing


def _values(metadata: Mapping[str, Any], key: str) -> list[str]:
    value = metadata.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    return [str(v).strip() for v in value if v is not None and str(v).strip()]


def _first(metadata: Mapping[str, Any], key: str) -> str | None:
    values = _values(metadata, key)
    return values[0] if values else None


def _local_date(value: str) -> str | None:
    """A SEDIA timestamp as a Vigie date string. The index labels wall-clock Brussels times as +0000 (a topic closing
    "17:00:00 Brussels time" reads "17:00:00.000+0000"), so the offset is dropped and the time read as Brussels local;
    a bare midnight means the index only knows the day, so only the date is kept."""
    match = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}:\d{2}))?", value)
    if not match:
        return None
    day, clock = match.groups()
    if not clock or clock == "00:00:00":
        return day
    return f"{day}T{clock}"


def _moment(value: str) -> datetime:
    """The instant a Vigie date string stands for (a date-only deadline ends at the end of that day)."""
    if "T" in value:
        return datetime.fromisoformat(value).replace(tzinfo=BRUSSELS)
    return datetime.combine(date.fromisoformat(value), time(23, 59, 59), BRUSSELS)


def _packed(metadata: Mapping[str, Any], key: str) -> Any:
    raw = _first(metadata, key)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return None


def _budget(metadata: Mapping[str, Any], identifier: str) -> float | None:
    """Indicative budget of this topic: the yearly amounts of the budgetOverview actions that belong to it.

    The index sometimes cuts the packed string short; complete action objects are still read one by one."""
    raw = _first(metadata, "budgetOverview")
    if not raw:
        return None
    actions: list[dict] = []
    try:
        overview = json.loads(raw)
        for entries in (overview.get("budgetTopicActionMap") or {}).values():
            actions += [e for e in entries if isinstance(e, dict)]
    except (json.JSONDecodeError, AttributeError):
        decoder = json.JSONDecoder()
        for match in _ACTION_START.finditer(raw):
            try:
                entry, _ = decoder.raw_decode(raw, match.start())
            except json.JSONDecodeError:
                continue
            actions.append(entry)
    total, found = 0.0, False
    for entry in actions:
        action = str(entry.get("action", ""))
        if action != identifier and not action.startswith(identifier + " "):
            continue
        for amount in (entry.get("budgetYearMap") or {}).values():
            try:
                total += float(amount)
                found = True
            except (TypeError, ValueError):
                continue
    return total if found else None


def _programme(metadata: Mapping[str, Any], identifier: str) -> str | None:
    prefix = identifier.split("-", 1)[0].upper()
    if prefix in PROGRAMMES:
        return PROGRAMMES[prefix]
    return FRAMEWORK_PROGRAMMES.get(_first(metadata, "frameworkProgramme") or "")


def _page_url(result: Mapping[str, Any], metadata: Mapping[str, Any], identifier: str, type_code: str) -> str:
    # Rows of the SEDIA_PRD_CENTRICITY database point at a JSON data file, not at a page a person can read.
    for candidate in (result.get("url"), _first(metadata, "url")):
        if isinstance(candidate, str) and "/portal/screen/" in candidate:
            return candidate
    if type_code == "2":
        cft = _first(metadata, "cftId")
        if cft and cft != "0":
            return TENDER_URL.format(cft)
    return TOPIC_URL.format(identifier)


def _row_rank(result: Mapping[str, Any]) -> tuple[int, int]:
    """Which duplicate row to read: the live SEDIA database before the older CENTRICITY copy, then the richest."""
    metadata = result.get("metadata") or {}
    source = (_first(metadata, "DATASOURCE") or _first(metadata, "datasource") or "").upper()
    return (1 if source == "SEDIA" else 0, len(metadata))


def _now(options: Mapping[str, Any]) -> datetime:
    now = options.get("now")
    if isinstance(now, datetime):
        return now if now.tzinfo else now.replace(tzinfo=UTC)
    if isinstance(now, str):
        parsed = datetime.fromisoformat(now)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _status(code: str | None, opening: str | None, deadlines: list[str], now: datetime) -> str | None:
    """The status code, corrected by the dates: old index rows keep "forthcoming" long after the last cut-off."""
    status = STATUS_CODES.get(code or "")
    if status == "closed" or not deadlines:
        return status
    if all(_moment(d) < now for d in deadlines):
        return "closed"
    if status in (None, "forthcoming") and opening and _moment(opening) <= now:
        return "open"
    if status is None and opening and _moment(opening) > now:
        return "forthcoming"
    return status


def _note(
    opening: str | None,
    deadlines: list[str],
    model: str | None,
    call_id: str | None,
    call_title: str | None,
    budget: float | None,
) -> str:
    def shown(value: str) -> str:
        return value.replace("T", " ")[:16] + " (Brussels time)" if "T" in value else value

    parts = []
    if call_title == call_id:
        call_title = None
    if call_id or call_title:
        parts.append("Call: " + " – ".join(p for p in (call_id, call_title) if p) + ".")
    if opening:
        parts.append(f"Opening: {opening}.")
    if deadlines:
        label = "Deadline" if len(deadlines) == 1 else "Cut-off dates"
        parts.append(f"{label}{f' ({model})' if model else ''}: {', '.join(shown(d) for d in deadlines)}.")
    if budget:
        parts.append(f"Indicative budget: EUR {budget:,.0f}.")
    return "<p>" + " ".join(parts) + "</p>" if parts else ""


def _record(
    rows: list[Mapping[str, Any]], identifier: str, *, source: str, options: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    best = max(rows, key=_row_rank)
    metadata: Mapping[str, Any] = best.get("metadata") or {}
    type_code = _first(metadata, "type") or ""
    actions = _packed(metadata, "actions")
    action = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}

    raw_deadlines = _values(metadata, "deadlineDate") or [str(d) for d in action.get("deadlineDates") or []]
    deadlines = sorted({d for d in (_local_date(v) for v in raw_deadlines) if d}, key=_moment)
    future = [d for d in deadlines if _moment(d) >= now]
    deadline = future[0] if future else (deadlines[-1] if deadlines else None)

    opening_raw = _first(metadata, "startDate") or action.get("plannedOpeningDate")
    opening = _local_date(str(opening_raw)) if opening_raw else None
    code = _first(metadata, "status") or str((action.get("status") or {}).get("id") or "") or None

    texts: dict[str, dict[str, str]] = {}
    for row in sorted(rows, key=_row_rank, reverse=True):
        md = row.get("metadata") or {}
        lang = (_first(md, "language") or row.get("language") or options.get("language") or "en").lower()[:2]
        title = _first(md, "title") or row.get("summary") or _first(md, "callTitle")
        if lang not in texts and title:
            texts[lang] = {"title": str(title).strip(), "summary": _first(md, "descriptionByte") or ""}
    language = "en" if "en" in texts else next(iter(texts), options.get("language") or "en")

    budget = _budget(metadata, identifier)
    note = _note(
        opening,
        deadlines,
        _first(metadata, "deadlineModel"),
        _first(metadata, "callIdentifier"),
        _first(metadata, "callTitle"),
        budget,
    )
    main = texts.get(language, {"title": None, "summary": ""})
    summary = "\n".join(p for p in (main["summary"], note) if p) or None
    if language in texts:
        texts[language] = {"title": main["title"], "summary": summary or ""}

    programme = _programme(metadata, identifier)
    published = opening if opening and _moment(opening) <= now else None
    return new_raw(
        source,
        FAMILY,
        kind=TYPE_KINDS.get(type_code) or options.get("kind") or "call",
        native_id=identifier,
        url=_page_url(best, metadata, identifier, type_code),
        title=main["title"],
        summary=summary,
        language=language,
        texts=texts,
        published_at=published,
        deadline_at=deadline,
        starts_at=opening,  # refine reads a call's starts_at as its opening date (forthcoming until then)
        timezone=TIMEZONE,
        organiser=f"European Commission – {programme}" if programme else "European Commission",
        organiser_type="eu-institution",
        status=_status(code, opening, deadlines, now),
        notice_type={"1": "call-for-proposals", "2": "call-for-tenders", "8": "cascade-funding"}.get(
            type_code
        ),
        budget_amount=budget,
        budget_currency="EUR" if budget is not None else None,
        sectors=list(options.get("sectors") or []),
        regions=list(options.get("regions") or []),
        scope=options.get("scope") or "european",
    )


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or "SEDIA response"
    doc = _json.load(body, what)
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise ParseError(f"{what}: not an EU Funding & Tenders search response (no 'results' list)")
    now = _now(options)
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for result in doc["results"]:
        if not isinstance(result, dict):
            continue
        metadata = result.get("metadata")
        if not isinstance(metadata, dict):
            metadata = {}
            result = {**result, "metadata": metadata}
        type_code = _first(metadata, "type")
        # The search index also holds news, FAQs and documents; only grants, tenders and cascade funding are
        # opportunities.
        if type_code is not None and type_code not in TYPE_KINDS:
            continue
        identifier = (
            _first(metadata, "identifier") or _first(metadata, "callIdentifier") or result.get("reference")
        )
        if not identifier:
            continue
        groups.setdefault(str(identifier), []).append(result)
    for identifier, rows in groups.items():
        yield _record(rows, identifier, source=source, options=options, now=now)
