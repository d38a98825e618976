"""What an unchanged source costs on the next run: neither its body nor its parsing.

Two stores under $VIGIE_HOME/raw/, beside the content-addressed bodies:

- parsed/<key>.jsonl.gz  the raw records parsed from one body. The key covers the body's SHA-256, the family,
  the source, the URL, the parser options and the parser code itself, so the same bytes read by the same code
  give the same records: a 304 answer re-emits them instead of parsing again. The iCalendar parser expands
  recurrences from today, so its entries also carry the date and last one day.
- immutable/<source>.json  for sources whose documents never change once published (a TED notice: a change
  is a new notice), the URL -> body SHA-256 already collected, so those URLs are not requested again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from spiders import families
from spiders.extensions import stored_body_path
from vigie.core import items


@lru_cache(maxsize=1)
def parser_version() -> str:
    """A digest of the parser code and the raw record schema: changing either invalidates every entry."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).resolve().parent / "parsers").glob("*.py")) + [Path(items.__file__)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def record_key(body_sha: str, family: str, source: str, url: str, options: dict[str, Any]) -> str:
    parts = [
        body_sha,
        family,
        source,
        url,
        json.dumps(options, sort_keys=True, default=str),
        parser_version(),
    ]
    if families.BY_NAME[family].reads_today:
        parts.append(datetime.now(UTC).date().isoformat())
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class ParsedCache:
    def __init__(self, raw_dir: Path) -> None:
        self.dir = raw_dir / "parsed"

    def get(self, key: str) -> list[dict] | None:
        path = self.dir / f"{key}.jsonl.gz"
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return [json.loads(line) for line in fh]
        except (OSError, EOFError, ValueError):
            return None  # absent or damaged (a killed run): parse again

    def put(self, key: str, records: list[dict]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f"{key}.jsonl.gz"
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        # backslashreplace: a lone surrogate from a JSON escape is written back as that escape
        with gzip.open(tmp, "wt", encoding="utf-8", errors="backslashreplace", compresslevel=3) as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        tmp.replace(path)


class ImmutableIndex:
    """URL -> SHA-256 of the body already collected, for one source whose documents never change."""

    def __init__(self, raw_dir: Path, source: str) -> None:
        self.path = raw_dir / "immutable" / f"{source}.json"
        self.raw_dir = raw_dir
        try:
            self.known: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}
        self.dirty = False

    def body(self, url: str) -> bytes | None:
        """The stored body of a URL collected before, or None when it must be fetched."""
        sha = self.known.get(url)
        if not sha:
            return None
        try:
            return gzip.decompress(stored_body_path(self.raw_dir, sha).read_bytes())
        except (OSError, EOFError):
            return None

    def add(self, url: str, sha: str) -> None:
        if self.known.get(url) != sha:
            self.known[url] = sha
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.known, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)
        self.dirty = False
