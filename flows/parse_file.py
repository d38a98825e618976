"""`vigie parse FILE`: one local file -> refined items, with nothing stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from spiders import families, parsers
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


def parse_file(
    path: Path,
    *,
    kind: str | None = None,
    source: str | None = None,
    family: str | None = None,
    now: datetime | None = None,
) -> ParsedFile:
    if kind is not None and kind not in KINDS:
        raise ParseError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
    body = _read(path)
    family = family or parsers.detect_family(body, path.name)
    now = now or datetime.now(UTC)
    options = {"kind": kind, "now": now}
    url = path.resolve().as_uri()
    try:
        records = list(
            parsers.parse(body, family, source=source or source_name(path), url=url, options=options)
        )
    except ParseError as exc:
        # Parsers name the document they read (its URL in a run); here the CLI names the file already.
        raise ParseError(str(exc).removeprefix(f"{url}: ")) from None
    for record in records:
        if kind:
            record["kind"] = kind
    notes = []
    if family in families.BY_NAME and families.BY_NAME[family].reads_today:
        notes.append(parsers.module(family).window(options, now=now).describe())
    from refine.pipeline import refine_and_cluster

    result = refine_and_cluster(records, now=now)
    return ParsedFile(result.items, result.quarantined, family, len(records), notes)
