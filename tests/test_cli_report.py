"""The end-of-run report a comms person reads: a source whose items were held back says why."""

from __future__ import annotations

from rich.console import Console

from flows.summary import RunSummary, SourceSummary
from vigie.cli.report import print_summary


def _report(*sources: SourceSummary) -> str:
    console = Console(width=200, record=True, color_system=None)
    print_summary(console, RunSummary(run_id="r1", sources=list(sources)), 1.0)
    return console.export_text()


def test_a_healthy_source_whose_items_were_held_back_says_why() -> None:
    held = SourceSummary(
        name="feed-nl",
        records=20,
        not_yet=20,
        flag="20 item(s) published after 2021-08-20 left out (--as-of)",
    )
    assert "feed-nl: 20 item(s) published after 2021-08-20 left out (--as-of)" in _report(held)


def test_a_degraded_source_names_its_problem() -> None:
    degraded = SourceSummary(
        name="ted", status="degraded", records=10, valid=5, flag="only 5/10 records valid"
    )
    assert "ted: only 5/10 records valid" in _report(degraded)


def test_a_healthy_source_with_nothing_to_say_adds_no_line() -> None:
    fine = SourceSummary(name="agenda", records=3, valid=3, new=3)
    lines = [line for line in _report(fine).splitlines() if line.startswith("  agenda")]
    assert lines == []
