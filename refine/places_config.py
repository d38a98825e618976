"""config/places.toml (places working groups add by hand) and config/equipment.toml (the trilingual vocabulary of
equipment and services), read and checked row by row: a bad row is refused with a message naming the row and the
field, and the other rows still load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refine.places_match import Place
from vigie.core.config import load_toml
from vigie.core.errors import PlacesConfigError
from vigie.core.languages import UI_LANGS
from vigie.core.paths import CONFIG_DIR
from vigie.core.taxonomy import sector_labels

PLACE_KINDS = (
    "coworking",
    "atelier",
    "fablab",
    "rehearsal room",
    "performance venue",
    "exhibition space",
    "meeting room",
    "tiers-lieu",
    "tool library",
    "other",
)
ACCESS = ("members", "public", "booking")
PRICES = ("free", "paid")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REGION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_TEXT_FIELDS = ("address", "postcode", "city", "website", "contact", "note", "part_of")
# Every field a [[place]] block may have (also the `places` columns a working group edits through it).
CONFIG_FIELDS = ("id", "name", "kinds", "country", "region", "latitude", "longitude", "sectors", "equipment")
CONFIG_FIELDS += ("access", "price", "languages", *_TEXT_FIELDS)
_KNOWN = frozenset(CONFIG_FIELDS)


@dataclass
class Loaded:
    places: list[Place] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per refused row


def load_equipment(path: Path | None = None) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Term id -> {language: label}, and one line per refused [[term]] block."""
    path = path or CONFIG_DIR / "equipment.toml"
    terms: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for n, row in enumerate(load_toml(path, PlacesConfigError).get("term", []), start=1):
        where = f"{path.name} term {n} ({row.get('id', '?')})"
        term = row.get("id")
        if not isinstance(term, str) or not _ID.match(term):
            problems.append(f"{where}: id must be lower-case words joined by dashes")
            continue
        missing = [lang for lang in UI_LANGS if not isinstance(row.get(lang), str) or not row[lang].strip()]
        if missing:
            problems.append(f"{where}: label {missing[0]} is missing or empty")
            continue
        terms[term] = {lang: row[lang].strip() for lang in UI_LANGS}
    return terms, problems


def _strings(row: dict[str, Any], name: str, allowed: object = None) -> list[str]:
    value = row.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} must be a list of words")
    if allowed is not None:
        wrong = [v for v in value if v not in allowed]
        if wrong:
            raise ValueError(f"{name} {wrong[0]!r} is not one of: {', '.join(sorted(allowed))}")
    return value


def _coordinate(row: dict[str, Any], name: str, limit: float) -> float | None:
    value = row.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not -limit <= value <= limit:
        raise ValueError(f"{name} must be a number between -{limit:g} and {limit:g}, got {value!r}")
    return float(value)


def _place(row: dict[str, Any], equipment: dict[str, dict[str, str]]) -> Place:
    unknown = sorted(set(row) - _KNOWN)
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    if not isinstance(row.get("id"), str) or not _ID.match(row["id"]):
        raise ValueError("id must be lower-case words joined by dashes")
    if not isinstance(row.get("name"), str) or not row["name"].strip():
        raise ValueError("name is missing")
    texts = {}
    for name in _TEXT_FIELDS:
        if name in row and not isinstance(row[name], str):
            raise ValueError(f"{name} must be text")
        texts[name] = (row.get(name) or "").strip() or None
    kinds = _strings(row, "kinds", PLACE_KINDS)
    if not kinds:
        raise ValueError("kinds is missing")
    country = row.get("country")
    if country is not None and (not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country)):
        raise ValueError(f"country must be a two-letter code in capitals, got {country!r}")
    region = row.get("region")
    if region is not None and (not isinstance(region, str) or not _REGION.match(region)):
        raise ValueError(f"region must be an ISO 3166-2 code such as BE-BRU, got {region!r}")
    price = row.get("price")
    if price is not None and price not in PRICES:
        raise ValueError(f"price must be one of: {', '.join(PRICES)}")
    latitude, longitude = _coordinate(row, "latitude", 90), _coordinate(row, "longitude", 180)
    if (latitude is None) != (longitude is None):
        raise ValueError("latitude and longitude go together")
    fields = {
        "kinds": kinds,
        "region": region,
        "sectors": _strings(row, "sectors", set(sector_labels())),
        "equipment": _strings(row, "equipment", set(equipment)),
        "access": _strings(row, "access", ACCESS),
        "price": price,
        "languages": _strings(row, "languages"),
        "website": texts["website"],
        "contact": texts["contact"],
        "note": texts["note"],
    }
    return Place(
        id=row["id"],
        name=row["name"].strip(),
        address=texts["address"],
        postcode=texts["postcode"],
        city=texts["city"],
        country=country,
        latitude=latitude,
        longitude=longitude,
        part_of=texts["part_of"],
        sources={"config"},
        fields=fields,
    )


def load_places(path: Path | None = None, equipment_path: Path | None = None) -> Loaded:
    """The places of config/places.toml; each refused block is a line in `problems` naming it and the field."""
    path = path or CONFIG_DIR / "places.toml"
    equipment, problems = load_equipment(equipment_path)
    out = Loaded(problems=list(problems))
    seen: set[str] = set()
    for n, row in enumerate(load_toml(path, PlacesConfigError).get("place", []), start=1):
        where = f"{path.name} place {n} ({row.get('id') or row.get('name') or '?'})"
        try:
            place = _place(row, equipment)
        except ValueError as exc:
            out.problems.append(f"{where}: {exc}")
            continue
        if place.id in seen:
            out.problems.append(f"{where}: id {place.id!r} is used twice")
            continue
        seen.add(place.id)
        out.places.append(place)
    ids = {p.id for p in out.places}
    for place in out.places:
        if place.part_of and place.part_of not in ids:
            out.problems.append(f"{path.name} place {place.id}: part_of {place.part_of!r} is not a place id")
            place.part_of = None
    return out
