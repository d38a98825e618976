"""One place per real venue: events' venues matched against the known places (config/places.toml, places stored by
earlier runs) and each other, across sources and spellings.

A venue joins a place, in this order of evidence:
  1. coordinates: both have them, within MAX_METRES, and they share a name word or the street;
  2. address: the same street key (number and street in one spelling) with no postcode or city that disagrees;
     several places at one address (a building and the ateliers inside it): the one whose name it shares most,
     else the building itself;
  3. name: a venue written by its name alone ("FabLab Cottbus", "machBar im freiLand Potsdam") joins the one place
     whose distinctive name words (not rooms, floors, stop words or the city) it contains, or that contain all of
     its own; two candidates and it joins none. Names are matched in rounds, so a name learnt from one venue
     ("machBar im freiLand Potsdam") lets a shorter one ("machBar") join the same place. A known alias of two words
     or more ("Haus 5") also counts when the venue adds only room words to it ("Haus 5 - Seminarraum").
A venue with an address or coordinates that joins no place starts a new one; a name alone that joins none stays
unplaced (a street party, a room of an unnamed building: nothing to put on a map)."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from refine.places import GENERIC, Venue, name_tokens, street_key, words

MAX_METRES = 100.0


@dataclass
class Place:
    id: str
    name: str
    aliases: set[str] = field(default_factory=set)
    streets: set[str] = field(default_factory=set)  # street keys
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    part_of: str | None = None
    sources: set[str] = field(default_factory=set)
    fields: dict = field(default_factory=dict)  # what config/places.toml says (kinds, equipment, access...)

    def tokens(self) -> list[frozenset[str]]:
        return [name_tokens(a) for a in {self.name, *self.aliases} if a]


@dataclass
class Match:
    place: Place
    how: str  # "coordinates", "address", "name" or "new"


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def _same_town(venue: Venue, place: Place) -> bool:
    if venue.postcode and place.postcode and venue.postcode != place.postcode:
        return False
    mine, theirs = venue.city_key, " ".join(words(place.city)) if place.city else None
    return not (mine and theirs and mine not in theirs and theirs not in mine)


def _distinctive(tokens: frozenset[str], place: Place, venue: Venue) -> frozenset[str]:
    towns = set(words(place.city)) | set(words(venue.city))
    return frozenset(t for t in tokens if t not in GENERIC and t not in towns and not t.isdigit())


def _overlap(venue: Venue, place: Place) -> int:
    return max((len(venue.tokens & t) for t in place.tokens()), default=0)


def _by_coordinates(venue: Venue, places: list[Place]) -> Place | None:
    if venue.latitude is None or venue.longitude is None:
        return None
    near = [
        (metres(venue.latitude, venue.longitude, p.latitude, p.longitude), p)
        for p in places
        if p.latitude is not None and p.longitude is not None
    ]
    near = [
        (d, p)
        for d, p in near
        if d <= MAX_METRES and (_overlap(venue, p) or (venue.street_key and venue.street_key in p.streets))
    ]
    return min(near, key=lambda pair: pair[0])[1] if near else None


def _by_address(venue: Venue, places: list[Place]) -> Place | None:
    key = venue.street_key
    found = [p for p in places if key and key in p.streets and _same_town(venue, p)]
    if not found:
        return None
    return max(found, key=lambda p: (_overlap(venue, p), p.part_of is None))


def _by_name(venue: Venue, places: list[Place]) -> Place | None:
    found = []
    for place in places:
        if venue.street_key and place.streets and venue.street_key not in place.streets:
            continue  # another address: another venue of the same name (a chain, a move)
        if not _same_town(venue, place):
            continue
        mine = _distinctive(venue.tokens, place, venue)
        for alias in place.tokens():
            theirs = _distinctive(alias, place, venue)
            if mine and theirs and (theirs <= venue.tokens or mine <= alias):
                found.append(place)
                break
            # "Haus 5 - Seminarraum" after "Haus 5, Friedrich-Engels-Str. 22": a known alias of two words or
            # more, plus only room words
            if len(alias) >= 2 and alias <= venue.tokens and venue.tokens - alias <= GENERIC:
                found.append(place)
                break
    return found[0] if len(found) == 1 else None


def new_place_id(venue: Venue) -> str:
    basis = "|".join([" ".join(sorted(venue.tokens)), venue.street_key or "", venue.postcode or ""])
    return "p-" + hashlib.sha1(basis.encode()).hexdigest()[:12]


def _new_place(venue: Venue) -> Place:
    return Place(
        id=new_place_id(venue),
        name=venue.name or venue.street or venue.text,
        address=venue.street,
        postcode=venue.postcode,
        city=venue.city,
        country=venue.country,
        latitude=venue.latitude,
        longitude=venue.longitude,
    )


def learn(place: Place, venue: Venue) -> None:
    if venue.name:
        place.aliases.add(venue.name)
    if venue.street_key:
        place.streets.add(venue.street_key)
        place.address = place.address or venue.street
    place.postcode = place.postcode or venue.postcode
    place.city = place.city or venue.city
    place.country = place.country or venue.country
    if place.latitude is None and venue.latitude is not None:
        place.latitude, place.longitude = venue.latitude, venue.longitude
    if venue.source:
        place.sources.add(venue.source)


def find_place(venue: Venue, places: list[Place]) -> Match | None:
    """The known place a venue with an address or coordinates joins (coordinates, then address, then name)."""
    for how, finder in (("coordinates", _by_coordinates), ("address", _by_address), ("name", _by_name)):
        place = finder(venue, places)
        if place:
            return Match(place, how)
    return None


def index_streets(places: list[Place]) -> None:
    """Each place's own address among its street keys (what address matching compares)."""
    for place in places:
        place.streets |= {street_key(place.address)} if place.address else set()


def match_venues(venues: list[Venue], places: list[Place]) -> list[Match | None]:
    """Each venue's place (in the venues' order), `places` extended with the new ones. Venues with an address
    go first, so that names alone meet every address-backed place before they are tried."""
    index_streets(places)
    out: list[Match | None] = [None] * len(venues)
    order = sorted(range(len(venues)), key=lambda i: not venues[i].has_address)
    for i in order:
        venue = venues[i]
        if not venue.has_address:
            continue
        out[i] = find_place(venue, places)
        if out[i] is None:
            place = _new_place(venue)
            places.append(place)
            out[i] = Match(place, "new")
        learn(out[i].place, venue)
    pending = [i for i in order if out[i] is None]
    while pending:  # names alone, in rounds: each round may teach a name the next one needs
        found = {i: _by_name(venues[i], places) for i in pending}
        for i, place in found.items():
            if place:
                out[i] = Match(place, "name")
                learn(place, venues[i])
        if not any(found.values()):
            break
        pending = [i for i in pending if out[i] is None]
    return out
