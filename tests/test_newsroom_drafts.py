"""Drafts and "seen" rules shared by the newsroom and `vigie newsletter`: what did not fit stays a candidate,
only sent or marked-sent issues count as seen, the draft survives a new pipeline run and is used by the CLI."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from factories import make_item
from newsroom_data import ITEMS, NOW, T0, setup_home
from typer.testing import CliRunner

from newsletters.drafts import change_draft, drafted_issue, load_draft
from newsletters.themes import load_themes
from vigie.cli import app
from warehouse.store import Warehouse

runner = CliRunner()
AS_OF = ["--as-of", "2027-03-01T09:00"]


def _ids(issue):
    return [e.item["id"] for e in issue.entries]


def _many(home, count: int = 18):
    """More calls closing soon than the digest's 15: three do not fit."""
    items = [make_item(n, deadline_at=f"2027-03-{n + 2:02d}T12:00:00+01:00") for n in range(1, count + 1)]
    warehouse = Warehouse(home)
    warehouse.load(items, "run-1", now=T0)
    warehouse.publish(exports=False)
    return warehouse


def test_what_did_not_fit_comes_in_the_next_issue_of_the_cli(home):
    warehouse = _many(home)
    first = runner.invoke(app, ["newsletter", "digest", "--hl", "fr", "--mark-sent", *AS_OF])
    assert first.exit_code == 0, first.output
    assert "15 closing soon" in first.output
    assert "recorded as sent" in first.output
    sent = {i["id"] for i in warehouse.newsletter_history("digest")[0]["items"]}
    assert sent == {f"test-source:{n}" for n in range(1, 16)}
    second = runner.invoke(
        app, ["newsletter", "digest", "--lang", "fr", "--mark-sent", "--as-of", "2027-03-02"]
    )
    assert second.exit_code == 0, second.output
    later = {i["id"] for i in warehouse.newsletter_history("digest")[1]["items"]}
    assert later == {"test-source:16", "test-source:17", "test-source:18"}


def test_a_preview_alone_hides_nothing(home):
    warehouse = _many(home, 3)
    assert runner.invoke(app, ["newsletter", "digest", *AS_OF]).exit_code == 0
    assert warehouse.newsletter_history("digest") == []
    assert "3 closing soon" in runner.invoke(app, ["newsletter", "digest", *AS_OF]).output


def test_empty_issue_names_itself_and_force_exists(home):
    _many(home, 1)
    assert runner.invoke(app, ["newsletter", "digest", "--mark-sent", *AS_OF]).exit_code == 0
    empty = runner.invoke(app, ["newsletter", "digest", "--mark-sent", *AS_OF])
    assert empty.exit_code == 2
    assert "digest (fr): nothing new since the last issue, so it was not marked as sent" in empty.output
    assert "add --force" in empty.output
    forced = runner.invoke(app, ["newsletter", "digest", "--mark-sent", "--force", *AS_OF])
    assert forced.exit_code == 0, forced.output
    assert "nothing new this time" in forced.output


def test_lang_and_hl_must_agree(home):
    done = runner.invoke(app, ["newsletter", "digest", "--lang", "fr", "--hl", "nl"])
    assert done.exit_code == 2
    assert "--lang fr and --hl nl disagree" in done.output


def test_the_cli_uses_the_newsroom_draft_and_clears_it_after(home):
    warehouse = _many(home, 3)
    change_draft(home, "digest", "nl", "remove", "marie", item_id="test-source:2")
    change_draft(home, "digest", "nl", "words", "marie", intro="Onze keuze.", subject="Maart")
    done = runner.invoke(app, ["newsletter", "digest", "--lang", "nl", "--mark-sent", *AS_OF])
    assert done.exit_code == 0, done.output
    assert "subject: Maart" in done.output
    row = warehouse.newsletter_history("digest")[0]
    assert sorted(i["id"] for i in row["items"]) == ["test-source:1", "test-source:3"]
    assert "Onze keuze." in Path(row["html_path"]).read_text(encoding="utf-8")
    draft = load_draft(home, "digest", "nl")
    assert (draft.intro, draft.subject, draft.removed) == (None, None, ["test-source:2"])


def test_a_pinned_item_survives_a_new_run_that_pushes_it_out(home, tmp_path):
    themes = load_themes(setup_home(home, tmp_path))
    digest = themes.get("digest")
    change_draft(home, "digest", "nl", "pin", "marie", item_id="test-source:2")
    # A new run brings two calls closing sooner: the theme alone would now pick 8 and 9 for its two places.
    sooner = [make_item(n, deadline_at=f"2027-03-0{n - 6}T09:00:00+01:00", language="nl") for n in (8, 9)]
    warehouse = Warehouse(home)
    warehouse.load(ITEMS + sooner, "run-2", now=T0 + timedelta(days=1))
    warehouse.publish(exports=False)
    issue, _ = drafted_issue(home, digest, "nl", [], NOW)
    assert [e.item["id"] for e in issue.closing_soon] == ["test-source:2", "test-source:8", "test-source:9"]
