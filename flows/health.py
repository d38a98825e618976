"""Health per source: what one run says about a source, given its history (SPEC §5, issue 3)."""

from __future__ import annotations

from warehouse.ledger import SourceHistory

BROKEN_AFTER = 3  # consecutive failed runs before a source is reported as broken
SHARP_DROP = 0.5  # a yield under half the recent average is flagged


def assess(records: int, valid: int, errors: int, history: SourceHistory) -> tuple[str, str]:
    """(status, flag message) for one source's run. status: ok | degraded | empty | failed | broken."""
    failures = history.consecutive_failures
    if records == 0 and errors:
        failures += 1
        if failures >= BROKEN_AFTER:
            return "broken", f"broken: {failures} failed runs in a row"
        return "failed", "no records"
    if records == 0:
        return "empty", "zero records (was it moved or emptied?)"
    if errors:
        return "degraded", f"{errors} error(s) while collecting"
    if valid < records * 0.9:
        return "degraded", f"only {valid}/{records} records valid"
    if history.average_yield and records < history.average_yield * SHARP_DROP:
        return "degraded", f"yield {records} is far below the recent average {history.average_yield:.0f}"
    return "ok", ""
