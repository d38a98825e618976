"""Commands that publish: `vigie feed`, `vigie newsletter`, `vigie serve`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from vigie.cli.app import app, fail
from vigie.core import paths
from vigie.core.errors import VigieError


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
    from feeds.render import feed_from_snapshot
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
    from newsletters.make import make_issue

    if lang not in ("fr", "nl", "en"):
        fail(f"--lang: {lang!r} is not one of fr, nl, en")
    if send and not to:
        fail("--send needs at least one --to address")
    try:
        result = make_issue(theme, lang, out, paths.home(), send, list(to or []))
    except VigieError as exc:
        fail(str(exc))
    for line in result.describe():
        typer.echo(line)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Serve member feeds (/feeds/{atom,rss,ics,json}), the subscribe page (/) and /health."""
    from service.app import run as run_server

    run_server(host, port, paths.home())
