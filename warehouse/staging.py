"""Refined batches on shared storage: many workers write them, one loader reads them (issue 19).

A worker that refined one source's records of a run writes the batch as one Parquet file; the run's loader
reads every batch of the run, clusters them and upserts them into DuckDB in one transaction (flows.tasks
load_run with `batches=`, which records each batch's digest so that no batch is ever loaded twice).

    root = staging_root(home)                               # $VIGIE_STAGING_URL (any fsspec URL) or <home>/staging
    path = write_batch(root, run_id, source, refined)       # refined: refine.pipeline.RefineResult
    staged = read_batches(root, run_id)                     # list[StagedBatch], every batch of the run once
    merged = merge_batches(staged)                          # one RefineResult: one item per id, later batch wins
    remove_run(root, run_id, {b.digest for b in staged})    # once the warehouse holds them (kept on failure)

Layout: `<root>/<run_id>/<source>/<digest>.parquet`, where the digest is a hash of the batch's content, so
writing the same batch twice (a retried worker) gives the same file, written once. A file appears whole or not
at all: it is written under a temporary name and renamed. On s3:// (or any object store) credentials come from
the environment, as the store's fsspec driver reads them (s3fs: AWS_ACCESS_KEY_ID, ...).

One row per item or quarantined record (`row` says which). Item fields are typed columns (strings, lists of
strings, budget as a double) so that DuckDB or DuckLake can read the files as they are; `texts` (a nested
mapping) and the match keys (tuples of mixed types) are JSON text, which gives them back exactly. The counts
of the batch (`replaced`, `errors_by_reason`) and when it was written travel in the file's metadata.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from refine.match_keys import MatchKeys
from refine.pipeline import RefineResult
from vigie.core.errors import WarehouseError
from vigie.core.items import ITEM_FIELDS

STAGING_ENV = "VIGIE_STAGING_URL"
_META_KEY = b"vigie.batch"
_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:@+-]*$")
_JSON_FIELDS = ("texts",)
_LIST_FIELDS = tuple(name for name, (types, _) in ITEM_FIELDS.items() if list in types)
_FLOAT_FIELDS = ("budget_amount",)
_STRING_FIELDS = tuple(n for n in ITEM_FIELDS if n not in (*_JSON_FIELDS, *_LIST_FIELDS, *_FLOAT_FIELDS))
SCHEMA = pa.schema(
    [("row", pa.string())]
    + [(name, pa.string()) for name in _STRING_FIELDS]
    + [(name, pa.list_(pa.string())) for name in _LIST_FIELDS]
    + [(name, pa.float64()) for name in _FLOAT_FIELDS]
    + [(name, pa.string()) for name in _JSON_FIELDS]
    + [("extra", pa.string()), ("match_keys", pa.string()), ("quarantined", pa.string())]
)


@dataclass
class StagedBatch:
    source: str
    run_id: str
    digest: str  # the content hash, also the file's name
    path: str
    written_at: str  # ISO instant; when two batches of a run hold one id, the later one wins
    result: RefineResult
    part: int = 0  # its place among the parts of a bigger batch (flows.refine_staged)

    def order(self) -> tuple[str, int, str]:
        """Merge order: the later writing wins, and the parts of one batch (one instant) follow each other."""
        return self.written_at, self.part, self.path


def staging_root(home: Path) -> str:
    """Where workers write refined batches: $VIGIE_STAGING_URL when set (a folder or any fsspec URL),
    else the data directory's `staging` folder."""
    configured = os.environ.get(STAGING_ENV, "").strip()
    return configured.rstrip("/") if configured else str(Path(home) / "staging")


def write_batch(
    root: str,
    run_id: str,
    source: str,
    rows: RefineResult,
    *,
    part: tuple[int, int] | None = None,
    written_at: str | None = None,
) -> str:
    """Writes one refined batch (items, their match keys, quarantined records) and returns its path. Writing
    the same batch again returns the same path and writes nothing. `part` (k, n): the batch is part k of n of
    a bigger one, each written on its own, all with one `written_at` (flows.refine_staged); a whole batch's
    name and digest are those it always had."""
    _check_segment("run id", run_id)
    _check_segment("source", source)
    if len(rows.items) != len(rows.match_keys):
        raise WarehouseError(
            f"staging {source}: {len(rows.items)} items but {len(rows.match_keys)} match keys"
        )
    table = _to_table(rows)
    meta: dict[str, Any] = {
        "source": source,
        "run_id": run_id,
        "replaced": rows.replaced,
        "errors": rows.errors_by_reason,
    }
    if part is not None:
        meta["part"] = list(part)
    digest = _digest(table, meta)
    fs, base = _fs(root)
    folder = f"{base}/{run_id}/{source}"
    target = f"{folder}/{digest}.parquet"
    path = f"{root.rstrip('/')}/{run_id}/{source}/{digest}.parquet"
    try:
        if fs.exists(target):
            return path
        fs.makedirs(folder, exist_ok=True)
        stamped = {**meta, "written_at": written_at or datetime.now(UTC).isoformat()}
        table = table.replace_schema_metadata({_META_KEY: json.dumps(stamped, ensure_ascii=False)})
        temporary = f"{folder}/.{digest}.{secrets.token_hex(4)}.tmp"
        with fs.open(temporary, "wb") as fh:
            pq.write_table(table, fh, compression="zstd")
        fs.mv(temporary, target)
    except OSError as exc:
        raise WarehouseError(f"staging {path}: cannot write the batch ({exc})") from None
    return path


def read_batches(root: str, run_id: str) -> list[StagedBatch]:
    """Every batch written for the run, each once, oldest first (an empty list when there is none)."""
    _check_segment("run id", run_id)
    fs, base = _fs(root)
    try:
        found = sorted(fs.glob(f"{base}/{run_id}/*/*.parquet"))
    except OSError as exc:
        raise WarehouseError(f"staging {root}/{run_id}: cannot list the batches ({exc})") from None
    batches = [_read(fs, name, root, run_id) for name in found if not name.rsplit("/", 1)[-1].startswith(".")]
    return sorted(batches, key=StagedBatch.order)


def digest_of(path: str) -> str:  # ".../<digest>.parquet" -> the batch's content digest
    return path.rsplit("/", 1)[-1].removesuffix(".parquet")


def merge_batches(batches: list[StagedBatch]) -> RefineResult:
    """The batches as one: an id in several batches (a source refined twice in a run) keeps its latest
    reading, counted in `replaced`, so that the warehouse receives each id once. The parts of one batch,
    merged in their order, give what refining the whole batch at once gives (last reading of an id wins)."""
    by_id: dict[str, tuple[dict[str, Any], MatchKeys]] = {}
    quarantined: list[dict[str, Any]] = []
    reasons: dict[str, int] = {}
    replaced = 0
    for batch in sorted(batches, key=StagedBatch.order):
        result = batch.result
        replaced += result.replaced
        for reason, n in result.errors_by_reason.items():
            reasons[reason] = reasons.get(reason, 0) + n
        quarantined.extend(result.quarantined)
        for item, keys in zip(result.items, result.match_keys, strict=True):
            if by_id.pop(item["id"], None) is not None:
                replaced += 1
            by_id[item["id"]] = (item, keys)
    return RefineResult(
        items=[item for item, _ in by_id.values()],
        quarantined=quarantined,
        replaced=replaced,
        errors_by_reason=reasons,
        match_keys=[keys for _, keys in by_id.values()],
    )


def remove_run(root: str, run_id: str, loaded: Collection[str] | None = None) -> list[str]:
    """Deletes a run's staged files once the warehouse holds them; a run with none is fine. With `loaded` (the
    digests loaded, or replaced by another attempt's batch), a batch outside it stays and its path is returned: a
    worker that wrote after the loader had read the run must not lose its batch."""
    _check_segment("run id", run_id)
    fs, base = _fs(root)
    folder = f"{base}/{run_id}"
    try:
        if not fs.exists(folder):
            return []
        files = fs.find(folder)
        names = [name.rsplit("/", 1)[-1] for name in files]
        kept = [
            f
            for f, n in zip(files, names, strict=True)
            if loaded is not None and n.endswith(".parquet") and n[0] != "." and n[:-8] not in loaded
        ]
        if not kept:
            fs.rm(folder, recursive=True)
            return []
        fs.rm([name for name in files if name not in kept])
    except OSError as exc:
        raise WarehouseError(f"staging {root}/{run_id}: cannot remove the loaded batches ({exc})") from None
    return [f"{root.rstrip('/')}/{name.removeprefix(base + '/')}" for name in sorted(kept)]


# -- encoding ---------------------------------------------------------------------------------------------
def _to_table(rows: RefineResult) -> pa.Table:
    items, bad = rows.items, rows.quarantined
    pad = [None] * len(bad)
    columns: dict[str, list[Any]] = {"row": ["item"] * len(items) + ["quarantined"] * len(bad)}
    for name in (*_STRING_FIELDS, *_LIST_FIELDS, *_FLOAT_FIELDS):
        columns[name] = [item[name] for item in items] + pad
    columns["texts"] = [json.dumps(item["texts"], ensure_ascii=False) for item in items] + pad
    extras = [{k: v for k, v in item.items() if k not in ITEM_FIELDS} for item in items]
    columns["extra"] = [json.dumps(e, ensure_ascii=False) if e else None for e in extras] + pad
    columns["match_keys"] = [json.dumps(keys, ensure_ascii=False) for keys in rows.match_keys] + pad
    columns["quarantined"] = [None] * len(items) + [
        json.dumps(q, ensure_ascii=False, default=str) for q in bad
    ]
    try:
        return pa.Table.from_pydict(columns, schema=SCHEMA)
    except (KeyError, pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
        raise WarehouseError(f"staging: an item does not fit the batch layout ({exc})") from None


def _from_table(table: pa.Table) -> tuple[list[dict[str, Any]], list[MatchKeys], list[dict[str, Any]]]:
    columns = table.to_pydict()
    kinds = columns.pop("row")
    keys_text, bad_text, extra_text = (
        columns.pop("match_keys"),
        columns.pop("quarantined"),
        columns.pop("extra"),
    )
    names = list(ITEM_FIELDS)
    items: list[dict[str, Any]] = []
    keys: list[MatchKeys] = []
    quarantined: list[dict[str, Any]] = []
    values = [columns[name] for name in names]
    for i, kind in enumerate(kinds):
        if kind == "quarantined":
            quarantined.append(json.loads(bad_text[i]))
            continue
        item = {name: column[i] for name, column in zip(names, values, strict=True)}
        item["texts"] = json.loads(item["texts"])
        if extra_text[i]:
            item.update(json.loads(extra_text[i]))
        items.append(item)
        keys.append(_keys(json.loads(keys_text[i])))
    return items, keys, quarantined


def _keys(decoded: list[Any]) -> MatchKeys:
    # JSON turned the exact-match tuples (and the CPV tuples inside them) into lists: refine made only tuples.
    title, day, organiser, exact = decoded
    return title, day, organiser, [_tuple(key) for key in exact]


def _tuple(value: Any) -> Any:
    return tuple(_tuple(v) for v in value) if isinstance(value, list) else value


def _digest(table: pa.Table, meta: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True, ensure_ascii=False).encode())
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    digest.update(sink.getbuffer())
    return digest.hexdigest()[:32]


def _read(fs: Any, name: str, root: str, run_id: str) -> StagedBatch:
    source, file_name = name.rsplit("/", 2)[-2:]
    path = f"{root.rstrip('/')}/{run_id}/{source}/{file_name}"
    try:
        with fs.open(name, "rb") as fh:
            table = pq.read_table(fh)
        meta = json.loads((table.schema.metadata or {})[_META_KEY])
        items, keys, quarantined = _from_table(table)
    except (OSError, KeyError, ValueError, pa.ArrowException) as exc:
        raise WarehouseError(f"staging {path}: not a readable batch ({type(exc).__name__}: {exc})") from None
    result = RefineResult(
        items=items,
        quarantined=quarantined,
        replaced=int(meta.get("replaced") or 0),
        errors_by_reason=dict(meta.get("errors") or {}),
        match_keys=keys,
    )
    digest = digest_of(file_name)
    part = int((meta.get("part") or [0])[0])
    return StagedBatch(source, run_id, digest, path, str(meta.get("written_at") or ""), result, part)


def _fs(root: str) -> tuple[Any, str]:
    try:
        fs, base = fsspec.core.url_to_fs(root)
    except (ImportError, ValueError) as exc:
        raise WarehouseError(f"staging {root}: cannot open this location ({exc})") from None
    return fs, base.rstrip("/")


def _check_segment(what: str, value: str) -> None:
    if not isinstance(value, str) or not _SEGMENT.match(value) or ".." in value:
        raise WarehouseError(f"staging: {what} {value!r} cannot name a folder (letters, digits, . _ - only)")
