"""`vigie parse FILE`: one local file -> refined items, with nothing stored."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from spiders import parsers
from vigie.core.errors import ParseError
from vigie.core.items import KINDS


def source_name(path: Path) -> str:
    """A registry-style name from a file name (ids are `{source}:{native_id}`)."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:40] or "file"


def parse_file(
    path: Path,
    *,
    kind: str | None = None,
    source: str | None = None,
    family: str | None = None,
    now: datetime | None = None,
) -> tuple[list[dict], list[dict]]:
    if kind is not None and kind not in KINDS:
        raise ParseError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
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
    family = family or parsers.detect_family(body, path.name)
    src = source or source_name(path)
    records = list(
        parsers.parse(body, family, source=src, url=path.resolve().as_uri(), options={"kind": kind})
    )
    for record in records:
        if kind:
            record["kind"] = kind
    from refine.pipeline import refine_and_cluster

    result = refine_and_cluster(records, now=now or datetime.now(UTC))
    return result.items, result.quarantined
