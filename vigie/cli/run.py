"""Commands that run the pipeline: `vigie run`, `vigie sources [check]`, `vigie schedule`."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from vigie.cli.app import app, fail, sources_app
from vigie.core import paths
from vigie.core.errors import VigieError
from vigie.core.reasons import describe
from vigie.core.timezone import BRUSSELS

DEMO_REGISTRY = Path(__file__).resolve().parent.parent / "demo" / "sources.toml"


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
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Behave as on this day (ISO date, Brussels time): statuses, windows, recurrences, the "
            "newsletter and the feed. Default: now. --demo defaults to the sample's day.",
        ),
    ] = None,
    dispatch: Annotated[
        str | None,
        typer.Option(
            "--dispatch",
            help="'local' (default: everything in this process) or 'pool': each source as a flow run on the "
            "Prefect work pool of `vigie worker`s (needs PREFECT_API_URL). Default: $VIGIE_DISPATCH.",
        ),
    ] = None,
) -> None:
    """Run the whole pipeline once: collect, refine, load, publish; then print a summary per source.

    Exit status: 0 when at least one source succeeded, 1 when every selected source failed (the summary is
    printed first), 2 for bad usage (an unknown source, a bad date, a broken registry)."""
    home = paths.home()
    from vigie.core.timezone import as_of as parse_as_of

    if demo and as_of is None:
        from vigie.demo.server import DEMO_AS_OF

        as_of = DEMO_AS_OF
    try:
        when = parse_as_of(as_of) if as_of else None
    except VigieError as exc:
        fail(str(exc))
    from flows import prefect_env
    from spiders.isolation import POOL
    from vigie.cli.report import wide_console

    prefect_env.configure(home)
    from flows.distributed_dispatch import requested

    try:
        pooled = requested(dispatch)
    except VigieError as exc:
        fail(str(exc))
    if not pooled:
        POOL.warm()  # parse workers start while Prefect does (spiders.isolation)
    console = wide_console()
    if when is not None:
        day = when.astimezone(BRUSSELS).date().isoformat()
        console.print(
            f"As of {day}: statuses, deadlines, events and the newsletter are computed as on that day"
            + (" (the demo's sample dates from then)." if demo else ".")
        )
    started = time.perf_counter()
    try:
        from flows.pipeline import vigie_run

        registry_file = sources or (DEMO_REGISTRY if demo else None)
        if demo:
            from vigie.demo.server import demo_environment, serve

            with (
                demo_environment(),
                serve() as url,
                console.status("Collecting the demo sample from " + url + " …"),
            ):
                summary = _run_flow(vigie_run, home, registry_file, only, url, when, pooled)
        else:
            with console.status("Collecting …"):
                summary = _run_flow(vigie_run, home, registry_file, only, None, when, pooled)
    except VigieError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - the pipeline itself failed: one line, details in a log file
        log = _save_traceback(home)
        fail(f"the pipeline failed: {describe(exc)} (details in {log})", code=1)
    from vigie.cli.report import print_summary

    print_summary(console, summary, time.perf_counter() - started)
    if summary.all_failed:
        fail(f"every selected source failed ({len(summary.sources)}): nothing was collected", code=1)


def _run_flow(flow, home, registry_file, only, demo_url, when, pooled=False):  # type: ignore[no-untyped-def]
    import asyncio

    return asyncio.run(
        flow(
            home=str(home),
            registry_file=str(registry_file) if registry_file else None,
            only=list(only) if only else None,
            demo_url=demo_url,
            as_of=when.isoformat() if when else None,
            dispatch="pool" if pooled else "local",
        )
    )


def _save_traceback(home: Path) -> Path:
    import traceback

    log = home / "logs" / "last-error.txt"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(traceback.format_exc(), encoding="utf-8")
    return log


@sources_app.callback()
def sources_list(
    ctx: typer.Context,
    registry_file: Annotated[Path | None, typer.Option("--sources", help="Registry file.")] = None,
) -> None:
    """List the registry's sources with their state and health (last success, failures, last yield)."""
    if ctx.invoked_subcommand:
        return
    from vigie.cli.report import print_sources

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
    from vigie.cli.report import print_check

    try:
        report = check_source(name, registry_file, paths.home())
    except VigieError as exc:
        fail(str(exc))
    print_check(report)
    ok = report.ok
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
