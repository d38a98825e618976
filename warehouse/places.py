"""The places inventory in the warehouse: the stored places matching starts from, and one run's places and
event -> place links written in one transaction (SQL in warehouse/sql/{read,write}/places/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

import duckdb
import pyarrow as pa

from refine.places_config import CONFIG_FIELDS
from vigie.core.errors import FilterError, NoSnapshotError
from warehouse.connection import first_line, run_sql_file, sql_text
from warehouse.store import Warehouse, registered

_LISTS = ("kinds", "sectors", "equipment", "access", "languages", "aliases", "streets", "sources")
_FLOATS = ("latitude", "longitude")
# The configured fields, then what matching learns (spellings, street keys, the sources that saw the place).
PLACE_COLUMNS = (*CONFIG_FIELDS, "aliases", "streets", "sources")
LINK_COLUMNS = ("opportunity_id", "place_id", "matched_by", "location")
PLACES_PATH = "/places"  # where `vigie serve` shows places (service.places)


def place_url(place_id: str, lang: str | None = None, base: str = "") -> str:
    """A place's page, for the map, cards, feeds and newsletters that name an event's place: the path alone, or
    absolute under `base` (a feed or an e-mail is read away from the site)."""
    query = f"?{urlencode({'hl': lang})}" if lang else ""
    return f"{base.rstrip('/')}{PLACES_PATH}/{quote(place_id, safe='')}{query}"


def _column(name: str, values: list[Any]) -> pa.Array:
    if name in _LISTS:
        return pa.array([sorted(v or []) for v in values], type=pa.list_(pa.string()))
    if name in _FLOATS:
        return pa.array(values, type=pa.float64())
    return pa.array(values, type=pa.string())


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pa.Table:
    return pa.table({c: _column(c, [r.get(c) for r in rows]) for c in columns})


def known_places(warehouse: Warehouse) -> list[dict[str, Any]]:
    """Every stored place (id, names, street keys, address, coordinates, sources)."""
    with warehouse.session() as con:
        cursor = con.execute(sql_text("read/places/known.sql"))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def save_places(
    warehouse: Warehouse, places: list[dict[str, Any]], links: list[dict[str, Any]], now: datetime
) -> None:
    """Upsert the run's places and event links together: both commit, or neither."""
    with warehouse.session() as con:
        _write(con, places, links, now)


def _write(con: duckdb.DuckDBPyConnection, places: list[dict], links: list[dict], now: datetime) -> None:
    with registered(con, "run_places", _table(places, PLACE_COLUMNS)):
        # Links first: the clean-up of removed config places keeps those events still point to.
        with registered(con, "run_links", _table(links, LINK_COLUMNS)):
            run_sql_file(con, "write/places/links.sql", {"now": now})
        run_sql_file(con, "write/places/upsert.sql", {"now": now})


@dataclass(frozen=True)
class PlaceFilter:
    """What `vigie places` and the /places page filter on; None filters nothing."""

    city: str | None = None
    kind: str | None = None
    equipment: str | None = None
    sector: str | None = None
    near: tuple[float, float] | None = None
    km: float | None = None

    def params(self) -> dict[str, Any]:
        lat, lon = self.near or (None, None)
        return {
            "city": self.city or None,
            "kind": self.kind or None,
            "equipment": self.equipment or None,
            "sector": self.sector or None,
            "lat": lat,
            "lon": lon,
            "km": self.km if self.km is not None else 25.0,
        }


def parse_near(text: str) -> tuple[float, float]:
    """ "50.83,4.34" -> (50.83, 4.34); a FilterError naming the value otherwise."""
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise FilterError(f"--near {text!r}: expected LAT,LON in decimal degrees (50.83,4.34)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FilterError(f"--near {text!r}: latitude or longitude out of range")
    return lat, lon


def search_places(con: duckdb.DuckDBPyConnection, where: PlaceFilter) -> list[dict[str, Any]]:
    """The places matching `where`, nearest first when a point is given, then by upcoming events."""
    try:
        cursor = con.execute(sql_text("read/places/search.sql"), where.params())
    except duckdb.CatalogException as exc:
        raise NoSnapshotError(
            f"the published warehouse has no places yet ({first_line(exc)}): run `vigie run`"
        ) from None
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def to_geojson(places: list[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946: [longitude, latitude]); a place without coordinates is a Feature
    whose geometry is null, so the list stays whole."""
    features = []
    for place in places:
        point = None
        if place.get("latitude") is not None and place.get("longitude") is not None:
            point = {"type": "Point", "coordinates": [place["longitude"], place["latitude"]]}
        props = {
            k: _plain(v) for k, v in place.items() if k not in ("latitude", "longitude", "upcoming_events")
        }
        props["upcoming_events"] = [
            {k: _plain(v) for k, v in event.items()} for event in place.get("upcoming_events") or []
        ]
        features.append({"type": "Feature", "id": place["id"], "geometry": point, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
