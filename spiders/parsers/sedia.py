"""EU Funding & Tenders portal: responses of the SEDIA search API (the API the portal's own search page calls).

    POST https://api.tech.ec.europa.eu/search-api/prod/rest/search?apiKey=SEDIA&text=***&pageSize=..&pageNumber=..
    multipart/form-data parts, each application/json: query (Elasticsearch-like bool query), languages, sort
    (built by sedia_request; the metadata readers are in sedia_metadata)

and the portal's bulk export `grantsTenders.json`, whose objects sedia_bulk writes as rows of that API.

Quirks of the format, all handled here or in sedia_metadata:
- every `metadata` value is a list of strings, even single values;
- a topic has one or several cut-off dates (`deadlineDate`): all are kept (`cutoffs`), the next one to come is the
  deadline (refine picks it again at the run's `now`);
- `status` is a code (31094501 forthcoming, 31094502 open, 31094503 closed) and is stale in old index rows;
- `actions` and `budgetOverview` are JSON documents packed inside strings, sometimes cut short by the index;
- `descriptionByte` is HTML (refine cleans it);
- the same topic comes back several times (the SEDIA and SEDIA_PRD_CENTRICITY databases, or one row per language):
  rows are merged per identifier within a response. Results that only share a parent (cascade calls published
  under one topic, several calls on one page) are different opportunities: when rows of one identifier give
  different titles in the same language, each title is its own item, identified by its row's own `reference`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from spiders.parsers import _json, sedia_bulk, sedia_metadata
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.text import fold, squash
from vigie.core.timezone import TIMEZONE

FAMILY = "sedia"


PORTAL = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities"


TOPIC_URL = PORTAL + "/topic-details/{}"


TENDER_URL = PORTAL + "/tender-details/{}"


TYPE_KINDS = {"1": "call", "2": "tender", "8": "call"}


def sniff(head: bytes, filename: str) -> bool:
    if not _json.starts_like_json(head):
        return False
    text = _json.head_text(head)
    if '"fundingData"' in text and '"GrantTenderObj"' in text:
        return True  # the portal's bulk export (sedia_bulk)
    if '"results"' not in text:
        return False
    return any(
        marker in text
        for marker in ('"DATASOURCE"', '"callIdentifier"', "funding-tenders/opportunities", '"apiVersion"')
    )


def _page_url(result: Mapping[str, Any], metadata: Mapping[str, Any], identifier: str, type_code: str) -> str:
    # Rows of the SEDIA_PRD_CENTRICITY database point at a JSON data file, not at a page a person can read.
    for candidate in (result.get("url"), sedia_metadata.first(metadata, "url")):
        if isinstance(candidate, str) and "/portal/screen/" in candidate:
            return candidate
    if type_code == "2":
        cft = sedia_metadata.first(metadata, "cftId")
        if cft and cft != "0":
            return TENDER_URL.format(cft)
    return TOPIC_URL.format(identifier)


def _row_rank(result: Mapping[str, Any]) -> tuple[int, int]:
    """Which duplicate row to read: the live SEDIA database before the older CENTRICITY copy, then the richest."""
    metadata = result.get("metadata") or {}
    source = (
        sedia_metadata.first(metadata, "DATASOURCE") or sedia_metadata.first(metadata, "datasource") or ""
    ).upper()
    return (1 if source == "SEDIA" else 0, len(metadata))


def _now(options: Mapping[str, Any]) -> datetime:
    now = options.get("now")
    if isinstance(now, datetime):
        return now if now.tzinfo else now.replace(tzinfo=UTC)
    if isinstance(now, str):
        parsed = datetime.fromisoformat(now)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _record(
    rows: list[Mapping[str, Any]],
    identifier: str,
    *,
    native_id: str,
    source: str,
    options: Mapping[str, Any],
    now: datetime,
) -> dict[str, Any]:
    best = max(rows, key=_row_rank)
    metadata: Mapping[str, Any] = best.get("metadata") or {}
    type_code = sedia_metadata.first(metadata, "type") or ""
    actions = sedia_metadata.packed(metadata, "actions")
    action = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}

    raw_deadlines = sedia_metadata.values(metadata, "deadlineDate") or [
        str(d) for d in action.get("deadlineDates") or []
    ]
    deadlines = sorted(
        {d for d in (sedia_metadata.local_date(v) for v in raw_deadlines) if d}, key=sedia_metadata.moment
    )
    future = [d for d in deadlines if sedia_metadata.moment(d) >= now]
    deadline = future[0] if future else (deadlines[-1] if deadlines else None)

    opening_raw = sedia_metadata.first(metadata, "startDate") or action.get("plannedOpeningDate")
    opening = sedia_metadata.local_date(str(opening_raw)) if opening_raw else None
    code = (
        sedia_metadata.first(metadata, "status") or str((action.get("status") or {}).get("id") or "") or None
    )

    texts: dict[str, dict[str, str]] = {}
    for row in sorted(rows, key=_row_rank, reverse=True):
        md = row.get("metadata") or {}
        lang = (
            sedia_metadata.first(md, "language") or row.get("language") or options.get("language") or "en"
        ).lower()[:2]
        title = (
            sedia_metadata.first(md, "title") or row.get("summary") or sedia_metadata.first(md, "callTitle")
        )
        if lang not in texts and title:
            texts[lang] = {
                "title": str(title).strip(),
                "summary": sedia_metadata.first(md, "descriptionByte") or "",
            }
    language = "en" if "en" in texts else next(iter(texts), options.get("language") or "en")

    budget = sedia_metadata.budget(metadata, identifier)
    note = sedia_metadata.note(
        opening,
        deadlines,
        sedia_metadata.first(metadata, "deadlineModel"),
        sedia_metadata.first(metadata, "callIdentifier"),
        sedia_metadata.first(metadata, "callTitle"),
        budget,
    )
    main = texts.get(language, {"title": None, "summary": ""})
    summary = "\n".join(p for p in (main["summary"], note) if p) or None
    if language in texts:
        texts[language] = {"title": main["title"], "summary": summary or ""}

    programme = sedia_metadata.programme(metadata, identifier)
    published = opening if opening and sedia_metadata.moment(opening) <= now else None
    return new_raw(
        source,
        FAMILY,
        kind=TYPE_KINDS.get(type_code) or options.get("kind") or "call",
        native_id=native_id,
        url=_page_url(best, metadata, identifier, type_code),
        title=main["title"],
        summary=summary,
        language=language,
        texts=texts,
        published_at=published,
        deadline_at=deadline,
        cutoffs=deadlines,
        starts_at=opening,  # refine reads a call's starts_at as its opening date (forthcoming until then)
        timezone=TIMEZONE,
        organiser=f"European Commission – {programme}" if programme else "European Commission",
        organiser_type="eu-institution",
        status=sedia_metadata.status(code, opening, deadlines, now),
        notice_type={"1": "call-for-proposals", "2": "call-for-tenders", "8": "cascade-funding"}.get(
            type_code
        ),
        budget_amount=budget,
        budget_currency="EUR" if budget is not None else None,
        sectors=list(options.get("sectors") or []),
        # The programme is the portal's own classification: config/sectors.toml `declared` reads some of them
        # (a Horizon Europe topic is research and innovation, whatever its subject)
        categories=[programme] if programme else [],
        regions=list(options.get("regions") or []),
        scope=options.get("scope") or "european",
    )


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or "SEDIA response"
    doc = _json.load(body, what)
    if sedia_bulk.is_bulk(doc):
        doc = {"results": list(sedia_bulk.rows(doc))}
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
        type_code = sedia_metadata.first(metadata, "type")
        # The search index also holds news, FAQs and documents; only grants, tenders and cascade funding are
        # opportunities.
        if type_code is not None and type_code not in TYPE_KINDS:
            continue
        identifier = (
            sedia_metadata.first(metadata, "identifier")
            or sedia_metadata.first(metadata, "callIdentifier")
            or result.get("reference")
        )
        if not identifier:
            continue
        groups.setdefault(str(identifier), []).append(result)
    for identifier, rows in groups.items():
        for native_id, same in _distinct(identifier, rows):
            yield _record(same, identifier, native_id=native_id, source=source, options=options, now=now)


def _row_language(row: Mapping[str, Any]) -> str:
    return str(
        sedia_metadata.first(row.get("metadata") or {}, "language") or row.get("language") or ""
    ).lower()


def _row_title(row: Mapping[str, Any]) -> str:
    metadata = row.get("metadata") or {}
    title = sedia_metadata.first(metadata, "title") or row.get("summary") or ""
    return fold(squash(title) or "")


def _distinct(identifier: str, rows: list[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """(native id, rows) per opportunity among the rows of one identifier. Copies of a topic (another database,
    another language) merge; two titles in the same language are two opportunities under a shared parent."""
    titles_by_lang: dict[str, set[str]] = {}
    for row in rows:
        titles_by_lang.setdefault(_row_language(row), set()).add(_row_title(row))
    if all(len(titles) <= 1 for titles in titles_by_lang.values()):
        return [(identifier, rows)]
    by_title: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_title.setdefault(_row_title(row), []).append(row)
    out = []
    for same in by_title.values():
        best = max(same, key=_row_rank)
        reference = best.get("reference") or sedia_metadata.first(best.get("metadata") or {}, "reference")
        out.append((str(reference) if reference else f"{identifier}#{_row_title(best)}", same))
    return out
