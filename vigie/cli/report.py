"""What people see at the end of a run, in `vigie sources` and in `vigie sources check`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from flows.check import CheckReport
from flows.summary import RunSummary, SourceSummary
from spiders import registry
from warehouse.ledger import source_health

STATUS_STYLE = {"ok": "green", "degraded": "yellow", "empty": "yellow", "failed": "red", "broken": "bold red"}


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def wide_console() -> Console:
    """Rich assumes 80 columns when output goes to a file or a CI log, which wraps the run table into noise."""
    import sys

    return Console(width=None if sys.stdout.isatty() else 140)


def print_summary(console: Console, summary: RunSummary, wall: float) -> None:
    table = Table(title=f"Run {summary.run_id}", title_justify="left")
    for col, justify in (
        ("source", "left"),
        ("status", "left"),
        ("items", "right"),
        ("valid", "right"),
        ("new", "right"),
        ("updated", "right"),
        ("quarantined", "right"),
        ("errors", "right"),
        ("time", "right"),
        ("downloaded", "right"),
    ):
        # Source names are what the comms team looks for: never cut them.
        table.add_column(col, justify=justify, no_wrap=col in ("source", "downloaded"))
    for s in summary.sources:
        style = STATUS_STYLE.get(s.status, "")
        table.add_row(
            s.name,
            f"[{style}]{s.status}[/]" if style else s.status,
            str(s.records),
            str(s.valid),
            str(s.new),
            str(s.updated),
            str(s.quarantined),
            str(len(s.errors)),
            f"{s.seconds:.1f} s",
            _size(s.bytes) + _unchanged(s),
        )
    console.print(table)
    for s in summary.sources:
        for message in s.errors[:5]:
            console.print(f"  [red]{s.name}[/]: {message}", highlight=False)
        if len(s.errors) > 5:
            console.print(f"  [red]{s.name}[/]: … and {len(s.errors) - 5} more errors", highlight=False)
        if s.flag:  # on a healthy source, what it says is why fewer items came out (held back by --as-of)
            style = "yellow" if s.status != "ok" else "dim"
            console.print(f"  [{style}]{s.name}[/]: {s.flag}", highlight=False)
    if summary.pending_batches:
        console.print(
            f"Recovered {summary.pending_batches} unfinished earlier run(s): their raw records were loaded."
        )
    console.print(
        f"{sum(s.valid for s in summary.sources)} items refined, {summary.new} new, {summary.updated} updated, "
        f"{summary.clusters_merged} joined a duplicate cluster, {summary.items_total} in the warehouse. "
        f"Time: {wall:.1f} s.",
        highlight=False,
    )
    for key, value in summary.outputs.items():
        console.print(f"  {key}: {value}", highlight=False)
    for problem in summary.problems:
        console.print(f"  [yellow]warning[/]: {problem}", highlight=False)


def print_sources(registry_file: Path | None, home: Path) -> None:
    reg = registry.load(registry_file, substitutions={"demo": "http://127.0.0.1"})
    health = source_health(home)
    table = Table(title=f"Sources in {reg.path}", title_justify="left")
    for col in (
        "source",
        "family",
        "kind",
        "state",
        "health",
        "last success",
        "failures in a row",
        "last yield",
    ):
        table.add_column(col)
    for s in reg.sources:
        h = health.get(s.name, {})
        status = h.get("status") or "never run"
        style = STATUS_STYLE.get(status, "")
        table.add_row(
            s.name,
            s.family,
            s.kind or "-",
            s.state,
            f"[{style}]{status}[/]" if style else status,
            _minute(h.get("last_success")),
            str(h.get("consecutive_failures", 0)),
            str(h.get("last_yield", "-")),
        )
    wide_console().print(table)


def _minute(value: object) -> str:
    """A last-success time as people read it (Brussels time from the snapshot), not to the microsecond."""
    if value is None:
        return "-"
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)


def _unchanged(s: SourceSummary) -> str:
    """How much of a source was not downloaded again: 304 answers, immutable documents kept from before."""
    parts = [f"{s.not_modified}×304"] if s.not_modified else []
    if s.reused:
        parts.append(f"{s.reused} kept")
    return f" ({', '.join(parts)})" if parts else ""


def print_check(report: CheckReport) -> None:
    result, refined = report.collected, report.refined
    typer.echo(
        f"{report.name}: {result.responses} responses, {result.bytes} bytes, {report.records} records, "
        f"{len(refined.items)} valid items, {len(refined.quarantined)} refused, {len(result.errors)} errors "
        f"in {result.seconds:.1f} s"
    )
    for message in result.errors[:10]:
        typer.echo(f"  error: {message}")
    for q in refined.quarantined[:5]:
        typer.echo(f"  refused: {q.get('native_id')}: {q['reason']}")
    for item in refined.items[:5]:
        typer.echo(f"  {item['kind']}: {item['title'][:90]} (deadline {item.get('deadline_at') or '-'})")
    if report.ok and report.state != "live-checked":
        typer.echo(f'  looks good: set state = "live-checked" for {report.name} in {report.registry_name}')
