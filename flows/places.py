"""The places step of a run: config/places.toml, the rows of open-data places files (the `places` family, merged by
refine.places_merge) and the venues of the run's events, matched against the places stored by earlier runs
(refine.places_match), written with each event's link to its place. Refused rows of places.toml are problems of
the run (named, the other rows load); refused open-data rows are quarantined by the run (`check_places`), like
refused items. When the geocoder is on (config/places.toml [geocoder]), places with an address and no
coordinates get them (spiders.geocoder). Nothing is printed."""

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
from refine.places_merge import merge_rows
from refine.places_rows import check_rows
from refine.regions import region_of_postal_code
from spiders import geocoder
from vigie.core.errors import VigieError
from warehouse.places import known_places, save_places
from warehouse.store import Warehouse


@dataclass
class PlacesResult:
    places: int = 0  # places written this run (config ones and those the run's events happen at)
    new: int = 0  # places first seen in this run's events
    linked: int = 0  # events linked to a place
    unplaced: int = 0  # events whose location names no place (a name alone that matched nothing)
    rows: int = 0  # rows of open-data places files stored
    refused: list[str] = field(default_factory=list)  # why each refused open-data row was refused
    geocoded: int = 0  # places given coordinates by the geocoder this run
    problems: list[str] = field(default_factory=list)


# What a stored place carries besides its name, address and coordinates (written back unchanged when touched).
_FIELDS = (
    "kinds",
    "region",
    "sectors",
    "equipment",
    "access",
    "price",
    "languages",
    "website",
    "contact",
    "note",
)


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
        fields={k: row.get(k) for k in _FIELDS},
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
    """Places from config, from the open-data rows and the events in `paths` (raw JSON Lines of this run), stored
    with the events' links."""
    config = load_places()
    result = PlacesResult(problems=list(config.problems))
    warehouse = Warehouse(home)
    configured = {p.id for p in config.places}
    places = [*config.places, *(_stored(r) for r in known_places(warehouse) if r["id"] not in configured)]
    before = {p.id for p in places}
    records, _ = read_raw(paths)  # unreadable lines are quarantined by the refine step already
    rows = check_rows(records)  # refused rows: quarantined by the run (check_places)
    opened = set(merge_rows(rows.places, places))
    result.rows, result.refused = len(rows.places), [r["reason"] for r in rows.refused]
    pairs = event_venues(records)
    matches = match_venues([v for _, v in pairs], places)
    links = [
        {"opportunity_id": ident, "place_id": m.place.id, "matched_by": m.how, "location": venue.text}
        for (ident, venue), m in zip(pairs, matches, strict=True)
        if m
    ]
    touched = configured | opened | {link["place_id"] for link in links}
    result.geocoded, problems = geocode_places(home, [p for p in places if p.id in touched])
    result.problems += problems
    written = [place_row(p) for p in places if p.id in touched]
    save_places(warehouse, written, links, now)
    result.places, result.linked = len(written), len(links)
    result.new = len({p.id for p in places} - before)
    result.unplaced = len(pairs) - len(links)
    return result


def geocode_places(home: Path, places: list[Place]) -> tuple[int, list[str]]:
    """Coordinates for places with an address and none, when config/places.toml turns the geocoder on."""
    try:
        service = geocoder.from_config(home)
    except VigieError as exc:  # a wrong [geocoder] table: the places still load, without new coordinates
        return 0, [str(exc)]
    return geocoder.geocode(service, places) if service is not None else (0, [])


def check_places(paths: list[Path]) -> tuple[int, list[dict[str, Any]]]:
    """A places source's rows of this run, checked as the run's refine step would: how many are places, and the
    refused ones as quarantine rows (each with its row and field)."""
    checked = check_rows(read_raw(paths)[0])
    return len(checked.places), checked.refused


@task(name="places", cache_policy=NONE)
def fill_places(home: Path, paths: list[Path], now: datetime) -> PlacesResult:
    """The step as the run calls it: a failure is one problem of the run; the items are loaded already."""
    try:
        return fill(home, paths, now)
    except Exception as exc:  # noqa: BLE001 - reported in the run summary
        return PlacesResult(problems=[f"places not filled: {type(exc).__name__}: {str(exc).splitlines()[0]}"])
