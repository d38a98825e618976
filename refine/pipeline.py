"""The refine step: raw records (vigie.core.items RAW_FIELDS) -> valid items (ITEM_FIELDS) + quarantined records.

A plain function library. `refine()` refines one batch (a source's records of a run) without clustering it:
a run clusters all its sources' items once, against the stored ones (flows, refine.clusters.assign_clusters),
with the match keys refine computed next to each item. A standalone batch (`vigie parse`, the benchmark) calls
`refine_and_cluster()`, which does both.

Within one batch, records with the same id are the same notice seen twice (a listing page and a detail page, or
two pages of a feed): the last one wins, as it is the most recent reading, and `RefineResult.replaced` counts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from refine import parallel
from refine.clean import sanitise_record
from refine.clusters import KnownClusters, assign_clusters
from refine.match_keys import MatchKeys
from refine.record import KeyedOutcome, refine_chunk


@dataclass
class RefineResult:
    items: list[dict[str, Any]]
    quarantined: list[dict[str, Any]]
    replaced: int = 0  # records dropped because a later record of the batch had the same id
    errors_by_reason: dict[str, int] = field(default_factory=dict)
    match_keys: list[MatchKeys] = field(default_factory=list)  # item_keys() of `items`, in the same order


def refine(records: Iterable[object], *, now: datetime) -> RefineResult:
    """Refine a batch; its items' cluster_id stays None until clustering. `now` must be timezone-aware
    (status and date sanity checks are relative to it)."""
    batch = _batch(records, now)
    with parallel.gc_paused():
        return _refine_batch(batch, now)


def refine_and_cluster(
    records: Iterable[object], *, now: datetime, known: KnownClusters | None = None
) -> RefineResult:
    """A standalone batch: refine() it, then cluster its items among themselves and with `known` (the stored
    items' rows, refine.match_keys.fingerprint)."""
    batch = _batch(records, now)
    # One pause for both: the first collection after a pause walks every object the pause let accumulate.
    with parallel.gc_paused():
        result = _refine_batch(batch, now)
        assign_clusters(result.items, known, result.match_keys)
    return result


def _batch(records: Iterable[object], now: datetime) -> list[object]:
    if now.tzinfo is None:
        raise ValueError("refine needs a timezone-aware `now`")
    # Text that cannot be encoded is cleaned here, where records enter refine, so that quarantined records,
    # items, JSON lines, the warehouse and HTML never meet it (refine.clean.sanitise_record).
    return [sanitise_record(r) if isinstance(r, dict) else r for r in records]


def _refine_batch(batch: list[object], now: datetime) -> RefineResult:
    workers = parallel.workers_for(len(batch))
    if workers > 1:
        outcomes: Iterable[KeyedOutcome] = parallel.refine_outcomes(batch, now, workers)
    else:
        outcomes = (
            outcome
            for start in range(0, len(batch), parallel.CHUNK_RECORDS)
            for outcome in refine_chunk(batch[start : start + parallel.CHUNK_RECORDS], now)
        )
    # Same-id collapsing happens here and nowhere else: a run refines each source once (this run's records
    # and those a killed run left behind together) and ids start with the source, so one item per id per batch
    # is one per run; clustering, the health figures (`replaced`) and `vigie parse` all need it before the
    # warehouse, which refuses a batch that repeats an id.
    by_id: dict[str, tuple[dict[str, Any], MatchKeys]] = {}
    quarantined: list[dict[str, Any]] = []
    reasons: dict[str, int] = {}
    replaced = 0
    for record, (item, reason, keys) in zip(batch, outcomes, strict=True):
        if item is None or keys is None:
            _quarantine(quarantined, reasons, record if isinstance(record, dict) else {}, reason or "")
            continue
        if item["id"] in by_id:
            replaced += 1
            del by_id[item["id"]]  # re-insert so the batch order follows the kept (last) reading
        by_id[item["id"]] = (item, keys)
    return RefineResult(
        items=[item for item, _ in by_id.values()],
        quarantined=quarantined,
        replaced=replaced,
        errors_by_reason=reasons,
        match_keys=[keys for _, keys in by_id.values()],
    )


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
