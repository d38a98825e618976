"""Newsletters never take news; calls and tenders are ranked deadline day, fit, freshness (unlikely last)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from factories import make_item

from newsletters.issue import plan_issue
from newsletters.themes import load_themes

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _digest(**changes):
    return replace(load_themes().get("digest"), **changes)


def _ids(entries) -> list[str]:
    return [e.item["id"] for e in entries]


def test_news_never_reaches_an_issue():
    news = make_item(1, kind="news", deadline_at="2027-03-05T12:00:00+01:00")
    call = make_item(2, deadline_at="2027-03-05T12:00:00+01:00")
    issue = plan_issue(_digest(), "fr", [news, call], [], NOW)
    assert _ids(issue.entries) == ["test-source:2"]


def test_same_deadline_day_ranks_by_fit_then_freshness():
    day = "2027-03-05T{}:00:00+01:00"
    items = [
        make_item(1, deadline_at=day.format(10), fit="possible", first_seen_at="2027-02-20T00:00:00+00:00"),
        make_item(2, deadline_at=day.format(18), fit="good", first_seen_at="2027-02-01T00:00:00+00:00"),
        make_item(3, deadline_at=day.format(12), fit="possible", first_seen_at="2027-02-25T00:00:00+00:00"),
        make_item(4, deadline_at="2027-03-03T12:00:00+01:00", fit="possible"),
    ]
    issue = plan_issue(_digest(), "fr", items, [], NOW)
    assert _ids(issue.closing_soon) == ["test-source:4", "test-source:2", "test-source:3", "test-source:1"]


def test_unlikely_comes_last_or_is_left_out():
    items = [
        make_item(1, deadline_at="2027-03-02T12:00:00+01:00", fit="unlikely"),
        make_item(2, deadline_at="2027-03-10T12:00:00+01:00", fit="possible"),
    ]
    assert _ids(plan_issue(_digest(), "fr", items, [], NOW).closing_soon) == [
        "test-source:2",
        "test-source:1",
    ]
    assert _ids(plan_issue(_digest(unlikely="leave out"), "fr", items, [], NOW).closing_soon) == [
        "test-source:2"
    ]
