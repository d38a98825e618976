"""The refine step: raw records (vigie.core.items RAW_FIELDS) -> valid items (ITEM_FIELDS) + quarantined records.

A plain function library. `refine()` refines one batch (a source's records of a run) without clustering it:
a run clusters all its sources' items once, against the stored ones (flows, refine.clusters.assign_clusters),
with the match keys refine computed next to each item. A standalone batch (`vigie parse`, the benchmark) calls
`refine_and_cluster()`, which does both.

Within one batch, records with the same id are the same notice seen twice (a listing page and a detail page, or
two pages of a feed): the last one wins, as it is the most recent reading, and `RefineResult.replaced` counts them.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from refine.clean import sanitise_record
from refine.clusters import ClusterIndex, KnownClusters
from refine.fork_runner import fork_runner
from refine.match_keys import MatchKeys
from refine.record import KeyedOutcome, refine_chunk

CHUNK_RECORDS = 2_000  # records per refine_chunk call (the language detector runs once per chunk)
TAIL_CHUNKS = 4
# Refines the chunks it is given and yields their outcomes in record order, in lists (one per chunk, or several
# chunks' together): here (the default), or elsewhere (flows.refine_dask: on a Dask cluster). Records are
# independent until clustering, so where they are refined does not change what comes out.
ChunkRunner = Callable[[list[list[object]], datetime], Iterable[list[KeyedOutcome]]]


@dataclass
class RefineResult:
    items: list[dict[str, Any]]
    quarantined: list[dict[str, Any]]
    replaced: int = 0  # records dropped because a later record of the batch had the same id
    errors_by_reason: dict[str, int] = field(default_factory=dict)
    match_keys: list[MatchKeys] = field(default_factory=list)  # item_keys() of `items`, in the same order


def refine(records: Iterable[object], *, now: datetime, runner: ChunkRunner | None = None) -> RefineResult:
    """Refine a batch; its items' cluster_id stays None until clustering. `now` must be timezone-aware
    (status and date sanity checks are relative to it). `runner`: where the chunks are refined (default:
    in this process, and for a big batch in forked copies of it too: refine.fork_runner)."""
    batch = _batch(records, now)
    with gc_paused():
        return _refine_batch(batch, now, runner)


def refine_and_cluster(
    records: Iterable[object],
    *,
    now: datetime,
    known: KnownClusters | None = None,
    runner: ChunkRunner | None = None,
) -> RefineResult:
    """A standalone batch: refine() it, then cluster its items among themselves and with `known` (the stored
    items' rows, refine.match_keys.fingerprint)."""
    batch = _batch(records, now)
    # Each chunk's items enter the cluster index as the chunk comes back, while other processes refine the
    # next ones: only the matching waits for the last chunk.
    index = ClusterIndex()
    # One pause for both: the first collection after a pause walks every object the pause let accumulate.
    with gc_paused():
        result = _refine_batch(batch, now, runner, index)
        index.assign(known)
    return result


def refine_here(chunks: list[list[object]], now: datetime) -> Iterator[list[KeyedOutcome]]:
    """The default ChunkRunner: each chunk in this process, one after the other."""
    for chunk in chunks:
        yield refine_chunk(chunk, now)


def chunked(batch: list[object], size: int | None = None) -> list[list[object]]:
    """Chunks of `size` records, but the last TAIL_CHUNKS chunks' worth in quarters: processes sharing the
    chunks finish together, not one of them idle while another refines a last whole chunk."""
    size = size or CHUNK_RECORDS
    # A small batch is no tail: it stays in whole chunks. A big one ends on TAIL_CHUNKS (+1) chunks' worth.
    head = (
        (len(batch) - TAIL_CHUNKS * size) // size * size
        if len(batch) > 2 * TAIL_CHUNKS * size
        else len(batch)
    )
    small = max(1, size // 4)
    return [batch[i : i + size] for i in range(0, head, size)] + [
        batch[i : i + small] for i in range(head, len(batch), small)
    ]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block. Refining creates millions of small acyclic objects (freed
    by reference counting anyway), and each of them counts towards the next collection, whose full passes walk
    every object of the process, the whole batch included: measured 9% of the serial refine time of 100,000
    items, and more in the process that receives the workers' items.

    On the way out, what the block kept (the batch's items) goes straight to the oldest generation (freeze, then
    unfreeze: two list splices, no object walked). Re-enabled as it was, the first allocation would start a
    young-generation collection over every object the block made, and a second one later as they age: 0.49 s
    for 40,000 items, 5% of their refine time, for objects that live on anyway."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _batch(records: Iterable[object], now: datetime) -> list[object]:
    if now.tzinfo is None:
        raise ValueError("refine needs a timezone-aware `now`")
    # Text that cannot be encoded is cleaned where records enter refine, so that quarantined records, items,
    # JSON lines, the warehouse and HTML never meet it (refine.clean.sanitise_record): by refine_chunk, where
    # the chunks are refined (on the workers when a runner spreads them), and here for quarantined records.
    return list(records)


def _refine_batch(
    batch: list[object], now: datetime, runner: ChunkRunner | None, index: ClusterIndex | None = None
) -> RefineResult:
    runner = runner or fork_runner(len(batch)) or refine_here
    outcomes = (outcome for chunk in runner(chunked(batch), now) for outcome in chunk)
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
            kept = sanitise_record(record) if isinstance(record, dict) else {}
            _quarantine(quarantined, reasons, kept, reason or "")
            continue
        if item["id"] in by_id:
            replaced += 1
            del by_id[item["id"]]  # re-insert so the batch order follows the kept (last) reading
            if index is not None:
                index.discard(item["id"])
        by_id[item["id"]] = (item, keys)
        if index is not None:
            index.add(item, keys)
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
