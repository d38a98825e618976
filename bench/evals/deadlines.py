"""Deadlines found in free text (refine.deadline_text) against tests/labelled/deadlines.tsv, one split at a time.

    .venv/bin/python bench/evals/deadlines.py [--part tuned|held-out|all]

A row is right when the extractor gives exactly the labelled instant and precision, or nothing for a row with no
deadline. A false positive (a deadline where a person reads none: an event, a publication, the completion of
works) is counted apart: a wrong date stored as truth is worse than no date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parents[1]))  # after the root: bench/refine.py is not refine/

from evals import labelled_rows, standalone  # noqa: E402
from refine.deadline_text import find_deadline  # noqa: E402


def extract(text: str) -> tuple[str, str]:
    """(ISO instant, precision) of the deadline in `text`, or ("", "")."""
    found = find_deadline(text)
    return (found[0].isoformat(), found[1]) if found else ("", "")


def run(part: str = "held-out") -> dict[str, Any]:
    rows = labelled_rows("deadlines.tsv", part)
    right, false_positives, misses = 0, [], []
    for row in rows:
        got = extract(row["text"])
        if got == (row["expected"], row["precision"]):
            right += 1
        elif not row["expected"]:
            false_positives.append({"text": row["text"], "got": got[0]})
        else:
            misses.append({"text": row["text"], "expected": row["expected"], "got": got[0]})
    positives = sum(1 for row in rows if row["expected"])
    return {
        "deadline_rows": len(rows),
        "deadline_positives": positives,
        "deadline_exact": round(right / len(rows), 4),
        "deadline_found": positives - len(misses),
        "deadline_false_positives": len(false_positives),
        "deadline_errors": misses + false_positives,
    }


def summary_line(figures: dict[str, Any]) -> str:
    return (
        f"deadlines: {figures['deadline_rows']} rows, exact {figures['deadline_exact']:.3f}, "
        f"{figures['deadline_found']}/{figures['deadline_positives']} deadlines found, "
        f"{figures['deadline_false_positives']} false positives"
    )


if __name__ == "__main__":
    standalone(__doc__, run, summary_line)
