"""`vigie places`: the inventory of shared workspaces and venues, searched and exported from the published
snapshot (table, csv, json or geojson)."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any

import typer

from vigie.cli.app import app, fail
from vigie.core.errors import VigieError

FORMATS = ("table", "csv", "json", "geojson")
_COLUMNS = ("id", "name", "kinds", "city", "country", "equipment", "access", "upcoming", "km")


@app.command()
def places(
    city: Annotated[
        str | None, typer.Option("--city", help="Part of the city's name (accents ignored).")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="coworking, atelier, fablab, ... (config/places.toml).")
    ] = None,
    equipment: Annotated[
        str | None, typer.Option("--equipment", help="An id of config/equipment.toml (shared-printer...).")
    ] = None,
    sector: Annotated[str | None, typer.Option("--sector", help="An id of config/sectors.toml.")] = None,
    near: Annotated[
        str | None, typer.Option("--near", help="LAT,LON: only places within --km of it.")
    ] = None,
    km: Annotated[float, typer.Option("--km", help="Radius around --near, in kilometres.")] = 25.0,
    format: Annotated[str, typer.Option("--format", help="table, csv, json or geojson.")] = "table",  # noqa: A002
) -> None:
    """List the places (config/places.toml and the venues of collected events) with their upcoming events.

    Places without coordinates are listed (never dropped); with --near only places with coordinates qualify."""
    from refine.places_config import PLACE_KINDS
    from warehouse.places import PlaceFilter, parse_near, search_places, to_geojson
    from warehouse.snapshot import connect

    if format not in FORMATS:
        fail(f"--format {format!r}: expected one of {', '.join(FORMATS)}")
    if kind and kind not in PLACE_KINDS:
        fail(f"--kind {kind!r}: expected one of {', '.join(PLACE_KINDS)}")
    try:
        where = PlaceFilter(city, kind, equipment, sector, parse_near(near) if near else None, km)
        con = connect()
        try:
            rows = search_places(con, where)
        finally:
            con.close()
    except VigieError as exc:
        fail(str(exc))
    collection = to_geojson(rows)
    if format == "geojson":
        typer.echo(json.dumps(collection, ensure_ascii=False, indent=1))
    elif format == "json":  # the same values as GeoJSON properties, with the coordinates as two fields
        plain = [f["properties"] | _where(r) for f, r in zip(collection["features"], rows, strict=True)]
        typer.echo(json.dumps(plain, ensure_ascii=False, indent=1))
    elif format == "csv":
        typer.echo(_csv(rows), nl=False)
    else:
        typer.echo(_table(rows))


def _where(row: dict[str, Any]) -> dict[str, Any]:
    return {"latitude": row.get("latitude"), "longitude": row.get("longitude")}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _csv(rows: list[dict[str, Any]]) -> str:
    columns = [c for c in (rows[0] if rows else {}) if c != "upcoming_events"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return out.getvalue()


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [[_cell(r.get(c)) for c in _COLUMNS] for r in rows]
    widths = [min(40, max([len(c)] + [len(row[i]) for row in cells])) for i, c in enumerate(_COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(_COLUMNS, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v[:w].ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + f"\n({len(rows)} places)"
