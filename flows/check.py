"""`vigie sources check NAME`: fetch one source now and say what came back (a live check)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import typer

from spiders.crawl import collect
from vigie import registry


def check_source(name: str, registry_file: Path | None, home: Path) -> bool:
    source = registry.load(registry_file).get(name)
    with tempfile.TemporaryDirectory(prefix="vigie-check-") as tmp:
        run_dir = Path(tmp) / "raw" / "check"
        result = asyncio.run(
            collect(source, home=home, run_dir=run_dir, overrides={"HTTPCACHE_ENABLED": False})
        )
        records = []
        if result.records_path:
            with open(result.records_path, encoding="utf-8") as fh:
                records = [json.loads(line) for line in fh]
        from refine.pipeline import refine

        refined = refine(records, now=datetime.now(UTC))
    typer.echo(
        f"{name}: {result.responses} responses, {result.bytes} bytes, {len(records)} records, "
        f"{len(refined.items)} valid items, {len(refined.quarantined)} refused, {len(result.errors)} errors "
        f"in {result.seconds:.1f} s"
    )
    for message in result.errors[:10]:
        typer.echo(f"  error: {message}")
    for q in refined.quarantined[:5]:
        typer.echo(f"  refused: {q.get('native_id')}: {q['reason']}")
    for item in refined.items[:5]:
        typer.echo(f"  {item['kind']}: {item['title'][:90]} (deadline {item.get('deadline_at') or '-'})")
    ok = bool(refined.items) and not result.errors
    if ok and source.state != "live-checked":
        typer.echo(f'  looks good: set state = "live-checked" for {name} in {registry.default_path().name}')
    return ok
