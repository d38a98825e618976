"""`vigie`: the command line of the watch (SPEC §2). Every command explains itself with --help, and a
problem is one line on stderr with a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from vigie.core import paths
from vigie.core.errors import VigieError

app = typer.Typer(
    help="Vigie: a watch on public tenders, calls for projects and networking events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
sources_app = typer.Typer(help="The source registry and each source's health.", invoke_without_command=True)
app.add_typer(sources_app, name="sources")

DEMO_REGISTRY = Path(__file__).resolve().parent / "demo" / "sources.toml"


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"vigie: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def run(
    demo: Annotated[
        bool, typer.Option("--demo", help="Use the bundled offline sample, served on 127.0.0.1.")
    ] = False,
    sources: Annotated[
        Path | None, typer.Option("--sources", help="Registry file (default: config/sources.toml).")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only this source (repeatable).")
    ] = None,
) -> None:
    """Run the whole pipeline once: collect, refine, load, publish; then print a summary per source."""
    home = paths.home()
    from flows import prefect_env
    from flows.report import wide_console

    prefect_env.configure(home)
    console = wide_console()
    started = time.perf_counter()
    try:
        from flows.pipeline import vigie_run

        registry_file = sources or (DEMO_REGISTRY if demo else None)
        if demo:
            from vigie.demo.server import serve

            with serve() as url, console.status("Collecting the demo sample from " + url + " …"):
                summary = _run_flow(vigie_run, home, registry_file, only, url)
        else:
            with console.status("Collecting …"):
                summary = _run_flow(vigie_run, home, registry_file, only, None)
    except VigieError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - the pipeline itself failed: one line, details in a log file
        log = _save_traceback(home)
        fail(f"the pipeline failed: {type(exc).__name__}: {exc} (details in {log})", code=1)
    from flows.report import print_summary

    print_summary(console, summary, time.perf_counter() - started)


def _run_flow(flow, home, registry_file, only, demo_url):  # type: ignore[no-untyped-def]
    import asyncio

    return asyncio.run(
        flow(
            home=str(home),
            registry_file=str(registry_file) if registry_file else None,
            only=list(only) if only else None,
            demo_url=demo_url,
        )
    )


def _save_traceback(home: Path) -> Path:
    import traceback

    log = home / "logs" / "last-error.txt"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(traceback.format_exc(), encoding="utf-8")
    return log


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
) -> None:
    """Read one file, detect its format, refine it and print one JSON object per item. Stores nothing."""
    from vigie.parsefile import parse_file

    try:
        items, quarantined = parse_file(file, kind=kind, source=source, family=family)
    except VigieError as exc:
        fail(f"{file}: {exc}")
    except Exception as exc:  # noqa: BLE001 - never a traceback for a bad file
        fail(f"{file}: could not be read ({type(exc).__name__}: {str(exc)[:200]})")
    out = sys.stdout
    for item in items:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
    for q in quarantined:
        typer.echo(f"vigie: {file}: record {q.get('native_id') or '?'} skipped: {q['reason']}", err=True)
    if not items:
        fail(f"{file}: no items found" + (f" ({len(quarantined)} records refused)" if quarantined else ""))


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


@app.command()
def feed(
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="tender, call, event (repeatable).")
    ] = None,
    sector: Annotated[list[str] | None, typer.Option("--sector", help="Sector id (repeatable).")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="fr, nl, en, de (repeatable).")] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", help="BE-BRU, BE-WAL, BE-VLG… (repeatable).")
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="local, regional, community, federal, european, international."),
    ] = None,
    q: Annotated[
        str | None, typer.Option("--q", help="Free text, accent-insensitive, in every language.")
    ] = None,
    closing_within: Annotated[
        int | None, typer.Option("--closing-within", help="Deadline within N days.")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="atom, rss, ics or json.")] = "atom",  # noqa: A002
    base_url: Annotated[
        str, typer.Option("--base-url", help="Public address of `vigie serve`, for self links.")
    ] = "http://127.0.0.1:8000",
) -> None:
    """Print a filtered feed (Atom, RSS, iCalendar or JSON Feed) of the published warehouse."""
    from newsletters.feeds import feed_from_snapshot
    from newsletters.filters import Filter
    from warehouse.snapshot import connect

    try:
        flt = Filter.from_params(
            {
                "kind": kind,
                "sector": sector,
                "lang": lang,
                "region": region,
                "scope": scope,
                "q": q,
                "closing-within": closing_within,
            }
        )
        if format not in ("atom", "rss", "ics", "json"):
            fail(f"--format: {format!r} is not one of atom, rss, ics, json")
        con = connect(paths.home())
        try:
            body, _ = feed_from_snapshot(con, flt, format, datetime.now(UTC), base_url)
        finally:
            con.close()
    except VigieError as exc:
        fail(str(exc))
    sys.stdout.buffer.write(body)


@app.command()
def newsletter(
    theme: Annotated[str, typer.Argument(help="Theme id from config/themes.toml (e.g. digest).")] = "digest",
    lang: Annotated[str, typer.Option("--lang", help="fr, nl or en.")] = "fr",
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the HTML, text and .eml files.")
    ] = None,
    send: Annotated[bool, typer.Option("--send", help="Send over SMTP (VIGIE_SMTP_* settings).")] = False,
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient (repeatable).")] = None,
) -> None:
    """Render one issue of a themed newsletter (HTML e-mail, text, .eml) and optionally send it."""
    from newsletters.cli_newsletter import make_issue

    if lang not in ("fr", "nl", "en"):
        fail(f"--lang: {lang!r} is not one of fr, nl, en")
    if send and not to:
        fail("--send needs at least one --to address")
    try:
        result = make_issue(theme, lang, out, paths.home(), send, list(to or []))
    except VigieError as exc:
        fail(str(exc))
    for line in result.describe() if hasattr(result, "describe") else [str(result)]:
        typer.echo(line)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Serve member feeds (/feeds/{atom,rss,ics,json}), the subscribe page (/) and /health."""
    from newsletters.serve import run as run_server

    run_server(host, port, paths.home())


@sources_app.callback()
def sources_list(
    ctx: typer.Context,
    registry_file: Annotated[Path | None, typer.Option("--sources", help="Registry file.")] = None,
) -> None:
    """List the registry's sources with their state and health (last success, failures, last yield)."""
    if ctx.invoked_subcommand:
        return
    from flows.report import print_sources

    try:
        print_sources(registry_file, paths.home())
    except VigieError as exc:
        fail(str(exc))


@sources_app.command("check")
def sources_check(
    name: Annotated[str, typer.Argument(help="Source name.")],
    registry_file: Annotated[Path | None, typer.Option("--sources", help="Registry file.")] = None,
) -> None:
    """Live check of one source: fetch it now (needs a network), parse it, and say what came back."""
    from flows.check import check_source

    try:
        ok = check_source(name, registry_file, paths.home())
    except VigieError as exc:
        fail(str(exc))
    raise typer.Exit(0 if ok else 1)


@app.command()
def schedule(
    cron: Annotated[
        str, typer.Option("--cron", help="When to run (cron syntax, Europe/Brussels).")
    ] = "0 6 * * *",
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", help="A running Prefect server (else one is started on 127.0.0.1)."),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port of the Prefect server started here.")] = 4200,
    sources: Annotated[
        Path | None, typer.Option("--sources", help="Registry file (default: config/sources.toml).")
    ] = None,
    every: Annotated[
        int | None, typer.Option("--every", help="Run every N seconds instead of the cron (testing).")
    ] = None,
) -> None:
    """Serve the pipeline as a Prefect deployment on a cron schedule (default: daily at 06:00)."""
    from flows.schedule import serve_schedule

    home = paths.home()
    from flows import prefect_env

    prefect_env.configure(home)
    try:
        serve_schedule(
            home,
            cron,
            api_url or os.environ.get("PREFECT_API_URL"),
            port,
            sources.resolve() if sources else None,
            every,
        )
    except VigieError as exc:
        fail(str(exc))


if __name__ == "__main__":
    app()
