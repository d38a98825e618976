"""`vigie parse FILE`: one local file -> refined items, with nothing stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from spiders import families, isolation, parsers
from vigie.core.errors import ParseError
from vigie.core.items import KINDS


@dataclass(frozen=True)
class ParsedFile:
    """What `vigie parse` reports: the items, the records refine refused (each with its reason), the family read and,
    for a family whose records depend on the day (recurrences), the window it used."""

    items: list[dict]
    quarantined: list[dict]
    family: str
    records: int
    notes: list[str] = field(default_factory=list)


def source_name(path: Path) -> str:
    """A registry-style name from a file name (ids are `{source}:{native_id}`)."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:40] or "file"


def _read(path: Path) -> bytes:
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise ParseError("no such file") from None
    except IsADirectoryError:
        raise ParseError("is a folder, not a file") from None
    except PermissionError:
        raise ParseError("permission denied") from None
    if not body.strip():
        raise ParseError("the file is empty")
    return body


@lru_cache(maxsize=1)
def _pool() -> isolation.Pool:
    """One worker: `vigie parse` reads one file (a run's pool starts one per core)."""
    return isolation.Pool(size=1)


def parse_limits(seconds: float | None = None, memory_mb: int | None = None) -> isolation.Limits:
    """A run's parse limits (the registry's parse_timeout, parse_memory), its defaults where not given."""
    if seconds is not None and seconds <= 0 or memory_mb is not None and memory_mb <= 0:
        raise ParseError("--parse-timeout and --parse-memory should be positive")
    return isolation.Limits(
        seconds=seconds or isolation.DEFAULT_SECONDS, memory_mb=memory_mb or isolation.DEFAULT_MEMORY_MB
    )


def parse_file(
    path: Path,
    *,
    kind: str | None = None,
    source: str | None = None,
    family: str | None = None,
    now: datetime | None = None,
    limits: isolation.Limits | None = None,
    url: str | None = None,
) -> ParsedFile:
    """Reads, detects and refines one file. With `limits`, the parser runs in a parse worker bounded like a run's
    (spiders.isolation: wall time, memory), so a pathological file is one line, not a hung command. `url`: the
    address the file was saved from, which its relative links resolve against (default: the file's own path)."""
    if kind is not None and kind not in KINDS:
        raise ParseError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
    if url is not None and not re.match(r"https?://[^/\s]+", url):
        raise ParseError(f"--url {url!r} should be an http:// or https:// address")
    body = _read(path)
    if limits is not None:
        _pool().warm()  # the worker imports the parsers while this process imports refine
    family = family or parsers.detect_family(body, path.name)
    if family in families.BY_NAME and families.BY_NAME[family].places:
        # Its columns mean nothing without the registry's mapping, and its rows are places, not items.
        raise ParseError(
            f"the {family} family needs the column mapping of a registry source: add the file as a source and run "
            "`vigie sources check NAME`"
        )
    now = now or datetime.now(UTC)
    options = {"kind": kind, "now": now}
    url = url or path.resolve().as_uri()
    name = source or source_name(path)
    from refine.pipeline import refine_and_cluster

    try:
        if limits is None:
            records = list(parsers.parse(body, family, source=name, url=url, options=options))
        else:
            records = _pool().call(isolation.PARSE_CALL, (body, family, name, url, options), limits)
    except ParseError as exc:
        # Parsers name the document they read (its URL in a run); here the CLI names the file already.
        raise ParseError(str(exc).removeprefix(f"{url}: ")) from None
    for record in records:
        if kind:
            record["kind"] = kind
    notes = []
    if family in families.BY_NAME and families.BY_NAME[family].reads_today:
        notes.append(parsers.module(family).window(options, now=now).describe())
    # A family may say more about the file than its records do (a feed cut short: where, and what was kept).
    notes += getattr(parsers.module(family), "notes", lambda _body: [])(body)
    result = refine_and_cluster(records, now=now)
    return ParsedFile(result.items, result.quarantined, family, len(records), notes)
