"""`vigie newsletter THEME`: one issue of a themed newsletter, for scripts (the newsroom does the same in a browser).

The issue uses the draft the comms team prepared in the newsroom (pins, removals, order, intro, subject) when
there is one. Only an issue that went out counts as seen: `--send` records it once the SMTP server accepted it,
`--mark-sent` records one sent with another mailer; a preview alone never hides items from the next issue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vigie.cli.app import app, fail
from vigie.core import paths
from vigie.core.errors import VigieError
from vigie.core.languages import UI_LANGS
from vigie.core.timezone import as_of as parse_as_of


@app.command()
def newsletter(
    theme: Annotated[str, typer.Argument(help="Theme id from config/themes.toml (e.g. digest).")] = "digest",
    lang: Annotated[
        str | None, typer.Option("--lang", help="Output language: fr, nl or en (default fr).")
    ] = None,
    hl: Annotated[
        str | None, typer.Option("--hl", help="Same as --lang (SPEC §9: hl is the output language).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the HTML, text and .eml files.")
    ] = None,
    send: Annotated[bool, typer.Option("--send", help="Send over SMTP (VIGIE_SMTP_* settings).")] = False,
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient (repeatable).")] = None,
    mark_sent: Annotated[
        bool,
        typer.Option("--mark-sent", help="Record the issue as sent (it went out with another mailer)."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Send or mark as sent even an issue with nothing new.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Make the issue as on this day (ISO date; default: the published run's --as-of, else now).",
        ),
    ] = None,
) -> None:
    """Render one issue of a themed newsletter (HTML e-mail, text, .eml); optionally send it or mark it sent."""
    from newsletters.make import make_issue

    if lang and hl and lang != hl:
        fail(f"--lang {lang} and --hl {hl} disagree: give one of them (both name the output language)")
    chosen = lang or hl or "fr"
    if chosen not in UI_LANGS:
        fail(f"--lang: {chosen!r} is not one of {', '.join(UI_LANGS)}")
    if send and not to:
        fail("--send needs at least one --to address")
    if send and mark_sent:
        fail("--send already records the issue: --mark-sent is for issues sent with another mailer")
    try:
        now = parse_as_of(as_of) if as_of else None  # None: the published run's --as-of, else now
        result = make_issue(
            theme, chosen, out, paths.home(), send, list(to or []), now, force=force, mark_sent=mark_sent
        )
    except VigieError as exc:
        fail(str(exc))
    for line in result.describe():
        typer.echo(line)
