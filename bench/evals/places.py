"""Venue matching (refine.places_match) against tests/labelled/venues.tsv: real event locations of five public
files (tests/fixtures/places/), each labelled by hand with the venue it is.

    .venv/bin/python bench/evals/places.py

All files are parsed and matched together (so venues meet across files, as in a run); the figures are then taken
per part ("tune": the rows the reader and matcher were written on; "held": the others): pairwise precision and
recall (pairs of locations put in one place, against pairs labelled as one venue), exact groups (labelled venues
whose locations all landed in one place holding nothing else), and "-" rows placed by mistake. The last line
printed is one JSON object.
"""

from __future__ import annotations

import json
import sys
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from refine.places import venue_of  # noqa: E402
from refine.places_match import match_venues  # noqa: E402
from spiders.parsers import parse  # noqa: E402

LABELLED = ROOT / "tests" / "labelled" / "venues.tsv"
FILES = ROOT / "tests" / "fixtures" / "places"
_FAMILY = {".ics": "ics", ".html": "jsonld", ".json": "uitdatabank"}


def read_rows(path: Path = LABELLED) -> list[dict[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            split, file, group, location = line.split("\t")
            rows.append({"split": split, "file": file, "group": group, "location": location})
    return rows


def placed(rows: list[dict[str, str]]) -> dict[tuple[str, str], str | None]:
    """(file, location) -> the place id the matcher gives the first record with that location."""
    records: dict[tuple[str, str], dict] = {}
    for name in sorted({r["file"] for r in rows}):
        path = FILES / name
        for record in parse(
            path.read_bytes(), _FAMILY[path.suffix], source=path.stem, url=f"https://x/{name}"
        ):
            if record.get("location"):
                records.setdefault((name, record["location"]), record)
    keys = [(r["file"], r["location"]) for r in rows]
    missing = [k for k in keys if k not in records]
    if missing:
        raise SystemExit(f"labelled locations not found in their file: {missing[:3]}")
    venues = [venue_of(records[k]) for k in keys]
    matches = match_venues([v for v in venues if v], [])
    found = iter(matches)
    out: dict[tuple[str, str], str | None] = {}
    for key, venue in zip(keys, venues, strict=True):
        match = next(found) if venue else None
        out[key] = match.place.id if match else None
    return out


def score(rows: list[dict[str, str]], got: dict[tuple[str, str], str | None], part: str) -> dict[str, Any]:
    mine = [r for r in rows if r["split"] == part]
    keys = [(r["file"], r["location"]) for r in mine]
    label = {(r["file"], r["location"]): r["group"] for r in mine}
    pairs = list(combinations(keys, 2))
    truth = {p for p in pairs if label[p[0]] != "-" and label[p[0]] == label[p[1]]}
    said = {p for p in pairs if got[p[0]] and got[p[0]] == got[p[1]]}
    groups = {g for g in label.values() if g != "-"}
    exact = 0
    for group in groups:
        ids = {got[k] for k in keys if label[k] == group}
        if len(ids) == 1 and None not in ids:
            exact += {k for k in keys if got[k] in ids} == {k for k in keys if label[k] == group}
    return {
        "locations": len(keys),
        "venues": len(groups),
        "pair_precision": round(len(truth & said) / len(said), 3) if said else 1.0,
        "pair_recall": round(len(truth & said) / len(truth), 3) if truth else 1.0,
        "exact_groups": exact,
        "unplaceable_placed": sum(1 for k in keys if label[k] == "-" and got[k]),
        "misses": sorted(k[1] for k in keys if label[k] != "-" and not got[k]),
    }


def run() -> dict[str, Any]:
    rows = read_rows()
    got = placed(rows)
    return {part: score(rows, got, part) for part in ("tune", "held")}


if __name__ == "__main__":
    figures = run()
    for part, values in figures.items():
        print(part, {k: v for k, v in values.items() if k != "misses"})
        for miss in values["misses"]:
            print("  not placed:", miss)
    print(json.dumps({p: {k: v for k, v in f.items() if k != "misses"} for p, f in figures.items()}))
