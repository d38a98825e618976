"""The typer application and the one way a command fails: one line on stderr, a non-zero exit."""

from __future__ import annotations

from typing import NoReturn

import typer

app = typer.Typer(
    help="Vigie: a watch on public tenders, calls for projects and networking events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
sources_app = typer.Typer(help="The source registry and each source's health.", invoke_without_command=True)
app.add_typer(sources_app, name="sources")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"vigie: {message}", err=True)
    raise typer.Exit(code)
