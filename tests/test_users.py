"""`vigie users add|list|remove`: accounts under $VIGIE_HOME with an argon2id hash, never the password; the
password from standard input or VIGIE_PASSWORD; every mistake one line on stderr."""

from __future__ import annotations

import json
import stat

from typer.testing import CliRunner

from service.newsroom.accounts import accounts_path, check_password
from vigie.cli import app

runner = CliRunner()


def test_add_from_stdin_stores_only_a_salted_argon2_hash(home):
    done = runner.invoke(
        app, ["users", "add", "marie", "--email", "marie@smart.example"], input="lange zin hier\n"
    )
    assert done.exit_code == 0, done.output
    assert done.output == "added marie <marie@smart.example>\n"
    path = accounts_path(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert stored["marie"]["email"] == "marie@smart.example"
    assert stored["marie"]["hash"].startswith("$argon2id$")
    assert "lange zin hier" not in path.read_text()
    assert check_password(home, "marie", "lange zin hier").email == "marie@smart.example"
    assert check_password(home, "marie", "lange zin daar") is None
    assert check_password(home, "nobody", "lange zin hier") is None


def test_two_accounts_with_one_password_have_different_hashes(home):
    for name in ("ann", "bob"):
        runner.invoke(
            app, ["users", "add", name, "--email", f"{name}@smart.example"], input="same password\n"
        )
    stored = json.loads(accounts_path(home).read_text())
    assert stored["ann"]["hash"] != stored["bob"]["hash"]


def test_add_from_environment(home, monkeypatch):
    monkeypatch.setenv("VIGIE_PASSWORD", "uit de omgeving")
    done = runner.invoke(app, ["users", "add", "jan", "--email", "jan@smart.example"])
    assert done.exit_code == 0, done.output
    assert check_password(home, "jan", "uit de omgeving") is not None


def test_list_shows_names_and_addresses_never_hashes(home):
    assert (
        runner.invoke(app, ["users", "list"]).output
        == "no accounts yet: vigie users add NAME --email ADDRESS\n"
    )
    runner.invoke(app, ["users", "add", "marie", "--email", "marie@smart.example"], input="lange zin hier\n")
    listed = runner.invoke(app, ["users", "list"]).output
    assert listed.startswith("marie\tmarie@smart.example\t")
    assert "argon2" not in listed


def test_mistakes_are_one_line_and_change_nothing(home):
    cases = [
        (
            ["users", "add", "Marie Curie", "--email", "m@smart.example"],
            "lange zin hier\n",
            "user name 'Marie Curie'",
        ),
        (
            ["users", "add", "marie", "--email", "not-an-address"],
            "lange zin hier\n",
            "--email: 'not-an-address'",
        ),
        (["users", "add", "marie", "--email", "m@smart.example"], "kort\n", "at least 10 characters"),
        (["users", "add", "marie", "--email", "m@smart.example"], "", "no password"),
        (["users", "remove", "ghost"], None, "no user 'ghost'"),
    ]
    for args, stdin, message in cases:
        done = runner.invoke(app, args, input=stdin)
        assert done.exit_code == 2
        assert done.output.count("\n") == 1 and message in done.output, done.output
    assert not accounts_path(home).exists()


def test_duplicate_refused_and_remove(home):
    args = ["users", "add", "marie", "--email", "marie@smart.example"]
    runner.invoke(app, args, input="lange zin hier\n")
    again = runner.invoke(app, args, input="andere zin hier\n")
    assert again.exit_code == 2
    assert "user marie already exists" in again.output
    assert runner.invoke(app, ["users", "remove", "marie"]).output == "removed marie\n"
    assert check_password(home, "marie", "lange zin hier") is None
