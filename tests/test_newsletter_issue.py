"""What an issue holds: the section rules and repeat avoidance across issues of a theme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from factories import make_item

from newsletters.issue import plan_issue, sent_record
from newsletters.themes import load_themes

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def digest():
    return load_themes().get("digest")


def _ids(entries):
    return [e.item["id"] for e in entries]


def test_sections_and_windows(digest):
    items = [
        make_item(1, deadline_at="2027-03-10T12:00:00+01:00"),  # 9 days: closing soon
        make_item(2, deadline_at="2027-03-22T09:00:00+01:00"),  # 21 days: still in the window
        make_item(3, deadline_at="2027-03-23T12:00:00+01:00"),  # 22 days: new
        make_item(4, deadline_at="2027-02-27T12:00:00+01:00"),  # past: left out
        make_item(5, deadline_at=None, deadline_precision=None),  # no deadline: new, last
        make_item(6, status="closed"),  # closed: left out
        make_item(7, kind="event", deadline_at=None, starts_at="2027-03-05T19:00:00+01:00"),
        make_item(8, kind="event", deadline_at=None, starts_at="2027-02-20T19:00:00+01:00"),  # past
        make_item(9, kind="event", deadline_at=None, starts_at="2027-06-20T19:00:00+02:00"),  # > 60 days
        make_item(10, kind="event", deadline_at=None, starts_at="2027-03-03T10:00:00+01:00"),
    ]
    issue = plan_issue(digest, "fr", items, [], NOW)
    assert _ids(issue.closing_soon) == ["test-source:1", "test-source:2"]
    assert _ids(issue.new) == ["test-source:3", "test-source:5"]
    assert _ids(issue.events) == ["test-source:10", "test-source:7"]


def test_section_sizes_cut_after_sorting(digest):
    items = [
        make_item(n, deadline_at=(NOW + timedelta(days=1, hours=n)).isoformat()) for n in range(40, 0, -1)
    ]
    issue = plan_issue(digest, "fr", items, [], NOW)
    assert len(issue.closing_soon) == 15
    assert _ids(issue.closing_soon)[0] == "test-source:1"


def _history(items, sent_at, lang="fr"):
    return [
        {
            "issue_id": "x",
            "theme": "digest",
            "lang": lang,
            "created_at": sent_at,
            "sent_at": sent_at,
            "items": [sent_record(i) for i in items],
        }
    ]


def test_already_sent_items_are_not_repeated(digest):
    sent = [
        make_item(1, deadline_at="2027-03-10T12:00:00+01:00"),
        make_item(2, deadline_at="2027-05-10T12:00:00+02:00"),
    ]
    later = make_item(3, deadline_at="2027-05-11T12:00:00+02:00", first_seen_at="2027-02-28T10:00:00+00:00")
    before = make_item(4, deadline_at="2027-05-12T12:00:00+02:00", first_seen_at="2027-02-20T10:00:00+00:00")
    items = sent + [later, before]
    for i in items:
        i.setdefault("first_seen_at", "2027-02-20T10:00:00+00:00")
    issue = plan_issue(digest, "fr", items, _history(sent, "2027-02-22T09:00:00+00:00"), NOW)
    assert _ids(issue.closing_soon) == []
    # what was never sent is "new", however long ago it was first seen: only sending makes an item seen
    assert _ids(issue.new) == ["test-source:3", "test-source:4"]
    assert issue.since == datetime(2027, 2, 22, 9, 0, tzinfo=UTC)


def test_postponed_deadline_is_announced(digest):
    old = make_item(1, deadline_at="2027-03-10T12:00:00+01:00")
    now_item = make_item(
        1, deadline_at="2027-03-31T12:00:00+02:00", first_seen_at="2027-02-01T00:00:00+00:00"
    )
    issue = plan_issue(digest, "fr", [now_item], _history([old], "2027-02-22T09:00:00+00:00"), NOW)
    assert _ids(issue.new) == ["test-source:1"]
    change = issue.new[0].change
    assert change.what == "deadline_postponed"
    assert change.old == datetime(2027, 3, 10, 11, 0, tzinfo=UTC)
    assert change.new == datetime(2027, 3, 31, 10, 0, tzinfo=UTC)


def test_cancellation_is_announced_and_title_edits_are_not(digest):
    a, b = make_item(1), make_item(2)
    history = _history([a, b], "2027-02-22T09:00:00+00:00")
    cancelled = make_item(1, status="cancelled")
    retitled = make_item(2, title="Nouveau titre", texts={"fr": {"title": "Nouveau titre", "summary": ""}})
    issue = plan_issue(digest, "fr", [cancelled, retitled], history, NOW)
    assert [(e.item["id"], e.change.what) for e in issue.entries] == [("test-source:1", "cancelled")]


def test_history_is_per_language(digest):
    item = make_item(1)
    issue = plan_issue(digest, "nl", [item], _history([item], "2027-02-22T09:00:00+00:00", lang="fr"), NOW)
    assert _ids(issue.closing_soon) == ["test-source:1"]
    assert issue.since is None


def test_theme_without_closing_section_puts_near_deadlines_in_new():
    theme = load_themes().get("events-brussels")
    issue = plan_issue(theme, "fr", [make_item(1)], [], NOW)
    # events-brussels shows events only: calls are dropped, not misplaced
    assert issue.empty
