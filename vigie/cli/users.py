"""`vigie users add|list|remove`: the comms team's accounts for the newsroom (`vigie serve`, /newsroom/).

The password is read from standard input (typed twice at a terminal, hidden) or from VIGIE_PASSWORD, never
from the command line, where it would stay in the shell's history and in the process list.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from vigie.cli.app import app, fail
from vigie.core import paths
from vigie.core.errors import VigieError

users_app = typer.Typer(help="Accounts of the comms team's newsroom (/newsroom/ in `vigie serve`).")
app.add_typer(users_app, name="users")


def _password() -> str:
    from_env = os.environ.get("VIGIE_PASSWORD")
    if from_env:
        return from_env
    if sys.stdin.isatty():
        first = typer.prompt("Password", hide_input=True)
        if typer.prompt("Password again", hide_input=True) != first:
            fail("the two passwords differ")
        return first
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        fail("no password: give it on standard input or in VIGIE_PASSWORD")
    return line


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name to log in with (lower-case, e.g. marie).")],
    email: Annotated[str, typer.Option("--email", help="Where this person's test issues go.")],
) -> None:
    """Add an account; the password comes from standard input or VIGIE_PASSWORD."""
    from service.newsroom.accounts import add_user

    try:
        account = add_user(paths.home(), name, email, _password())
    except VigieError as exc:
        fail(str(exc))
    typer.echo(f"added {account.name} <{account.email}>")


@users_app.command("list")
def list_() -> None:
    """The accounts: name, e-mail address, when added (never a password or its hash)."""
    from service.newsroom.accounts import list_users

    try:
        accounts = list_users(paths.home())
    except VigieError as exc:
        fail(str(exc))
    if not accounts:
        typer.echo("no accounts yet: vigie users add NAME --email ADDRESS")
    for account in accounts:
        typer.echo(f"{account.name}\t{account.email}\t{account.created_at}")


@users_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Remove an account; its open sessions end at their next request."""
    from service.newsroom.accounts import remove_user

    try:
        remove_user(paths.home(), name)
    except VigieError as exc:
        fail(str(exc))
    typer.echo(f"removed {name}")
