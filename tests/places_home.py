"""A published warehouse with places for the places tests: two real iCalendar agendas (FabLab Cottbus, machBar
Potsdam) parsed, refined, loaded and matched, the clock set to a day when the Cottbus fablab had events ahead."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from flows.places import fill
from refine.pipeline import refine_and_cluster
from spiders.parsers import parse
from warehouse.clock import set_clock
from warehouse.store import Warehouse

PLACES = Path(__file__).resolve().parent / "fixtures" / "places"
AS_OF = datetime(2019, 2, 1, 9, tzinfo=UTC)
AGENDAS = {"cottbus": "rie_fablab_cottbus_public_events.ics", "machbar": "rie_machbar_calendar.ics"}


def build(home: Path) -> Path:
    warehouse = Warehouse(home)
    paths = []
    for source, name in AGENDAS.items():
        options = {"now": AS_OF.isoformat()}
        records = [
            {**r, "kind": "event"}
            for r in parse(
                (PLACES / name).read_bytes(), "ics", source=source, url=f"https://x/{name}", options=options
            )
        ]
        warehouse.load(refine_and_cluster(records, now=AS_OF).items, f"run-{source}", AS_OF)
        path = home / f"{source}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        paths.append(path)
    fill(home, paths, AS_OF)
    set_clock(warehouse, AS_OF)
    warehouse.publish(exports=False)
    return home
