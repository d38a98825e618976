"""The places step of a run: config/places.toml plus the venues of the run's events, matched against the places
stored by earlier runs (refine.places_match), written with each event's link to its place. Refused rows of
places.toml are problems of the run (named, the other rows load); nothing is printed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NONE

from flows.tasks import read_raw
from refine.identity import item_id, native_id_for
from refine.places import Venue, venue_of
from refine.places_config import load_places
from refine.places_match import Place, match_venues
from refine.regions import region_of_postal_code
from warehouse.places import known_places, save_places
from warehouse.store import Warehouse


@dataclass
class PlacesResult:
    places: int = 0  # places written this run (config ones and those the run's events happen at)
    new: int = 0  # places first seen in this run's events
    linked: int = 0  # events linked to a place
    unplaced: int = 0  # events whose location names no place (a name alone that matched nothing)
    problems: list[str] = field(default_factory=list)


def _stored(row: dict[str, Any]) -> Place:
    return Place(
        id=row["id"],
        name=row["name"],
        aliases=set(row["aliases"] or []),
        streets=set(row["streets"] or []),
        address=row["address"],
        postcode=row["postcode"],
        city=row["city"],
        country=row["country"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        part_of=row["part_of"],
        sources=set(row["sources"] or []),
    )


def place_row(place: Place) -> dict[str, Any]:
    region = place.fields.get("region")
    if not region and (place.country or "BE") == "BE" and place.postcode:
        region = region_of_postal_code(place.postcode)
    return {
        **place.fields,
        "id": place.id,
        "name": place.name,
        "address": place.address,
        "postcode": place.postcode,
        "city": place.city,
        "country": place.country,
        "region": region,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "part_of": place.part_of,
        "aliases": sorted(place.aliases - {place.name}),
        "streets": sorted(place.streets),
        "sources": sorted(place.sources),
    }


def event_venues(records: list[dict[str, Any]]) -> list[tuple[str, Venue]]:
    """(item id, venue) of every event record with a location, each item once (its last record wins, as in
    refine)."""
    out: dict[str, Venue] = {}
    for record in records:
        if record.get("kind") != "event" or not record.get("location") or not record.get("source"):
            continue
        native = native_id_for(record.get("native_id"), (record.get("url") or "").strip() or None)
        venue = venue_of(record)
        if native and venue:
            out[item_id(record["source"], native)] = venue
    return list(out.items())


def fill(home: Path, paths: list[Path], now: datetime) -> PlacesResult:
    """Places from config and from the events in `paths` (raw JSON Lines of this run), stored with the links."""
    config = load_places()
    result = PlacesResult(problems=list(config.problems))
    warehouse = Warehouse(home)
    configured = {p.id for p in config.places}
    places = [*config.places, *(_stored(r) for r in known_places(warehouse) if r["id"] not in configured)]
    before = {p.id for p in places}
    records, _ = read_raw(paths)  # unreadable lines are quarantined by the refine step already
    pairs = event_venues(records)
    matches = match_venues([v for _, v in pairs], places)
    links = [
        {"opportunity_id": ident, "place_id": m.place.id, "matched_by": m.how, "location": venue.text}
        for (ident, venue), m in zip(pairs, matches, strict=True)
        if m
    ]
    touched = configured | {link["place_id"] for link in links}
    rows = [place_row(p) for p in places if p.id in touched]
    save_places(warehouse, rows, links, now)
    result.places, result.linked = len(rows), len(links)
    result.new = len({p.id for p in places} - before)
    result.unplaced = len(pairs) - len(links)
    return result


@task(name="places", cache_policy=NONE)
def fill_places(home: Path, paths: list[Path], now: datetime) -> PlacesResult:
    """The step as the run calls it: a failure is one problem of the run; the items are loaded already."""
    try:
        return fill(home, paths, now)
    except Exception as exc:  # noqa: BLE001 - reported in the run summary
        return PlacesResult(problems=[f"places not filled: {type(exc).__name__}: {str(exc).splitlines()[0]}"])
