"""Evaluations of refine's taggers on the labelled sets of tests/labelled/, one split at a time.

Each module here exposes `run(part) -> dict` (part "tuned": the rows rules were written on; "held-out": the rows
nobody looked at while writing them) and runs standalone; bench/tagging_eval.py prints them all.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "labelled"
PARTS = ("tuned", "held-out")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def labelled_rows(name: str, part: str = "all") -> list[dict[str, str]]:
    """The rows of tests/labelled/<name> in `part` ("tuned", "held-out" or "all"); tab-separated, no quoting."""
    if part not in (*PARTS, "all"):
        raise ValueError(f"part {part!r}: expected one of {', '.join(PARTS)} or all")
    path = LABELLED / name
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        raise SystemExit(f"{path}: no rows")
    return [row for row in rows if part == "all" or row["split"] == part]


def standalone(doc: str, run: Callable[[str], dict[str, Any]], line: Callable[[dict[str, Any]], str]) -> None:
    """An eval run from the command line: --part, one summary line, then the figures as one JSON object."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--part", default="held-out", choices=(*PARTS, "all"))
    figures = run(parser.parse_args().part)
    print(line(figures))
    print(json.dumps({k: v for k, v in figures.items() if not k.endswith("_errors")}))
