"""The refine step: raw records (vigie.core.items RAW_FIELDS) -> valid items (ITEM_FIELDS) + quarantined records.

    clean -> identity -> language -> dates -> sectors -> place -> status -> validate -> dedupe (whole batch)

A plain function library: the Prefect flow, `vigie parse` and the benchmark call `refine()`. Each stage is one
function that reads the raw record and fills the item, and each is idempotent: an item fed back through
`refine()` comes out unchanged (an item is a valid input record).

Within one batch, records with the same id are the same notice seen twice (a listing page and a detail page, or
two pages of a feed): the last one wins, as it is the most recent reading, and `RefineResult.replaced` counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from refine import parallel
from refine.clean import clean_cpv, clean_text, clean_title, truncate
from refine.dates import normalise_dates, parse_structured
from refine.dedupe import assign_clusters
from refine.identity import item_id, native_id_for
from refine.language import detect_language
from refine.language import prime as prime_language
from refine.regions import tag_place
from refine.sectors import tag_sectors
from refine.status import compute_status
from vigie.core.items import validate_item

Known = tuple[str, str, str, str | None, str | None]


@dataclass
class RefineResult:
    items: list[dict[str, Any]]
    quarantined: list[dict[str, Any]]
    replaced: int = 0  # records dropped because a later record of the batch had the same id
    errors_by_reason: dict[str, int] = field(default_factory=dict)


def refine(
    records: Iterable[dict[str, Any]], *, now: datetime, known_clusters: Iterable[Known] = ()
) -> RefineResult:
    """Refine a batch. `now` must be timezone-aware (status and date sanity checks are relative to it);
    `known_clusters` are the stored items' dedupe rows (refine.dedupe.fingerprint) so clusters persist."""
    if now.tzinfo is None:
        raise ValueError("refine needs a timezone-aware `now`")
    batch = records if isinstance(records, list) else list(records)
    with parallel.gc_paused():
        return _refine_batch(batch, now, known_clusters)


def _refine_batch(
    batch: list[dict[str, Any]], now: datetime, known_clusters: Iterable[Known]
) -> RefineResult:
    by_id: dict[str, dict[str, Any]] = {}
    quarantined: list[dict[str, Any]] = []
    reasons: dict[str, int] = {}
    replaced = 0
    workers = parallel.workers_for(len(batch))
    keys: dict[str, Any] = {}
    if workers > 1:
        outcomes: Iterable[parallel.KeyedOutcome] = parallel.refine_outcomes(batch, now, workers, refine_many)
    else:
        outcomes = (
            (*outcome, None)
            for start in range(0, len(batch), parallel.CHUNK_RECORDS)
            for outcome in refine_many(batch[start : start + parallel.CHUNK_RECORDS], now)
        )
    for record, (item, reason, item_keys) in zip(batch, outcomes, strict=True):
        if item is None:
            _quarantine(quarantined, reasons, record if isinstance(record, dict) else {}, reason or "")
            continue
        if item["id"] in by_id:
            replaced += 1
            del by_id[item["id"]]  # re-insert so the batch order follows the kept (last) reading
        by_id[item["id"]] = item
        keys[item["id"]] = item_keys
    items = list(by_id.values())
    assign_clusters(items, known_clusters, [keys[i["id"]] for i in items] if workers > 1 else None)
    return RefineResult(items=items, quarantined=quarantined, replaced=replaced, errors_by_reason=reasons)


Outcome = parallel.Outcome  # (item, None) or (None, why the record is quarantined)


def refine_one(record: Any, now: datetime) -> Outcome:
    """(item, None) for a valid item, (None, reason) for a record that goes to quarantine."""
    return _finish(record, _start(record), now)


def refine_many(records: list[Any], now: datetime) -> list[Outcome]:
    """refine_one over a list, with the language detector run once over all the texts it will be asked about."""
    started = [_start(record) for record in records]
    texts, hints = [], []
    for record, (item, _) in zip(records, started, strict=True):
        if item is not None and item["title"]:
            texts.append(_detection_text(item["title"], item["summary"]))
            hints.append(language_code(record.get("language")))
    prime_language(texts, hints)
    return [_finish(record, begun, now) for record, begun in zip(records, started, strict=True)]


def _start(record: Any) -> Outcome:
    if not isinstance(record, dict):
        return None, f"record is a {type(record).__name__}, not a mapping"
    try:
        item = clean_stage(record)
        identity_stage(item, record)
    except Exception as exc:  # one broken record must not stop a source's batch; it is kept with its reason
        return None, f"refine failed: {type(exc).__name__}: {exc}"
    return item, None


def _finish(record: Any, begun: Outcome, now: datetime) -> Outcome:
    item, reason = begun
    if item is None:
        return None, reason
    try:
        finish_record(item, record, now)
    except Exception as exc:  # as in _start
        return None, f"refine failed: {type(exc).__name__}: {exc}"
    errors = validate_item(item)
    if errors:
        return None, "; ".join(errors)
    return item, None


def _quarantine(
    out: list[dict[str, Any]], reasons: dict[str, int], record: dict[str, Any], reason: str
) -> None:
    reason = " ".join(reason.split())  # one line, whatever the exception said
    reasons[reason] = reasons.get(reason, 0) + 1
    out.append(
        {
            "source": record.get("source"),
            "native_id": record.get("native_id"),
            "reason": reason,
            "record": record,
        }
    )


def finish_record(item: dict[str, Any], record: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The per-item stages after clean and identity (_start); dedupe needs the batch and runs in refine()."""
    text = language_stage(item, record)
    normalise_dates(record, item, now, text=text)
    sector_stage(item, record, text)
    place_stage(item, record)
    status_stage(item, record, now)
    return item


# --- clean ------------------------------------------------------------------------------------------------


def clean_stage(record: dict[str, Any]) -> dict[str, Any]:
    flags = list(record.get("flags") or ())
    cpv, bad_cpv = clean_cpv(record.get("cpv"))
    if bad_cpv and "cpv_unreadable" not in flags:
        flags.append("cpv_unreadable")
    budget = _budget(record.get("budget_amount"))
    if budget is None and record.get("budget_amount") not in (None, "") and "budget_unreadable" not in flags:
        flags.append("budget_unreadable")
    location = clean_text(record.get("location"))
    if not location:
        location = " ".join(
            p for p in (clean_text(record.get("postal_code")), clean_text(record.get("city"))) if p
        )
    currency = clean_text(record.get("budget_currency")).upper() or None
    return {
        "id": None,
        "kind": _kind(record.get("kind")),
        "source": record.get("source"),
        "native_id": None,
        "url": (record.get("url") or "").strip() or None,
        "title": clean_title(record.get("title")),
        "summary": truncate(clean_text(record.get("summary"))),
        "language": None,
        "texts": {},
        "published_at": None,
        "deadline_at": None,
        "deadline_precision": None,
        "starts_at": None,
        "ends_at": None,
        "organiser": clean_text(record.get("organiser")) or None,
        "country": None,
        "regions": [],
        "scope": None,
        "location": location or None,
        "cpv": cpv,
        "sectors": [],
        "status": None,
        "budget_amount": budget,
        "budget_currency": currency if budget is not None else None,
        "cluster_id": None,
        "flags": flags,
    }


@lru_cache(maxsize=16)
def _kind(value: object) -> str | None:
    return str(value).strip().lower() if value else None


def _budget(value: object) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        amount = float(value)
    else:
        text = str(value).replace("\u00a0", "").replace(" ", "").replace("€", "").replace("EUR", "")
        text = _decimal_point(text)
        try:
            amount = float(text)
        except ValueError:
            return None
    return amount if amount > 0 else None


_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")


def _decimal_point(text: str) -> str:
    """'250.000,00', '1,250,000.50', '250.000', '12,5' -> a float literal (the last separator is decimal,
    a lone separator followed by groups of three digits is a thousands separator)."""
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return text.replace(thousands, "").replace(decimal, ".")
    if _GROUPED.match(text):
        return text.replace(",", "").replace(".", "")
    return text.replace(",", ".")


# --- identity -----------------------------------------------------------------------------------------------


def identity_stage(item: dict[str, Any], record: dict[str, Any]) -> None:
    source = str(record.get("source") or "").strip()
    native = native_id_for(record.get("native_id"), item["url"])
    item["source"] = source or None
    item["native_id"] = native or None
    item["id"] = item_id(source, native) if source and native else None


# --- language -------------------------------------------------------------------------------------------------

_ISO639_3 = {"fra": "fr", "fre": "fr", "nld": "nl", "dut": "nl", "eng": "en", "deu": "de", "ger": "de"}
_PREFERRED = ("fr", "nl", "en", "de")
# Texts kept per item: the languages our members read, German (Belgium's third language) and the main language.
# TED notices carry up to 24 translations; keeping them all would triple memory for texts nobody reads here.
KEPT_LANGUAGES = frozenset(_PREFERRED)


@lru_cache(maxsize=256)
def language_code(value: object) -> str | None:
    """'fr', 'FR', 'fr-BE', 'fra' -> 'fr'; anything else -> None."""
    if not value:
        return None
    code = str(value).strip().lower().replace("_", "-").split("-")[0]
    code = _ISO639_3.get(code, code)
    return code if len(code) == 2 and code.isalpha() else None


def _detection_text(title: str, summary: str | None) -> str:
    """What the language of an item without a declared text of its title is detected from (and primed on)."""
    return f"{title} {summary}" if summary else title


def language_stage(item: dict[str, Any], record: dict[str, Any]) -> str:
    """Fills texts (every language the source gives, cleaned), language, and the main title/summary.

    Languages the source declares per text are trusted (TED, e-Procurement give them per field); a text with
    no declared language is detected, with the record's language as a hint. Returns all text, for the later
    stages that search it (deadline, sectors)."""
    declared = language_code(record.get("language"))
    texts: dict[str, dict[str, str]] = {}
    raw_title, raw_summary = record.get("title"), record.get("summary")
    for lang, text in (record.get("texts") or {}).items():
        code = language_code(lang)
        if code is None or not isinstance(text, dict) or (code not in KEPT_LANGUAGES and code != declared):
            continue
        # The main text usually repeats the record's title and summary: reuse what clean_stage made of them.
        title = text.get("title")
        title = item["title"] if title == raw_title else clean_title(title)
        summary = text.get("summary")
        summary = (item["summary"] or "") if summary == raw_summary else truncate(clean_text(summary))
        if title or summary:
            texts[code] = {"title": title, "summary": summary}

    title, summary = item["title"], item["summary"]
    main = None
    if title:
        main = next((code for code, text in texts.items() if text["title"] == title), None)
        if main is None:
            main = detect_language(_detection_text(title, summary), declared)
            if main is not None and not language_code(main):
                main = None
    elif texts:
        main = (
            declared if declared in texts else next((c for c in _PREFERRED if c in texts), next(iter(texts)))
        )
        title, summary = texts[main]["title"], texts[main]["summary"]
    if main is not None:
        known = texts.get(main)
        if known is None or known["title"] == title:
            # Same objects as item title/summary: one copy of the text in memory per item.
            texts[main] = {"title": title, "summary": summary or (known or {}).get("summary", "")}
            summary = texts[main]["summary"]
    item["title"], item["summary"] = title, summary or None
    item["language"] = main
    item["texts"] = texts
    if len(texts) <= 1:
        return f"{title}. {summary}" if summary else title
    parts = [title, summary or ""]
    for code, text in texts.items():
        if code != main:
            parts += (text["title"], text["summary"])
    return ". ".join(part for part in parts if part)


# --- sectors, place -------------------------------------------------------------------------------------------


def sector_stage(item: dict[str, Any], record: dict[str, Any], text: str) -> None:
    item["sectors"] = list(tag_sectors(text, item["cpv"], list(record.get("sectors") or ())))


def place_stage(item: dict[str, Any], record: dict[str, Any]) -> None:
    regions, scope, country = tag_place(record)
    item["regions"] = list(regions)
    item["scope"] = scope
    if country is None and record.get("country"):
        code = str(record["country"]).strip().upper()
        country = code if len(code) == 2 and code.isalpha() else None
    item["country"] = country


# --- status ---------------------------------------------------------------------------------------------------


def status_stage(item: dict[str, Any], record: dict[str, Any], now: datetime) -> None:
    item["status"] = compute_status(
        item["kind"] or "",
        record.get("status"),
        now,
        published=_when(item["published_at"]),
        deadline=_when(item["deadline_at"]),
        starts=_when(item["starts_at"]),
        ends=_when(item["ends_at"]),
    )


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_structured(value, None, False)
    return parsed[0] if parsed else None
