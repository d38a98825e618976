"""Commands that publish: `vigie feed`, `vigie serve` (`vigie newsletter` is in newsletter.py)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from vigie.cli.app import app, fail
from vigie.core import paths
from vigie.core.errors import VigieError
from vigie.core.languages import UI_LANGS
from vigie.core.timezone import as_of as parse_as_of


@app.command()
def feed(
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="tender, call, event, news (repeatable).")
    ] = None,
    sector: Annotated[list[str] | None, typer.Option("--sector", help="Sector id (repeatable).")] = None,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Items in fr, nl, en or de (a filter; repeatable).")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", help="BE-BRU, BE-WAL or BE-VLG (repeatable).")
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="local, regional, community, federal, european, international."),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="forthcoming, open, closed, cancelled, awarded (repeatable; default: open and forthcoming).",
        ),
    ] = None,
    fit: Annotated[
        list[str] | None, typer.Option("--fit", help="good, possible, unlikely (repeatable).")
    ] = None,
    q: Annotated[
        str | None, typer.Option("--q", help="Free text, accent-insensitive, in every language.")
    ] = None,
    closing_within: Annotated[
        int | None, typer.Option("--closing-within", help="Deadline within N days.")
    ] = None,
    hl: Annotated[str, typer.Option("--hl", help="Language of the feed's wording: fr, nl or en.")] = "fr",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Behave as on this day (ISO date; default: the published run's --as-of, else now).",
        ),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="atom, rss, ics or json.")] = "atom",  # noqa: A002
    base_url: Annotated[
        str, typer.Option("--base-url", help="Public address of `vigie serve`, for self links.")
    ] = "http://127.0.0.1:8000",
) -> None:
    """Print a filtered feed (Atom, RSS, iCalendar or JSON Feed) of the published warehouse: by default what is
    still open or to come, no news."""
    from feeds.render import feed_from_snapshot
    from feeds.selection import reader_now
    from warehouse.filters import Filter
    from warehouse.snapshot import connect

    try:
        flt = Filter.from_params(
            {
                "kind": kind,
                "sector": sector,
                "lang": lang,
                "region": region,
                "scope": scope,
                "status": status,
                "fit": fit,
                "q": q,
                "closing-within": closing_within,
            }
        )
        if format not in ("atom", "rss", "ics", "json"):
            fail(f"--format: {format!r} is not one of atom, rss, ics, json")
        if hl not in UI_LANGS:
            fail(f"--hl: {hl!r} is not one of {', '.join(UI_LANGS)}")
        asked = parse_as_of(as_of) if as_of else None
        con = connect(paths.home())
        try:
            # Without --as-of: the day the published run was made as of, if it was (the demo), else now.
            body, _ = feed_from_snapshot(con, flt, format, reader_now(con, asked), base_url, hl)
        finally:
            con.close()
    except VigieError as exc:
        fail(str(exc))
    sys.stdout.buffer.write(body)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Serve pages and feeds as on this day (ISO date; default: the published run's --as-of, else now).",
        ),
    ] = None,
) -> None:
    """Serve the browse page (/), member feeds (/feeds/{atom,rss,ics,json}) and /health."""
    from service.app import run as run_server

    try:
        instant = parse_as_of(as_of) if as_of else None
    except VigieError as exc:
        fail(str(exc))
    run_server(host, port, paths.home(), as_of=instant)
