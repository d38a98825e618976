"""Commands that read: `vigie parse` (one file, nothing stored), `vigie query`, `vigie export`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from vigie.cli.app import app, fail
from vigie.core import paths
from vigie.core.errors import VigieError


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="A local file in any supported format.")],
    kind: Annotated[
        str | None, typer.Option("--kind", help="tender, call or event (for formats that do not say).")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Source name used in ids (default: the file name).")
    ] = None,
    family: Annotated[str | None, typer.Option("--family", help="Skip detection: the format family.")] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="The address the file was saved from: its relative links resolve against it."
        ),
    ] = None,
    parse_timeout: Annotated[
        float | None,
        typer.Option("--parse-timeout", help="Seconds the parser may take (default 120, as a run)."),
    ] = None,
    parse_memory: Annotated[
        int | None,
        typer.Option("--parse-memory", help="Megabytes the parser may use (default 1024, as a run)."),
    ] = None,
) -> None:
    """Read one file, detect its format, refine it and print one JSON object per item. Stores nothing.

    On stderr: the window recurring events were expanded over (iCalendar), what the format noticed (a feed cut
    short), each refused record with its reason, and the count of items. A valid file with nothing in it gives
    `0 items` and exit 0; a file that cannot be read, or whose every record is refused, is one line and exit 2.
    The parser runs in a worker bounded as in a run (--parse-timeout, --parse-memory: the registry's parse_timeout
    and parse_memory)."""
    from flows.parse_file import parse_file, parse_limits

    try:
        limits = parse_limits(parse_timeout, parse_memory)
        parsed = parse_file(file, kind=kind, source=source, family=family, limits=limits, url=url)
    except VigieError as exc:
        fail(f"{file}: {exc}")
    except Exception as exc:  # noqa: BLE001 - never a traceback for a bad file
        fail(f"{file}: could not be read ({type(exc).__name__}: {str(exc)[:200]})")
    out = sys.stdout
    for item in parsed.items:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
    for note in parsed.notes:
        typer.echo(f"vigie: {file}: {note}", err=True)
    for q in parsed.quarantined:
        typer.echo(f"vigie: {file}: record {q.get('native_id') or '?'} skipped: {q['reason']}", err=True)
    if parsed.quarantined and not parsed.items:
        fail(f"{file}: no items found ({len(parsed.quarantined)} records refused)")
    typer.echo(f"vigie: {file}: {len(parsed.items)} items", err=True)


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="Read-only SQL over the published warehouse.")],
    format: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",  # noqa: A002
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Run read-only SQL on the published snapshot (works while a pipeline run is writing)."""
    from warehouse.query import run_query

    try:
        text = run_query(sql, format, out, paths.home())
    except VigieError as exc:
        fail(str(exc))
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command()
def export(
    out: Annotated[Path | None, typer.Option("--out", help="Folder (default: $VIGIE_HOME/export).")] = None,
    format: Annotated[
        list[str] | None, typer.Option("--format", help="parquet and/or csv (repeatable).")
    ] = None,  # noqa: A002
) -> None:
    """Export the main tables as Parquet and CSV for spreadsheets and other tools."""
    from warehouse.export import export as do_export

    try:
        written = do_export(paths.home(), out or paths.home() / "export", tuple(format or ("parquet", "csv")))
    except VigieError as exc:
        fail(str(exc))
    for path in written:
        typer.echo(str(path))
