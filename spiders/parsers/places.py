"""Open-data files of places (the `places` family): GeoJSON FeatureCollections and CSV tables that open-data portals
and mapping projects publish (coworkings, fablabs, tiers-lieux, cultural venues), one raw record per row.

Formats know nothing of Vigie's fields, so the registry maps them (`columns`, field -> column or property name):

    [[source]]
    name = "uk-makerspaces"
    family = "places"
    url = "https://…/ukmakerspacesidentifiabledata.csv"
    country = "GB"                     # the places' country when no column gives it
    format = "csv"                     # csv or geojson (default: from the file itself)
    encoding = "mac_roman"             # when the file is not UTF-8
    kinds = ["fablab"]                 # kinds every row has
    [source.columns]
    name = "Name of makerspace"
    address = "Address"                # a list joins several columns: ["addr:housenumber", "addr:street"]
    postcode = "Postcode"
    [source.values.kinds]              # a column's values -> Vigie's vocabulary (kinds, equipment, access…)
    cinema = "performance venue"

Fields: id, name, address, postcode, city, country, region, latitude, longitude, kinds, equipment, access, price,
website, contact, languages, sectors. A GeoJSON Point gives the coordinates unless columns name them. The parser
only reads: each record carries the values as the row wrote them (`place.values`) and its row number, and
refine.places_rows checks them (a bad row is refused with its row and field, the other rows load)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.text import fold, squash

FAMILY = "places"
FORMATS = ("csv", "geojson")
FIELDS = (
    "id",
    "name",
    "address",
    "postcode",
    "city",
    "country",
    "region",
    "latitude",
    "longitude",
    "kinds",
    "equipment",
    "access",
    "price",
    "website",
    "contact",
    "languages",
    "sectors",
)
LIST_FIELDS = ("kinds", "equipment", "access", "languages", "sectors")
# Default property names when the registry names none: OpenStreetMap exports (overpass-turbo) and the common
# English spellings. A registry mapping replaces a field's default.
DEFAULT_COLUMNS: dict[str, Any] = {
    "id": "@id",
    "name": "name",
    "address": ["addr:housenumber", "addr:street"],
    "postcode": "addr:postcode",
    "city": "addr:city",
    "country": "addr:country",
    "website": "website",
    "contact": "email",
}
_SPLIT = re.compile(r"\s*[,;|]\s*")


def sniff(head: bytes, filename: str) -> bool:
    return False  # never detected: a file of places needs the registry's column mapping


def _text(body: bytes, encoding: str | None, what: str) -> str:
    """The file as text: UTF-8 (with or without a BOM) unless the registry names the encoding."""
    try:
        return body.decode(encoding or "utf-8-sig")
    except LookupError:
        raise ParseError(f"{what}: unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"{what}: not valid {encoding or 'UTF-8'} text at byte {exc.start}; "
            'name the file\'s encoding in the registry (encoding = "cp1252", "mac_roman"…)'
        ) from None


def _rows_geojson(text: str, what: str) -> Iterator[tuple[int, dict[str, Any], tuple | None]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ParseError(f"{what}: not valid JSON ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ParseError(f"{what}: not a GeoJSON FeatureCollection")
    for n, feature in enumerate(data.get("features") or [], start=1):
        if not isinstance(feature, dict):
            yield n, {}, None
            continue
        props = dict(feature.get("properties") or {})
        if feature.get("id") is not None:
            props.setdefault("@id", feature["id"])
        geometry = feature.get("geometry") or {}
        point = None
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coords = geometry.get("coordinates")
            point = tuple(coords[:2]) if isinstance(coords, list) and len(coords) >= 2 else ("?", "?")
        yield n, props, point


def _rows_csv(text: str, delimiter: str | None, what: str) -> Iterator[tuple[int, dict[str, Any], None]]:
    # Old Mac exports end lines with a bare carriage return: universal newlines read them as lines.
    stream = io.StringIO(text, newline=None)
    if not delimiter:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.DictReader(stream, delimiter=delimiter)
    if not reader.fieldnames:
        raise ParseError(f"{what}: empty CSV file")
    try:
        for n, row in enumerate(reader, start=2):  # row 1 is the header: numbers as a spreadsheet shows them
            yield n, {k: v for k, v in row.items() if k is not None}, None
    except csv.Error as exc:
        raise ParseError(f"{what}: CSV cannot be read ({exc})") from None


def _value(props: Mapping[str, Any], column: Any) -> Any:
    """A column's value; several columns are joined by spaces (house number and street)."""
    if isinstance(column, list):
        parts = [_value(props, c) for c in column]
        return " ".join(str(p) for p in parts if p not in (None, "")) or None
    value = props.get(column) if isinstance(column, str) else None
    if isinstance(value, str):
        # One line per address part in spreadsheets: joined as an address is written on one line.
        value = squash(", ".join(p.strip(" ,") for p in re.split(r"[\r\n]+", value) if p.strip(" ,"))) or None
    return value


def _mapped(field: str, value: Any, values: Mapping[str, Any]) -> Any:
    """List fields split and mapped through the registry's `values` table (compared folded, case aside)."""
    if field not in LIST_FIELDS:
        return value
    items = value if isinstance(value, list) else _SPLIT.split(str(value)) if value not in (None, "") else []
    table = {fold(str(k)).lower(): v for k, v in (values.get(field) or {}).items()}
    out: list[str] = []
    for item in items:
        target = table.get(fold(str(item)).strip().lower(), item)
        out += target if isinstance(target, list) else [str(target)]
    return [v for v in dict.fromkeys(s.strip() for s in out) if v]


def _options(options: Mapping[str, Any], what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    columns = options.get("columns") or {}
    values = options.get("values") or {}
    if not isinstance(columns, dict) or not isinstance(values, dict):
        raise ParseError(f"{what}: `columns` and `values` must be tables")
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise ParseError(f"{what}: columns names unknown field {unknown[0]!r} (fields: {', '.join(FIELDS)})")
    return {**DEFAULT_COLUMNS, **columns}, values


def _native_id(values: dict[str, Any], n: int) -> str:
    if values.get("id") not in (None, ""):
        return str(values["id"])
    # No identifier column: the name and postcode, so that a reordered file keeps its ids.
    basis = f"{fold(str(values.get('name') or '')).lower()}|{values.get('postcode') or ''}"
    return "row-" + (hashlib.sha1(basis.encode()).hexdigest()[:12] if values.get("name") else str(n))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", ".")) if value not in (None, "") else None
    except ValueError:
        return None


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or source
    columns, table = _options(options, what)
    text = _text(body, options.get("encoding"), what)
    fmt = options.get("format") or ("geojson" if text.lstrip()[:1] == "{" else "csv")
    if fmt not in FORMATS:
        raise ParseError(f"{what}: format {fmt!r} is not one of {', '.join(FORMATS)}")
    rows = _rows_geojson(text, what) if fmt == "geojson" else _rows_csv(text, options.get("delimiter"), what)
    defaults = {"kinds": list(options.get("kinds") or [])}
    for n, props, point in rows:
        values = {f: _mapped(f, _value(props, columns[f]), table) for f in FIELDS if f in columns}
        if point is not None:
            values.setdefault("longitude", point[0])
            values.setdefault("latitude", point[1])
            values["longitude"] = point[0] if values["longitude"] in (None, "") else values["longitude"]
            values["latitude"] = point[1] if values["latitude"] in (None, "") else values["latitude"]
        values["kinds"] = list(dict.fromkeys([*defaults["kinds"], *(values.get("kinds") or [])]))
        if not any(v not in (None, "", []) for k, v in values.items() if k != "kinds"):
            continue  # a row with nothing in it (a spreadsheet's trailing empty line) is no place
        yield new_raw(
            source,
            FAMILY,
            native_id=_native_id(values, n),
            title=values.get("name") if isinstance(values.get("name"), str) else None,
            url=values.get("website") if isinstance(values.get("website"), str) else None,
            location=values.get("address") if isinstance(values.get("address"), str) else None,
            postal_code=str(values["postcode"]) if values.get("postcode") not in (None, "") else None,
            city=values.get("city") if isinstance(values.get("city"), str) else None,
            latitude=_number(values.get("latitude")),
            longitude=_number(values.get("longitude")),
            place={"row": n, "format": fmt, "values": values},
        )
