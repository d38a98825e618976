"""`/places`: the map and list of shared workspaces and venues (warehouse.places), each with its kinds, equipment,
access and upcoming events; `/places/{id}` one place; `/places.geojson` the places of the current filters.
Interface language from `hl`, else Accept-Language. Leaflet is served from ./static (vendored from npm); tiles
come from OpenStreetMap in the member's browser, and the list and markers work without them."""

from __future__ import annotations

import os
import tomllib
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from feeds.wording import long_date
from refine.places_config import PLACE_KINDS, load_equipment
from service.context import Service
from service.params import accept_language, request_hl
from vigie.core.errors import FilterError, NoSnapshotError
from vigie.core.languages import UI_LANGS
from vigie.core.timezone import BRUSSELS
from warehouse.places import PLACES_PATH, PlaceFilter, parse_near, search_places, to_geojson

HERE = Path(__file__).resolve().parent
BASE = PLACES_PATH
STATIC = f"{BASE}/static"
_PARAMS = ("city", "kind", "equipment", "sector", "near", "km")
# Tiles load in the member's browser; VIGIE_TILE_URL names another tile server, and empty means no tiles at all.
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
LIST_EVENTS = 5  # upcoming events shown per place in the list; a place's own page shows them all


@cache
def words() -> dict[str, dict[str, str]]:
    with open(HERE / "strings.toml", "rb") as fh:
        return tomllib.load(fh)


@cache
def templates() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


def place_filter(request: Request) -> tuple[PlaceFilter, dict[str, str]]:
    """The filter a request's query names; FilterError (one line) for a bad value."""
    params = {k: request.query_params[k].strip() for k in _PARAMS if request.query_params.get(k, "").strip()}
    if params.get("kind") and params["kind"] not in PLACE_KINDS:
        raise FilterError(f"kind: {params['kind'][:40]!r} is not one of {', '.join(PLACE_KINDS)}")
    try:
        km = float(params["km"]) if "km" in params else None
    except ValueError:
        raise FilterError(f"km: {params['km'][:40]!r} is not a number of kilometres") from None
    near = parse_near(params["near"]) if "near" in params else None
    flt = PlaceFilter(
        params.get("city"), params.get("kind"), params.get("equipment"), params.get("sector"), near, km
    )
    return flt, params


def _when(value: datetime | None, lang: str) -> str:
    return long_date(value.astimezone(BRUSSELS), lang) if isinstance(value, datetime) else ""


def routes(service: Service) -> list[Route | Mount]:
    reader = service.reader

    def page(request: Request, one: str | None = None) -> Response:
        lang = request_hl(request) or accept_language(request)
        t = words()[lang]
        error, status, rows, params = None, 200, [], {}
        try:
            flt, params = place_filter(request)
            rows, _ = reader.run(lambda con: search_places(con, flt if one is None else PlaceFilter()))
        except FilterError as exc:
            error, status = str(exc), 400
        except NoSnapshotError:
            error, status = t["no_snapshot"], 503
        if one is not None:
            rows = [r for r in rows if r["id"] == one]
            if not rows and status == 200:
                error, status = t["not_found"], 404
        terms, _ = load_equipment()
        query = urlencode(sorted(params.items()))
        html = (
            templates()
            .get_template("places.html")
            .render(
                lang=lang,
                langs=UI_LANGS,
                t=t,
                base=BASE,
                static=STATIC,
                tiles=os.environ.get("VIGIE_TILE_URL", OSM_TILES),
                error=error,
                params=params,
                places=rows,
                detail=one is not None,
                limit=None if one is not None else LIST_EVENTS,
                geojson=to_geojson(rows),
                geojson_url=f"{BASE}.geojson" + (f"?{query}" if query else ""),
                kinds=[(k, t["kind_" + k.replace(" ", "_")]) for k in PLACE_KINDS],
                equipment=sorted(((k, v[lang]) for k, v in terms.items()), key=lambda p: p[1]),
                equipment_labels={k: v[lang] for k, v in terms.items()},
                when=lambda value: _when(value, lang),
                query_for=lambda code: urlencode([*sorted(params.items()), ("hl", code)]),
            )
        )
        return HTMLResponse(html, status_code=status)

    def listing(request: Request) -> Response:
        return page(request)

    def one_place(request: Request) -> Response:
        return page(request, request.path_params["place_id"])

    def geojson(request: Request) -> Response:
        try:
            flt, _ = place_filter(request)
            rows, _ = reader.run(lambda con: search_places(con, flt))
        except FilterError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        except NoSnapshotError as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        return JSONResponse(to_geojson(rows), media_type="application/geo+json")

    return [
        Route(BASE, listing),
        Route(f"{BASE}.geojson", geojson),
        Mount(STATIC, StaticFiles(directory=HERE / "static"), name="places-static"),
        Route(BASE + "/{place_id}", one_place),
    ]
