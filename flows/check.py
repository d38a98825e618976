"""`vigie sources check NAME`: fetch one source now and say what came back (a live check)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from refine.pipeline import RefineResult, refine
from refine.places_rows import check_rows
from spiders import families, registry
from spiders.crawl import CollectResult, collect


@dataclass
class CheckReport:
    """What one live fetch of a source gave: the collection, the records read, what refine made of them."""

    name: str
    collected: CollectResult
    records: int
    refined: RefineResult
    state: str
    registry_name: str

    @property
    def ok(self) -> bool:
        return bool(self.refined.items) and not self.collected.errors


def check_source(name: str, registry_file: Path | None, home: Path) -> CheckReport:
    reg = registry.load(registry_file)
    source = reg.get(name)
    with tempfile.TemporaryDirectory(prefix="vigie-check-") as tmp:
        run_dir = Path(tmp) / "raw" / "check"
        result = asyncio.run(
            collect(source, home=home, run_dir=run_dir, overrides={"HTTPCACHE_ENABLED": False})
        )
        records = []
        if result.records_path:
            with open(result.records_path, encoding="utf-8") as fh:
                records = [json.loads(line) for line in fh]
        if families.BY_NAME[source.family].places:  # a file of places: its rows are checked, never refined
            checked = check_rows(records)
            places = [{"kind": "place", "title": p.name, "deadline_at": None} for p in checked.places]
            refined = RefineResult(items=places, quarantined=checked.refused)
        else:
            refined = refine(records, now=datetime.now(UTC))
    return CheckReport(name, result, len(records), refined, source.state, reg.path.name)
