"""One record's refine, and a chunk's: the per-record work that runs in this process or in a worker alike.

    clean -> identity -> texts and language -> dates -> kind -> sectors -> place -> status -> fit -> validate

Each stage reads the raw record and fills the item, and each is idempotent: an item fed back through comes out
unchanged (an item is a valid input record). Records are independent of each other until clustering.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from refine.clean import sanitise_record
from refine.dates import normalise_dates
from refine.fit import fit_stage
from refine.kind import kind_stage
from refine.language import prime as prime_language
from refine.match_keys import MatchKeys, item_keys
from refine.stages import clean_stage, identity_stage, place_stage, sector_stage, status_stage
from refine.texts import detection_basis, language_code, language_stage
from vigie.core.items import validate_item

Outcome = tuple[dict[str, Any] | None, str | None]  # (item, None) or (None, why the record is quarantined)
# ... plus the item's match keys, computed next to the item so that only the matching is left to clustering
KeyedOutcome = tuple[dict[str, Any] | None, str | None, MatchKeys | None]


def refine_one(record: object, now: datetime) -> Outcome:
    """(item, None) for a valid item, (None, reason) for a record that goes to quarantine."""
    return _finish(record, _start(record), now)


def refine_many(records: Sequence[object], now: datetime) -> list[Outcome]:
    """refine_one over a list, with the language detector run once over all the texts it will be asked about."""
    started = [_start(record) for record in records]
    bases: list[str | None] = []
    texts, hints = [], []
    for record, (item, _) in zip(records, started, strict=True):
        basis = detection_basis(item, record) if item is not None and isinstance(record, dict) else None
        bases.append(basis)
        if basis is not None:  # None: the item's language is a declared text's, nothing to detect
            texts.append(basis)
            hints.append(language_code(record.get("language")))
    prime_language(texts, hints)
    return [
        _finish(record, begun, now, basis)
        for record, begun, basis in zip(records, started, bases, strict=True)
    ]


def refine_chunk(records: Sequence[object], now: datetime) -> list[KeyedOutcome]:
    """refine_many of the sanitised records (refine.clean.sanitise_record: what enters refine), each item with
    its match keys (refine.match_keys.item_keys)."""
    clean = [sanitise_record(r) if isinstance(r, dict) else r for r in records]
    return [
        (item, reason, item_keys(item) if item is not None else None)
        for item, reason in refine_many(clean, now)
    ]


def _start(record: object) -> Outcome:
    if not isinstance(record, dict):
        return None, f"record is a {type(record).__name__}, not a mapping"
    try:
        item = clean_stage(record)
        identity_stage(item, record)
    except Exception as exc:  # one broken record must not stop a source's batch; it is kept with its reason
        return None, f"refine failed: {type(exc).__name__}: {exc}"
    return item, None


def _finish(record: object, begun: Outcome, now: datetime, basis: str | None = None) -> Outcome:
    item, reason = begun
    if item is None or not isinstance(record, dict):
        return None, reason
    try:
        finish_record(item, record, now, basis)
    except Exception as exc:  # as in _start
        return None, f"refine failed: {type(exc).__name__}: {exc}"
    errors = validate_item(item)
    if errors:
        return None, "; ".join(errors)
    return item, None


def finish_record(
    item: dict[str, Any], record: dict[str, Any], now: datetime, basis: str | None = None
) -> dict[str, Any]:
    """The per-item stages after clean and identity (_start); `basis`: refine.texts.detection_basis, if made."""
    text = language_stage(item, record, basis)
    dates = normalise_dates(record, item, now, text=text)
    kind_stage(item, record)  # after dates: a deadline or a start is a signal of the kind
    sector_stage(item, record, text)
    place_stage(item, record)
    status_stage(item, record, now, dates)
    fit_stage(item, record, text)
    return item
