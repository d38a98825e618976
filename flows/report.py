"""What people see at the end of a run and in `vigie sources`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from flows.summary import RunSummary, SourceSummary
from vigie import registry

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
        if s.flag and s.status != "ok":
            console.print(f"  [yellow]{s.name}[/]: {s.flag}", highlight=False)
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
    health = _health(home)
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


def _health(home: Path) -> dict[str, dict]:
    from warehouse import snapshot

    try:
        con = snapshot.connect(home)
    except Exception:  # noqa: BLE001 - nothing published yet
        return {}
    try:
        cur = con.execute("SELECT * FROM source_health")
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    return {r["source"]: r for r in rows}


def _minute(value: object) -> str:
    """A last-success time as people read it (Brussels time from the snapshot), not to the microsecond."""
    if value is None:
        return "-"
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)


def _unchanged(s: SourceSummary) -> str:
    """How much of a source was not downloaded again: 304 answers, immutable documents kept from before."""
    parts = [f"{s.not_modified}×304"] if s.not_modified else []
    if s.reused:
        parts.append(f"{s.reused} kept")
    return f" ({', '.join(parts)})" if parts else ""
