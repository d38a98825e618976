"""Open-data places (refine.places_rows) merged into the known places (config/places.toml, earlier runs): a row
seen before refreshes its own place; a row describing a known place (same coordinates, address or distinctive
name, as refine.places_match decides for event venues) fills that place's gaps and adds its source, never
overwriting what a working group wrote in config; any other row is a new place."""

from __future__ import annotations

from refine.places import Venue, read_venue
from refine.places_match import Place, find_place, index_streets, learn, name_tokens

_ADDRESS = ("address", "postcode", "city", "country")


def _venue(row: Place) -> Venue | None:
    text = ", ".join(p for p in (row.name, row.address) if p)
    venue = read_venue(
        text,
        postcode=row.postcode,
        city=row.city,
        country=row.country,
        latitude=row.latitude,
        longitude=row.longitude,
        source=next(iter(row.sources), None),
    )
    if venue is not None:  # the file names the place: its address lines are not part of the name
        venue.name, venue.tokens = row.name, name_tokens(row.name)
    return venue


def _refresh(place: Place, row: Place) -> None:
    """The row's own place, seen again: what the file says now wins, coordinates found since are kept."""
    place.name = row.name
    for name in _ADDRESS:
        setattr(place, name, getattr(row, name))
    if row.latitude is not None:
        place.latitude, place.longitude = row.latitude, row.longitude
    place.fields = {**place.fields, **row.fields}
    place.sources |= row.sources


def _fill(place: Place, row: Place) -> None:
    """Another source's place described by this row: only its gaps are filled."""
    for name in _ADDRESS:
        if getattr(place, name) is None:
            setattr(place, name, getattr(row, name))
    if place.latitude is None and row.latitude is not None:
        place.latitude, place.longitude = row.latitude, row.longitude
    for key, value in row.fields.items():
        current = place.fields.get(key)
        if current in (None, "", []) or (key == "kinds" and current == ["other"]):
            place.fields[key] = value
    place.aliases.add(row.name)
    place.sources |= row.sources


def merge_rows(rows: list[Place], places: list[Place]) -> list[str]:
    """Merge open-data rows into `places` (extended with the new ones); the ids of the places the rows touched."""
    index_streets(places)
    by_id = {place.id: place for place in places}
    touched: list[str] = []
    for row in rows:
        place = by_id.get(row.id)
        if place is not None:
            _refresh(place, row)
        else:
            venue = _venue(row)
            match = find_place(venue, places) if venue is not None and venue.has_address else None
            if match is None:
                place = row
                places.append(place)
                by_id[place.id] = place
            else:
                place = match.place
                _fill(place, row)
            if venue is not None:
                learn(place, venue)
        index_streets([place])
        touched.append(place.id)
    return list(dict.fromkeys(touched))
